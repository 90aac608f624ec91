/*
 * Why refit instead of reading the answer off the fit: with sparse one-class LFs, EM's
 * objective can be flat along a ridge on which the class prior trades against the LFs'
 * firing rates, and the default's 500 iterations stop wherever the crawl from majority
 * vote's start has got to. On synthetic two-class sets with three LFs (README, "Uncovered
 * items") the fit handed every item without a vote to one class while a fit with the
 * prior fixed so that the other class wins them scored the votes 0.4 log-units lower, or
 * higher: the items' class was not in the votes, and on one set it cost 32.6 points against
 * majority vote's coin. Where the votes do settle it (WRENCH spouse, sms, youtube), moving
 * a tenth of the class's prior mass already costs 2 to 56 log-units.
 *
 * Only for models in which abstains are evidence (ds, class-acc: one-class rules), where
 * what an item without votes gets rests on the LFs' modelled silences. Where they are not
 * (ds-noabstain, pooled, onecoin: LFs that vote several classes), such an item gets the
 * class prior, and the votes' own class shares size it for voters better than chance: on
 * a crowd of sparse workers with a 20:1 imbalance (README, "Quality across regimes", row
 * 51) the check would find the prior unsettled and give up 17 points of the right one.
 *
 * Only the prior is moved, along one path per class: a witness, not a search of every
 * parameter. A class reached only by moving the LFs' rates against the prior stays
 * unmarked; the check errs towards the fit's answer.
 */
#include "model/uncovered_split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/model_internal.h"

/* Shares of c0's prior mass moved to the other class, in order. */
static const double steps[] = {0.1, 0.25, 0.4, 0.55, 0.7, 0.85};

/* What an item without votes gets, up to a constant: log P(y) + sum_j log P(j silent | y)
 * where abstains are evidence, else log P(y). Returns its argmax. */
static int32_t uncovered_class(const chorus_model *model, double *score)
{
    const int32_t k = model->n_classes;
    for (int32_t y = 0; y < k; y++) {
        score[y] = log(model->prior[y]);
        for (int32_t j = 0; model->abstain_informative && j < model->n_lfs; j++)
            score[y] += log(model->theta[((size_t)j * k + y) * (k + 1) + k]);
    }
    int32_t best = 0;
    for (int32_t y = 1; y < k; y++)
        if (score[y] > score[best]) best = y;
    return best;
}

/* The objective of the fit's last iteration, with the learned prior's Dirichlet term added
 * for a fixed prior so that fits with either compare. */
static double comparable_objective(const chorus_model *fit, const double *fixed_prior)
{
    double objective = fit->n_trace > 0 ? fit->trace[fit->n_trace - 1] : -HUGE_VAL;
    for (int32_t y = 0; fixed_prior && y < fit->n_classes; y++)
        objective += fit->prior_smoothing * log(fixed_prior[y]);
    return objective;
}

/* Fits model->type as the fit was made (majority vote's start, the same options) but with
 * the prior fixed at `prior`; *objective (-HUGE_VAL when the fit's classes had to be
 * renamed) and the class the items without votes get. */
static int refit(const chorus_model *model, const chorus_votes *votes,
                 const chorus_fit_options *opts, const fit_shard *shard, const double *prior,
                 double *score, double *objective, int32_t *winner)
{
    chorus_fit_options fixed = *opts;
    fixed.type = model->type;
    fixed.class_prior = CHORUS_PRIOR_FIXED;
    fixed.class_balance = prior;
    fixed.progress = NULL;
    fixed.progress_ctx = NULL;
    chorus_model *fit = NULL;
    int rc = chorus_model_alloc(&fit, model->type, votes);
    if (!rc) {
        fit->settings = fixed;
        fit->fit_n_items = model->fit_n_items;
        const int was_muted = chorus_log_mute(1);
        rc = chorus_em_fit(fit, votes, &fixed, shard);
        chorus_log_mute(was_muted);
    }
    /* A fit whose classes had to be renamed to agree with the votes has moved its prior
     * somewhere else than asked: it is no witness for either side. */
    if (!rc) {
        *objective = fit->classes_permuted ? -HUGE_VAL : comparable_objective(fit, prior);
        *winner = uncovered_class(fit, score);
    }
    chorus_model_free(fit);
    return rc;
}

