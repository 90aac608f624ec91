/*
 * Held-out scores of review answers: k-fold cross-validation, each fold labelled by a fit
 * in which the other folds' answers are clamped, so every answer is scored by a model that
 * did not see it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "chorus/review.h"
#include "core/error_internal.h"
#include "core/random.h"

/* Scores fold `fold` (items whose fold[] is it) with a fit on the rest; adds to the
 * counts: correct, and for the positive class true positives, false positives, misses. */
static int score_fold(const chorus_votes *votes, const int32_t *answers, const int32_t *fold_of,
                      int32_t fold, const chorus_fit_options *base, int32_t *clamped,
                      int32_t *labels, int32_t positive, int64_t counts[4])
{
    const int64_t n = chorus_votes_n_items(votes);
    for (int64_t i = 0; i < n; i++) {
        clamped[i] = base->gold ? base->gold[i] : -1;
        if (answers[i] >= 0 && fold_of[i] != fold) clamped[i] = answers[i];
    }
    chorus_fit_options opts = *base;
    opts.progress = NULL; /* the folds' fits are a report on the fit, not part of it */
    opts.gold = clamped;
    opts.n_gold = n;
    chorus_model *model = NULL;
    chorus_probs *probs = NULL;
    int rc = chorus_model_fit(&model, votes, &opts);
    if (!rc) rc = chorus_model_predict(&probs, model, votes);
    if (!rc) rc = chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH);
    for (int64_t i = 0; !rc && i < n; i++) {
        if (answers[i] < 0 || fold_of[i] != fold) continue;
        counts[0] += labels[i] == answers[i];
        counts[1] += labels[i] == positive && answers[i] == positive;
        counts[2] += labels[i] == positive && answers[i] != positive;
        counts[3] += labels[i] != positive && answers[i] == positive;
    }
    chorus_probs_free(probs);
    chorus_model_free(model);
    return rc;
}

int chorus_review_holdout(chorus_review_holdout_result *out, const chorus_votes *votes,
                          const int32_t *answers, const chorus_fit_options *opts, int32_t n_folds)
{
    chorus_fit_options defaults = CHORUS_FIT_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t k = chorus_votes_n_classes(votes);
    *out = (chorus_review_holdout_result){0, 0, 0, NAN, k == 2 ? 1 : -1, NAN};
    if (n_folds < 2) return chorus_error_set(CHORUS_EINVAL, "at least 2 folds, not %d", n_folds);
    if (opts->gold && opts->n_gold != n)
        return chorus_error_set(CHORUS_EINVAL, "%" PRId64 " gold labels for %" PRId64 " items",
                                opts->n_gold, n);
    int64_t n_answers = 0;
    for (int64_t i = 0; i < n; i++)
        n_answers += answers[i] >= 0;
    out->n_answers = n_answers;
    if (n_answers < 2) return CHORUS_OK;
    const int32_t folds = n_answers < n_folds ? (int32_t)n_answers : n_folds;
    int32_t *fold_of = malloc((size_t)n * sizeof *fold_of);
    int32_t *clamped = malloc((size_t)n * sizeof *clamped);
    int32_t *labels = malloc((size_t)n * sizeof *labels);
    int64_t *answered = malloc((size_t)n_answers * sizeof *answered);
    int64_t counts[4] = {0, 0, 0, 0};
    int rc = fold_of && clamped && labels && answered ? CHORUS_OK : chorus_error_nomem();
    if (!rc) {
        /* A seeded Fisher-Yates shuffle of the answered items, dealt out in turn. */
        int64_t m = 0;
        for (int64_t i = 0; i < n; i++) {
            fold_of[i] = -1;
            if (answers[i] >= 0) answered[m++] = i;
        }
        chorus_rng rng = chorus_rng_for(opts->seed, UINT64_C(0x7265766965770001));
        for (int64_t j = m - 1; j > 0; j--) {
            const int64_t r = (int64_t)chorus_rng_below(&rng, (uint64_t)(j + 1));
            const int64_t t = answered[j];
            answered[j] = answered[r];
            answered[r] = t;
        }
        for (int64_t j = 0; j < m; j++)
            fold_of[answered[j]] = (int32_t)(j % folds);
    }
    for (int32_t f = 0; !rc && f < folds; f++)
        rc = score_fold(votes, answers, fold_of, f, opts, clamped, labels, out->positive_class,
                        counts);
    if (!rc) {
        out->n_folds = folds;
        out->n_correct = counts[0];
        out->accuracy = (double)counts[0] / (double)n_answers;
        if (out->positive_class >= 0) {
            const double denom = (double)(2 * counts[1] + counts[2] + counts[3]);
            out->positive_f1 = denom > 0 ? 2.0 * (double)counts[1] / denom : 0.0;
        }
    }
    free(fold_of);
    free(clamped);
    free(labels);
    free(answered);
    return rc;
}
