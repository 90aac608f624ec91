/* Label models: fitting and applying (what a model says of itself: model_access.c). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/model.h"
#include "core/error_internal.h"
#include "model/auto_choice.h"
#include "model/coverage.h"
#include "model/em_groups.h"
#include "model/em_structure.h"
#include "model/fit_shard.h"
#include "model/heldout_votes.h"
#include "model/lf_copies.h"
#include "model/model_internal.h"
#include "model/one_lf_classes.h"
#include "model/uncovered_split.h"
#include "probs/probs_internal.h"
#include "votes/votes_internal.h"

static const char *const model_names[] = {"mv",      "ds",   "ds-noabstain", "class-acc",
                                          "onecoin", "auto", "pooled"};

int chorus_model_type_parse(chorus_model_type *out, const char *name)
{
    for (size_t i = 0; i < sizeof model_names / sizeof *model_names; i++)
        if (strcmp(name, model_names[i]) == 0) {
            *out = (chorus_model_type)i;
            return CHORUS_OK;
        }
    return chorus_error_set(CHORUS_EINVAL,
                            "unknown model '%s'; known models: auto, mv, ds, ds-noabstain, "
                            "class-acc, onecoin, pooled",
                            name);
}

const char *chorus_model_type_name(chorus_model_type type)
{
    return (unsigned)type < sizeof model_names / sizeof *model_names ? model_names[type] : "?";
}

int chorus_fit_options_check(const chorus_fit_options *opts)
{
    if (opts->version != CHORUS_FIT_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "fit options version %u is not supported (%d is)",
                                opts->version, CHORUS_FIT_OPTIONS_VERSION);
    if ((unsigned)opts->type >= sizeof model_names / sizeof *model_names)
        return chorus_error_set(CHORUS_EINVAL, "unknown model type %d", (int)opts->type);
    if (opts->n_threads < 0)
        return chorus_error_set(CHORUS_EINVAL, "number of threads must be >= 0, got %d",
                                opts->n_threads);
    if (!(opts->smoothing < 0 || (opts->smoothing > 0 && opts->smoothing <= 1e12)))
        return chorus_error_set(CHORUS_EINVAL,
                                "smoothing must be > 0 (so no probability is ever 0), got %g",
                                opts->smoothing);
    if (!(opts->prior_smoothing < 0 || opts->prior_smoothing <= 1e12))
        return chorus_error_set(CHORUS_EINVAL, "prior smoothing must be >= 0, got %g",
                                opts->prior_smoothing);
    if (opts->max_iter < 1 || opts->max_iter > 1000000)
        return chorus_error_set(CHORUS_EINVAL, "max_iter must be 1..1000000, got %d",
                                opts->max_iter);
    if (!(opts->tol >= 0 && opts->tol < 1))
        return chorus_error_set(CHORUS_EINVAL, "tol must be in [0, 1), got %g", opts->tol);
    if (opts->restarts < 0 || opts->restarts > 10000)
        return chorus_error_set(CHORUS_EINVAL, "restarts must be 0..10000, got %d", opts->restarts);
    if (opts->class_prior == CHORUS_PRIOR_FIXED && !opts->class_balance)
        return chorus_error_set(CHORUS_EINVAL, "a fixed class prior needs class_balance");
    if (opts->class_prior == CHORUS_PRIOR_FROM_GOLD && !opts->gold)
        return chorus_error_set(CHORUS_EINVAL, "a class prior from gold needs gold labels");
    if ((unsigned)opts->class_prior > CHORUS_PRIOR_FROM_GOLD)
        return chorus_error_set(CHORUS_EINVAL, "unknown class prior mode %d",
                                (int)opts->class_prior);
    return CHORUS_OK;
}

/* Checks the parts of the options that depend on the votes (sizes, classes). */
static int check_against_votes(const chorus_fit_options *opts, const chorus_votes *votes)
{
    const int32_t k = chorus_votes_n_classes(votes);
    if (opts->class_prior == CHORUS_PRIOR_FIXED) {
        double sum = 0;
        for (int32_t y = 0; y < k; y++) {
            double p = opts->class_balance[y];
            if (!(p > 0 && p < 1))
                return chorus_error_set(CHORUS_EINVAL,
                                        "class balance entry %" PRId32 " is %g; each must be in "
                                        "(0, 1)",
                                        y + 1, p);
            sum += p;
        }
        if (fabs(sum - 1) > 1e-6)
            return chorus_error_set(CHORUS_EINVAL, "class balance sums to %.9g; expected 1", sum);
    }
    return chorus_votes_check_gold(votes, opts->gold, opts->n_gold);
}

