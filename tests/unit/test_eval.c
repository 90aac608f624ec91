#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/*
 * int(hashlib.sha1(str(i).encode()).hexdigest(), 16) % m for i = 0..20, computed with
 * Python's hashlib (not with chorus), e.g.
 *   python3 -c "import hashlib; print([int(hashlib.sha1(str(i).encode()).hexdigest(), 16)
 *               % 3 for i in range(21)])"
 * (sha1("0") = b6589fc6ab0dc82cf12099d1c2d40ab994e8410c.)
 */
static const int32_t PY_MOD2[21] = {0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0};
static const int32_t PY_MOD3[21] = {0, 0, 0, 1, 0, 0, 1, 2, 1, 1, 0, 2, 1, 1, 0, 1, 0, 2, 1, 0, 1};
static const int32_t PY_MOD4[21] = {0, 3, 0, 3, 2, 0, 0, 2, 3, 3, 1, 3, 0, 0, 3, 2, 1, 0, 0, 3, 0};
static const int32_t PY_MOD5[21] = {3, 3, 1, 4, 0, 1, 3, 3, 3, 2, 2, 4, 2, 1, 3, 1, 3, 2, 1, 1, 4};

#define EPS 1e-12

/* n rows, all equal to `row`. */
static chorus_probs *repeated_rows(int64_t n, int32_t k, const double *row)
{
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, n, k));
    double *d = chorus_probs_data(p);
    for (int64_t i = 0; i < n; i++)
        memcpy(d + i * k, row, (size_t)k * sizeof *row);
    return p;
}

static chorus_probs *probs_from(int64_t n, int32_t k, const double *rows)
{
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, n, k));
    memcpy(chorus_probs_data(p), rows, (size_t)(n * k) * sizeof *rows);
    return p;
}

START_TEST(test_tie_break_parse)
{
    chorus_tie_break tb = CHORUS_TIE_BREAK_ABSTAIN;
    ck_assert_ok(chorus_tie_break_parse(&tb, "hash"));
    ck_assert_int_eq(tb, CHORUS_TIE_BREAK_HASH);
    ck_assert_ok(chorus_tie_break_parse(&tb, "abstain"));
    ck_assert_int_eq(tb, CHORUS_TIE_BREAK_ABSTAIN);
    ck_assert_error(chorus_tie_break_parse(&tb, "random"), CHORUS_EINVAL, "'random'");
    ck_assert_error(chorus_tie_break_parse(&tb, "Hash"), CHORUS_EINVAL, "hash or abstain");
}
END_TEST

