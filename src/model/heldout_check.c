/*
 * The held-out-LF check: a gold-free estimate of whether the default model's labels beat
 * majority vote's. Each LF in turn is left out, the model is fitted again on the others,
 * and both labelings of the items are scored by how often they name the class the
 * left-out LF voted: a source that the labeling never saw is a noisy but independent judge
 * of it. Majority vote is scored the same way, as the fallback would hand it back (the
 * vote shares of the other LFs; an item the left-out LF alone voted on gets the refitted
 * model's estimate in both, as the fallback keeps it).
 *
 * The refit matters: scoring the full fit with one LF's term removed is no test at all,
 * because the other LFs' parameters were learned with that LF present (on trec the model
 * "agrees" with 68% of the held-out votes that way, and with 47% when refitted, against
 * 51% for majority vote).
 *
 * Each refit runs on one thread and the refits run in parallel; every refit, and the sums
 * taken in LF order, are the same whatever the number of threads.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/model_internal.h"

#define TIE 1e-5

/* The share of the tied top classes of q[0..k) that is class `vote` (0 if it is not one). */
static double tie_split_agreement(const double *q, int32_t k, int32_t vote)
{
    double top = q[0];
    for (int32_t c = 1; c < k; c++)
        if (q[c] > top) top = q[c];
    int32_t tied = 0;
    for (int32_t c = 0; c < k; c++)
        tied += q[c] >= top - TIE;
    return q[vote] >= top - TIE ? 1.0 / tied : 0.0;
}

/* The items the check fits on: every `stride`-th item, so the refits cost at most
 * CHORUS_HELDOUT_MAX_ITEMS items whatever the size of the matrix. */
static int64_t sample_stride(int64_t n)
{
    return n > CHORUS_HELDOUT_MAX_ITEMS
               ? (n + CHORUS_HELDOUT_MAX_ITEMS - 1) / CHORUS_HELDOUT_MAX_ITEMS
               : 1;
}

/*
 * The LFs to leave out: all with a vote in the sample, or the CHORUS_HELDOUT_MAX_LFS with
 * the most votes (ties to the lower index). Writes them in index order to `chosen`.
 */
static int32_t choose_lfs(const int64_t *lf_votes, int32_t m, int32_t *chosen)
{
    int32_t kept = 0;
    for (int32_t a = 0; a < m; a++) {
        if (lf_votes[a] == 0) continue;
        /* rank = LFs with more votes, or as many and a lower index; m is at most a few
         * thousand, so the quadratic count is cheap next to one refit. */
        int32_t rank = 0;
        for (int32_t b = 0; b < m && rank < CHORUS_HELDOUT_MAX_LFS; b++)
            rank += lf_votes[b] > lf_votes[a] || (lf_votes[b] == lf_votes[a] && b < a);
        if (rank < CHORUS_HELDOUT_MAX_LFS) chosen[kept++] = a;
    }
    return kept;
}

/* The sampled items' votes, with LF `left_out` removed and the later LFs renumbered. */
typedef struct sample_votes {
    int64_t n;
    int64_t *row_ptr;
    int32_t *lf;
    int32_t *label;
    int32_t *left_out_vote; /* n: the left-out LF's vote on the item, or -1 */
} sample_votes;

static int build_sample(const chorus_votes *votes, int64_t stride, int32_t left_out,
                        sample_votes *s)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const int32_t *lf = chorus_votes_lf_index(votes);
    const int32_t *label = chorus_votes_labels(votes);
    int64_t nnz = 0;
    s->n = (n + stride - 1) / stride;
    for (int64_t i = 0; i < n; i += stride)
        nnz += row_ptr[i + 1] - row_ptr[i];
    s->row_ptr = malloc((size_t)(s->n + 1) * sizeof *s->row_ptr);
    s->lf = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *s->lf);
    s->label = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *s->label);
    s->left_out_vote = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *s->left_out_vote);
    if (!s->row_ptr || !s->lf || !s->label || !s->left_out_vote) return chorus_error_nomem();
    int64_t w = 0, r = 0;
    s->row_ptr[0] = 0;
    for (int64_t i = 0; i < n; i += stride, r++) {
        s->left_out_vote[r] = -1;
        for (int64_t v = row_ptr[i]; v < row_ptr[i + 1]; v++) {
            if (lf[v] == left_out) {
                s->left_out_vote[r] = label[v];
                continue;
            }
            s->lf[w] = lf[v] > left_out ? lf[v] - 1 : lf[v];
            s->label[w++] = label[v];
        }
        s->row_ptr[r + 1] = w;
    }
    return CHORUS_OK;
}

static void free_sample(sample_votes *s)
{
    free(s->row_ptr);
    free(s->lf);
    free(s->label);
    free(s->left_out_vote);
}

/*
 * Leaves LF `left_out` out, refits the model's family on the other LFs of the sampled
 * items and adds up, over the items the left-out LF voted on, the tie-split agreement of
 * the refitted default's labels ([0]) and of the fallback's ([1]) with its vote.
 */
