/*
 * The labels the default hands back after falling back to majority vote: each LF's
 * specificity from the model's firing rates, and vote shares that lean to specific LFs
 * only where the classes tie. Every expected value is worked out from the definitions in
 * fallback_vote.h, not taken from a run.
 */
#include <math.h>
#include <stdlib.h>

#include "model/fallback_vote.h"
#include "model/model_internal.h"
#include "test_util.h"

#define A CHORUS_ABSTAIN

/*
 * K = 2, prior [0.5, 0.5], fitted on n = 100 items, four LFs; what matters is each row's
 * abstain probability (last column):
 *   LF0: 0.5 for both classes    fires on 0.5 of the items  -> specificity ln 2 / ln 100
 *   LF1: 0.99 for both           fires on 0.01              -> ln 100 / ln 100 = 1
 *   LF2: 0.9 (y=0), 0.7 (y=1)    fires on 0.5*0.1 + 0.5*0.3 = 0.2 -> ln 5 / ln 100
 *   LF3: 0 for both              fires on every item        -> 0
 */
static chorus_model *hand_model(void)
{
    chorus_model *m;
    ck_assert_ok(chorus_model_alloc_shape(&m, CHORUS_MODEL_DS, 4, 2));
    ck_assert_ok(chorus_model_alloc_theta(m));
    m->abstain_informative = true;
    m->fit_n_items = 100;
    const double abstain[4][2] = {{0.5, 0.5}, {0.99, 0.99}, {0.9, 0.7}, {0, 0}};
    for (int32_t j = 0; j < 4; j++)
        for (int32_t y = 0; y < 2; y++) {
            double *row = m->theta + (size_t)j * 6 + (size_t)y * 3;
            row[y] = 1 - abstain[j][y]; /* every vote right: only the abstains matter here */
            row[1 - y] = 0;
            row[2] = abstain[j][y];
        }
    return m;
}

START_TEST(test_specificity_from_the_firing_rates)
{
    chorus_model *m = hand_model();
    double *s;
    ck_assert_ok(chorus_fallback_specificity(m, &s));
    ck_assert_double_eq_tol(s[0], log(2) / log(100), 1e-12);
    ck_assert_double_eq_tol(s[1], 1, 1e-12);
    ck_assert_double_eq_tol(s[2], log(5) / log(100), 1e-12);
    ck_assert_double_eq(s[3], 0);
    free(s);
    /* Crowd workers (abstains no evidence): answering few items says nothing of precision. */
    m->abstain_informative = false;
    ck_assert_ok(chorus_fallback_specificity(m, &s));
    for (int32_t j = 0; j < 4; j++)
        ck_assert_double_eq(s[j], 0);
    free(s);
    /* Fitted on one item there is no scale to measure rarity on. */
    m->abstain_informative = true;
    m->fit_n_items = 1;
    ck_assert_ok(chorus_fallback_specificity(m, &s));
    ck_assert_double_eq(s[1], 0);
    free(s);
    /* An LF rarer than one item in n is as specific as it gets: 1, not more. */
    m->fit_n_items = 10;
    ck_assert_ok(chorus_fallback_specificity(m, &s));
    ck_assert_double_eq(s[1], 1);
    ck_assert_double_eq_tol(s[0], log(2) / log(10), 1e-12);
    free(s);
    chorus_model_free(m);
}
END_TEST

START_TEST(test_ties_lean_to_the_specific_lf)
{
    /* One item, LF0 votes 0 and LF1 votes 1: a tie. v = 2 votes, so each vote weighs
     * 1 + s / 3: class 0 gets 1 + s0 / 3, class 1 gets 1 + 1/3. */
    const double s[4] = {log(2) / log(100), 1, log(5) / log(100), 0};
    const int32_t lf[] = {0, 1};
    const int32_t label[] = {0, 1};
    double q[2];
    chorus_fallback_shares(s, lf, 4, label, 4, 0, 2, 2, q);
    const double w0 = 1 + s[0] / 3, w1 = 1 + 1.0 / 3;
    ck_assert_double_eq_tol(q[0], w0 / (w0 + w1), 1e-15);
    ck_assert_double_eq_tol(q[1], w1 / (w0 + w1), 1e-15);
    ck_assert(q[1] > q[0]);
    ck_assert_double_eq_tol(q[0] + q[1], 1, 1e-15);
    /* Equal specificity: the plain shares. */
    const double flat[4] = {0.3, 0.3, 0.3, 0.3};
    chorus_fallback_shares(flat, lf, 4, label, 4, 0, 2, 2, q);
    ck_assert_double_eq_tol(q[0], 0.5, 1e-15);
}
END_TEST

