/*
 * Synthetic regimes: the matrices have the statistics the LF truth promises. Seeds are
 * fixed; every tolerance is five binomial standard errors of the quantity measured, so a
 * correct generator fails a check with probability below 1e-6.
 */
#include <math.h>

#include "test_util.h"

#define Z 5.0

/* Five standard errors of a proportion p measured on n trials, never below 1e-9. */
static double tol(double p, double n)
{
    return Z * sqrt(fmax(p * (1 - p), 1e-12) / fmax(n, 1)) + 1e-9;
}

#define ck_assert_near(measured, expected, n)                                                      \
    do {                                                                                           \
        double m_ = (measured), e_ = (expected), t_ = tol(e_, (n));                                \
        ck_assert_msg(fabs(m_ - e_) <= t_, "%s = %.6f, expected %.6f +- %.6f", #measured, m_, e_,  \
                      t_);                                                                         \
    } while (0)

/* What a draw gives per LF and class. */
typedef struct tally {
    chorus_votes *votes;
    int32_t *gold;
    chorus_synth_lf *truth;
    int32_t m, k;
    int64_t n;
    int64_t *items;       /* k: items of class y */
    int64_t *fired;       /* m * k: votes of LF j on items of class y */
    int64_t *correct;     /* m * k: those equal to y */
    int64_t empty;        /* items without a vote */
    int64_t off_polarity; /* one-class votes for another class than the polarity */
} tally;

static void tally_draw(tally *t, const chorus_synth_options *o)
{
    memset(t, 0, sizeof *t);
    ck_assert_ok(chorus_synth(&t->votes, &t->gold, o));
    ck_assert_ok(chorus_synth_lf_truth(&t->truth, o));
    t->m = o->n_lfs;
    t->k = chorus_votes_n_classes(t->votes);
    t->n = o->n_items;
    t->items = calloc((size_t)t->k, sizeof *t->items);
    t->fired = calloc((size_t)t->m * (size_t)t->k, sizeof *t->fired);
    t->correct = calloc((size_t)t->m * (size_t)t->k, sizeof *t->correct);
    const int64_t *row = chorus_votes_row_ptr(t->votes);
    const int32_t *lf = chorus_votes_lf_index(t->votes), *label = chorus_votes_labels(t->votes);
    for (int64_t i = 0; i < t->n; i++) {
        int32_t y = t->gold[i];
        t->items[y]++;
        t->empty += row[i + 1] == row[i];
        for (int64_t x = row[i]; x < row[i + 1]; x++) {
            const chorus_synth_lf *truth = &t->truth[lf[x]];
            t->fired[(int64_t)lf[x] * t->k + y]++;
            t->correct[(int64_t)lf[x] * t->k + y] += label[x] == y;
            t->off_polarity += truth->kind == CHORUS_SYNTH_ONE_CLASS && label[x] != truth->polarity;
        }
    }
}

static void tally_free(tally *t)
{
    chorus_votes_free(t->votes);
    chorus_free(t->gold);
    chorus_free(t->truth);
    free(t->items);
    free(t->fired);
    free(t->correct);
}

static int64_t lf_votes(const tally *t, int32_t j)
{
    int64_t s = 0;
    for (int32_t y = 0; y < t->k; y++)
        s += t->fired[(int64_t)j * t->k + y];
    return s;
}

static int64_t lf_correct(const tally *t, int32_t j)
{
    int64_t s = 0;
    for (int32_t y = 0; y < t->k; y++)
        s += t->correct[(int64_t)j * t->k + y];
    return s;
}

/* Every LF's coverage, accuracy and per-class firing rate match its truth. */
static void check_lfs_match_truth(const tally *t)
{
    for (int32_t j = 0; j < t->m; j++) {
        const chorus_synth_lf *truth = &t->truth[j];
        double votes = (double)lf_votes(t, j);
        ck_assert_near(votes / (double)t->n, truth->coverage, (double)t->n);
        ck_assert_near((double)lf_correct(t, j) / votes, truth->accuracy, votes);
        for (int32_t y = 0; y < t->k; y++) {
            double items = (double)t->items[y];
            ck_assert_near((double)t->fired[(int64_t)j * t->k + y] / items,
                           truth->class_coverage[y], items);
        }
    }
}

