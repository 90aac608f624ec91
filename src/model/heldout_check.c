/*
 * The held-out-LF check: a gold-free estimate of whether the default model's labels beat
 * majority vote's. Each LF in turn is left out, the model is fitted again on the others,
 * and both labelings of the items are scored by how often they name the class the
 * left-out LF voted: a source that the labeling never saw is a noisy but independent judge
 * of it. Majority vote is scored the same way, as the fallback would hand it back (the
 * vote shares of the other LFs; an item the left-out LF alone voted on gets the refitted
 * model's estimate in both, as the fallback keeps it).
 *
 * The same count over the items whose other votes tie decides who settles the ties of a
 * default that is kept: the model, or the fallback's rule that leans to the LFs that fire
 * least often (fallback_vote.h). In a tie the votes cast cancel and the model's pick rests
 * on the silences and the prior, which it over-counts on real LF sets; where the model is
 * right (synthetic draws) it wins those votes by a wide margin and keeps its ties.
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
#include "model/fallback_vote.h"
#include "model/fit_shard.h"
#include "model/heldout_sample.h"
#include "model/model_internal.h"
#include "votes/votes_internal.h"

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
    chorus_sample_matrix votes; /* the other LFs' votes */
    int32_t *left_out_vote;     /* votes.n: the left-out LF's vote on the item, or -1 */
} sample_votes;

static int build_sample(const chorus_sample_matrix *all, int32_t left_out, sample_votes *s)
{
    const int64_t nnz = all->row_ptr[all->n];
    chorus_sample_matrix *v = &s->votes;
    v->n = all->n;
    v->row_ptr = malloc((size_t)(v->n + 1) * sizeof *v->row_ptr);
    v->lf = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *v->lf);
    v->label = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *v->label);
    s->left_out_vote = malloc((size_t)(v->n > 0 ? v->n : 1) * sizeof *s->left_out_vote);
    if (!v->row_ptr || !v->lf || !v->label || !s->left_out_vote) return chorus_error_nomem();
    int64_t out = 0;
    v->row_ptr[0] = 0;
    for (int64_t r = 0; r < v->n; r++) {
        s->left_out_vote[r] = -1;
        for (int64_t p = all->row_ptr[r]; p < all->row_ptr[r + 1]; p++) {
            const int32_t lf = all->lf[p], label = all->label[p];
            if (lf == left_out) {
                s->left_out_vote[r] = label;
                continue;
            }
            v->lf[out] = lf > left_out ? lf - 1 : lf;
            v->label[out++] = label;
        }
        v->row_ptr[r + 1] = out;
    }
    return CHORUS_OK;
}

static void free_sample(sample_votes *s)
{
    chorus_sample_matrix_free(&s->votes);
    free(s->left_out_vote);
}

/* Per left-out LF: the agreements the check adds up, and their numbers of votes. */
typedef struct left_out_score {
    double model, fallback;         /* every held-out vote */
    double tie_model, tie_specific; /* the votes on items whose other votes tie */
    int64_t votes, tie_votes;
} left_out_score;

/*
 * Leaves LF `left_out` out, refits the model's family on the other LFs of the sampled
 * items and adds up, over the items the left-out LF voted on, the tie-split agreement of
 * the refitted default's labels and of the fallback's with its vote; and the same over the
 * items whose other votes tie, where the fallback's labels are its tie rule's.
 */