START_TEST(test_more_votes_always_win)
{
    /* The bound: c votes of LFs with specificity 0 against c - 1 votes of LFs with
     * specificity 1, for c = 1..6, on 2c - 1 LFs of a 3-class matrix (narrow 1-byte
     * storage, as the matrix keeps it). The c votes must keep the larger share. */
    for (int c = 1; c <= 6; c++) {
        const int v = 2 * c - 1;
        uint8_t lf[11], label[11];
        double s[11], q[3];
        for (int x = 0; x < v; x++) {
            lf[x] = (uint8_t)x;
            label[x] = x < c ? 2 : 1;
            s[x] = x < c ? 0 : 1;
        }
        chorus_fallback_shares(s, lf, 1, label, 1, 0, v, 3, q);
        const double lean = 1.0 / (v + 1), total = c + (c - 1) * (1 + lean);
        ck_assert_double_eq_tol(q[2], c / total, 1e-15);
        ck_assert_double_eq_tol(q[1], (c - 1) * (1 + lean) / total, 1e-15);
        ck_assert_double_eq(q[0], 0);
        ck_assert_msg(q[2] > q[1], "c = %d: %.6f vs %.6f", c, q[2], q[1]);
    }
}
END_TEST

START_TEST(test_predict_after_fallback_uses_them)
{
    /* Three items over the hand model's LFs: a tie of LF0 (0) and LF1 (1); two votes for 0
     * (LF0, LF2) against LF1's 1; no vote. After the fallback the first leans to class 1,
     * the second stays with class 0, and the third keeps the model's posterior, here the
     * prior weighed by the LFs' silence (every LF's abstain is as likely for either class but
     * LF2's: P(all abstain | y) ∝ 0.9 for y = 0 and 0.7 for y = 1, so P(0) = 0.9 / 1.6). */
    const int32_t dense[] = {0, 1, A, A, 0, 1, 0, A, A, A, A, A};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 3, 4, 2, dense));
    chorus_model *m = hand_model();
    /* LF3 never abstains in the hand model, which would make an item without votes
     * impossible; here it abstains half the time for either class, as LF0. */
    for (int32_t y = 0; y < 2; y++) {
        double *row = m->theta + 3 * 6 + (size_t)y * 3;
        row[y] = 0.5;
        row[2] = 0.5;
    }
    chorus_model_fall_back_to_majority(m);
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    const double *d = chorus_probs_const_data(p);
    const double s0 = log(2) / log(100), s2 = log(5) / log(100);
    const double t0 = 1 + s0 / 3, t1 = 1 + 1.0 / 3;
    ck_assert_double_eq_tol(d[1], t1 / (t0 + t1), 1e-12);
    const double u0 = 1 + s0 / 4, u1 = 1 + 1.0 / 4, u2 = 1 + s2 / 4;
    ck_assert_double_eq_tol(d[2], (u0 + u2) / (u0 + u1 + u2), 1e-12);
    ck_assert_double_eq_tol(d[4], 0.9 / 1.6, 1e-12);
    chorus_probs_free(p);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_tied_means_two_classes_share_the_most_votes)
{
    const uint8_t votes[] = {1, 0, 2, 1, 0, 2, 2};
    enum { K_MAX = 301 }; /* classes up to 300 below */
    double counts[K_MAX];
    ck_assert(!chorus_votes_tied(votes, 1, 0, 1, K_MAX, counts)); /* one vote */
    ck_assert(chorus_votes_tied(votes, 1, 0, 2, K_MAX, counts));  /* 1 0 */
    ck_assert(
        chorus_votes_tied(votes, 1, 0, 3, K_MAX, counts)); /* 1 0 2: three classes, one vote each */
    ck_assert(!chorus_votes_tied(votes, 1, 0, 4, K_MAX, counts)); /* 1 0 2 1: class 1 has two */
    ck_assert(chorus_votes_tied(votes, 1, 0, 5, K_MAX, counts));  /* 1 0 2 1 0: 1 and 0 have two */
    ck_assert(!chorus_votes_tied(votes, 1, 0, 7, K_MAX, counts)); /* 2 has three */
    ck_assert(!chorus_votes_tied(votes, 1, 3, 4, K_MAX, counts)); /* a range inside: 1 */
    ck_assert(!chorus_votes_tied(votes, 1, 5, 7, K_MAX, counts)); /* 2 2: one class */
    ck_assert(!chorus_votes_tied(votes, 1, 0, 0, K_MAX, counts)); /* no vote */
    const int32_t wide[] = {300, 7, 300, 7};
    ck_assert(chorus_votes_tied(wide, 4, 0, 4, K_MAX, counts));
    ck_assert(!chorus_votes_tied(wide, 4, 0, 3, K_MAX, counts));
    ck_assert_double_eq(counts[300], 2); /* the counts are left for the caller */
    ck_assert_double_eq(counts[7], 1);
    ck_assert_double_eq(counts[0], 0);
}
END_TEST