/* The generator's class shares, computed here from their definition in synth.h. */
static void expected_shares(double *share, int32_t k, double imbalance)
{
    double sum = 0;
    for (int32_t y = 0; y < k; y++)
        sum += share[y] = pow(imbalance, -(double)y / (k - 1));
    for (int32_t y = 0; y < k; y++)
        share[y] /= sum;
}

START_TEST(test_multi_class_statistics)
{
    /* Version 1's test: fixed accuracy 0.8 and coverage 0.25, 3 classes, 30% class 0. */
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 100000;
    o.n_lfs = 10;
    o.n_classes = 3;
    o.accuracy_min = o.accuracy_max = 0.8;
    o.coverage_min = o.coverage_max = 0.25;
    o.first_class_share = 0.3;
    tally t;
    tally_draw(&t, &o);
    ck_assert_near((double)t.items[0] / (double)t.n, 0.3, (double)t.n);
    double n_votes = (double)chorus_votes_nnz(t.votes);
    ck_assert_near(n_votes / (double)(t.n * t.m), 0.25, (double)(t.n * t.m));
    int64_t correct = 0;
    for (int32_t j = 0; j < t.m; j++) {
        correct += lf_correct(&t, j);
        ck_assert_int_eq(t.truth[j].kind, CHORUS_SYNTH_MULTI_CLASS);
        ck_assert_double_eq_tol(t.truth[j].accuracy, 0.8, 1e-12);
        ck_assert_double_eq_tol(t.truth[j].chance, 1.0 / 3, 1e-12);
    }
    ck_assert_near((double)correct / n_votes, 0.8, n_votes);
    check_lfs_match_truth(&t);
    tally_free(&t);
}
END_TEST

START_TEST(test_one_class_votes_have_the_drawn_precision)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 200000;
    o.n_lfs = 12;
    o.n_classes = 3;
    o.imbalance = 4; /* shares 4/7, 2/7, 1/7 */
    o.one_class_share = 1;
    o.coverage_min = 0.02;
    o.coverage_max = 0.12;
    o.accuracy_min = 0.6;
    o.accuracy_max = 0.95;
    tally t;
    tally_draw(&t, &o);
    /* The drawn coverage and accuracy, independent of how a kind uses them: multi-class LFs
     * use them as drawn, and the kind does not change the draws. */
    chorus_synth_options as_drawn = o;
    as_drawn.one_class_share = 0;
    chorus_synth_lf *drawn;
    ck_assert_ok(chorus_synth_lf_truth(&drawn, &as_drawn));
    ck_assert_int_eq(t.off_polarity, 0);
    int32_t per_class[3] = {0};
    double share[3];
    expected_shares(share, 3, 4);
    for (int32_t j = 0; j < t.m; j++) {
        const chorus_synth_lf *truth = &t.truth[j];
        double votes = (double)lf_votes(&t, j);
        ck_assert_near((double)lf_correct(&t, j) / votes, drawn[j].accuracy, votes);
        ck_assert_near(votes / (double)t.n, drawn[j].coverage, (double)t.n);
        ck_assert_double_eq_tol(truth->accuracy, drawn[j].accuracy, 1e-12);
        ck_assert_double_eq_tol(truth->coverage, drawn[j].coverage, 1e-12);
        ck_assert_int_eq(truth->kind, CHORUS_SYNTH_ONE_CLASS);
        ck_assert(truth->polarity >= 0 && truth->polarity < 3);
        per_class[truth->polarity]++;
        ck_assert_double_eq_tol(truth->chance, share[truth->polarity], 1e-12);
        /* Within its range, so no coverage here needed lowering. */
        ck_assert(!truth->clamped);
        ck_assert(truth->accuracy >= 0.6 && truth->accuracy <= 0.95);
        ck_assert(truth->coverage >= 0.02 && truth->coverage <= 0.12);
        /* Above chance it fires more often on its class than on the others. */
        for (int32_t y = 0; y < 3; y++)
            if (y != truth->polarity)
                ck_assert(truth->class_coverage[truth->polarity] > truth->class_coverage[y]);
    }
    for (int32_t c = 0; c < 3; c++)
        ck_assert_int_eq(per_class[c], 4);
    check_lfs_match_truth(&t);
    chorus_free(drawn);
    tally_free(&t);
}
END_TEST

