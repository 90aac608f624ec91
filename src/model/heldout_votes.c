/*
 * The held-out-vote choice of a model for LFs that vote several classes (crowd workers,
 * annotators, model votes). A worker's full confusion table (ds-noabstain) asks K(K-1)
 * numbers of its answers; with a few hundred answers over five or more classes EM fits
 * its noise, and the labels fall below majority vote while every other check passes (the
 * learned accuracies stay close to the workers' agreement with each other). Fewer numbers
 * per worker (pooled tables for the sparse ones, one accuracy each for onecoin) lose what a
 * worker does class by class, which matters where workers do differ by class. Which of the
 * three the answers support is measured, not assumed: the answers of the sampled items
 * (heldout_sample.h) are dealt into VOTE_FOLDS folds, each model is fitted without a fold,
 * labels the fold's items from their other answers, and scores by how often that label is
 * the hidden answer. An answer the fit never saw is a noisy but independent judge of the
 * label; for a worker better than chance with errors spread over the other classes, the
 * expected agreement rises with the label's accuracy, so the model that labels better wins
 * on average.
 *
 * The default moves off the model it fitted first only for a clear gain: the mean
 * agreement per hidden answer higher by more than CHORUS_CHECK_HELDOUT_MARGIN, and the
 * paired difference at least CHORUS_HELDOUT_VOTES_Z standard errors from zero. Majority
 * vote is not a candidate: a crowd with many poor workers agrees with majority vote's
 * labels more than with better ones (bluebird: majority vote names 68.3% of the hidden
 * answers, the model 66.8%, with accuracy 75.9 against 89.8), so this count cannot say when
 * to give up on a model; the other checks do.
 *
 * Every fit runs on one thread and the fits run in parallel; each fit, and the sums taken
 * in vote order, are the same whatever the number of threads or processes.
 */
#include "model/heldout_votes.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/random.h"
#include "model/heldout_sample.h"
#include "model/model_internal.h"

#define VOTE_FOLDS 5

static const chorus_model_type candidates[CHORUS_HELDOUT_VOTES_MODELS] = {
    CHORUS_MODEL_DS_NOABSTAIN, CHORUS_MODEL_POOLED, CHORUS_MODEL_ONECOIN};

chorus_model_type chorus_heldout_votes_model(int32_t index)
{
    return index >= 0 && index < CHORUS_HELDOUT_VOTES_MODELS ? candidates[index]
                                                             : CHORUS_MODEL_AUTO;
}

/* The fold of the vote of LF `lf` on sampled item `item`: a hash, so that every LF and
 * every item has answers in every fold. */
static int32_t vote_fold(int64_t item, int32_t lf)
{
    return (int32_t)(chorus_mix64(((uint64_t)item << 32) ^ (uint32_t)lf) % VOTE_FOLDS);
}

/*
 * Fits `type` on the sampled votes without fold `fold` and writes, for every vote of the
 * fold whose item keeps another vote, the tie-split agreement of the fit's label of the
 * item with it (agreement[v], v the vote's position in `all`); the fold's other votes get
 * NAN.
 */
static int score_fold(const chorus_sample_matrix *all, int32_t m, int32_t k,
                      const chorus_fit_options *opts, chorus_model_type type, int32_t fold,
                      double *agreement)
{
    const int64_t n = all->n, nnz = all->row_ptr[n];
    int64_t *row_ptr = malloc((size_t)(n + 1) * sizeof *row_ptr);
    int32_t *lf = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *lf);
    int32_t *label = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *label);
    double *probs = malloc((size_t)(n > 0 ? n : 1) * (size_t)k * sizeof *probs);
    chorus_votes *kept = NULL;
    chorus_model *fit = NULL;
    int rc = row_ptr && lf && label && probs ? CHORUS_OK : chorus_error_nomem();
    if (rc) goto done;
    int64_t out = 0;
    row_ptr[0] = 0;
    for (int64_t r = 0; r < n; r++) {
        for (int64_t p = all->row_ptr[r]; p < all->row_ptr[r + 1]; p++) {
            if (vote_fold(r, all->lf[p]) == fold) continue;
            lf[out] = all->lf[p];
            label[out++] = all->label[p];
        }
        row_ptr[r + 1] = out;
    }
    rc = chorus_votes_from_csr(&kept, n, m, k, row_ptr, lf, label, CHORUS_BORROW);
    if (!rc) rc = chorus_sample_fit(&fit, kept, type, opts);
    if (!rc) rc = chorus_em_predict(fit, kept, probs);
    for (int64_t r = 0; !rc && r < n; r++)
        for (int64_t p = all->row_ptr[r]; p < all->row_ptr[r + 1]; p++)
            if (vote_fold(r, all->lf[p]) == fold)
                agreement[p] =
                    row_ptr[r + 1] > row_ptr[r]
                        ? chorus_tie_split_agreement(probs + (size_t)r * k, k, all->label[p])
                        : NAN;

