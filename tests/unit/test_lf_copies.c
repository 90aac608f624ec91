/*
 * LFs that vote exactly as another (lf_copies.c): which are found, that a fit with them
 * is the fit without their votes, what predict leaves out, and the model.json field.
 */
#include <jansson.h>

#include "core/random.h"
#include "model/auto_choice.h"
#include "model/lf_copies.h"
#include "model/model_internal.h"
#include "test_util.h"

#define A CHORUS_ABSTAIN
#define N_ITEMS 400
#define N_LFS 6

/*
 * Two classes, N_ITEMS items with a known class; LF j votes on item i with probability
 * 0.6 and is right with probability 0.6 + 0.05 j. Then LF 3 is made a copy of LF 0 and
 * LF 5 of LF 1 (their columns overwritten).
 */
static int32_t *draw_votes(int32_t *gold)
{
    int32_t *dense = malloc((size_t)N_ITEMS * N_LFS * sizeof *dense);
    ck_assert_ptr_nonnull(dense);
    chorus_rng rng = chorus_rng_for(7, 1);
    for (int32_t i = 0; i < N_ITEMS; i++) {
        gold[i] = chorus_rng_uniform(&rng) < 0.5;
        for (int32_t j = 0; j < N_LFS; j++) {
            int32_t v = A;
            if (chorus_rng_uniform(&rng) < 0.6)
                v = chorus_rng_uniform(&rng) < 0.6 + 0.05 * j ? gold[i] : 1 - gold[i];
            dense[(size_t)i * N_LFS + j] = v;
        }
        dense[(size_t)i * N_LFS + 3] = dense[(size_t)i * N_LFS + 0];
        dense[(size_t)i * N_LFS + 5] = dense[(size_t)i * N_LFS + 1];
    }
    return dense;
}

static chorus_votes *votes_of(const int32_t *dense)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, N_ITEMS, N_LFS, 2, dense));
    return v;
}

static int32_t *find(const chorus_votes *v)
{
    int32_t *copy_of = NULL;
    int64_t *counts = chorus_lf_class_counts(v, NULL);
    ck_assert_ok(chorus_lf_copies_find(&copy_of, v, NULL, counts));
    free(counts);
    return copy_of;
}

START_TEST(test_identical_columns_are_found)
{
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    chorus_votes *v = votes_of(dense);
    int32_t *copy_of = find(v);
    ck_assert_ptr_nonnull(copy_of);
    const int32_t expected[N_LFS] = {-1, -1, -1, 0, -1, 1};
    for (int32_t j = 0; j < N_LFS; j++)
        ck_assert_int_eq(copy_of[j], expected[j]);
    free(copy_of);
    chorus_votes_free(v);
    free(dense);
}
END_TEST

START_TEST(test_one_vote_apart_is_no_copy)
{
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    /* LF 3 votes the other class on one item LF 0 voted on; LF 5 votes on one item LF 1
     * left alone. */
    int32_t i = 0;
    while (dense[(size_t)i * N_LFS + 0] == A)
        i++;
    dense[(size_t)i * N_LFS + 3] = 1 - dense[(size_t)i * N_LFS + 0];
    i = 0;
    while (dense[(size_t)i * N_LFS + 1] != A)
        i++;
    dense[(size_t)i * N_LFS + 5] = 0;
    chorus_votes *v = votes_of(dense);
    ck_assert_ptr_null(find(v));
    chorus_votes_free(v);
    free(dense);
}
END_TEST

START_TEST(test_a_copy_needs_the_minimum_of_votes)
{
    /* LF 1 copies LF 0, which votes on the first n items; LF 2 votes on every item. */
    for (int32_t n = CHORUS_COPIES_MIN_VOTES - 1; n <= CHORUS_COPIES_MIN_VOTES; n++) {
        int32_t dense[N_ITEMS * 3];
        for (int32_t i = 0; i < N_ITEMS; i++) {
            dense[i * 3 + 0] = dense[i * 3 + 1] = i < n ? i % 2 : A;
            dense[i * 3 + 2] = i % 3 == 0;
        }
        chorus_votes *v;
        ck_assert_ok(chorus_votes_from_dense(&v, N_ITEMS, 3, 2, dense));
        int32_t *copy_of = find(v);
        if (n < CHORUS_COPIES_MIN_VOTES) {
            ck_assert_ptr_null(copy_of);
        } else {
            ck_assert_ptr_nonnull(copy_of);
            ck_assert_int_eq(copy_of[0], -1);
            ck_assert_int_eq(copy_of[1], 0);
            ck_assert_int_eq(copy_of[2], -1);
        }
        free(copy_of);
        chorus_votes_free(v);
    }
}
END_TEST