START_TEST(test_argmax_and_tolerance)
{
    /* A unique maximum is the label; 2e-5 apart is not a tie, 8e-6 apart is. */
    const double rows[] = {
        0.2,      0.7,      0.1, /* argmax 1 */
        0.50001,  0.49999,  0.0, /* 2e-5 apart: argmax 0 */
        0.499996, 0.500004, 0.0, /* 8e-6 apart: tied {0, 1} */
        0.0,      0.0,      1.0, /* argmax 2 */
    };
    chorus_probs *p = probs_from(4, 3, rows);
    int32_t hash[4], abstain[4];
    ck_assert_ok(chorus_probs_to_labels(hash, p, CHORUS_TIE_BREAK_HASH));
    ck_assert_ok(chorus_probs_to_labels(abstain, p, CHORUS_TIE_BREAK_ABSTAIN));
    ck_assert_int_eq(hash[0], 1);
    ck_assert_int_eq(hash[1], 0);
    /* Row 2, two tied: tied[PY_MOD2[2]] = tied[0] = class 0. */
    ck_assert_int_eq(hash[2], 0);
    ck_assert_int_eq(hash[3], 2);
    ck_assert_int_eq(abstain[0], 1);
    ck_assert_int_eq(abstain[1], 0);
    ck_assert_int_eq(abstain[2], CHORUS_ABSTAIN);
    ck_assert_int_eq(abstain[3], 2);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_hash_two_tied)
{
    const double row[] = {0.5, 0.5};
    chorus_probs *p = repeated_rows(21, 2, row);
    int32_t labels[21];
    ck_assert_ok(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH));
    for (int i = 0; i < 21; i++)
        ck_assert_int_eq(labels[i], PY_MOD2[i]);
    chorus_probs_free(p);

    /* Tied classes {1, 3} of 4: the pick indexes the tied list, not the classes. */
    const double row4[] = {0.1, 0.4, 0.1, 0.4};
    p = repeated_rows(21, 4, row4);
    ck_assert_ok(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH));
    for (int i = 0; i < 21; i++)
        ck_assert_int_eq(labels[i], PY_MOD2[i] ? 3 : 1);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_hash_three_and_five_tied)
{
    const double third = 1.0 / 3;
    const double row3[] = {third, third, third};
    chorus_probs *p = repeated_rows(21, 3, row3);
    int32_t labels[21];
    ck_assert_ok(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH));
    for (int i = 0; i < 21; i++)
        ck_assert_int_eq(labels[i], PY_MOD3[i]);
    chorus_probs_free(p);

    /* Classes {0, 2, 3, 4} of 5 tied, class 1 lower. */
    const double row5[] = {0.24, 0.04, 0.24, 0.24, 0.24};
    const int32_t tied4[] = {0, 2, 3, 4};
    p = repeated_rows(21, 5, row5);
    ck_assert_ok(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH));
    for (int i = 0; i < 21; i++)
        ck_assert_int_eq(labels[i], tied4[PY_MOD4[i]]);
    chorus_probs_free(p);

    const double row6[] = {0.19, 0.19, 0.19, 0.05, 0.19, 0.19};
    const int32_t tied5[] = {0, 1, 2, 4, 5};
    p = repeated_rows(21, 6, row6);
    ck_assert_ok(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH));
    for (int i = 0; i < 21; i++)
        ck_assert_int_eq(labels[i], tied5[PY_MOD5[i]]);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_hash_thread_independent)
{
    /* Enough rows for the parallel loop; every row tied, so every row is hashed. */
    const int64_t n = 20000;
    const double row[] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    chorus_probs *p = repeated_rows(n, 3, row);
    int32_t *one = malloc((size_t)n * sizeof *one), *four = malloc((size_t)n * sizeof *four);
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    ck_assert_ok(chorus_probs_to_labels(one, p, CHORUS_TIE_BREAK_HASH));
    omp_set_num_threads(4);
    ck_assert_ok(chorus_probs_to_labels(four, p, CHORUS_TIE_BREAK_HASH));
    omp_set_num_threads(saved);
    ck_assert_mem_eq(one, four, (size_t)n * sizeof *one);
    for (int i = 0; i < 21; i++)
        ck_assert_int_eq(four[i], PY_MOD3[i]);
    free(one);
    free(four);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_labels_reject_nan)
{
    const double rows[] = {0.5, 0.5, NAN, 0.5, 0.1, 0.9};
    chorus_probs *p = probs_from(3, 2, rows);
    int32_t labels[3];
    ck_assert_error(chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH), CHORUS_EINVAL,
                    "item 1: probability of class 0");
    chorus_probs_free(p);
}
END_TEST

/*
 * The hand-worked case: 3 classes, 6 items, item 4 has unknown gold.
 *   item  probs            gold  hash label                 top prob
 *   0     0.7 0.2 0.1      0     0 (right)                  0.7
 *   1     0.2 0.5 0.3      0     1 (wrong)                  0.5
 *   2     0.1 0.8 0.1      1     1 (right)                  0.8
 *   3     0.4 0.4 0.2      2     tied {0,1}: PY_MOD2[3] = 1 -> class 1 (wrong)   0.4
 *   4     1   0   0        -1    not scored
 *   5     0   0   1        1     2 (wrong)                  1.0
 */
static const double CASE_ROWS[] = {0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.8, 0.1,
                                   0.4, 0.4, 0.2, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0};
static const int32_t CASE_GOLD[] = {0, 0, 1, 2, -1, 1};