START_TEST(test_infeasible_one_class_coverage_is_clamped)
{
    /* 10 balanced classes: 30% coverage at 90% precision would need P(votes | c) = 2.7. */
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 100000;
    o.n_lfs = 5;
    o.n_classes = 10;
    o.one_class_share = 1;
    o.coverage_min = o.coverage_max = 0.3;
    o.accuracy_min = o.accuracy_max = 0.9;
    tally t;
    tally_draw(&t, &o);
    for (int32_t j = 0; j < t.m; j++) {
        const chorus_synth_lf *truth = &t.truth[j];
        ck_assert(truth->clamped);
        ck_assert_double_eq_tol(truth->coverage, 0.1 / 0.9, 1e-12);
        ck_assert_double_eq_tol(truth->accuracy, 0.9, 1e-12);
        ck_assert_double_eq_tol(truth->class_coverage[truth->polarity], 1, 1e-12);
    }
    check_lfs_match_truth(&t);
    tally_free(&t);
}
END_TEST

START_TEST(test_mixed_kinds)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 20000;
    o.n_lfs = 22;
    o.n_classes = 3;
    o.one_class_share = 0.3;
    o.copy_groups = 1;
    o.copy_group_size = 3; /* 20 sources: LFs 0-2 count once */
    tally t;
    tally_draw(&t, &o);
    ck_assert_int_eq(t.off_polarity, 0);
    int32_t one_class = 0, per_class[3] = {0};
    for (int32_t j = 0; j < t.m; j++) {
        const chorus_synth_lf *truth = &t.truth[j];
        if (truth->leader >= 0) {
            ck_assert_int_eq(truth->kind, t.truth[truth->leader].kind);
            ck_assert_int_eq(truth->polarity, t.truth[truth->leader].polarity);
            continue;
        }
        if (truth->kind == CHORUS_SYNTH_ONE_CLASS) {
            one_class++;
            per_class[truth->polarity]++;
        } else {
            /* A multi-class LF is wrong on items of every class, a one-class LF never on
             * items of its own. */
            ck_assert_int_eq(truth->polarity, -1);
            for (int32_t y = 0; y < 3; y++)
                ck_assert_int_gt(t.fired[(int64_t)j * 3 + y] - t.correct[(int64_t)j * 3 + y], 0);
        }
    }
    ck_assert_int_eq(one_class, 6); /* round(0.3 * 20) */
    for (int32_t c = 0; c < 3; c++)
        ck_assert_int_eq(per_class[c], 2);
    tally_free(&t);
}
END_TEST

START_TEST(test_class_shares_follow_the_balance)
{
    for (int32_t k = 2; k <= 10; k += 8) {
        chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
        o.n_items = 200000;
        o.n_lfs = 2;
        o.n_classes = k;
        o.imbalance = 20;
        tally t;
        tally_draw(&t, &o);
        double share[10];
        expected_shares(share, k, 20);
        ck_assert_double_eq_tol(share[0] / share[k - 1], 20, 1e-9);
        for (int32_t y = 0; y < k; y++)
            ck_assert_near((double)t.items[y] / (double)t.n, share[y], (double)t.n);
        tally_free(&t);
    }
    const double balance[] = {0.5, 0.3, 0.2};
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 100000;
    o.n_lfs = 2;
    o.n_classes = 3;
    o.class_balance = balance;
    tally t;
    tally_draw(&t, &o);
    for (int32_t y = 0; y < 3; y++)
        ck_assert_near((double)t.items[y] / (double)t.n, balance[y], (double)t.n);
    tally_free(&t);
}
END_TEST

/* P(an item has no vote): the product over LFs, within each class. */
static double expected_empty(const tally *t, const double *share)
{
    double p = 0;
    for (int32_t y = 0; y < t->k; y++) {
        double none = 1;
        for (int32_t j = 0; j < t->m; j++)
            none *= 1 - t->truth[j].class_coverage[y];
        p += share[y] * none;
    }
    return p;
}

