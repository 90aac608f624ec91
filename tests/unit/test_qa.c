/*
 * Binomial confidence intervals, the incomplete beta behind Clopper-Pearson, review sizes,
 * and the accuracy estimate of chorus_qa_compute. Expected values are derived by hand in
 * the comments or taken from published tables; the coverage test checks the intervals'
 * defining property on samples drawn with the project's generator.
 */
#include <math.h>

#include "core/random.h"
#include "test_util.h"

#define Z95 1.959963984540054

/* P(Bin(n, p) >= k), by summing the probability mass directly (an independent check of
 * I_p(k, n - k + 1), which equals it for integers). */
static double binomial_tail(int n, int k, double p)
{
    double sum = 0;
    for (int j = k; j <= n; j++)
        sum += exp(lgamma(n + 1) - lgamma(j + 1) - lgamma(n - j + 1) + j * log(p) +
                   (n - j) * log1p(-p));
    return sum;
}

START_TEST(beta_inc_closed_forms)
{
    /* I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, I_1/2(a, a) = 1/2. */
    ck_assert_double_eq_tol(chorus_beta_inc(1, 1, 0.3), 0.3, 1e-14);
    ck_assert_double_eq_tol(chorus_beta_inc(5, 1, 0.8), pow(0.8, 5), 1e-14);
    ck_assert_double_eq_tol(chorus_beta_inc(1, 7, 0.2), 1 - pow(0.8, 7), 1e-14);
    ck_assert_double_eq_tol(chorus_beta_inc(3.5, 3.5, 0.5), 0.5, 1e-13);
    ck_assert_double_eq_tol(chorus_beta_inc(500, 500, 0.5), 0.5, 1e-10);
    /* I_0.3(2, 3) = P(Bin(4, 0.3) >= 2) = 1 - 0.7^4 - 4 * 0.3 * 0.7^3 = 0.3483. */
    ck_assert_double_eq_tol(chorus_beta_inc(2, 3, 0.3), 0.3483, 1e-12);
    /* Symmetry: I_x(a, b) = 1 - I_1-x(b, a), on both sides of the switch point. */
    ck_assert_double_eq_tol(chorus_beta_inc(2.5, 9, 0.1), 1 - chorus_beta_inc(9, 2.5, 0.9), 1e-13);
    ck_assert_double_eq_tol(chorus_beta_inc(2.5, 9, 0.6), 1 - chorus_beta_inc(9, 2.5, 0.4), 1e-13);
    ck_assert_double_eq(chorus_beta_inc(2, 3, 0), 0);
    ck_assert_double_eq(chorus_beta_inc(2, 3, 1), 1);
    ck_assert(isnan(chorus_beta_inc(0, 3, 0.5)));
    /* Against the binomial tail, small and large n, both tails. */
    const int cases[][2] = {{10, 9}, {30, 3}, {100, 90}, {1000, 950}, {1000, 20}};
    const double ps[] = {0.05, 0.5, 0.93, 0.96};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (size_t q = 0; q < sizeof ps / sizeof *ps; q++) {
            const int n = cases[c][0], k = cases[c][1];
            const double want = binomial_tail(n, k, ps[q]);
            ck_assert_double_eq_tol(chorus_beta_inc(k, n - k + 1, ps[q]), want,
                                    1e-12 + 1e-10 * want);
        }
}
END_TEST

START_TEST(beta_inverse_round_trips)
{
    const double params[][2] = {{9, 2}, {0.5, 0.5}, {1, 40}, {950, 51}, {3.25, 7.75}};
    const double ps[] = {1e-6, 0.025, 0.5, 0.975};
    for (size_t i = 0; i < sizeof params / sizeof *params; i++)
        for (size_t q = 0; q < sizeof ps / sizeof *ps; q++) {
            const double a = params[i][0], b = params[i][1];
            const double x = chorus_beta_inc_inverse(a, b, ps[q]);
            ck_assert(x > 0 && x < 1);
            ck_assert_double_eq_tol(chorus_beta_inc(a, b, x), ps[q], 1e-12);
        }
    /* I_x(a, 1) = x^a, so the inverse is p^(1/a). */
    ck_assert_double_eq_tol(chorus_beta_inc_inverse(10, 1, 0.975), pow(0.975, 0.1), 1e-14);
}
END_TEST