static void check_shared_scores(const chorus_metrics *m)
{
    ck_assert_int_eq(m->n_classes, 3);
    ck_assert_int_eq(m->n_items, 6);
    ck_assert_int_eq(m->n_gold, 5);
    ck_assert_int_eq(m->n_tied, 1);
    ck_assert_int_eq(m->support[0], 2);
    ck_assert_int_eq(m->support[1], 2);
    ck_assert_int_eq(m->support[2], 1);
    /* Brier per item: 0.09+0.04+0.01 = 0.14; 0.64+0.25+0.09 = 0.98; 0.01+0.04+0.01 = 0.06;
     * 0.16+0.16+0.64 = 0.96; 0+1+1 = 2. Sum 4.14, mean 0.828. */
    ck_assert_double_eq_tol(m->brier, 0.828, EPS);
    /* -ln p_y with p_y = 0.7, 0.2, 0.8, 0.2 and 0 clipped to 1e-15; ln(1e-15) = -34.5388 */
    ck_assert_double_eq_tol(m->log_loss, (-log(0.7) - 2 * log(0.2) - log(0.8) + 15 * log(10)) / 5,
                            EPS);
    ck_assert_double_eq_tol(m->log_loss, 7.66749, 1e-5);
    /* ECE, 10 bins: one item per bin (0.4 -> 4, 0.5 -> 5, 0.7 -> 7, 0.8 -> 8, 1.0 -> 9),
     * |acc - conf| = 0.4, 0.5, 0.3, 0.2, 1.0; sum 2.4, each weighted 1/5: 0.48. The
     * abstain policy does not change it: correctness is judged by the hash labels. */
    ck_assert_double_eq_tol(m->ece, 0.48, EPS);
}

