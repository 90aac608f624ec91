/*
 * The held-out-LF check of the default model (src/model/heldout_check.c): its numbers are
 * what its definition says, recomputed here through the public API (each LF left out, a
 * fresh fit of the same model on the others, the default's keep-unanimous rule, the
 * tie-split agreement with the left-out vote); it is the same for any thread count; it
 * runs only where it applies; and its verdict decides the fallback.
 */
#include <math.h>

#include "model/model_internal.h"
#include "test_util.h"

#define TIE 1e-5

static double tie_split(const double *q, int32_t k, int32_t vote)
{
    double top = q[0];
    int32_t tied = 0;
    for (int32_t c = 1; c < k; c++)
        top = q[c] > top ? q[c] : top;
    for (int32_t c = 0; c < k; c++)
        tied += q[c] >= top - TIE;
    return q[vote] >= top - TIE ? 1.0 / tied : 0.0;
}

/* One-class LFs (keyword rules), K = 2: the regime in which the default models abstains. */
static chorus_votes *one_class_votes(int64_t n, int32_t m, uint64_t seed, double correlation)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = n;
    o.n_lfs = m;
    o.seed = seed;
    o.one_class_share = 1.0;
    if (correlation > 0) {
        o.correlated_groups = 2;
        o.correlated_group_size = 3;
        o.correlation = correlation;
    }
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, &o));
    free(gold);
    return v;
}

/* The check's agreements recomputed from their definition, LF by LF: over every
 * held-out vote, and (tie[0] the model, tie[1] the fallback) over the held-out votes of
 * items whose other votes tie, *n_tie_votes of them. */
static void recompute(const chorus_votes *votes, double *model_share, double *majority_share,
                      int64_t *n_votes, int32_t *n_lfs, double *tie, int64_t *n_tie_votes)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const int32_t *lf = chorus_votes_lf_index(votes), *label = chorus_votes_labels(votes);
    const int64_t nnz = row_ptr[n];
    int64_t *sub_ptr = malloc((size_t)(n + 1) * sizeof *sub_ptr);
    int32_t *sub_lf = malloc((size_t)nnz * sizeof *sub_lf);
    int32_t *sub_label = malloc((size_t)nnz * sizeof *sub_label);
    int32_t *left_vote = malloc((size_t)n * sizeof *left_vote);
    double model_sum = 0, majority_sum = 0, shares[8], tie_sum[2] = {0, 0};
    *n_votes = 0;
    *n_tie_votes = 0;
    *n_lfs = 0;
    for (int32_t j = 0; j < m; j++) {
        int64_t w = 0, votes_j = 0;
        sub_ptr[0] = 0;
        for (int64_t i = 0; i < n; i++) {
            left_vote[i] = -1;
            for (int64_t v = row_ptr[i]; v < row_ptr[i + 1]; v++) {
                if (lf[v] == j) {
                    left_vote[i] = label[v];
                    votes_j++;
                    continue;
                }
                sub_lf[w] = lf[v] > j ? lf[v] - 1 : lf[v];
                sub_label[w++] = label[v];
            }
            sub_ptr[i + 1] = w;
        }
        if (votes_j == 0) continue;
        (*n_lfs)++;
        chorus_votes *sub;
        ck_assert_ok(
            chorus_votes_from_csr(&sub, n, m - 1, k, sub_ptr, sub_lf, sub_label, CHORUS_BORROW));
        chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
        o.type = CHORUS_MODEL_DS; /* what auto chooses for one-class LFs */
        o.n_threads = 1;
        chorus_model *model;
        chorus_probs *probs;
        ck_assert_ok(chorus_model_fit(&model, sub, &o));
        ck_assert(!chorus_model_keeps_unanimous(model)); /* a named model: the rule is below */
        ck_assert_ok(chorus_model_predict(&probs, model, sub));
        for (int64_t i = 0; i < n; i++) {
            if (left_vote[i] < 0) continue;
            double q[8];
            memcpy(q, chorus_probs_const_data(probs) + (size_t)i * k, (size_t)k * sizeof *q);
            const int64_t b = sub_ptr[i], e = sub_ptr[i + 1];
            /* Majority vote as the fallback hands it back: LF l's vote weighs
             * 1 + specificity / (votes + 1), its specificity log(1 / f) / log(n) (clipped
             * to [0, 1]) for the share f of items the refitted model says it fires on. */
            double total = 0;
            for (int32_t c = 0; c < k; c++)
                shares[c] = 0;
            for (int64_t v = b; v < e; v++) {
                const double *t = chorus_model_confusion(model, sub_lf[v]);
                const double *prior = chorus_model_prior(model);
                double fires = 0;
                for (int32_t y = 0; y < k; y++)
                    fires += prior[y] * (1 - t[(size_t)y * (k + 1) + k]);
                double specificity = log(1 / fires) / log((double)n);
                specificity = specificity < 0 ? 0 : specificity > 1 ? 1 : specificity;
                const double weight = 1 + specificity / (double)(e - b + 1);
                shares[sub_label[v]] += weight;
                total += weight;
            }
            for (int32_t c = 0; c < k; c++)
                shares[c] /= total > 0 ? total : 1;
            /* The default's rule: an item whose votes all name one class keeps that vote
             * where the model would pick another. */
            bool unanimous = e > b;
            for (int64_t v = b; v < e; v++)
                unanimous &= sub_label[v] == sub_label[b];
            if (unanimous && tie_split(q, k, sub_label[b]) == 0) memcpy(q, shares, sizeof q);
            const double model_agrees = tie_split(q, k, left_vote[i]);
            model_sum += model_agrees;
            majority_sum += e > b ? tie_split(shares, k, left_vote[i]) : model_agrees;
            (*n_votes)++;
            /* A tie: two or more classes share the largest number of the other votes. */
            int32_t per_class[8] = {0}, top = 0, at_top = 0;
            for (int64_t v = b; v < e; v++)
                per_class[sub_label[v]]++;
            for (int32_t c = 0; c < k; c++)
                top = per_class[c] > top ? per_class[c] : top;
            for (int32_t c = 0; c < k; c++)
                at_top += top > 0 && per_class[c] == top;
            if (at_top > 1) {
                tie_sum[0] += model_agrees;
                tie_sum[1] += tie_split(shares, k, left_vote[i]);
                (*n_tie_votes)++;
            }
        }
        chorus_probs_free(probs);
        chorus_model_free(model);
        chorus_votes_free(sub);
    }
    *model_share = model_sum / (double)*n_votes;
    *majority_share = majority_sum / (double)*n_votes;
    for (int s = 0; s < 2; s++)
        tie[s] = *n_tie_votes ? tie_sum[s] / (double)*n_tie_votes : 0;
    free(sub_ptr);
    free(sub_lf);
    free(sub_label);
    free(left_vote);
}