START_TEST(normal_quantile_known_values)
{
    ck_assert_double_eq_tol(chorus_normal_quantile(0.975), Z95, 1e-12);
    ck_assert_double_eq_tol(chorus_normal_quantile(0.995), 2.5758293035489, 1e-12);
    ck_assert_double_eq_tol(chorus_normal_quantile(0.5), 0, 1e-15);
    ck_assert_double_eq_tol(chorus_normal_quantile(0.025), -Z95, 1e-12);
    ck_assert(isnan(chorus_normal_quantile(1)));
}
END_TEST

START_TEST(clopper_pearson_published_values)
{
    double lo, hi;
    /* 9 of 10 at 95%: [0.5550, 0.9975]. The upper end is 0.975^(1/10) = 0.997471 exactly
     * (I_x(10, 1) = x^10); the lower end solves 10 x^9 - 9 x^10 = 0.025. */
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, 9, 10, 0.95, CHORUS_INTERVAL_CLOPPER_PEARSON));
    ck_assert_double_eq_tol(lo, 0.5550, 5e-5);
    ck_assert_double_eq_tol(hi, pow(0.975, 0.1), 1e-12);
    ck_assert_double_eq_tol(10 * pow(lo, 9) - 9 * pow(lo, 10), 0.025, 1e-12);
    /* 0 of 10: [0, 1 - 0.025^(1/10)] = [0, 0.3085]; 10 of 10: [0.025^(1/10), 1]. */
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, 0, 10, 0.95, CHORUS_INTERVAL_CLOPPER_PEARSON));
    ck_assert_double_eq(lo, 0);
    ck_assert_double_eq_tol(hi, 1 - pow(0.025, 0.1), 1e-12);
    ck_assert_double_eq_tol(hi, 0.3085, 5e-5);
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, 10, 10, 0.95, CHORUS_INTERVAL_CLOPPER_PEARSON));
    ck_assert_double_eq_tol(lo, pow(0.025, 0.1), 1e-12);
    ck_assert_double_eq(hi, 1);
    /* 50 of 100 at 95%: [0.3983, 0.6017] (Clopper & Pearson's tables; symmetric about 1/2).
     * Both ends are the binomial tails at 2.5%. */
    ck_assert_ok(
        chorus_binomial_interval(&lo, &hi, 50, 100, 0.95, CHORUS_INTERVAL_CLOPPER_PEARSON));
    ck_assert_double_eq_tol(lo, 0.3983, 5e-5);
    ck_assert_double_eq_tol(hi, 1 - lo, 1e-12);
    ck_assert_double_eq_tol(binomial_tail(100, 50, lo), 0.025, 1e-10);
    ck_assert_double_eq_tol(1 - binomial_tail(100, 51, hi), 0.025, 1e-10);
}
END_TEST

START_TEST(wilson_hand_derived_values)
{
    double lo, hi;
    /* 9 of 10 at 95%: z^2 = 3.841459, centre (0.9 + z^2/20) / (1 + z^2/10) = 0.788977,
     * half z / (1 + z^2/10) * sqrt(0.09/10 + z^2/400) = 0.193130: [0.5958, 0.9821]. */
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, 9, 10, 0.95, CHORUS_INTERVAL_WILSON));
    ck_assert_double_eq_tol(lo, 0.5958, 5e-5);
    ck_assert_double_eq_tol(hi, 0.9821, 5e-5);
    /* 0 of 10: [0, z^2 / (10 + z^2)] = [0, 0.2775]. */
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, 0, 10, 0.95, CHORUS_INTERVAL_WILSON));
    ck_assert_double_eq_tol(lo, 0, 1e-15);
    ck_assert_double_eq_tol(hi, Z95 * Z95 / (10 + Z95 * Z95), 1e-12);
    /* 81 of 263 at 95% (Newcombe 1998, table I): [0.2553, 0.3662]. */
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, 81, 263, 0.95, CHORUS_INTERVAL_WILSON));
    ck_assert_double_eq_tol(lo, 0.2553, 5e-5);
    ck_assert_double_eq_tol(hi, 0.3662, 5e-5);
}
END_TEST