START_TEST(test_metrics_hash)
{
    chorus_probs *p = probs_from(6, 3, CASE_ROWS);
    chorus_eval_options opts = CHORUS_EVAL_OPTIONS_INIT;
    opts.positive_class = 1;
    chorus_metrics *m;
    ck_assert_ok(chorus_eval(&m, p, CASE_GOLD, 6, &opts));
    check_shared_scores(m);
    ck_assert_int_eq(m->n_labeled, 5);
    ck_assert_int_eq(m->n_correct, 2);
    ck_assert_double_eq_tol(m->accuracy, 0.4, EPS);
    ck_assert_double_eq_tol(m->label_coverage, 1.0, EPS);
    /* Confusion rows (gold) x columns (predicted 0, 1, 2, none). */
    const int64_t confusion[12] = {1, 1, 0, 0, /**/ 0, 1, 1, 0, /**/ 0, 1, 0, 0};
    ck_assert_mem_eq(m->confusion, confusion, sizeof confusion);
    /* Predicted counts 1, 3, 1; true positives 1, 1, 0; support 2, 2, 1. */
    ck_assert_double_eq_tol(m->precision[0], 1.0, EPS);
    ck_assert_double_eq_tol(m->precision[1], 1.0 / 3, EPS);
    ck_assert_double_eq_tol(m->precision[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->recall[0], 0.5, EPS);
    ck_assert_double_eq_tol(m->recall[1], 0.5, EPS);
    ck_assert_double_eq_tol(m->recall[2], 0.0, EPS);
    /* F1 = 2TP / (predicted + support): 2/3, 2/5, 0. Macro: (2/3 + 2/5) / 3 = 16/45. */
    ck_assert_double_eq_tol(m->f1[0], 2.0 / 3, EPS);
    ck_assert_double_eq_tol(m->f1[1], 0.4, EPS);
    ck_assert_double_eq_tol(m->f1[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->macro_f1, 16.0 / 45, EPS);
    ck_assert_int_eq(m->positive_class, 1);
    ck_assert_double_eq_tol(m->positive_f1, 0.4, EPS);
    chorus_metrics_free(m);

    /* Two bins [0, 0.5), [0.5, 1]: {0.4, wrong} -> |0 - 0.4| * 1/5 = 0.08;
     * {0.7 R, 0.5 W, 0.8 R, 1.0 W}: acc 0.5, conf 3.0/4 = 0.75 -> 0.25 * 4/5 = 0.2. */
    opts.n_bins = 2;
    opts.positive_class = -1;
    ck_assert_ok(chorus_eval(&m, p, CASE_GOLD, 6, &opts));
    ck_assert_double_eq_tol(m->ece, 0.28, EPS);
    /* The bins behind it, as worked out above. */
    ck_assert_int_eq(m->n_bins, 2);
    ck_assert_int_eq(m->bin_count[0], 1);
    ck_assert_double_eq_tol(m->bin_confidence[0], 0.4, EPS);
    ck_assert_double_eq_tol(m->bin_accuracy[0], 0.0, EPS);
    ck_assert_int_eq(m->bin_count[1], 4);
    ck_assert_double_eq_tol(m->bin_confidence[1], 0.75, EPS);
    ck_assert_double_eq_tol(m->bin_accuracy[1], 0.5, EPS);
    ck_assert_int_eq(m->positive_class, -1);
    ck_assert_double_eq_tol(m->positive_f1, 0.0, EPS);
    chorus_metrics_free(m);

    /* NULL options are the defaults: hash, 10 bins, no positive class. */
    ck_assert_ok(chorus_eval(&m, p, CASE_GOLD, 6, NULL));
    ck_assert_double_eq_tol(m->ece, 0.48, EPS);
    ck_assert_double_eq_tol(m->accuracy, 0.4, EPS);
    chorus_metrics_free(m);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_metrics_abstain)
{
    chorus_probs *p = probs_from(6, 3, CASE_ROWS);
    chorus_eval_options opts = CHORUS_EVAL_OPTIONS_INIT;
    opts.tie_break = CHORUS_TIE_BREAK_ABSTAIN;
    opts.positive_class = 1;
    chorus_metrics *m;
    ck_assert_ok(chorus_eval(&m, p, CASE_GOLD, 6, &opts));
    check_shared_scores(m);
    /* Item 3 now has no label: 4 labelled, 2 right. */
    ck_assert_int_eq(m->n_labeled, 4);
    ck_assert_int_eq(m->n_correct, 2);
    ck_assert_double_eq_tol(m->accuracy, 0.5, EPS);
    ck_assert_double_eq_tol(m->label_coverage, 0.8, EPS);
    const int64_t confusion[12] = {1, 1, 0, 0, /**/ 0, 1, 1, 0, /**/ 0, 0, 0, 1};
    ck_assert_mem_eq(m->confusion, confusion, sizeof confusion);
    /* Predicted counts 1, 2, 1. Class 1: P = 1/2, R = 1/2, F1 = 2/(2+2) = 1/2. Class 2:
     * its one gold item went unlabelled, so R = 0. Macro (2/3 + 1/2 + 0) / 3 = 7/18. */
    ck_assert_double_eq_tol(m->precision[1], 0.5, EPS);
    ck_assert_double_eq_tol(m->recall[1], 0.5, EPS);
    ck_assert_double_eq_tol(m->f1[1], 0.5, EPS);
    ck_assert_double_eq_tol(m->recall[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->f1[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->macro_f1, 7.0 / 18, EPS);
    ck_assert_double_eq_tol(m->positive_f1, 0.5, EPS);
    chorus_metrics_free(m);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_undefined_ratios_are_zero)
{
    /* Class 1 predicted once but absent from gold; class 2 neither: all its scores are 0.
     * Class 0: TP 1, predicted 1, support 2 -> P 1, R 1/2, F1 2/3. Macro 2/9. */
    const double rows[] = {0.9, 0.1, 0.0, 0.2, 0.8, 0.0};
    const int32_t gold[] = {0, 0};
    chorus_probs *p = probs_from(2, 3, rows);
    chorus_metrics *m;
    ck_assert_ok(chorus_eval(&m, p, gold, 2, NULL));
    ck_assert_double_eq_tol(m->accuracy, 0.5, EPS);
    ck_assert_double_eq_tol(m->f1[0], 2.0 / 3, EPS);
    ck_assert_double_eq_tol(m->precision[1], 0.0, EPS);
    ck_assert_double_eq_tol(m->recall[1], 0.0, EPS);
    ck_assert_double_eq_tol(m->f1[1], 0.0, EPS);
    ck_assert_double_eq_tol(m->precision[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->recall[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->f1[2], 0.0, EPS);
    ck_assert_double_eq_tol(m->macro_f1, 2.0 / 9, EPS);
    chorus_metrics_free(m);
    chorus_probs_free(p);

    /* Nothing labelled at all: accuracy and coverage 0, the item in the last column.
     * Brier (0.5^2 + 0.5^2) = 0.5; log loss -ln 0.5; ECE: conf 0.5, hash label of row 0 is
     * PY_MOD2[0] = 0 != gold 1, so |0 - 0.5| = 0.5. */
    const double tie[] = {0.5, 0.5};
    const int32_t gold1[] = {1};
    p = probs_from(1, 2, tie);
    chorus_eval_options opts = CHORUS_EVAL_OPTIONS_INIT;
    opts.tie_break = CHORUS_TIE_BREAK_ABSTAIN;
    ck_assert_ok(chorus_eval(&m, p, gold1, 1, &opts));
    ck_assert_int_eq(m->n_labeled, 0);
    ck_assert_double_eq_tol(m->accuracy, 0.0, EPS);
    ck_assert_double_eq_tol(m->label_coverage, 0.0, EPS);
    const int64_t confusion[6] = {0, 0, 0, /**/ 0, 0, 1};
    ck_assert_mem_eq(m->confusion, confusion, sizeof confusion);
    ck_assert_double_eq_tol(m->brier, 0.5, EPS);
    ck_assert_double_eq_tol(m->log_loss, log(2.0), EPS);
    ck_assert_double_eq_tol(m->ece, 0.5, EPS);
    ck_assert_double_eq_tol(m->macro_f1, 0.0, EPS);
    chorus_metrics_free(m);
    chorus_probs_free(p);
}
END_TEST

/*
 * Rows matched to gold by item id, and the coverage of the votes. Five items, two
 * classes; items 0 and 3 had no vote (covered 0) and got the uniform prior:
 *
 *   item  probs        covered  gold  hash label (sha1(item) % 2, PY_MOD2)
 *   0     0.5  0.5     0        1     0  (wrong)
 *   1     0.5  0.5     1        1     1  (right; tied)
 *   2     1    0       1        0     0  (right)
 *   3     0.5  0.5     0        0     1  (wrong)
 *   4     0    1       1        1     1  (right)
 */
static const double COVER_ROWS[] = {0.5, 0.5, 0.5, 0.5, 1, 0, 0.5, 0.5, 0, 1};
static const uint8_t COVER_FLAGS[] = {0, 1, 1, 0, 1};
static const int32_t COVER_GOLD[] = {1, 1, 0, 0, 1};

START_TEST(test_vote_coverage_and_item_ids)
{
    ck_assert_int_eq(PY_MOD2[0], 0);
    ck_assert_int_eq(PY_MOD2[1], 1);
    ck_assert_int_eq(PY_MOD2[3], 1);
    chorus_probs *p = probs_from(5, 2, COVER_ROWS);
    chorus_metrics *m;

    /* Coverage unknown: no vote coverage; every row scored. */
    ck_assert_ok(chorus_eval(&m, p, COVER_GOLD, 5, NULL));
    ck_assert_int_eq(m->n_covered, -1);
    ck_assert(isnan(m->vote_coverage));
    ck_assert_int_eq(m->n_unpredicted, 0);
    ck_assert_double_eq_tol(m->accuracy, 0.6, EPS);
    ck_assert_ptr_null(m->covered_confusion);
    ck_assert(isnan(m->covered_accuracy) && isnan(m->covered_macro_f1));
    chorus_metrics_free(m);

    /* Coverage known: 3 of the 5 items with gold had a vote. */
    ck_assert_ok(chorus_probs_set_covered(p, COVER_FLAGS));
    chorus_eval_options positive = CHORUS_EVAL_OPTIONS_INIT;
    positive.positive_class = 1;
    ck_assert_ok(chorus_eval(&m, p, COVER_GOLD, 5, &positive));
    ck_assert_int_eq(m->n_covered, 3);
    ck_assert_double_eq_tol(m->vote_coverage, 0.6, EPS);
    ck_assert_double_eq_tol(m->label_coverage, 1.0, EPS);
    ck_assert_int_eq(m->n_gold, 5);
    /* The two wrong labels are the uncovered items' (0 and 3): the covered ones, 1, 2 and
     * 4, are all right. Overall, class 1 has 2 of its 3 items and 3 labels (F1 4/6). */
    ck_assert_double_eq_tol(m->positive_f1, 4.0 / 6, EPS);
    ck_assert_int_eq(m->covered_correct, 3);
    ck_assert_double_eq_tol(m->covered_accuracy, 1.0, EPS);
    ck_assert_double_eq_tol(m->covered_macro_f1, 1.0, EPS);
    ck_assert_double_eq_tol(m->covered_positive_f1, 1.0, EPS);
    static const int64_t covered_confusion[] = {1, 0, 0, 0, 2, 0};
    for (int j = 0; j < 6; j++)
        ck_assert_int_eq(m->covered_confusion[j], covered_confusion[j]);
    chorus_metrics_free(m);
    /* Abstaining on ties leaves covered item 1 unlabelled: a miss for class 1 (1 label,
     * 2 items, 1 right: F1 2/3) but not against the accuracy (2 of 2 labelled). */
    chorus_eval_options abstain_positive = positive;
    abstain_positive.tie_break = CHORUS_TIE_BREAK_ABSTAIN;
    ck_assert_ok(chorus_eval(&m, p, COVER_GOLD, 5, &abstain_positive));
    ck_assert_int_eq(m->covered_correct, 2);
    ck_assert_double_eq_tol(m->covered_accuracy, 1.0, EPS);
    ck_assert_double_eq_tol(m->covered_positive_f1, 2.0 / 3, EPS);
    ck_assert_double_eq_tol(m->covered_macro_f1, (1.0 + 2.0 / 3) / 2, EPS);
    ck_assert_int_eq(m->covered_confusion[1 * 3 + 2], 1);
    chorus_metrics_free(m);

    /* Uncovered rows dropped: items 1, 2, 4 are scored against their own gold, the two
     * others are counted as without a prediction (and as not covered). */
    ck_assert_ok(chorus_probs_drop_uncovered(p));
    ck_assert_ok(chorus_eval(&m, p, COVER_GOLD, 5, NULL));
    ck_assert_int_eq(m->n_items, 3);
    ck_assert_int_eq(m->n_gold, 3);
    ck_assert_int_eq(m->n_unpredicted, 2);
    ck_assert_int_eq(m->n_covered, 3);
    ck_assert_double_eq_tol(m->vote_coverage, 0.6, EPS);
    /* Item 1, now row 0, keeps its hash label 1 (row 0's would be 0, wrong). */
    ck_assert_int_eq(m->n_correct, 3);
    ck_assert_double_eq_tol(m->accuracy, 1.0, EPS);
    ck_assert_int_eq(m->n_tied, 1);
    chorus_metrics_free(m);
    chorus_eval_options abstain = CHORUS_EVAL_OPTIONS_INIT;
    abstain.tie_break = CHORUS_TIE_BREAK_ABSTAIN;
    ck_assert_ok(chorus_eval(&m, p, COVER_GOLD, 5, &abstain));
    ck_assert_int_eq(m->n_labeled, 2);
    ck_assert_double_eq_tol(m->label_coverage, 2.0 / 3, EPS);
    ck_assert_double_eq_tol(m->vote_coverage, 0.6, EPS);
    chorus_metrics_free(m);

    /* Unknown gold is neither scored nor missing: item 3 (dropped) and item 2 (a row). */
    const int32_t some_gold[] = {1, 1, -1, -1, 1};
    ck_assert_ok(chorus_eval(&m, p, some_gold, 5, NULL));
    ck_assert_int_eq(m->n_gold, 2);
    ck_assert_int_eq(m->n_unpredicted, 1);
    ck_assert_double_eq_tol(m->vote_coverage, 2.0 / 3, EPS);
    chorus_metrics_free(m);

    /* Gold may be longer than the rows when they carry ids, not shorter than the ids. */
    const int32_t longer[] = {1, 1, 0, 0, 1, 0, 0};
    ck_assert_ok(chorus_eval(&m, p, longer, 7, NULL));
    ck_assert_int_eq(m->n_unpredicted, 4);
    ck_assert_double_eq_tol(m->vote_coverage, 3.0 / 7, EPS);
    chorus_metrics_free(m);
    ck_assert_error(chorus_eval(&m, p, COVER_GOLD, 4, NULL), CHORUS_EINVAL,
                    "item 4 has no gold label: there are 4");
    ck_assert_ptr_null(m);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_bad_inputs)
{
    chorus_probs *p = probs_from(6, 3, CASE_ROWS);
    chorus_metrics *m = (chorus_metrics *)1;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 5, NULL), CHORUS_EINVAL,
                    "5 gold labels for 6 items");
    ck_assert_ptr_null(m);
    const int32_t too_big[] = {0, 0, 3, 2, -1, 1};
    ck_assert_error(chorus_eval(&m, p, too_big, 6, NULL), CHORUS_EINVAL,
                    "item 2: gold label 3 is outside -1..2");
    const int32_t too_small[] = {0, 0, 1, 2, -2, 1};
    ck_assert_error(chorus_eval(&m, p, too_small, 6, NULL), CHORUS_EINVAL, "item 4: gold label -2");
    const int32_t none[] = {-1, -1, -1, -1, -1, -1};
    ck_assert_error(chorus_eval(&m, p, none, 6, NULL), CHORUS_EINVAL,
                    "no item has a known gold label");
    chorus_eval_options opts = CHORUS_EVAL_OPTIONS_INIT;
    opts.n_bins = 0;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, &opts), CHORUS_EINVAL, "bins");
    opts = (chorus_eval_options)CHORUS_EVAL_OPTIONS_INIT;
    opts.positive_class = 3;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, &opts), CHORUS_EINVAL, "positive class 3");
    opts = (chorus_eval_options)CHORUS_EVAL_OPTIONS_INIT;
    opts.version = 99;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, &opts), CHORUS_EINVAL, "version");
    opts = (chorus_eval_options)CHORUS_EVAL_OPTIONS_INIT;
    opts.tie_break = (chorus_tie_break)7;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, &opts), CHORUS_EINVAL, "tie-break");

    /* Probabilities of scored items must be finite and in 0..1. */
    double *d = chorus_probs_data(p);
    d[5] = 1.5;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, NULL), CHORUS_EINVAL,
                    "item 1: probability 1.5 of class 2 is outside 0..1");
    d[5] = INFINITY;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, NULL), CHORUS_EINVAL, "item 1");
    d[5] = NAN;
    ck_assert_error(chorus_eval(&m, p, CASE_GOLD, 6, NULL), CHORUS_EINVAL, "item 1");
    ck_assert_ptr_null(m);
    chorus_probs_free(p);
}
END_TEST