START_TEST(test_agreements_are_their_definition)
{
    chorus_votes *votes = one_class_votes(1500, 7, 5, _i ? 0.8 : 0);
    chorus_model *model;
    ck_assert_ok(chorus_model_fit(&model, votes, NULL));
    ck_assert_int_eq(model->type, CHORUS_MODEL_DS);
    const chorus_fit_check *c = chorus_model_check(model);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->heldout_ran, 1);
    double model_share, majority_share, tie[2];
    int64_t n_votes, n_tie_votes;
    int32_t n_lfs;
    recompute(votes, &model_share, &majority_share, &n_votes, &n_lfs, tie, &n_tie_votes);
    ck_assert_int_eq(c->heldout_lfs, n_lfs);
    ck_assert_int_eq(c->heldout_votes, n_votes);
    ck_assert_int_eq(n_votes, chorus_votes_nnz(votes)); /* every vote is held out once */
    ck_assert_double_eq_tol(c->heldout_model_agreement, model_share, 1e-12);
    ck_assert_double_eq_tol(c->heldout_majority_agreement, majority_share, 1e-12);
    /* The verdict is the rule, and the fallback follows it. */
    const int prefers = majority_share - model_share > CHORUS_CHECK_HELDOUT_MARGIN;
    ck_assert_int_eq(c->heldout_prefers_majority, prefers);
    ck_assert_int_eq(c->fell_back, prefers || c->worse_than_majority);
    /* The tie part: its votes, both shares and the rule's verdict. */
    ck_assert_int_gt(n_tie_votes, 0);
    ck_assert_int_eq(c->heldout_tie_votes, n_tie_votes);
    ck_assert_double_eq_tol(c->heldout_tie_model_agreement, tie[0], 1e-12);
    ck_assert_double_eq_tol(c->heldout_tie_specific_agreement, tie[1], 1e-12);
    const int ties =
        n_tie_votes >= CHORUS_CHECK_MIN_ITEMS && tie[1] - tie[0] > CHORUS_CHECK_HELDOUT_MARGIN;
    ck_assert_int_eq(c->ties_to_specific, ties);
    chorus_model_free(model);
    chorus_votes_free(votes);
}
END_TEST