START_TEST(interval_arguments_checked)
{
    double lo, hi;
    ck_assert_error(chorus_binomial_interval(&lo, &hi, 11, 10, 0.95, CHORUS_INTERVAL_WILSON),
                    CHORUS_EINVAL, "11 of 10");
    ck_assert_error(chorus_binomial_interval(&lo, &hi, 1, 0, 0.95, CHORUS_INTERVAL_WILSON),
                    CHORUS_EINVAL, "trials > 0");
    ck_assert_error(chorus_binomial_interval(&lo, &hi, 1, 10, 1, CHORUS_INTERVAL_WILSON),
                    CHORUS_EINVAL, "confidence 1");
    chorus_interval_method m;
    ck_assert_ok(chorus_interval_method_parse(&m, "clopper-pearson"));
    ck_assert_int_eq(m, CHORUS_INTERVAL_CLOPPER_PEARSON);
    ck_assert_error(chorus_interval_method_parse(&m, "wald"), CHORUS_EINVAL, "'wald'");
}
END_TEST

/* The width of the interval at accuracy p for n items. */
static double width(double p, int64_t n, chorus_interval_method method)
{
    double lo, hi;
    ck_assert_ok(chorus_binomial_interval(&lo, &hi, p * (double)n, (double)n, 0.95, method));
    return hi - lo;
}

START_TEST(review_size_reaches_the_width)
{
    /* At p = 0.5 the Wilson width is about 2 z sqrt(0.25 / n): 0.1 needs about
     * z^2 / 0.01 = 384 items (a little less: the Wilson interval shrinks by 1 + z^2/n). */
    int64_t further;
    ck_assert_ok(chorus_review_size(&further, 0.5, 100, 0.1, 0.95, CHORUS_INTERVAL_WILSON));
    const int64_t total = 100 + further;
    ck_assert_int_ge(total, 375);
    ck_assert_int_le(total, 385);
    /* The smallest such size: one item fewer is still too wide. */
    ck_assert(width(0.5, total, CHORUS_INTERVAL_WILSON) <= 0.1);
    ck_assert(width(0.5, total - 1, CHORUS_INTERVAL_WILSON) > 0.1);
    /* Clopper-Pearson is wider, so it needs more. */
    int64_t cp;
    ck_assert_ok(chorus_review_size(&cp, 0.9, 50, 0.05, 0.95, CHORUS_INTERVAL_CLOPPER_PEARSON));
    ck_assert(width(0.9, 50 + cp, CHORUS_INTERVAL_CLOPPER_PEARSON) <= 0.05);
    ck_assert(width(0.9, 50 + cp - 1, CHORUS_INTERVAL_CLOPPER_PEARSON) > 0.05);
    int64_t wilson;
    ck_assert_ok(chorus_review_size(&wilson, 0.9, 50, 0.05, 0.95, CHORUS_INTERVAL_WILSON));
    ck_assert_int_gt(cp, wilson);
    /* Already narrow enough: nothing more. */
    ck_assert_ok(chorus_review_size(&further, 0.5, 1000, 0.2, 0.95, CHORUS_INTERVAL_WILSON));
    ck_assert_int_eq(further, 0);
    ck_assert_error(chorus_review_size(&further, 0.5, 10, 0, 0.95, CHORUS_INTERVAL_WILSON),
                    CHORUS_EINVAL, "target width 0");
    ck_assert_error(chorus_review_size(&further, 0.5, 10, 1e-6, 0.95, CHORUS_INTERVAL_WILSON),
                    CHORUS_EINVAL, "needs more than");
}
END_TEST

