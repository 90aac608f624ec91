/* Synthetic vote matrices: determinism, versions, options and the LF truth file. */
#include <math.h>
#include <omp.h>

#include "test_util.h"

/* FNV-1a over the truth and the CSR arrays: equal hashes mean equal draws. */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *c = data;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t synth_hash(const chorus_synth_options *o)
{
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, o));
    int64_t n = chorus_votes_n_items(v), nnz = chorus_votes_nnz(v);
    uint64_t h = 1469598103934665603ULL;
    h = fnv(h, gold, (size_t)n * sizeof *gold);
    h = fnv(h, chorus_votes_row_ptr(v), (size_t)(n + 1) * sizeof(int64_t));
    h = fnv(h, chorus_votes_lf_index(v), (size_t)nnz * sizeof(int32_t));
    h = fnv(h, chorus_votes_labels(v), (size_t)nnz * sizeof(int32_t));
    chorus_votes_free(v);
    chorus_free(gold);
    return h;
}

/* synth_hash of `o` passed as an older version's struct: version `version`, on the heap at
 * that version's `size` bytes, so nothing past its fields can be read. */
static uint64_t synth_hash_as_version(const chorus_synth_options *o, unsigned version, size_t size)
{
    chorus_synth_options old = *o;
    old.version = version;
    unsigned char *copy = malloc(size);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, &old, size);
    const uint64_t h = synth_hash((const chorus_synth_options *)(void *)copy);
    free(copy);
    return h;
}

/* Every regime at once, so determinism is checked for all of them. */
static chorus_synth_options every_regime(void)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 5000;
    o.n_lfs = 30;
    o.n_classes = 4;
    o.seed = 42;
    o.one_class_share = 0.5;
    o.class_accuracy = 1;
    o.imbalance = 5;
    o.copy_groups = 2;
    o.copy_group_size = 3;
    o.correlated_groups = 2;
    o.correlated_group_size = 4;
    o.correlation = 0.5;
    o.adversarial_share = 0.2;
    o.coverage_min = 0.01;
    o.salience = 0.3;
    return o;
}

START_TEST(test_same_output_for_any_thread_count)
{
    chorus_synth_options plain = CHORUS_SYNTH_OPTIONS_INIT;
    plain.n_items = 5000;
    plain.seed = 42;
    chorus_synth_options all = every_regime();
    const chorus_synth_options *cases[] = {&plain, &all};
    for (int c = 0; c < 2; c++) {
        omp_set_num_threads(1);
        uint64_t one = synth_hash(cases[c]);
        omp_set_num_threads(3);
        ck_assert_uint_eq(synth_hash(cases[c]), one);
    }
}
END_TEST

START_TEST(test_seed_decides_the_draw)
{
    chorus_synth_options o = every_regime();
    uint64_t first = synth_hash(&o);
    ck_assert_uint_eq(synth_hash(&o), first);
    o.seed = 43;
    ck_assert_uint_ne(synth_hash(&o), first);
}
END_TEST

/*
 * Version 1's options draw what they drew before version 2: the hashes were taken from the
 * generator as it was then (defaults; K = 4 with a first-class share and sparse coverage;
 * 5 copy groups of 4).
 */
START_TEST(test_version_1_draws_unchanged)
{
    chorus_synth_options a = CHORUS_SYNTH_OPTIONS_INIT;
    a.n_items = 3000;
    ck_assert_uint_eq(synth_hash(&a), 0x0a8ea9eb0306e634ULL);
    chorus_synth_options b = CHORUS_SYNTH_OPTIONS_INIT;
    b.n_items = 3000;
    b.n_lfs = 20;
    b.n_classes = 4;
    b.first_class_share = 0.4;
    b.accuracy_min = 0.3;
    b.accuracy_max = 0.8;
    b.coverage_min = 0.005;
    b.coverage_max = 0.05;
    b.seed = 9;
    ck_assert_uint_eq(synth_hash(&b), 0x62dd2a40fe49fc4fULL);
    chorus_synth_options c = CHORUS_SYNTH_OPTIONS_INIT;
    c.n_items = 3000;
    c.n_lfs = 30;
    c.copy_groups = 5;
    c.copy_group_size = 4;
    c.seed = 3;
    ck_assert_uint_eq(synth_hash(&c), 0xb3c1c4d35e9fdbb5ULL);
    /* An imbalance of 1 is no imbalance: drawn as balanced classes always were. */
    a.imbalance = 1;
    ck_assert_uint_eq(synth_hash(&a), 0x0a8ea9eb0306e634ULL);
}
END_TEST