/* ---- WRENCH majority vote, against the published numbers ---- */

/* Reads a whole text file into a NUL-terminated buffer. */
static char *slurp(const char *path)
{
    size_t len;
    return test_read_file(path, &len);
}

/*
 * Majority-vote probabilities from a dense votes.csv (header line, then comma-separated
 * ints, -1 = abstain): p_k = votes for k / votes, uniform when nobody voted.
 */
static chorus_probs *majority_vote(const char *path, int32_t k)
{
    char *text = slurp(path);
    char *line = strchr(text, '\n');
    ck_assert_ptr_nonnull(line);
    line++;
    int64_t n = 0;
    for (char *c = line; *c; c++)
        n += *c == '\n';
    if (text[strlen(text) - 1] != '\n') n++;
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, n, k));
    double *d = chorus_probs_data(p);
    int64_t i = 0;
    while (*line && i < n) {
        int64_t counts[64] = {0}, total = 0;
        char *end;
        for (;;) {
            long v = strtol(line, &end, 10);
            ck_assert_ptr_ne(end, line);
            ck_assert(v >= -1 && v < k);
            if (v >= 0) {
                counts[v]++;
                total++;
            }
            line = end;
            if (*line == ',') {
                line++;
                continue;
            }
            break;
        }
        if (*line == '\r') line++;
        if (*line == '\n') line++;
        for (int32_t c = 0; c < k; c++)
            d[i * k + c] = total ? (double)counts[c] / (double)total : 1.0 / k;
        i++;
    }
    ck_assert_int_eq(i, n);
    free(text);
    return p;
}