static char **copy_names(int32_t n, const char *(*get)(const void *, int32_t), const void *src)
{
    char **names = calloc((size_t)n, sizeof *names);
    if (!names) return NULL;
    for (int32_t i = 0; i < n; i++) {
        char buf[32];
        const char *name = get ? get(src, i) : NULL;
        if (!name) {
            snprintf(buf, sizeof buf, "%" PRId32, i);
            name = buf;
        }
        if (!(names[i] = strdup(name))) {
            for (int32_t j = 0; j < i; j++)
                free(names[j]);
            free(names);
            return NULL;
        }
    }
    return names;
}

static const char *votes_lf_name(const void *v, int32_t j)
{
    return chorus_votes_lf_name(v, j);
}

static const char *votes_class_name(const void *v, int32_t k)
{
    return chorus_votes_class_name(v, k);
}

static const char *default_lf_name(const void *unused, int32_t j)
{
    (void)unused;
    static _Thread_local char buf[32];
    snprintf(buf, sizeof buf, "lf%" PRId32, j);
    return buf;
}

static int alloc_model(chorus_model **out, chorus_model_type type, int32_t n_lfs, int32_t n_classes,
                       const chorus_votes *votes)
{
    *out = NULL;
    chorus_model *m = calloc(1, sizeof *m);
    if (!m) return chorus_error_nomem();
    m->type = m->requested_type = type;
    m->n_lfs = n_lfs;
    m->n_classes = n_classes;
    m->class_names = copy_names(n_classes, votes ? votes_class_name : NULL, votes);
    m->lf_names = copy_names(n_lfs, votes ? votes_lf_name : default_lf_name, votes);
    m->lf_names_given = votes && chorus_votes_has_lf_names(votes);
    m->prior = malloc((size_t)n_classes * sizeof *m->prior);
    if (!m->class_names || !m->lf_names || !m->prior) {
        chorus_model_free(m);
        return chorus_error_nomem();
    }
    for (int32_t k = 0; k < n_classes; k++)
        m->prior[k] = 1.0 / n_classes;
    chorus_fit_options defaults = CHORUS_FIT_OPTIONS_INIT;
    m->settings = defaults;
    m->settings.type = type;
    *out = m;
    return CHORUS_OK;
}

int chorus_model_alloc(chorus_model **out, chorus_model_type type, const chorus_votes *votes)
{
    return alloc_model(out, type, chorus_votes_n_lfs(votes), chorus_votes_n_classes(votes), votes);
}

int chorus_model_alloc_shape(chorus_model **out, chorus_model_type type, int32_t n_lfs,
                             int32_t n_classes)
{
    return alloc_model(out, type, n_lfs, n_classes, NULL);
}

void chorus_model_free(chorus_model *model)
{
    if (!model) return;
    if (model->class_names)
        for (int32_t k = 0; k < model->n_classes; k++)
            free(model->class_names[k]);
    if (model->lf_names)
        for (int32_t j = 0; j < model->n_lfs; j++)
            free(model->lf_names[j]);
    free(model->class_names);
    free(model->lf_names);
    free(model->prior);
    free(model->theta);
    free(model->trace);
    if (model->groups) em_groups_free(model->groups);
    free(model->groups);
    free(model->group_theta);
    free(model->dependencies);
    free(model->copy_of);
    free(model->lf_agreement);
    free(model->one_lf_class);
    free(model->uncovered_unsettled);
    free(model->candidates);
    free(model);
}

void chorus_model_given_prior(const chorus_fit_options *opts, double prior_smoothing, int32_t k,
                              double *prior)
{
    for (int32_t y = 0; y < k; y++)
        prior[y] = 1.0 / k;
    if (opts->class_prior == CHORUS_PRIOR_FIXED) {
        for (int32_t y = 0; y < k; y++)
            prior[y] = opts->class_balance[y];
    } else if (opts->class_prior == CHORUS_PRIOR_FROM_GOLD) {
        double total = 0;
        for (int32_t y = 0; y < k; y++)
            prior[y] = prior_smoothing;
        for (int64_t i = 0; i < opts->n_gold; i++)
            if (opts->gold[i] >= 0) prior[opts->gold[i]] += 1;
        for (int32_t y = 0; y < k; y++)
            total += prior[y];
        for (int32_t y = 0; y < k; y++)
            prior[y] /= total;
    }
}

