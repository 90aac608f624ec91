/*
 * Model selection on a labelled dev set. The candidates are few and cheap (each fit is a
 * few passes over the votes), so every one is fitted in full and scored with the same
 * protocol as chorus eval: hash tie-break, every dev item with a label scored.
 *
 * Besides the models fitted on the training votes without gold, the dev labels themselves
 * can fit a model: one accuracy per LF (onecoin), learned from the dev items with their
 * labels clamped, which weighs each LF's vote by how often it is right on the dev set.
 * Only that form is fitted on the dev labels: it asks of them one number per LF, and it
 * reads nothing into an LF's abstains, whose rate is what changes most between the dev
 * items and the items labelled later (coverage follows the data; precision much less). A
 * model scored on the labels it was fitted on would look better than it is, so it is
 * scored by cross-validation: the labelled dev items are dealt into DEV_FOLDS folds, each
 * fold is predicted by the model fitted on the others' labels, and those predictions are
 * scored together. The one chosen is then fitted on every dev label.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "chorus/select.h"
#include "core/error_internal.h"
#include "model/em_internal.h"
#include "model/model_internal.h"

static const char *const metric_names[] = {"accuracy", "macro-f1", "f1"};

int chorus_select_metric_parse(chorus_select_metric *out, const char *name)
{
    for (int m = 0; m < 3; m++)
        if (strcmp(name, metric_names[m]) == 0) {
            *out = (chorus_select_metric)m;
            return CHORUS_OK;
        }
    return chorus_error_set(CHORUS_EINVAL,
                            "unknown dev metric \"%s\"; expected accuracy, macro-f1 or f1", name);
}

const char *chorus_select_metric_name(chorus_select_metric metric)
{
    return metric >= 0 && metric <= 2 ? metric_names[metric] : "?";
}

/* The EM models and smoothing strengths tried, the default settings of each first. */
static const chorus_model_type em_models[] = {CHORUS_MODEL_DS, CHORUS_MODEL_DS_NOABSTAIN,
                                              CHORUS_MODEL_CLASS_ACC, CHORUS_MODEL_ONECOIN};
static const double smoothings[] = {CHORUS_DEFAULT_SMOOTHING, 0.1, 10};

/* Folds of the cross-validated score, and the fewest labelled dev items it is tried with. */
#define DEV_FOLDS 5
#define DEV_FIT_MIN_LABELS 20

static int metric_of(const chorus_probs *probs, const int32_t *dev_gold, int64_t n_dev_gold,
                     const chorus_select_options *opts, double *score)
{
    chorus_metrics *metrics = NULL;
    chorus_eval_options eval = CHORUS_EVAL_OPTIONS_INIT;
    eval.positive_class = opts->metric == CHORUS_SELECT_F1 ? opts->positive_class : -1;
    int rc = chorus_eval(&metrics, probs, dev_gold, n_dev_gold, &eval);
    if (!rc)
        *score = opts->metric == CHORUS_SELECT_ACCURACY   ? metrics->accuracy
                 : opts->metric == CHORUS_SELECT_MACRO_F1 ? metrics->macro_f1
                                                          : metrics->positive_f1;
    chorus_metrics_free(metrics);
    return rc;
}

static int score_on_dev(const chorus_model *model, const chorus_votes *dev_votes,
                        const int32_t *dev_gold, int64_t n_dev_gold,
                        const chorus_select_options *opts, double *score)
{
    chorus_probs *probs = NULL;
    int rc = chorus_model_predict(&probs, model, dev_votes);
    if (!rc) rc = metric_of(probs, dev_gold, n_dev_gold, opts, score);
    chorus_probs_free(probs);
    return rc;
}

/*
 * The cross-validated dev score of `fit` (its gold is set here) fitted on the dev labels:
 * labelled item number l (in dev order) is in fold l % DEV_FOLDS, and each fold's rows of
 * the scored probabilities come from the model fitted without that fold's labels.
 */