int chorus_uncovered_split_check(chorus_model *model, const chorus_votes *votes,
                                 const chorus_fit_options *opts, const fit_shard *shard)
{
    const int32_t k = model->n_classes;
    free(model->uncovered_unsettled);
    model->uncovered_unsettled = NULL;
    model->check.n_uncovered_unsettled = 0;
    if (model->type == CHORUS_MODEL_MV || !model->abstain_informative || !model->theta ||
        model->groups || k < 2 || model->check.n_covered >= model->fit_n_items)
        return CHORUS_OK;
    double *score = malloc((size_t)k * sizeof *score);
    double *prior = malloc((size_t)k * sizeof *prior);
    double *flipped = malloc((size_t)k * sizeof *flipped);
    bool *marked = calloc((size_t)k, sizeof *marked);
    int rc = score && prior && flipped && marked ? CHORUS_OK : chorus_error_nomem();
    const int32_t c0 = rc ? 0 : uncovered_class(model, score);
    /* EM stops before the top of a flat ridge, so every fit is a lower bound on how well
     * the votes can be explained with c0 winning (kept) or with c winning (flipped[c]).
     * The refits start where the fit did, so the fit and its alternatives are made alike:
     * started from the fit's own tables, refits climb further along the ridge than the fit
     * did, and on chemprot they hand its items without votes to a three-way coin where the
     * fit's class is the right one for most of them (accuracy 49.28 to 47.42). */
    double kept = comparable_objective(model, NULL);
    for (int32_t c = 0; !rc && c < k; c++)
        flipped[c] = -HUGE_VAL;
    for (int32_t c = 0; !rc && c < k; c++) {
        if (c == c0) continue;
        const double pair = model->prior[c0] + model->prior[c];
        for (size_t s = 0; !rc && s < sizeof steps / sizeof steps[0]; s++) {
            /* Keep 2% of the pair on c0, so that no fixed prior is zero. */
            const double moved = steps[s] * (model->prior[c0] - 0.02 * pair);
            if (!(moved > 0)) break;
            memcpy(prior, model->prior, (size_t)k * sizeof *prior);
            prior[c] += moved;
            prior[c0] -= moved;
            double objective;
            int32_t winner;
            rc = refit(model, votes, opts, shard, prior, score, &objective, &winner);
            if (rc) break;
            if (winner == c0) {
                kept = fmax(kept, objective);
            } else if (objective > -HUGE_VAL) {
                flipped[c] = objective;
                break;
            }
            /* Further along the path the prior only moves further from the votes. */
            if (objective < kept - CHORUS_UNCOVERED_SPLIT_MARGIN) break;
        }
    }
    int32_t n_marked = 0;
    for (int32_t c = 0; !rc && c < k; c++)
        if (c != c0 && flipped[c] >= kept - CHORUS_UNCOVERED_SPLIT_MARGIN) {
            marked[c] = true;
            n_marked++;
        }
    if (!rc && n_marked > 0) {
        marked[c0] = true;
        model->uncovered_unsettled = marked;
        model->check.n_uncovered_unsettled = n_marked + 1;
        marked = NULL;
    }
    free(marked);
    free(flipped);
    free(prior);
    free(score);
    return rc;
}

/* Class c shares the items without votes evenly with the other marked classes. */
static bool evened(const chorus_model *model, int32_t c)
{
    return chorus_model_one_lf_class(model, c) || chorus_model_uncovered_unsettled_class(model, c);
}

void chorus_uncovered_even(const chorus_model *model, double *q)
{
    if (!model->one_lf_class && !model->uncovered_unsettled) return;
    double mass = 0;
    int32_t n = 0;
    for (int32_t c = 0; c < model->n_classes; c++)
        if (evened(model, c)) {
            mass += q[c];
            n++;
        }
    if (n < 2) return;
    const double share = mass / n;
    for (int32_t c = 0; c < model->n_classes; c++)
        if (evened(model, c)) q[c] = share;
}

int chorus_model_uncovered_unsettled_class(const chorus_model *model, int32_t class_index)
{
    return model->uncovered_unsettled && class_index >= 0 && class_index < model->n_classes &&
           model->uncovered_unsettled[class_index];
}