int chorus_model_fit(chorus_model **out, const chorus_votes *votes, const chorus_fit_options *opts)
{
    return chorus_model_fit_votes(out, votes, opts, NULL);
}

static int fit_resolved(chorus_model **out, const chorus_votes *votes,
                        const chorus_fit_options *opts, chorus_model_type requested,
                        const int64_t sizes[2], const int64_t *counts, const fit_shard *shard);

int chorus_model_fit_votes(chorus_model **out, const chorus_votes *votes,
                           const chorus_fit_options *opts, const fit_shard *shard)
{
    *out = NULL;
    chorus_fit_options defaults = CHORUS_FIT_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    int rc = chorus_fit_options_check(opts);
    if (!rc) rc = check_against_votes(opts, votes);
    int64_t sizes[2] = {chorus_votes_n_items(votes), chorus_votes_nnz(votes)};
    /* The first exchange: what one process finds wrong, every process hears. */
    if ((rc = fit_shard_sum_i64(shard, sizes, 2, rc))) return rc;
    /* EM has nothing to learn from; majority vote needs no items (it predicts from votes). */
    if (sizes[0] == 0 && opts->type != CHORUS_MODEL_MV)
        return chorus_error_set(CHORUS_EINVAL, "the vote matrix has no items: nothing to fit");
    /* Each set of LFs that vote alike on every item is one source (lf_copies.h). */
    const bool find_copies = opts->type != CHORUS_MODEL_MV && !opts->lf_group && !opts->keep_copies;
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    int64_t *counts = NULL;
    if (find_copies || opts->type == CHORUS_MODEL_AUTO)
        counts = chorus_lf_class_counts(votes, shard);
    int32_t *copy_of = NULL;
    chorus_votes *kept = NULL;
    if (find_copies) {
        rc = chorus_lf_copies_find(&copy_of, votes, shard, counts);
        if (!rc && copy_of) {
            rc = chorus_votes_without_copies(&kept, votes, copy_of);
            sizes[1] = rc ? 0 : chorus_votes_nnz(kept);
            rc = fit_shard_sum_i64(shard, &sizes[1], 1, rc);
            /* The counts of the votes fitted: the copies cast none. */
            for (int32_t j = 0; j < m; j++)
                if (copy_of[j] >= 0) memset(counts + (size_t)j * k, 0, (size_t)k * sizeof *counts);
        }
        if (rc) {
            free(copy_of);
            free(counts);
            chorus_votes_free(kept);
            return rc;
        }
        if (kept) votes = kept;
    }
    const chorus_model_type requested = opts->type;
    chorus_fit_options resolved = *opts;
    if (resolved.type == CHORUS_MODEL_AUTO) resolved.type = chorus_auto_choice(counts, m, k);
    opts = &resolved;
    chorus_model *model;
    rc = fit_resolved(&model, votes, opts, requested, sizes,
                      requested == CHORUS_MODEL_AUTO ? counts : NULL, shard);
    free(counts);
    chorus_votes_free(kept);
    if (rc) {
        free(copy_of);
        return rc;
    }
    if (copy_of) chorus_model_set_copies(model, copy_of);
    *out = model;
    return CHORUS_OK;
}

/* chorus_model_fit_votes() once auto has been resolved: sizes are the whole matrix's items
 * and votes, counts chorus_lf_class_counts() for auto (else NULL). */