/* The struct as version 1 callers were compiled with. */
typedef struct synth_options_v1 {
    unsigned version;
    int64_t n_items;
    int32_t n_lfs;
    int32_t n_classes;
    double accuracy_min, accuracy_max;
    double coverage_min, coverage_max;
    double first_class_share;
    uint64_t seed;
    int32_t copy_groups;
    int32_t copy_group_size;
} synth_options_v1;

START_TEST(test_version_1_struct_accepted)
{
    /* On the heap at its own size, so the sanitizer catches a read past its end. */
    synth_options_v1 *v1 = malloc(sizeof *v1);
    ck_assert_ptr_nonnull(v1);
    *v1 = (synth_options_v1){1, 3000, 50, 2, 0.6, 0.9, 0.1, 0.3, 0.0, 1, 0, 0};
    const chorus_synth_options *o = (const chorus_synth_options *)v1;
    ck_assert_ok(chorus_synth_options_check(o));
    ck_assert_uint_eq(synth_hash(o), 0x0a8ea9eb0306e634ULL);
    chorus_synth_lf *truth;
    ck_assert_ok(chorus_synth_lf_truth(&truth, o));
    ck_assert_int_eq(truth[0].kind, CHORUS_SYNTH_MULTI_CLASS);
    chorus_free(truth);
    v1->n_classes = 1;
    ck_assert_error(chorus_synth_options_check(o), CHORUS_EINVAL, "number of classes");
    v1->version = CHORUS_SYNTH_OPTIONS_VERSION + 1;
    ck_assert_error(chorus_synth_options_check(o), CHORUS_EINVAL, "version 6");
    free(v1);
}
END_TEST

/* What a progress callback saw. */
typedef struct progress_calls {
    int64_t done[16];
    int n;
} progress_calls;

static void record_progress(int64_t done, int64_t total, void *ctx)
{
    progress_calls *c = ctx;
    ck_assert_int_eq(total, 200003);
    ck_assert_int_lt(c->n, 16);
    c->done[c->n++] = done;
}

START_TEST(test_progress_changes_no_draw)
{
    chorus_synth_options o = every_regime();
    o.n_items = 200003; /* four blocks of at most 65536 items, two passes */
    o.salience = 0;     /* compared below with a version 2 struct, which has none */
    const uint64_t quiet = synth_hash(&o);
    progress_calls calls = {{0}, 0};
    o.progress = record_progress;
    o.progress_ctx = &calls;
    ck_assert_uint_eq(synth_hash(&o), quiet);
    ck_assert_int_eq(calls.n, 8);
    for (int i = 1; i < calls.n; i++)
        ck_assert_int_le(calls.done[i - 1], calls.done[i]);
    ck_assert_int_eq(calls.done[3], 200003 / 2); /* the first pass is half the work */
    ck_assert_int_eq(calls.done[7], 200003);
    /* A version 2 struct (on the heap at its own size) has no progress fields to read. */
    calls.n = 0;
    ck_assert_uint_eq(synth_hash_as_version(&o, 2, offsetof(chorus_synth_options, progress)),
                      quiet);
    ck_assert_int_eq(calls.n, 0);
}
END_TEST

/*
 * Narrow rules precise: each LF's accuracy is the top of the range at the lowest coverage,
 * falling linearly to the bottom at the highest, from the same coverage draws; without
 * the flag (and in a version 3 struct, which has no such field) the draws are unchanged.
 */
START_TEST(test_narrow_precise_ties_accuracy_to_coverage)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 3000;
    o.n_lfs = 12;
    o.accuracy_min = 0.6;
    o.accuracy_max = 0.9;
    o.coverage_min = 0.1;
    o.coverage_max = 0.3;
    const uint64_t plain = synth_hash(&o);
    chorus_synth_lf *before, *after;
    ck_assert_ok(chorus_synth_lf_truth(&before, &o));
    o.narrow_precise = 1;
    ck_assert_ok(chorus_synth_lf_truth(&after, &o));
    for (int32_t j = 0; j < o.n_lfs; j++) {
        ck_assert_double_eq(after[j].coverage, before[j].coverage);
        const double t = (after[j].coverage - 0.1) / (0.3 - 0.1);
        ck_assert_double_eq_tol(after[j].accuracy, 0.9 - 0.3 * t, 1e-12);
    }
    ck_assert_uint_ne(synth_hash(&o), plain);
    chorus_free(before);
    chorus_free(after);
    /* A version 3 struct ends before the field: it reads the same as the flag off. */
    ck_assert_uint_eq(synth_hash_as_version(&o, 3, offsetof(chorus_synth_options, narrow_precise)),
                      plain);
    o.narrow_precise = 2;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "narrow_precise");
}
END_TEST