/*
 * Coverage: for 20000 fixed seeds, n = 100 items each correct with chance p = 0.9; the
 * share of seeds whose 95% interval holds p. The exact coverage is the binomial mass of
 * the k whose interval holds p, summed below (Wilson 0.9364, Clopper-Pearson 0.9557 at
 * this n and p). Over 20000 draws the observed share has a standard error of
 * sqrt(c (1 - c) / 20000) < 0.0018, so it must lie within 0.008 (4.5 of them) of the
 * exact coverage, and the floors (Wilson 0.93, Clopper-Pearson 0.95) are more than 3.5
 * standard errors below the exact coverages: any seed set passes with near certainty.
 * Clopper-Pearson covers at least 95% for every p by construction; Wilson's coverage
 * swings around 95% with n and p and dips below it here.
 */
static void check_coverage(chorus_interval_method method, double exact_min, double observed_min)
{
    const int n = 100, seeds = 20000;
    const double p = 0.9;
    double exact = 0;
    for (int k = 0; k <= n; k++) {
        double lo, hi;
        ck_assert_ok(chorus_binomial_interval(&lo, &hi, k, n, 0.95, method));
        if (lo <= p && p <= hi) exact += binomial_tail(n, k, p) - binomial_tail(n, k + 1, p);
    }
    int covered = 0;
    for (int seed = 0; seed < seeds; seed++) {
        chorus_rng rng = chorus_rng_for((uint64_t)seed, 7);
        int correct = 0;
        for (int i = 0; i < n; i++)
            correct += chorus_rng_uniform(&rng) < p;
        double lo, hi;
        ck_assert_ok(chorus_binomial_interval(&lo, &hi, correct, n, 0.95, method));
        covered += lo <= p && p <= hi;
    }
    const double observed = (double)covered / seeds;
    ck_assert_msg(exact >= exact_min, "exact coverage %.4f below %.4f", exact, exact_min);
    ck_assert_msg(fabs(observed - exact) <= 0.008, "observed coverage %.4f, exact %.4f", observed,
                  exact);
    ck_assert_msg(observed >= observed_min, "observed coverage %.4f below %.4f", observed,
                  observed_min);
}

START_TEST(wilson_covers)
{
    check_coverage(CHORUS_INTERVAL_WILSON, 0.93, 0.93);
}
END_TEST

START_TEST(clopper_pearson_covers)
{
    check_coverage(CHORUS_INTERVAL_CLOPPER_PEARSON, 0.95, 0.95);
}
END_TEST

/* Four items, two classes: rows 0, 1 certain class 0, row 2 class 1, row 3 a tie. */
static chorus_probs *four_items(void)
{
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 4, 2));
    double *d = chorus_probs_data(p);
    const double rows[] = {0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.5, 0.5};
    memcpy(d, rows, sizeof rows);
    return p;
}

START_TEST(qa_counts_and_classes)
{
    chorus_probs *p = four_items();
    /* Row 3 is tied: its hash label is tied[int(sha1("3"), 16) % 2], and sha1("3") =
     * 77de68da...106e83bb is odd, so class 1. */
    int32_t labels[4];
    ck_assert_ok(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH));
    ck_assert_int_eq(labels[3], 1);
    /* Reviewed: row 0 answer 0 (right), row 1 answer 1 (wrong), row 2 answer 1 (right),
     * row 3 not reviewed. */
    const int32_t answers[] = {0, 1, 1, -1};
    chorus_qa_report *r;
    ck_assert_ok(chorus_qa_compute(&r, p, answers, 4, NULL));
    ck_assert_int_eq(r->all.reviewed, 3);
    ck_assert_int_eq(r->all.correct, 2);
    ck_assert_double_eq_tol(r->all.accuracy, 2.0 / 3, 1e-15);
    ck_assert(r->all.lower < 2.0 / 3 && r->all.upper > 2.0 / 3);
    ck_assert_int_eq(r->all.further, -1);
    ck_assert_int_eq(r->per_class[0].reviewed, 2);
    ck_assert_int_eq(r->per_class[0].correct, 1);
    ck_assert_int_eq(r->per_class[1].reviewed, 1);
    ck_assert_int_eq(r->per_class[1].correct, 1);
    chorus_qa_report_free(r);
    /* Reviewing the tied row counts it under its hash label. */
    const int32_t tied[] = {-1, -1, -1, labels[3]};
    ck_assert_ok(chorus_qa_compute(&r, p, tied, 4, NULL));
    ck_assert_int_eq(r->per_class[labels[3]].reviewed, 1);
    ck_assert_int_eq(r->per_class[labels[3]].correct, 1);
    chorus_qa_report_free(r);
    /* A class nothing reviewed was predicted as has no estimate. */
    const int32_t only_first[] = {0, -1, -1, -1};
    chorus_qa_options o = CHORUS_QA_OPTIONS_INIT;
    o.target_width = 0.2;
    ck_assert_ok(chorus_qa_compute(&r, p, only_first, 4, &o));
    ck_assert_int_eq(r->per_class[1].reviewed, 0);
    ck_assert(isnan(r->per_class[1].accuracy) && isnan(r->per_class[1].lower));
    ck_assert_int_eq(r->per_class[1].further, -1);
    ck_assert_int_gt(r->all.further, 0);
    chorus_qa_report_free(r);
    chorus_probs_free(p);
}
END_TEST