static int fit_resolved(chorus_model **out, const chorus_votes *votes,
                        const chorus_fit_options *opts, chorus_model_type requested,
                        const int64_t sizes[2], const int64_t *counts, const fit_shard *shard)
{
    *out = NULL;
    chorus_model *model;
    int rc = chorus_model_alloc(&model, opts->type, votes);
    if (rc) return rc;
    model->settings = *opts;
    model->requested_type = requested;
    model->settings.gold = NULL;
    model->settings.class_balance = NULL;
    model->settings.progress = NULL;
    model->settings.progress_ctx = NULL;
    model->fit_n_items = sizes[0];
    model->fit_nnz = sizes[1];
    for (int64_t i = 0; opts->gold && i < opts->n_gold; i++)
        model->n_gold_clamped += opts->gold[i] >= 0;
    /* Majority vote has nothing to learn: its prior (what an uncovered item gets) stays
     * uniform unless the user gave one. */
    if (opts->type == CHORUS_MODEL_MV)
        chorus_model_given_prior(opts,
                                 opts->prior_smoothing >= 0 ? opts->prior_smoothing
                                                            : CHORUS_DEFAULT_PRIOR_SMOOTHING,
                                 model->n_classes, model->prior);
    if (opts->type != CHORUS_MODEL_MV && (rc = chorus_em_fit(model, votes, opts, shard))) {
        chorus_model_free(model);
        return rc;
    }
    if (opts->type != CHORUS_MODEL_MV && opts->learn_structure) {
        /* Fit, find the pairs the independent fit cannot explain, fit again with them. */
        int32_t *lf_group = NULL;
        rc = chorus_em_learn_structure(model, votes, &lf_group);
        if (!rc && lf_group) {
            chorus_fit_options grouped = *opts;
            grouped.lf_group = lf_group;
            grouped.learn_structure = 0;
            chorus_model *refit = NULL;
            rc = chorus_model_fit(&refit, votes, &grouped);
            if (!rc) {
                refit->dependencies = model->dependencies;
                refit->n_dependencies = model->n_dependencies;
                refit->requested_type = model->requested_type;
                refit->settings.learn_structure = 1;
                model->dependencies = NULL;
                chorus_model_free(model);
                model = refit;
            }
        }
        free(lf_group);
        if (rc) {
            chorus_model_free(model);
            return rc;
        }
    }
    if (opts->type != CHORUS_MODEL_MV) {
        /* A refit with learned groups was checked by its own chorus_model_fit on the same
         * votes; only an independent model still needs it. */
        if (!model->checked && (rc = chorus_model_run_check_shard(model, votes, shard))) {
            chorus_model_free(model);
            return rc;
        }
        /* Sparse crowd workers: a worker with a few answers cannot have a confusion table
         * of its own, and the tables EM fits them then disagree with how often they agree
         * with the others. Where a real share of the votes comes from such LFs, one table
         * shared by all of them is the model the votes can support. */
        const chorus_fit_check *first = &model->check;
        if (requested == CHORUS_MODEL_AUTO && model->type == CHORUS_MODEL_DS_NOABSTAIN &&
            !model->groups && first->agreement_votes > 0 &&
            (double)first->disagreeing_lf_votes >
                CHORUS_CHECK_DISAGREEING_VOTES_MAX * (double)first->agreement_votes) {
            const double share =
                (double)first->disagreeing_lf_votes / (double)first->agreement_votes;
            chorus_fit_options pooled = *opts;
            pooled.type = CHORUS_MODEL_POOLED;
            chorus_model *refit = NULL;
            rc = chorus_model_fit_votes(&refit, votes, &pooled, shard);
            if (rc) {
                chorus_model_free(model);
                return rc;
            }
            refit->requested_type = requested;
            refit->check.refitted_pooled = 1;
            refit->check.refit_disagreeing_share = share;
            chorus_model_free(model);
            model = refit;
        }
        /* LFs that vote several classes: whether their answers support a table each, the
         * pooled tables or one accuracy each is measured on answers the fit did not see. */
        if (requested == CHORUS_MODEL_AUTO &&
            (model->type == CHORUS_MODEL_DS_NOABSTAIN || model->type == CHORUS_MODEL_POOLED) &&
            !model->groups && !opts->gold && !opts->lf_group) {
            chorus_model_type better = model->type;
            if ((rc = chorus_model_run_heldout_votes(model, votes, opts, shard, &better))) {
                chorus_model_free(model);
                return rc;
            }
            if (better != model->type) {
                chorus_fit_options chosen = *opts;
                chosen.type = better;
                chorus_model *refit = NULL;
                if ((rc = chorus_model_fit_votes(&refit, votes, &chosen, shard))) {
                    chorus_model_free(model);
                    return rc;
                }
                const chorus_fit_check *seen = &model->check;
                chorus_fit_check *check = &refit->check;
                check->heldout_votes_ran = 1;
                check->heldout_votes_scored = seen->heldout_votes_scored;
                memcpy(check->heldout_votes_agreement, seen->heldout_votes_agreement,
                       sizeof check->heldout_votes_agreement);
                check->heldout_votes_first = seen->heldout_votes_first;
                check->heldout_votes_switched = 1;
                refit->requested_type = requested;
                chorus_model_free(model);
                model = refit;
            }
        }
        /* The held-out check refits the model once per LF; it needs the model's own
         * independent LFs (no groups) and no clamped labels, whose items it would have to
         * follow through its sample. */
        if (requested == CHORUS_MODEL_AUTO && model->abstain_informative &&
            !model->check.worse_than_majority && !model->groups && !opts->gold &&
            (rc = chorus_model_run_heldout_check(model, votes, opts, shard))) {
            chorus_model_free(model);
            return rc;
        }
        if (requested == CHORUS_MODEL_AUTO &&
            (model->check.worse_than_majority || model->check.heldout_prefers_majority))
            chorus_model_fall_back_to_majority(model);
        else if (requested == CHORUS_MODEL_AUTO && model->abstain_informative)
            model->keep_unanimous = true;
        /* A given class prior (or gold labels) sizes the classes, and the question does not
         * arise. */
        if (requested == CHORUS_MODEL_AUTO && counts && opts->class_prior == CHORUS_PRIOR_LEARNED &&
            !opts->gold &&
            ((rc = chorus_one_lf_classes_find(model, counts)) ||
             (rc = chorus_uncovered_split_check(model, votes, opts, shard)))) {
            chorus_model_free(model);
            return rc;
        }
    }
    *out = model;
    return CHORUS_OK;
}