static int32_t *read_gold(const char *path, int64_t *n)
{
    char *text = slurp(path);
    int64_t cap = 16, count = 0;
    int32_t *gold = malloc((size_t)cap * sizeof *gold);
    char *s = text, *end;
    for (;;) {
        long v = strtol(s, &end, 10);
        if (end == s) break;
        if (count == cap) gold = realloc(gold, (size_t)(cap *= 2) * sizeof *gold);
        gold[count++] = (int32_t)v;
        s = end;
    }
    free(text);
    *n = count;
    return gold;
}

/* Scores MV on one split; returns accuracy or F1 of class 1 in percent. */
static double wrench_mv(const char *dir, int32_t k, int want_f1)
{
    char votes[256], gold_path[256];
    snprintf(votes, sizeof votes, "%s/votes.csv", dir);
    snprintf(gold_path, sizeof gold_path, "%s/gold.csv", dir);
    chorus_probs *p = majority_vote(test_dataset(votes), k);
    int64_t n;
    int32_t *gold = read_gold(test_dataset(gold_path), &n);
    ck_assert_int_eq(n, chorus_probs_n_items(p));
    chorus_eval_options opts = CHORUS_EVAL_OPTIONS_INIT;
    opts.positive_class = want_f1 ? 1 : -1;
    chorus_metrics *m;
    ck_assert_ok(chorus_eval(&m, p, gold, n, &opts));
    ck_assert_double_eq_tol(m->label_coverage, 1.0, EPS);
    double score = 100 * (want_f1 ? m->positive_f1 : m->accuracy);
    chorus_metrics_free(m);
    free(gold);
    chorus_probs_free(p);
    return score;
}