/* The correlation of LFs a's and b's firing (1 if it voted, else 0) over the items of
 * class y. */
static double pair_correlation(const chorus_votes *v, const int32_t *gold, int32_t y, int32_t a,
                               int32_t b)
{
    double n = 0, sa = 0, sb = 0, sab = 0;
    for (int64_t i = 0; i < chorus_votes_n_items(v); i++) {
        if (gold[i] != y) continue;
        int fa = 0, fb = 0;
        for (int64_t e = chorus_votes_row_ptr(v)[i]; e < chorus_votes_row_ptr(v)[i + 1]; e++) {
            fa |= chorus_votes_lf_index(v)[e] == a;
            fb |= chorus_votes_lf_index(v)[e] == b;
        }
        n++;
        sa += fa;
        sb += fb;
        sab += fa && fb;
    }
    const double ma = sa / n, mb = sb / n;
    return (sab / n - ma * mb) / sqrt(ma * (1 - ma) * mb * (1 - mb));
}

/*
 * Salience: every LF keeps its firing rate on every class (the truth file's, within four
 * standard errors), the LFs fire together given the class (correlation clearly above 0,
 * where without it they are independent), more items go without a vote, and without it
 * (and in a version 4 struct, which has no such field) the draws are unchanged.
 */
START_TEST(test_salience_keeps_rates_and_correlates_firing)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 40000;
    o.n_lfs = 6;
    o.one_class_share = 1;
    o.coverage_min = 0.1;
    o.coverage_max = 0.3;
    o.seed = 3;
    const uint64_t plain = synth_hash(&o);
    chorus_synth_lf *truth;
    ck_assert_ok(chorus_synth_lf_truth(&truth, &o));
    int64_t uncovered[2] = {0, 0};
    for (int with = 0; with < 2; with++) {
        o.salience = with ? 0.6 : 0;
        chorus_votes *v;
        int32_t *gold;
        ck_assert_ok(chorus_synth(&v, &gold, &o));
        int64_t n_class[2] = {0, 0}, fired[6][2] = {{0}};
        for (int64_t i = 0; i < o.n_items; i++) {
            n_class[gold[i]]++;
            const int64_t begin = chorus_votes_row_ptr(v)[i], end = chorus_votes_row_ptr(v)[i + 1];
            uncovered[with] += begin == end;
            for (int64_t e = begin; e < end; e++)
                fired[chorus_votes_lf_index(v)[e]][gold[i]]++;
        }
        for (int32_t j = 0; j < o.n_lfs; j++)
            for (int32_t y = 0; y < 2; y++) {
                const double p = truth[j].class_coverage[y];
                const double se = sqrt(p * (1 - p) / (double)n_class[y]);
                ck_assert_double_eq_tol((double)fired[j][y] / (double)n_class[y], p, 4 * se);
            }
        for (int32_t y = 0; y < 2; y++) {
            const double r = pair_correlation(v, gold, y, 0, 1);
            if (with)
                ck_assert_double_gt(r, 0.1);
            else
                ck_assert_double_lt(fabs(r), 0.03);
        }
        chorus_votes_free(v);
        chorus_free(gold);
    }
    ck_assert_int_gt(uncovered[1], uncovered[0] * 3 / 2);
    /* Drawn for the same truth: the truth file does not depend on it. */
    chorus_synth_lf *salient;
    ck_assert_ok(chorus_synth_lf_truth(&salient, &o));
    for (int32_t j = 0; j < o.n_lfs; j++)
        ck_assert_double_eq(salient[j].coverage, truth[j].coverage);
    chorus_free(salient);
    chorus_free(truth);
    ck_assert_uint_ne(synth_hash(&o), plain);
    ck_assert_uint_eq(synth_hash_as_version(&o, 4, offsetof(chorus_synth_options, salience)),
                      plain);
    o.salience = 1;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "salience");
    o.salience = -0.1;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "salience");
}
END_TEST

START_TEST(test_copies_vote_with_their_source)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 2000;
    o.n_lfs = 10;
    o.copy_groups = 2;
    o.copy_group_size = 3;
    for (int one_class = 0; one_class < 2; one_class++) {
        o.one_class_share = one_class;
        chorus_votes *v;
        int32_t *gold;
        ck_assert_ok(chorus_synth(&v, &gold, &o));
        int64_t differ = 0, source_votes = 0;
        for (int64_t i = 0; i < o.n_items; i++)
            for (int32_t g = 0; g < 2; g++) {
                int32_t source = chorus_votes_get(v, i, g * 3);
                source_votes += source >= 0;
                for (int32_t c = 1; c < 3; c++)
                    differ += chorus_votes_get(v, i, g * 3 + c) != source;
            }
        ck_assert_int_eq(differ, 0);
        ck_assert_int_gt(source_votes, 0);
        chorus_votes_free(v);
        chorus_free(gold);
    }
    o.copy_group_size = 6;
    chorus_votes *v;
    int32_t *gold;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "copy groups");
}
END_TEST