done:
    chorus_model_free(fit);
    chorus_votes_free(kept);
    free(row_ptr);
    free(lf);
    free(label);
    free(probs);
    return rc;
}

int chorus_model_run_heldout_votes(chorus_model *model, const chorus_votes *votes,
                                   const chorus_fit_options *opts, const fit_shard *shard,
                                   chorus_model_type *better)
{
    const int32_t m = model->n_lfs, k = model->n_classes, n_models = CHORUS_HELDOUT_VOTES_MODELS;
    const int64_t stride =
        chorus_sample_stride(shard ? shard->n_items : chorus_votes_n_items(votes));
    chorus_sample_matrix all = {0};
    double *agreement = NULL; /* [model][vote of the sample] */
    *better = model->type;
    int rc = chorus_sample_matrix_build(votes, shard, stride, &all);
    if (rc) goto done;
    const int64_t nnz = all.row_ptr[all.n];
    agreement = malloc((size_t)n_models * (size_t)(nnz > 0 ? nnz : 1) * sizeof *agreement);
    if (!agreement) {
        rc = chorus_error_nomem();
        goto done;
    }
    const int n_threads =
        model->settings.n_threads > 0 ? model->settings.n_threads : omp_get_max_threads();
    int failed = CHORUS_OK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (int32_t job = 0; job < n_models * VOTE_FOLDS; job++) {
        const int32_t c = job / VOTE_FOLDS;
        int my_rc = score_fold(&all, m, k, opts, candidates[c], job % VOTE_FOLDS,
                               agreement + (size_t)c * (size_t)nnz);
        if (my_rc) {
#pragma omp critical(chorus_heldout_votes)
            if (!failed) failed = my_rc;
        }
    }
    if ((rc = failed)) goto done;

    chorus_fit_check *check = &model->check;
    int32_t first = 0;
    for (int32_t c = 0; c < n_models; c++)
        if (candidates[c] == model->type) first = c;
    const double *base = agreement + (size_t)first * (size_t)nnz;
    int64_t scored = 0;
    for (int64_t v = 0; v < nnz; v++)
        scored += !isnan(base[v]);
    check->heldout_votes_ran = 1;
    check->heldout_votes_scored = scored;
    check->heldout_votes_first = model->type;
    double best_gain = 0;
    for (int32_t c = 0; c < n_models; c++) {
        const double *a = agreement + (size_t)c * (size_t)nnz;
        double sum = 0, diff = 0, diff_squares = 0;
        for (int64_t v = 0; v < nnz; v++) {
            if (isnan(base[v])) continue;
            sum += a[v];
            diff += a[v] - base[v];
            diff_squares += (a[v] - base[v]) * (a[v] - base[v]);
        }
        check->heldout_votes_agreement[c] = scored ? sum / (double)scored : 0;
        if (c == first || scored < CHORUS_CHECK_MIN_ITEMS) continue;
        const double mean = diff / (double)scored;
        const double variance = diff_squares / (double)scored - mean * mean;
        const double standard_error = sqrt(variance > 0 ? variance : 0) / sqrt((double)scored);
        if (mean > CHORUS_CHECK_HELDOUT_MARGIN && mean > CHORUS_HELDOUT_VOTES_Z * standard_error &&
            mean > best_gain) {
            best_gain = mean;
            *better = candidates[c];
        }
    }

done:
    chorus_sample_matrix_free(&all);
    free(agreement);
    return rc;
}