static int score_left_out(const chorus_model *model, const chorus_sample_matrix *all,
                          const chorus_fit_options *opts, int32_t left_out, left_out_score *out)
{
    const int32_t k = model->n_classes;
    sample_votes s = {0};
    chorus_votes *sample = NULL;
    chorus_model *refit = NULL;
    double *probs = NULL, *shares = NULL, *counts = NULL, *specificity = NULL;
    int rc = build_sample(all, left_out, &s);
    if (!rc)
        rc = chorus_votes_from_csr(&sample, s.votes.n, model->n_lfs - 1, k, s.votes.row_ptr,
                                   s.votes.lf, s.votes.label, CHORUS_BORROW);
    if (!rc) rc = chorus_sample_fit(&refit, sample, model->type, opts);
    if (rc) goto done;
    refit->keep_unanimous = model->abstain_informative;
    probs = malloc((size_t)(s.votes.n > 0 ? s.votes.n : 1) * k * sizeof *probs);
    shares = malloc((size_t)k * sizeof *shares);
    counts = malloc((size_t)k * sizeof *counts);
    if (!probs || !shares || !counts) {
        rc = chorus_error_nomem();
        goto done;
    }
    if ((rc = chorus_em_predict(refit, sample, probs))) goto done;
    if ((rc = chorus_fallback_specificity(refit, &specificity))) goto done;
    const int64_t *row_ptr = s.votes.row_ptr;
    for (int64_t r = 0; r < s.votes.n; r++) {
        const int32_t vote = s.left_out_vote[r];
        if (vote < 0) continue;
        const double model_agrees = chorus_tie_split_agreement(probs + (size_t)r * k, k, vote);
        out->model += model_agrees;
        if (row_ptr[r + 1] > row_ptr[r]) {
            chorus_fallback_shares(specificity, s.votes.lf, 4, s.votes.label, 4, row_ptr[r],
                                   row_ptr[r + 1], k, shares);
            const double fallback_agrees = chorus_tie_split_agreement(shares, k, vote);
            out->fallback += fallback_agrees;
            if (chorus_votes_tied(s.votes.label, 4, row_ptr[r], row_ptr[r + 1], k, counts)) {
                out->tie_model += model_agrees;
                out->tie_specific += fallback_agrees;
                out->tie_votes++;
            }
        } else {
            out->fallback += model_agrees;
        }
        out->votes++;
    }

done:
    chorus_model_free(refit);
    chorus_votes_free(sample);
    free_sample(&s);
    free(probs);
    free(shares);
    free(counts);
    free(specificity);
    return rc;
}

int chorus_model_run_heldout_check(chorus_model *model, const chorus_votes *votes,
                                   const chorus_fit_options *opts, const fit_shard *shard)
{
    const int32_t m = model->n_lfs;
    const int64_t stride =
        chorus_sample_stride(shard ? shard->n_items : chorus_votes_n_items(votes));
    chorus_sample_matrix all = {0};
    int64_t *lf_votes = calloc((size_t)(m > 0 ? m : 1), sizeof *lf_votes);
    int32_t *chosen = malloc((size_t)(m > 0 ? m : 1) * sizeof *chosen);
    left_out_score *scores = NULL; /* per chosen LF */
    int rc = CHORUS_OK;
    if (!lf_votes || !chosen) {
        rc = chorus_error_nomem();
        goto done;
    }
    if ((rc = chorus_sample_matrix_build(votes, shard, stride, &all))) goto done;
    for (int64_t v = 0; v < all.row_ptr[all.n]; v++)
        lf_votes[all.lf[v]]++;
    const int32_t n_chosen = m > 1 ? choose_lfs(lf_votes, m, chosen) : 0;
    scores = calloc((size_t)(n_chosen > 0 ? n_chosen : 1), sizeof *scores);
    if (!scores) {
        rc = chorus_error_nomem();
        goto done;
    }
    const int n_threads =
        model->settings.n_threads > 0 ? model->settings.n_threads : omp_get_max_threads();
    int failed = CHORUS_OK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (int32_t c = 0; c < n_chosen; c++) {
        int my_rc = score_left_out(model, &all, opts, chosen[c], scores + c);
        if (my_rc) {
#pragma omp critical(chorus_heldout_check)
            if (!failed) failed = my_rc;
        }
    }
    if ((rc = failed)) goto done;
    chorus_fit_check *check = &model->check;
    check->heldout_lfs = n_chosen;
    check->heldout_votes = 0;
    check->heldout_tie_votes = 0;
    double model_sum = 0, fallback_sum = 0, tie_model_sum = 0, tie_specific_sum = 0;
    for (int32_t c = 0; c < n_chosen; c++) {
        model_sum += scores[c].model;
        fallback_sum += scores[c].fallback;
        tie_model_sum += scores[c].tie_model;
        tie_specific_sum += scores[c].tie_specific;
        check->heldout_votes += scores[c].votes;
        check->heldout_tie_votes += scores[c].tie_votes;
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
    const double tie_votes = (double)check->heldout_tie_votes;
    check->heldout_tie_model_agreement = tie_votes > 0 ? tie_model_sum / tie_votes : 0;
    check->heldout_tie_specific_agreement = tie_votes > 0 ? tie_specific_sum / tie_votes : 0;
    check->ties_to_specific =
        check->heldout_tie_votes >= CHORUS_CHECK_MIN_ITEMS &&
        check->heldout_tie_specific_agreement - check->heldout_tie_model_agreement >
            CHORUS_CHECK_HELDOUT_MARGIN;

done:
    chorus_sample_matrix_free(&all);
    free(lf_votes);
    free(chosen);
    free(scores);
    return rc;
}