START_TEST(qa_matches_rows_by_item_id)
{
    /* Rows for items 1 and 3 of 5 (as left by dropping uncovered items). */
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 2, 2));
    const double rows[] = {0.9, 0.1, 0.2, 0.8};
    memcpy(chorus_probs_data(p), rows, sizeof rows);
    const int64_t ids[] = {1, 3};
    ck_assert_ok(chorus_probs_set_item_ids(p, ids));
    /* Answers for items 0 and 4 have no row and are not counted. */
    const int32_t answers[] = {1, 0, -1, 0, 1};
    chorus_qa_report *r;
    ck_assert_ok(chorus_qa_compute(&r, p, answers, 5, NULL));
    ck_assert_int_eq(r->all.reviewed, 2);
    ck_assert_int_eq(r->all.correct, 1);
    chorus_qa_report_free(r);
    ck_assert_error(chorus_qa_compute(&r, p, answers, 3, NULL), CHORUS_EINVAL, "item 3");
    chorus_probs_free(p);
}
END_TEST

START_TEST(qa_bad_input)
{
    chorus_probs *p = four_items();
    chorus_qa_report *r = NULL;
    const int32_t none[] = {-1, -1, -1, -1};
    ck_assert_error(chorus_qa_compute(&r, p, none, 4, NULL), CHORUS_EINVAL, "nothing was reviewed");
    ck_assert_ptr_null(r);
    ck_assert_error(chorus_qa_compute(&r, p, none, 3, NULL), CHORUS_EINVAL, "3 answers for 4");
    const int32_t bad[] = {0, 2, -1, -1};
    ck_assert_error(chorus_qa_compute(&r, p, bad, 4, NULL), CHORUS_EINVAL, "answer of item 1 is 2");
    chorus_qa_options o = CHORUS_QA_OPTIONS_INIT;
    o.confidence = 1.5;
    ck_assert_error(chorus_qa_compute(&r, p, bad, 4, &o), CHORUS_EINVAL, "confidence 1.5");
    chorus_probs_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("qa");
    TCase *t = tcase_create("intervals");
    tcase_add_test(t, beta_inc_closed_forms);
    tcase_add_test(t, beta_inverse_round_trips);
    tcase_add_test(t, normal_quantile_known_values);
    tcase_add_test(t, clopper_pearson_published_values);
    tcase_add_test(t, wilson_hand_derived_values);
    tcase_add_test(t, interval_arguments_checked);
    tcase_add_test(t, review_size_reaches_the_width);
    suite_add_tcase(s, t);
    TCase *c = tcase_create("coverage");
    tcase_set_timeout(c, 120);
    tcase_add_test(c, wilson_covers);
    tcase_add_test(c, clopper_pearson_covers);
    suite_add_tcase(s, c);
    TCase *q = tcase_create("qa");
    tcase_add_test(q, qa_counts_and_classes);
    tcase_add_test(q, qa_matches_rows_by_item_id);
    tcase_add_test(q, qa_bad_input);
    suite_add_tcase(s, q);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