START_TEST(test_the_same_counts_on_other_items_are_no_copy)
{
    /* LFs 0 and 1 vote class 0 on 60 items each and class 1 on 40, but not the same ones;
     * LF 2 votes as LF 0. */
    int32_t dense[N_ITEMS * 3];
    for (int32_t i = 0; i < N_ITEMS; i++) {
        dense[i * 3 + 0] = dense[i * 3 + 2] = i < 60 ? 0 : i < 100 ? 1 : A;
        dense[i * 3 + 1] = i >= 200 && i < 260 ? 0 : i >= 260 && i < 300 ? 1 : A;
    }
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, N_ITEMS, 3, 2, dense));
    int32_t *copy_of = find(v);
    ck_assert_ptr_nonnull(copy_of);
    ck_assert_int_eq(copy_of[0], -1);
    ck_assert_int_eq(copy_of[1], -1);
    ck_assert_int_eq(copy_of[2], 0);
    free(copy_of);
    chorus_votes_free(v);
}
END_TEST

static chorus_model *fit(const chorus_votes *v, chorus_model_type type, int keep_copies)
{
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.type = type;
    o.keep_copies = keep_copies;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    return m;
}

static chorus_probs *predict(const chorus_model *m, const chorus_votes *v)
{
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    return p;
}

static void expect_same_probs(const chorus_probs *a, const chorus_probs *b)
{
    ck_assert_int_eq(chorus_probs_n_items(a), chorus_probs_n_items(b));
    const double *x = chorus_probs_const_data(a), *y = chorus_probs_const_data(b);
    for (int64_t c = 0; c < chorus_probs_n_items(a) * chorus_probs_n_classes(a); c++)
        ck_assert_double_eq(x[c], y[c]);
}

/* The matrix with the copies' columns abstaining: what the fit sees. */
static chorus_votes *without_copies(const int32_t *dense)
{
    int32_t *d = malloc((size_t)N_ITEMS * N_LFS * sizeof *d);
    ck_assert_ptr_nonnull(d);
    memcpy(d, dense, (size_t)N_ITEMS * N_LFS * sizeof *d);
    for (int32_t i = 0; i < N_ITEMS; i++)
        d[(size_t)i * N_LFS + 3] = d[(size_t)i * N_LFS + 5] = A;
    chorus_votes *v = votes_of(d);
    free(d);
    return v;
}

START_TEST(test_the_fit_is_the_fit_without_the_copies_votes)
{
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    chorus_votes *v = votes_of(dense), *kept = without_copies(dense);
    const chorus_model_type types[] = {CHORUS_MODEL_AUTO, CHORUS_MODEL_DS,
                                       CHORUS_MODEL_DS_NOABSTAIN, CHORUS_MODEL_ONECOIN};
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        chorus_model *m = fit(v, types[t], 0), *ref = fit(kept, types[t], 0);
        ck_assert_int_eq(m->check.fell_back, ref->check.fell_back);
        /* (A model that fell back predicts from every vote: the next test.) */
        m->check.fell_back = ref->check.fell_back = 0;
        ck_assert_int_eq(chorus_model_lf_copy_of(m, 3), 0);
        ck_assert_int_eq(chorus_model_lf_copy_of(m, 5), 1);
        ck_assert_int_eq(chorus_model_lf_copy_of(m, 0), -1);
        ck_assert_int_eq(chorus_model_lf_copy_of(ref, 3), -1);
        ck_assert_int_eq(chorus_model_n_copies(m), 2);
        ck_assert_int_eq(chorus_model_n_copies(ref), 0);
        ck_assert_int_eq(m->fit_nnz, ref->fit_nnz);
        /* Predicted from the votes with the copies, or from those without: the same rows
         * as the model fitted without them (the copies' votes are left out). */
        chorus_probs *p = predict(m, v), *q = predict(m, kept), *r = predict(ref, kept);
        expect_same_probs(p, r);
        expect_same_probs(q, r);
        /* A copy's table is that of an LF that never votes, as in the fit without it. */
        const double *t3 = chorus_model_confusion(m, 3), *t3ref = chorus_model_confusion(ref, 3);
        for (int32_t c = 0; t3ref && c < 2 * 3; c++)
            ck_assert_double_eq(t3[c], t3ref[c]);
        chorus_probs_free(p);
        chorus_probs_free(q);
        chorus_probs_free(r);
        chorus_model_free(m);
        chorus_model_free(ref);
    }
    chorus_votes_free(v);
    chorus_votes_free(kept);
    free(dense);
}
END_TEST