static int cross_validated_score(const chorus_votes *dev_votes, const int32_t *dev_gold, int64_t n,
                                 chorus_fit_options fit, const chorus_select_options *opts,
                                 double *score)
{
    const int32_t k = chorus_votes_n_classes(dev_votes);
    int32_t *fold = malloc((size_t)(n ? n : 1) * sizeof *fold);
    int32_t *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    chorus_probs *pooled = NULL;
    int rc = fold && gold ? chorus_probs_new(&pooled, n, k) : chorus_error_nomem();
    int64_t labelled = 0;
    for (int64_t i = 0; !rc && i < n; i++)
        fold[i] = dev_gold[i] >= 0 ? (int32_t)(labelled++ % DEV_FOLDS) : -1;
    fit.gold = gold;
    fit.n_gold = n;
    for (int32_t f = 0; !rc && f < DEV_FOLDS; f++) {
        for (int64_t i = 0; i < n; i++)
            gold[i] = fold[i] == f ? -1 : dev_gold[i];
        chorus_model *model = NULL;
        chorus_probs *probs = NULL;
        rc = chorus_model_fit(&model, dev_votes, &fit);
        if (!rc) rc = chorus_model_predict(&probs, model, dev_votes);
        for (int64_t i = 0; !rc && i < n; i++)
            if (fold[i] == f)
                memcpy(chorus_probs_data(pooled) + (size_t)i * (size_t)k,
                       chorus_probs_const_data(probs) + (size_t)i * (size_t)k,
                       (size_t)k * sizeof(double));
        chorus_probs_free(probs);
        chorus_model_free(model);
    }
    if (!rc) rc = metric_of(pooled, dev_gold, n, opts, score);
    chorus_probs_free(pooled);
    free(fold);
    free(gold);
    return rc;
}