START_TEST(test_same_for_any_thread_count)
{
    chorus_votes *votes = one_class_votes(3000, 9, 8, 0.7);
    chorus_fit_check first = {0};
    for (int threads = 1; threads <= 4; threads++) {
        chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
        o.n_threads = threads;
        chorus_model *model;
        ck_assert_ok(chorus_model_fit(&model, votes, &o));
        const chorus_fit_check *c = chorus_model_check(model);
        ck_assert_int_eq(c->heldout_ran, 1);
        if (threads == 1) first = *c;
        ck_assert_int_eq(c->heldout_votes, first.heldout_votes);
        /* bit for bit, not within a tolerance */
        ck_assert(c->heldout_model_agreement == first.heldout_model_agreement);
        ck_assert(c->heldout_majority_agreement == first.heldout_majority_agreement);
        ck_assert_int_eq(c->fell_back, first.fell_back);
        chorus_model_free(model);
    }
    chorus_votes_free(votes);
}
END_TEST

START_TEST(test_runs_only_for_the_default_with_abstains_as_evidence)
{
    chorus_votes *votes = one_class_votes(800, 6, 3, 0);
    chorus_model *model;
    /* A model asked for by name is kept as it is: no check that could replace it. */
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.type = CHORUS_MODEL_DS;
    ck_assert_ok(chorus_model_fit(&model, votes, &o));
    ck_assert_int_eq(chorus_model_check(model)->heldout_ran, 0);
    chorus_model_free(model);
    /* With clamped labels (gold, review answers) the refits would have to follow them. */
    int32_t *gold = malloc(800 * sizeof *gold);
    for (int i = 0; i < 800; i++)
        gold[i] = i < 10 ? i % 2 : -1;
    o = (chorus_fit_options)CHORUS_FIT_OPTIONS_INIT;
    o.gold = gold;
    o.n_gold = 800;
    ck_assert_ok(chorus_model_fit(&model, votes, &o));
    ck_assert_int_eq(chorus_model_check(model)->heldout_ran, 0);
    chorus_model_free(model);
    free(gold);
    chorus_votes_free(votes);

    /* Multi-class voters (annotators): auto fits ds-noabstain, the check does not apply. */
    chorus_synth_options s = CHORUS_SYNTH_OPTIONS_INIT;
    s.n_items = 800;
    s.n_lfs = 6;
    int32_t *truth;
    ck_assert_ok(chorus_synth(&votes, &truth, &s));
    free(truth);
    ck_assert_ok(chorus_model_fit(&model, votes, NULL));
    ck_assert_int_eq(model->type, CHORUS_MODEL_DS_NOABSTAIN);
    ck_assert_int_eq(chorus_model_check(model)->heldout_ran, 0);
    chorus_model_free(model);
    chorus_votes_free(votes);
}
END_TEST

START_TEST(test_at_most_the_busiest_lfs_are_left_out)
{
    /* 70 LFs, more than CHORUS_HELDOUT_MAX_LFS: that many are left out, and the held-out
     * votes are exactly the votes of the LFs with the most votes. */
    chorus_votes *votes = one_class_votes(600, 70, 4, 0);
    chorus_model *model;
    ck_assert_ok(chorus_model_fit(&model, votes, NULL));
    const chorus_fit_check *c = chorus_model_check(model);
    ck_assert_int_eq(c->heldout_lfs, CHORUS_HELDOUT_MAX_LFS);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const int32_t *lf = chorus_votes_lf_index(votes);
    int64_t count[70] = {0}, expected = 0;
    for (int64_t v = 0; v < row_ptr[chorus_votes_n_items(votes)]; v++)
        count[lf[v]]++;
    /* Take the busiest LFs one by one (ties to the lower index). */
    bool taken[70] = {false};
    for (int t = 0; t < CHORUS_HELDOUT_MAX_LFS; t++) {
        int best = -1;
        for (int j = 0; j < 70; j++)
            if (!taken[j] && (best < 0 || count[j] > count[best])) best = j;
        taken[best] = true;
        expected += count[best];
    }
    ck_assert_int_eq(c->heldout_votes, expected);
    chorus_model_free(model);
    chorus_votes_free(votes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("heldout_check");
    TCase *t = tcase_create("heldout_check");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, test_agreements_are_their_definition, 0, 2);
    tcase_add_test(t, test_same_for_any_thread_count);
    tcase_add_test(t, test_runs_only_for_the_default_with_abstains_as_evidence);
    tcase_add_test(t, test_at_most_the_busiest_lfs_are_left_out);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