START_TEST(test_copies_count_once_against_majority_vote)
{
    /* Majority vote counts every vote; a fit that merges copies counts each source once,
     * and --keep-copies gives the independent model back. */
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    chorus_votes *v = votes_of(dense);
    chorus_model *mv = fit(v, CHORUS_MODEL_MV, 0), *kept = fit(v, CHORUS_MODEL_DS, 1);
    ck_assert_int_eq(chorus_model_lf_copy_of(mv, 3), -1);
    ck_assert_ptr_null(mv->copy_of);
    ck_assert_ptr_null(kept->copy_of);
    ck_assert_int_eq(kept->fit_nnz, chorus_votes_nnz(v));
    /* A model that fell back to majority vote predicts from every vote, as it does. */
    chorus_model *m = fit(v, CHORUS_MODEL_DS, 0);
    ck_assert_ptr_nonnull(m->copy_of);
    ck_assert_int_lt(m->fit_nnz, chorus_votes_nnz(v));
    chorus_votes *out = NULL;
    m->check.fell_back = 1;
    ck_assert_ok(chorus_model_votes_without_copies(&out, m, v));
    ck_assert_ptr_null(out);
    m->check.fell_back = 0;
    ck_assert_ok(chorus_model_votes_without_copies(&out, m, v));
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(chorus_votes_nnz(out), m->fit_nnz);
    chorus_votes_free(out);
    chorus_model_free(m);
    chorus_model_free(mv);
    chorus_model_free(kept);
    chorus_votes_free(v);
    free(dense);
}
END_TEST

START_TEST(test_declared_groups_are_left_as_they_are)
{
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    chorus_votes *v = votes_of(dense);
    const int32_t group[N_LFS] = {0, -1, -1, 0, -1, -1};
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.type = CHORUS_MODEL_DS;
    o.lf_group = group;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    ck_assert_ptr_null(m->copy_of);
    chorus_model_free(m);
    chorus_votes_free(v);
    free(dense);
}
END_TEST

START_TEST(test_model_json_round_trip)
{
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    chorus_votes *v = votes_of(dense);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO, 0), *back;
    const char *path = test_path("copies.json");
    ck_assert_ok(chorus_model_save(m, path));
    ck_assert_ok(chorus_model_load(&back, path));
    for (int32_t j = 0; j < N_LFS; j++)
        ck_assert_int_eq(chorus_model_lf_copy_of(back, j), chorus_model_lf_copy_of(m, j));
    chorus_probs *p = predict(m, v), *q = predict(back, v);
    expect_same_probs(p, q);
    chorus_probs_free(p);
    chorus_probs_free(q);
    chorus_model_free(back);
    chorus_model_free(m);
    chorus_votes_free(v);
    free(dense);
}
END_TEST

START_TEST(test_bad_copy_of_in_model_json)
{
    int32_t gold[N_ITEMS];
    int32_t *dense = draw_votes(gold);
    chorus_votes *v = votes_of(dense);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO, 0);
    const char *path = test_path("copies.json");
    ck_assert_ok(chorus_model_save(m, path));
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    ck_assert_ptr_nonnull(root);
    json_t *lf3 = json_array_get(json_object_get(root, "labeling_functions"), 3);
    const char *bad[] = {"lf99", "lf3", "lf5", ""}; /* unknown, itself, a copy, empty */
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        json_object_set_new(lf3, "copy_of", json_string(bad[b]));
        test_expect_model_load_error(root, "\"copy_of\"");
    }
    json_object_set_new(lf3, "copy_of", json_integer(0));
    test_expect_model_load_error(root, "\"copy_of\"");
    json_decref(root);
    chorus_model_free(m);
    chorus_votes_free(v);
    free(dense);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lf_copies");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_identical_columns_are_found);
    tcase_add_test(t, test_one_vote_apart_is_no_copy);
    tcase_add_test(t, test_a_copy_needs_the_minimum_of_votes);
    tcase_add_test(t, test_the_same_counts_on_other_items_are_no_copy);
    tcase_add_test(t, test_the_fit_is_the_fit_without_the_copies_votes);
    tcase_add_test(t, test_copies_count_once_against_majority_vote);
    tcase_add_test(t, test_declared_groups_are_left_as_they_are);
    tcase_add_test(t, test_model_json_round_trip);
    tcase_add_test(t, test_bad_copy_of_in_model_json);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