START_TEST(test_sparse_coverage_leaves_items_without_votes)
{
    double balanced[2] = {0.5, 0.5};
    for (int one_class = 0; one_class < 2; one_class++) {
        chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
        o.n_items = 100000;
        o.n_lfs = 20;
        o.coverage_min = 0.005;
        o.coverage_max = 0.05;
        o.one_class_share = one_class;
        tally t;
        tally_draw(&t, &o);
        double expected_votes = 0;
        for (int32_t j = 0; j < t.m; j++)
            expected_votes += t.truth[j].coverage;
        /* About half a vote per item, so about 60% of the items have none. */
        ck_assert(expected_votes > 0.3 && expected_votes < 0.8);
        double empty = expected_empty(&t, balanced);
        ck_assert_near((double)t.empty / (double)t.n, empty, (double)t.n);
        ck_assert_double_eq_tol((double)chorus_votes_nnz(t.votes) / (double)t.n, expected_votes,
                                Z * sqrt(expected_votes / (double)t.n));
        check_lfs_match_truth(&t);
        tally_free(&t);
    }
}
END_TEST

START_TEST(test_accuracy_per_true_class)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 200000;
    o.n_lfs = 6;
    o.n_classes = 4;
    o.imbalance = 3;
    o.class_accuracy = 1;
    o.accuracy_min = 0.4;
    o.accuracy_max = 0.95;
    tally t;
    tally_draw(&t, &o);
    double share[4];
    expected_shares(share, 4, 3);
    for (int32_t j = 0; j < t.m; j++) {
        const chorus_synth_lf *truth = &t.truth[j];
        double lo = 1, hi = 0, weighted = 0;
        for (int32_t y = 0; y < 4; y++) {
            double a = truth->class_accuracy[y], votes = (double)t.fired[(int64_t)j * 4 + y];
            lo = fmin(lo, a);
            hi = fmax(hi, a);
            weighted += share[y] * a;
            ck_assert_near((double)t.correct[(int64_t)j * 4 + y] / votes, a, votes);
        }
        ck_assert(hi - lo > 0.01); /* the confusion does depend on the class */
        ck_assert_double_eq_tol(truth->accuracy, weighted, 1e-12);
    }
    check_lfs_match_truth(&t);
    tally_free(&t);
}
END_TEST

/* P(output = v | y) for v = abstain (index k) or a class. */
static void output_distribution(const chorus_synth_lf *t, int32_t y, int32_t k, double *p)
{
    double f = t->class_coverage[y], a = t->class_accuracy[y];
    for (int32_t v = 0; v < k; v++)
        p[v] = t->kind == CHORUS_SYNTH_ONE_CLASS ? (v == t->polarity) * f
                                                 : (v == y ? f * a : f * (1 - a) / (k - 1));
    p[k] = 1 - f;
}

/* P(two LFs voting independently given the class give the same output). */
static double chance_agreement(const chorus_synth_lf *a, const chorus_synth_lf *b,
                               const double *share, int32_t k)
{
    double pa[11], pb[11], agree = 0;
    for (int32_t y = 0; y < k; y++) {
        output_distribution(a, y, k, pa);
        output_distribution(b, y, k, pb);
        for (int32_t v = 0; v <= k; v++)
            agree += share[y] * pa[v] * pb[v];
    }
    return agree;
}

static int64_t agreements(const chorus_votes *v, int32_t a, int32_t b)
{
    int64_t same = 0;
    for (int64_t i = 0; i < chorus_votes_n_items(v); i++)
        same += chorus_votes_get(v, i, a) == chorus_votes_get(v, i, b);
    return same;
}