int chorus_model_select(chorus_model **out, const chorus_votes *votes,
                        const chorus_fit_options *base, const chorus_votes *dev_votes,
                        const int32_t *dev_gold, int64_t n_dev_gold,
                        const chorus_select_options *opts)
{
    *out = NULL;
    chorus_fit_options defaults = CHORUS_FIT_OPTIONS_INIT;
    chorus_select_options select_defaults = CHORUS_SELECT_OPTIONS_INIT;
    if (!base) base = &defaults;
    if (!opts) opts = &select_defaults;
    if (opts->version != CHORUS_SELECT_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "select options: version %u, expected %u",
                                opts->version, CHORUS_SELECT_OPTIONS_VERSION);
    if (opts->metric < CHORUS_SELECT_ACCURACY || opts->metric > CHORUS_SELECT_F1)
        return chorus_error_set(CHORUS_EINVAL, "select options: unknown metric %d",
                                (int)opts->metric);
    const int32_t k = chorus_votes_n_classes(votes);
    if (opts->metric == CHORUS_SELECT_F1 && (opts->positive_class < 0 || opts->positive_class >= k))
        return chorus_error_set(CHORUS_EINVAL,
                                "the positive class for the dev F1 must be in 0..%d, got %d",
                                (int)k - 1, (int)opts->positive_class);
    if (!dev_votes || !dev_gold)
        return chorus_error_set(CHORUS_EINVAL, "model selection needs dev votes and dev labels");
    if (chorus_votes_n_lfs(dev_votes) != chorus_votes_n_lfs(votes))
        return chorus_error_set(CHORUS_EINVAL,
                                "the dev votes have %d labeling functions but the training "
                                "votes have %d",
                                (int)chorus_votes_n_lfs(dev_votes), (int)chorus_votes_n_lfs(votes));
    if (n_dev_gold != chorus_votes_n_items(dev_votes))
        return chorus_error_set(CHORUS_EINVAL, "the dev set has %lld items but %lld dev labels",
                                (long long)chorus_votes_n_items(dev_votes), (long long)n_dev_gold);
    int64_t labelled = 0;
    for (int64_t i = 0; i < n_dev_gold; i++)
        labelled += dev_gold[i] >= 0;
    if (!labelled) return chorus_error_set(CHORUS_EINVAL, "no dev item has a label");

    const bool vary_prior = base->class_prior == CHORUS_PRIOR_LEARNED;
    const int32_t n_em = (int32_t)(sizeof em_models / sizeof *em_models);
    const int32_t n_smooth = (int32_t)(sizeof smoothings / sizeof *smoothings);
    /* mv, the default, then each EM model x smoothing x prior, and for the models with
     * abstains as evidence each of those with and without keeping unanimous votes. */
    int32_t n_informative = 0;
    for (int32_t e = 0; e < n_em; e++)
        n_informative += chorus_em_abstain_informative(em_models[e]);
    const int n_priors = vary_prior ? 2 : 1;
    const bool dev_fit = labelled >= DEV_FIT_MIN_LABELS;
    const int32_t n_candidates =
        2 + (n_em + n_informative) * n_smooth * n_priors + (dev_fit ? n_priors : 0);
    chorus_candidate *candidates = calloc((size_t)n_candidates, sizeof *candidates);
    double *uniform = malloc((size_t)k * sizeof *uniform);
    chorus_model *best = NULL;
    int32_t chosen = 0, at = 0;
    int rc = CHORUS_OK, was_muted = -1;
    if (!candidates || !uniform) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t c = 0; c < k; c++)
        uniform[c] = 1.0 / k;
    /* The candidates speak through their scores; what the chosen one found is in it. */
    was_muted = chorus_log_mute(1);
    for (int32_t e = -2; e < n_em; e++) {
        const bool grid = e >= 0;
        const int n_keep = grid && chorus_em_abstain_informative(em_models[e]) ? 2 : 1;
        for (int32_t s = 0; s < (grid ? n_smooth : 1); s++) {
            for (int p = 0; p < (grid && vary_prior ? 2 : 1); p++) {
                for (int keep = 0; keep < n_keep; keep++) {
                    chorus_fit_options fit = *base;
                    fit.type = e == -2   ? CHORUS_MODEL_MV
                               : e == -1 ? CHORUS_MODEL_AUTO
                                         : em_models[e];
                    if (grid) fit.smoothing = smoothings[s];
                    if (e == -2) fit.learn_structure = 0;
                    if (p == 1) {
                        fit.class_prior = CHORUS_PRIOR_FIXED;
                        fit.class_balance = uniform;
                    }
                    chorus_model *model = NULL;
                    double score = 0;
                    if ((rc = chorus_model_fit(&model, votes, &fit))) goto done;
                    if (grid) model->keep_unanimous = keep;
                    rc = score_on_dev(model, dev_votes, dev_gold, n_dev_gold, opts, &score);
                    if (rc) {
                        chorus_model_free(model);
                        goto done;
                    }
                    chorus_candidate *cand = &candidates[at];
                    cand->type = model->type;
                    cand->smoothing = model->type == CHORUS_MODEL_MV ? -1 : model->smoothing;
                    cand->class_prior = fit.class_prior;
                    cand->keep_unanimous = model->keep_unanimous;
                    cand->is_default = e == -1;
                    cand->dev_score = score;
                    if (!best || score > candidates[chosen].dev_score) {
                        chorus_model_free(best);
                        best = model;
                        chosen = at;
                    } else {
                        chorus_model_free(model);
                    }
                    at++;
                }
            }
        }
    }
    /* Then the dev labels' own weighted vote, after every model they do not fit. */
    for (int p = 0; dev_fit && p < n_priors; p++) {
        chorus_fit_options fit = *base;
        fit.type = CHORUS_MODEL_ONECOIN;
        fit.smoothing = CHORUS_DEFAULT_SMOOTHING;
        fit.learn_structure = 0;
        fit.lf_group = NULL;
        if (p == 1) {
            fit.class_prior = CHORUS_PRIOR_FIXED;
            fit.class_balance = uniform;
        }
        double score = 0;
        if ((rc = cross_validated_score(dev_votes, dev_gold, n_dev_gold, fit, opts, &score)))
            goto done;
        chorus_candidate *cand = &candidates[at];
        cand->type = CHORUS_MODEL_ONECOIN;
        cand->smoothing = fit.smoothing;
        cand->class_prior = fit.class_prior;
        cand->fit_on_dev = 1;
        cand->dev_score = score;
        if (score > candidates[chosen].dev_score) {
            chorus_model *model = NULL;
            fit.gold = dev_gold;
            fit.n_gold = n_dev_gold;
            if ((rc = chorus_model_fit(&model, dev_votes, &fit))) goto done;
            chorus_model_free(best);
            best = model;
            chosen = at;
        }
        at++;
    }
    best->candidates = candidates;
    best->n_candidates = at;
    best->chosen_candidate = chosen;
    strncpy(best->selection_metric, chorus_select_metric_name(opts->metric),
            sizeof best->selection_metric - 1);
    best->selection_dev_items = labelled;
    candidates = NULL;
    *out = best;
    best = NULL;

done:
    if (was_muted >= 0) chorus_log_mute(was_muted);
    chorus_model_free(best);
    free(candidates);
    free(uniform);
    return rc;
}