/* WRENCH (NeurIPS 2021) majority vote, label model alone, test split. */
START_TEST(test_wrench_youtube_mv)
{
    ck_assert_double_eq_tol(wrench_mv("wrench_youtube/test", 2, 0), 84.00, 0.005);
}
END_TEST

START_TEST(test_wrench_sms_mv)
{
    ck_assert_double_eq_tol(wrench_mv("wrench_sms/test", 2, 1), 23.97, 0.005);
}
END_TEST

START_TEST(test_wrench_trec_mv)
{
    ck_assert_double_eq_tol(wrench_mv("wrench_trec/test", 6, 0), 60.80, 0.005);
}
END_TEST

START_TEST(test_wrench_spouse_mv)
{
    ck_assert_double_eq_tol(wrench_mv("wrench_spouse_test/test", 2, 1), 20.81, 0.005);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("eval");
    TCase *labels = tcase_create("labels");
    tcase_add_test(labels, test_tie_break_parse);
    tcase_add_test(labels, test_argmax_and_tolerance);
    tcase_add_test(labels, test_hash_two_tied);
    tcase_add_test(labels, test_hash_three_and_five_tied);
    tcase_add_test(labels, test_hash_thread_independent);
    tcase_add_test(labels, test_labels_reject_nan);
    suite_add_tcase(s, labels);
    TCase *metrics = tcase_create("metrics");
    tcase_add_test(metrics, test_metrics_hash);
    tcase_add_test(metrics, test_metrics_abstain);
    tcase_add_test(metrics, test_undefined_ratios_are_zero);
    tcase_add_test(metrics, test_bad_inputs);
    tcase_add_test(metrics, test_vote_coverage_and_item_ids);
    suite_add_tcase(s, metrics);
    TCase *wrench = tcase_create("wrench");
    tcase_add_test(wrench, test_wrench_youtube_mv);
    tcase_add_test(wrench, test_wrench_sms_mv);
    tcase_add_test(wrench, test_wrench_trec_mv);
    tcase_add_test(wrench, test_wrench_spouse_mv);
    suite_add_tcase(s, wrench);
    return test_run_suite(s);
}