START_TEST(test_correlated_followers)
{
    const double rhos[] = {0, 0.6, 1};
    for (int one_class = 0; one_class < 2; one_class++) {
        chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
        o.n_items = 100000;
        o.n_lfs = 10;
        o.n_classes = 3;
        o.one_class_share = one_class;
        o.copy_groups = 1;
        o.copy_group_size = 2;
        o.correlated_groups = 2;
        o.correlated_group_size = 3; /* leaders 2 and 5, followers 3, 4, 6, 7 */
        /* The followers' own parameters: the same plan with nothing copied. */
        o.correlation = 0;
        chorus_synth_lf *own;
        ck_assert_ok(chorus_synth_lf_truth(&own, &o));
        double share[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
        for (int r = 0; r < 3; r++) {
            o.correlation = rhos[r];
            tally t;
            tally_draw(&t, &o);
            for (int32_t j = 0; j < t.m; j++) {
                const chorus_synth_lf *truth = &t.truth[j];
                int follower = j == 3 || j == 4 || j == 6 || j == 7;
                ck_assert_int_eq(truth->leader, follower ? (j < 5 ? 2 : 5) : j == 1 ? 0 : -1);
                if (!follower) continue;
                ck_assert_double_eq(truth->rho, rhos[r]);
                double a0 = chance_agreement(&own[truth->leader], &own[j], share, 3);
                double expected = rhos[r] + (1 - rhos[r]) * a0;
                ck_assert_near((double)agreements(t.votes, truth->leader, j) / (double)t.n,
                               expected, (double)t.n);
            }
            /* The truth of a follower is the mixture, which its votes show. */
            check_lfs_match_truth(&t);
            tally_free(&t);
        }
        chorus_free(own);
    }
}
END_TEST

START_TEST(test_correlated_groups_change_only_the_followers)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 3000;
    o.n_lfs = 12;
    tally plain, grouped;
    tally_draw(&plain, &o);
    o.correlated_groups = 2;
    o.correlated_group_size = 3;
    o.correlation = 0.5;
    tally_draw(&grouped, &o);
    for (int32_t j = 0; j < o.n_lfs; j++) {
        if (grouped.truth[j].leader >= 0) continue;
        for (int64_t i = 0; i < o.n_items; i++)
            ck_assert_int_eq(chorus_votes_get(plain.votes, i, j),
                             chorus_votes_get(grouped.votes, i, j));
    }
    tally_free(&plain);
    tally_free(&grouped);
}
END_TEST

START_TEST(test_adversarial_lfs_are_below_chance)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 100000;
    o.n_lfs = 20;
    o.n_classes = 3;
    o.imbalance = 2; /* shares 0.45, 0.32, 0.23 */
    o.one_class_share = 0.5;
    o.accuracy_min = 0.7;
    o.accuracy_max = 0.95;
    o.adversarial_share = 0.25;
    tally t;
    tally_draw(&t, &o);
    int32_t adversarial = 0;
    for (int32_t j = 0; j < t.m; j++) {
        const chorus_synth_lf *truth = &t.truth[j];
        double votes = (double)lf_votes(&t, j), measured = (double)lf_correct(&t, j) / votes;
        if (truth->adversarial) {
            adversarial++;
            ck_assert(truth->accuracy < truth->chance);
            ck_assert_msg(measured + tol(truth->chance, votes) < truth->chance,
                          "LF %d: accuracy %.4f is not below chance %.4f", j, measured,
                          truth->chance);
        } else {
            ck_assert(truth->accuracy > truth->chance);
        }
    }
    ck_assert_int_eq(adversarial, 5); /* round(0.25 * 20) */
    check_lfs_match_truth(&t);
    tally_free(&t);

    /* For K = 2 multi-class LFs the adversarial accuracy is the mirror image, 1 - a. */
    chorus_synth_options k2 = CHORUS_SYNTH_OPTIONS_INIT;
    chorus_synth_lf *honest, *flipped;
    ck_assert_ok(chorus_synth_lf_truth(&honest, &k2));
    k2.adversarial_share = 0.3;
    ck_assert_ok(chorus_synth_lf_truth(&flipped, &k2));
    adversarial = 0;
    for (int32_t j = 0; j < k2.n_lfs; j++) {
        double expected = flipped[j].adversarial ? 1 - honest[j].accuracy : honest[j].accuracy;
        adversarial += flipped[j].adversarial;
        ck_assert_double_eq_tol(flipped[j].accuracy, expected, 1e-12);
        ck_assert_double_eq_tol(flipped[j].coverage, honest[j].coverage, 1e-12);
    }
    ck_assert_int_eq(adversarial, 15);
    chorus_free(honest);
    chorus_free(flipped);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("synth_regimes");
    TCase *tc = tcase_create("synth_regimes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_multi_class_statistics);
    tcase_add_test(tc, test_one_class_votes_have_the_drawn_precision);
    tcase_add_test(tc, test_infeasible_one_class_coverage_is_clamped);
    tcase_add_test(tc, test_mixed_kinds);
    tcase_add_test(tc, test_class_shares_follow_the_balance);
    tcase_add_test(tc, test_sparse_coverage_leaves_items_without_votes);
    tcase_add_test(tc, test_accuracy_per_true_class);
    tcase_add_test(tc, test_correlated_followers);
    tcase_add_test(tc, test_correlated_groups_change_only_the_followers);
    tcase_add_test(tc, test_adversarial_lfs_are_below_chance);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