/* Each bad option is refused with a message naming it. */
START_TEST(test_options_checked)
{
    chorus_votes *v;
    int32_t *gold;
    chorus_synth_lf *truth;
    const chorus_synth_options init = CHORUS_SYNTH_OPTIONS_INIT;
    chorus_synth_options o = init;
    o.accuracy_min = 0.9;
    o.accuracy_max = 0.5;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "accuracy range");
    ck_assert_error(chorus_synth_lf_truth(&truth, &o), CHORUS_EINVAL, "accuracy range");
    o = init;
    o.n_classes = 1;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "number of classes");
    o = init;
    o.first_class_share = 1;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "first class");
    o = init;
    o.coverage_max = 1.5;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "coverage range");
    o = init;
    o.one_class_share = 1.2;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "one-class LFs must be in");
    o = init;
    o.imbalance = 0.5;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "imbalance");
    o.imbalance = 2;
    o.first_class_share = 0.3;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "at most one");
    o = init;
    const double bad_sum[] = {0.5, 0.6}, zero[] = {1.0, 0.0};
    o.class_balance = bad_sum;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "must sum to 1");
    o.class_balance = zero;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "share of class 1");
    o = init;
    o.correlated_groups = 3;
    o.correlated_group_size = 1;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "correlated groups");
    o.correlated_group_size = 10;
    o.copy_groups = 5;
    o.copy_group_size = 5;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "not in copy groups");
    o = init;
    o.correlation = -0.1;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "correlation");
    o = init;
    o.adversarial_share = 2;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "adversarial");
    o.adversarial_share = 0.2;
    o.accuracy_min = 0.5;
    ck_assert_error(chorus_synth_options_check(&o), CHORUS_EINVAL, "above 1/K = 0.5");
    o.n_classes = 3;
    ck_assert_ok(chorus_synth_options_check(&o));
}
END_TEST

START_TEST(test_truth_file)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_lfs = 6;
    o.n_classes = 3;
    o.one_class_share = 0.5;
    o.copy_groups = 1;
    o.copy_group_size = 2;
    chorus_synth_lf *truth;
    ck_assert_ok(chorus_synth_lf_truth(&truth, &o));
    const char *path = test_path("truth.csv");
    ck_assert_ok(chorus_synth_lf_truth_write(truth, o.n_lfs, o.n_classes, path));
    size_t len;
    char *text = test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "lf,kind,polarity,coverage,accuracy,chance,adversarial,"
                                       "leader,rho,clamped,class_coverage,class_accuracy\n"));
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    ck_assert_int_eq(lines, 1 + o.n_lfs);
    /* The copy (LF 1) repeats LF 0, and says so. */
    ck_assert_int_eq(truth[1].leader, 0);
    ck_assert_double_eq(truth[1].rho, 1);
    ck_assert_double_eq(truth[1].accuracy, truth[0].accuracy);
    ck_assert_int_eq(truth[1].kind, truth[0].kind);
    const char *row = strstr(text, "\n1,");
    ck_assert_ptr_nonnull(row);
    char line[512];
    size_t n = strcspn(row + 1, "\n");
    ck_assert_uint_lt(n, sizeof line);
    memcpy(line, row + 1, n);
    line[n] = '\0';
    ck_assert_msg(strstr(line, ",0,0,1,0,"), "not adversarial, leader 0, rho 1, not clamped: %s",
                  line);
    free(text);
    ck_assert_error(chorus_synth_lf_truth_write(truth, o.n_lfs, o.n_classes,
                                                test_path("no/such/dir/truth.csv")),
                    CHORUS_EWRITE, "no/such/dir");
    chorus_free(truth);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("synth");
    TCase *tc = tcase_create("synth");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_same_output_for_any_thread_count);
    tcase_add_test(tc, test_seed_decides_the_draw);
    tcase_add_test(tc, test_version_1_draws_unchanged);
    tcase_add_test(tc, test_version_1_struct_accepted);
    tcase_add_test(tc, test_progress_changes_no_draw);
    tcase_add_test(tc, test_narrow_precise_ties_accuracy_to_coverage);
    tcase_add_test(tc, test_salience_keeps_rates_and_correlates_firing);
    tcase_add_test(tc, test_copies_vote_with_their_source);
    tcase_add_test(tc, test_options_checked);
    tcase_add_test(tc, test_truth_file);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