/* The votes must speak of the model's LFs, in its order, with none of its unknown classes. */
int chorus_model_check_compatible(const chorus_model *model, const chorus_votes *votes)
{
    if (chorus_votes_n_lfs(votes) != model->n_lfs)
        return chorus_error_set(CHORUS_EINVAL,
                                "the model was fitted on %" PRId32 " labeling functions but the "
                                "votes have %" PRId32,
                                model->n_lfs, chorus_votes_n_lfs(votes));
    if (chorus_votes_n_classes(votes) > model->n_classes)
        return chorus_error_set(CHORUS_EINVAL,
                                "the votes have %" PRId32 " classes but the model knows %" PRId32,
                                chorus_votes_n_classes(votes), model->n_classes);
    if (model->lf_names_given && chorus_votes_has_lf_names(votes))
        for (int32_t j = 0; j < model->n_lfs; j++)
            if (strcmp(model->lf_names[j], chorus_votes_lf_name(votes, j)) != 0)
                return chorus_error_set(CHORUS_EINVAL,
                                        "labeling function %" PRId32 " is \"%s\" in the votes but "
                                        "\"%s\" in the model; the votes must have the model's "
                                        "labeling functions in the same order",
                                        j + 1, chorus_votes_lf_name(votes, j), model->lf_names[j]);
    return CHORUS_OK;
}

static int predict_matrix(chorus_probs **out, const chorus_model *model, const chorus_votes *votes);

int chorus_model_predict(chorus_probs **out, const chorus_model *model, const chorus_votes *votes)
{
    *out = NULL;
    chorus_votes *aligned = NULL;
    int rc = chorus_model_align_votes(&aligned, model, votes);
    if (rc) return rc;
    if (aligned) {
        /* The same items, so the probabilities are the caller's rows as they are. */
        rc = chorus_model_predict(out, model, aligned);
        chorus_votes_free(aligned);
        return rc;
    }
    rc = chorus_model_check_compatible(model, votes);
    if (rc) return rc;
    /* The copies' votes were not fitted; they are not predicted from either. */
    chorus_votes *kept = NULL;
    if ((rc = chorus_model_votes_without_copies(&kept, model, votes))) return rc;
    rc = predict_matrix(out, model, kept ? kept : votes);
    chorus_votes_free(kept);
    return rc;
}

/* chorus_model_predict() on votes in the model's layout, without copies' votes. */
static int predict_matrix(chorus_probs **out, const chorus_model *model, const chorus_votes *votes)
{
    chorus_probs *probs;
    int rc = chorus_probs_new(&probs, chorus_votes_n_items(votes), model->n_classes);
    if (rc) return rc;
    for (int32_t k = 0; k < model->n_classes; k++) {
        rc = chorus_probs_set_class_name(probs, k, model->class_names[k]);
        if (rc) {
            chorus_probs_free(probs);
            return rc;
        }
    }
    if (model->type == CHORUS_MODEL_MV) {
        chorus_mv_predict(model, votes, probs->data);
    } else if ((rc = chorus_em_predict(model, votes, probs->data))) {
        chorus_probs_free(probs);
        return rc;
    }
    rc = chorus_probs_cover_from_votes(probs, votes);
    /* Rows keep their items' names (a crowd file's task ids) for the writers. */
    for (int64_t i = 0; !rc && chorus_votes_has_item_names(votes) && i < probs->n_items; i++)
        if (chorus_votes_item_name(votes, i))
            rc = chorus_probs_set_item_name(probs, i, chorus_votes_item_name(votes, i));
    if (rc) {
        chorus_probs_free(probs);
        return rc;
    }
    *out = probs;
    return CHORUS_OK;
}