START_TEST(test_kept_model_hands_its_ties_to_the_rule)
{
    /* The hand model kept (keep_unanimous, no fallback) with the check's tie verdict set:
     * the tied item (LF0 votes 0, LF1 votes 1) gets the rule's shares, and the item with
     * two votes for 0 against one keeps the model's posterior. Without the verdict the tied
     * item keeps the model's posterior too. */
    const int32_t dense[] = {0, 1, A, A, 0, 1, 0, A};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 4, 2, dense));
    chorus_model *m = hand_model();
    /* Wrong votes possible and LF3 silent half the time (as LF0), so that every posterior
     * is finite: each LF votes the other class with 0.1 of its firing mass. */
    for (int32_t y = 0; y < 2; y++)
        m->theta[3 * 6 + (size_t)y * 3 + 2] = 0.5;
    for (int32_t j = 0; j < 4; j++)
        for (int32_t y = 0; y < 2; y++) {
            double *row = m->theta + (size_t)j * 6 + (size_t)y * 3;
            const double fires = 1 - row[2];
            row[y] = 0.9 * fires;
            row[1 - y] = 0.1 * fires;
        }
    m->keep_unanimous = true;
    chorus_probs *plain, *ruled;
    ck_assert_ok(chorus_model_predict(&plain, m, v));
    m->check.ties_to_specific = 1;
    ck_assert_ok(chorus_model_predict(&ruled, m, v));
    const double *a = chorus_probs_const_data(plain), *b = chorus_probs_const_data(ruled);
    const double s0 = log(2) / log(100), t0 = 1 + s0 / 3, t1 = 1 + 1.0 / 3;
    ck_assert_double_eq_tol(b[1], t1 / (t0 + t1), 1e-12);
    ck_assert_msg(fabs(a[1] - b[1]) > 1e-6, "%.17g %.17g", a[1],
                  b[1]);             /* the model alone said otherwise */
    ck_assert_double_eq(b[2], a[2]); /* not a tie: the model's */
    ck_assert_double_eq(b[3], a[3]);
    /* After a fallback the verdict changes nothing: every item gets the rule's shares. */
    chorus_model_fall_back_to_majority(m);
    chorus_probs *back;
    ck_assert_ok(chorus_model_predict(&back, m, v));
    ck_assert_double_eq_tol(chorus_probs_const_data(back)[1], t1 / (t0 + t1), 1e-12);
    chorus_probs_free(plain);
    chorus_probs_free(ruled);
    chorus_probs_free(back);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fallback_vote");
    TCase *t = tcase_create("by_hand");
    tcase_add_test(t, test_specificity_from_the_firing_rates);
    tcase_add_test(t, test_ties_lean_to_the_specific_lf);
    tcase_add_test(t, test_more_votes_always_win);
    tcase_add_test(t, test_predict_after_fallback_uses_them);
    tcase_add_test(t, test_tied_means_two_classes_share_the_most_votes);
    tcase_add_test(t, test_kept_model_hands_its_ties_to_the_rule);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