static int score_left_out(const chorus_model *model, const chorus_votes *votes,
                          const chorus_fit_options *opts, int64_t stride, int32_t left_out,
                          double *agreement, int64_t *n_votes)
{
    const int32_t k = model->n_classes;
    sample_votes s = {0};
    chorus_votes *sample = NULL;
    chorus_model *refit = NULL;
    double *probs = NULL, *shares = NULL;
    int rc = build_sample(votes, stride, left_out, &s);
    if (!rc)
        rc = chorus_votes_from_csr(&sample, s.n, model->n_lfs - 1, k, s.row_ptr, s.lf, s.label,
                                   CHORUS_BORROW);
    if (!rc) rc = chorus_model_alloc(&refit, model->type, sample);
    if (rc) goto done;
    chorus_fit_options o = *opts;
    o.type = model->type;
    o.n_threads = 1;
    o.restarts = 0;
    refit->settings = o;
    const int was_muted = chorus_log_mute(1);
    rc = chorus_em_fit(refit, sample, &o);
    chorus_log_mute(was_muted);
    if (rc) goto done;
    refit->keep_unanimous = model->abstain_informative;
    probs = malloc((size_t)(s.n > 0 ? s.n : 1) * k * sizeof *probs);
    shares = malloc((size_t)k * sizeof *shares);
    if (!probs || !shares) {
        rc = chorus_error_nomem();
        goto done;
    }
    if ((rc = chorus_em_predict(refit, sample, probs))) goto done;
    for (int64_t r = 0; r < s.n; r++) {
        const int32_t vote = s.left_out_vote[r];
        if (vote < 0) continue;
        const double model_agrees = tie_split_agreement(probs + (size_t)r * k, k, vote);
        agreement[0] += model_agrees;
        if (s.row_ptr[r + 1] > s.row_ptr[r]) {
            chorus_vote_shares(s.label, s.row_ptr[r], s.row_ptr[r + 1], k, shares);
            agreement[1] += tie_split_agreement(shares, k, vote);
        } else {
            agreement[1] += model_agrees;
        }
        (*n_votes)++;
    }

done:
    chorus_model_free(refit);
    chorus_votes_free(sample);
    free_sample(&s);
    free(probs);
    free(shares);
    return rc;
}

int chorus_model_run_heldout_check(chorus_model *model, const chorus_votes *votes,
                                   const chorus_fit_options *opts)
{
    const int32_t m = model->n_lfs;
    const int64_t n = chorus_votes_n_items(votes), stride = sample_stride(n);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const int32_t *lf = chorus_votes_lf_index(votes);
    int64_t *lf_votes = calloc((size_t)(m > 0 ? m : 1), sizeof *lf_votes);
    int32_t *chosen = malloc((size_t)(m > 0 ? m : 1) * sizeof *chosen);
    double *agreement = NULL; /* per chosen LF: [0] the default, [1] the fallback */
    int64_t *held_votes = NULL;
    int rc = CHORUS_OK;
    if (!lf_votes || !chosen) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int64_t i = 0; i < n; i += stride)
        for (int64_t v = row_ptr[i]; v < row_ptr[i + 1]; v++)
            lf_votes[lf[v]]++;
    const int32_t n_chosen = m > 1 ? choose_lfs(lf_votes, m, chosen) : 0;
    agreement = calloc((size_t)(n_chosen > 0 ? n_chosen : 1) * 2, sizeof *agreement);
    held_votes = calloc((size_t)(n_chosen > 0 ? n_chosen : 1), sizeof *held_votes);
    if (!agreement || !held_votes) {
        rc = chorus_error_nomem();
        goto done;
    }
    const int n_threads =
        model->settings.n_threads > 0 ? model->settings.n_threads : omp_get_max_threads();
    int failed = CHORUS_OK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (int32_t c = 0; c < n_chosen; c++) {
        int my_rc = score_left_out(model, votes, opts, stride, chosen[c], agreement + 2 * c,
                                   held_votes + c);
        if (my_rc) {
#pragma omp critical(chorus_heldout_check)
            if (!failed) failed = my_rc;
        }
    }
    if ((rc = failed)) goto done;
    chorus_fit_check *check = &model->check;
    check->heldout_lfs = n_chosen;
    check->heldout_votes = 0;
    double model_sum = 0, fallback_sum = 0;
    for (int32_t c = 0; c < n_chosen; c++) {
        model_sum += agreement[2 * c];
        fallback_sum += agreement[2 * c + 1];
        check->heldout_votes += held_votes[c];
    }
    check->heldout_ran = 1;
    check->heldout_model_agreement =
        check->heldout_votes ? model_sum / (double)check->heldout_votes : 0;
    check->heldout_majority_agreement =
        check->heldout_votes ? fallback_sum / (double)check->heldout_votes : 0;
    check->heldout_prefers_majority =
        check->heldout_votes >= CHORUS_CHECK_MIN_ITEMS &&
        check->heldout_majority_agreement - check->heldout_model_agreement >
            CHORUS_CHECK_HELDOUT_MARGIN;

done:
    free(lf_votes);
    free(chosen);
    free(agreement);
    free(held_votes);
    return rc;
}
