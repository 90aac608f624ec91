/* The gold-free check of a fit (fit_check.c) written to and read from model.json. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/heldout_votes.h"
#include "model/model_json_check.h"
#include "model/one_lf_classes.h"

/* check.<field>: the indices of the classes `marked` names (class_set_from_json reads it
 * back). Nonzero on failure. */
static int class_set_to_json(json_t *o, const char *field, const chorus_model *model,
                             int (*marked)(const chorus_model *, int32_t))
{
    json_t *list = json_array();
    int bad = !list || json_object_set_new(o, field, list);
    for (int32_t k = 0; !bad && k < model->n_classes; k++)
        if (marked(model, k)) bad |= json_array_append_new(list, json_integer(k));
    return bad;
}

json_t *chorus_check_to_json(const chorus_model *model)
{
    const chorus_fit_check *c = &model->check;
    json_t *o = json_object(), *agreement = json_array();
    int bad = !o || !agreement;
    for (int32_t j = 0; !bad && j < model->n_lfs; j++) {
        double a = model->lf_agreement ? model->lf_agreement[j] : NAN;
        bad |= json_array_append_new(agreement, isnan(a) ? json_null() : json_real(a));
    }
    if (bad) {
        json_decref(o);
        json_decref(agreement);
        return NULL;
    }
    bad |=
        json_object_set_new(o, "checked_model", json_string(chorus_model_type_name(model->type)));
    bad |= json_object_set_new(o, "covered_items", json_integer(c->n_covered));
    bad |= json_object_set_new(o, "unanimous_items", json_integer(c->n_unanimous));
    bad |= json_object_set_new(o, "unanimous_overruled", json_integer(c->n_unanimous_overruled));
    bad |= json_object_set_new(o, "clear_majority_items", json_integer(c->n_clear_majority));
    bad |= json_object_set_new(o, "majority_overruled", json_integer(c->n_majority_overruled));
    bad |= json_object_set_new(o, "prior_distance_to_vote_shares", json_real(c->prior_distance));
    bad |= json_object_set_new(o, "lfs_disagreeing", json_integer(c->n_lfs_disagreeing));
    bad |= json_object_set_new(o, "agreement_votes", json_integer(c->agreement_votes));
    bad |= json_object_set_new(o, "disagreeing_lf_votes", json_integer(c->disagreeing_lf_votes));
    if (c->refitted_pooled) {
        json_t *r = json_object();
        bad |= !r || json_object_set_new(o, "refitted_pooled", r);
        if (!bad)
            bad |=
                json_object_set_new(r, "disagreeing_share", json_real(c->refit_disagreeing_share));
    }
    bad |= json_object_set_new(o, "worse_than_majority_vote", json_boolean(c->worse_than_majority));
    bad |= json_object_set_new(o, "fell_back_to_majority_vote", json_boolean(c->fell_back));
    if (c->heldout_ran) {
        json_t *h = json_object();
        bad |= !h || json_object_set_new(o, "heldout_lfs", h);
        if (!bad) {
            bad |= json_object_set_new(h, "lfs_left_out", json_integer(c->heldout_lfs));
            bad |= json_object_set_new(h, "votes", json_integer(c->heldout_votes));
            bad |= json_object_set_new(h, "model_agreement", json_real(c->heldout_model_agreement));
            bad |= json_object_set_new(h, "majority_vote_agreement",
                                       json_real(c->heldout_majority_agreement));
            bad |= json_object_set_new(h, "prefers_majority_vote",
                                       json_boolean(c->heldout_prefers_majority));
            bad |= json_object_set_new(h, "tie_votes", json_integer(c->heldout_tie_votes));
            bad |= json_object_set_new(h, "tie_model_agreement",
                                       json_real(c->heldout_tie_model_agreement));
            bad |= json_object_set_new(h, "tie_specific_lfs_agreement",
                                       json_real(c->heldout_tie_specific_agreement));
            bad |=
                json_object_set_new(h, "ties_to_specific_lfs", json_boolean(c->ties_to_specific));
        }
    }
    if (c->heldout_votes_ran) {
        json_t *h = json_object(), *a = json_object();
        bad |= !h || !a || json_object_set_new(o, "heldout_votes", h);
        if (h && bad) json_decref(a);
        if (!bad) {
            bad |= json_object_set_new(h, "votes", json_integer(c->heldout_votes_scored));
            bad |= json_object_set_new(h, "agreement", a);
            for (int32_t i = 0; i < CHORUS_HELDOUT_VOTES_MODELS; i++)
                bad |= json_object_set_new(a, chorus_model_type_name(chorus_heldout_votes_model(i)),
                                           json_real(c->heldout_votes_agreement[i]));
            bad |= json_object_set_new(h, "first_model",
                                       json_string(chorus_model_type_name(c->heldout_votes_first)));
            bad |= json_object_set_new(h, "switched", json_boolean(c->heldout_votes_switched));
        }
    }
    bad |= class_set_to_json(o, "one_lf_classes", model, chorus_model_one_lf_class);
    bad |= class_set_to_json(o, "uncovered_unsettled_classes", model,
                             chorus_model_uncovered_unsettled_class);
    bad |= json_object_set_new(o, "lf_agreement", agreement);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* check.<field> (one_lf_classes, uncovered_unsettled_classes): distinct class indices, none
 * or at least two, into *mask (NULL for none) and *count. Files written before the field
 * have none. */
static int class_set_from_json(const chorus_model *model, json_t *check, const char *path,
                               const char *field, bool **mask, int32_t *count)
{
    json_t *list = json_object_get(check, field);
    if (!list) return CHORUS_OK;
    const int32_t k = model->n_classes;
    const size_t n = json_is_array(list) ? json_array_size(list) : 0;
    bool *marked = calloc((size_t)k, sizeof *marked);
    if (!marked) return chorus_error_nomem();
    int ok = json_is_array(list) && n != 1 && n <= (size_t)k;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *x = json_array_get(list, i);
        const json_int_t c = json_is_integer(x) ? json_integer_value(x) : -1;
        ok = c >= 0 && c < k && !marked[c];
        if (ok) marked[c] = true;
    }
    if (!ok) {
        free(marked);
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: field \"check.%s\": expected an array of "
                                "distinct class indices (0 to %" PRId32 "), none or at least two",
                                path, field, k - 1);
    }
    free(*mask);
    *mask = n ? marked : NULL;
    *count = (int32_t)n;
    if (!n) free(marked);
    return CHORUS_OK;
}

static int check_error(const char *path, const char *field)
{
    return chorus_error_set(CHORUS_EFORMAT, "%s: field \"check.%s\": expected %s", path, field,
                            strcmp(field, "lf_agreement") == 0
                                ? "an array with a share in [0, 1] or null per labeling function"
                                : "a count of items (an integer >= 0)");
}

static int read_count(json_t *check, const char *field, const char *path, int64_t *out)
{
    json_t *x = json_object_get(check, field);
    if (!json_is_integer(x) || json_integer_value(x) < 0) return check_error(path, field);
    *out = json_integer_value(x);
    return CHORUS_OK;
}

static int heldout_error(const char *path, const char *field, const char *expected)
{
    return chorus_error_set(CHORUS_EFORMAT, "%s: field \"check.heldout_lfs.%s\": expected %s", path,
                            field, expected);
}

/* The held-out check's share `field` of h, in [0, 1]. */
static int read_share(json_t *h, const char *field, const char *path, double *out)
{
    json_t *x = json_object_get(h, field);
    *out = json_is_number(x) ? json_number_value(x) : -1;
    if (!(*out >= 0 && *out <= 1)) return heldout_error(path, field, "a share in [0, 1]");
    return CHORUS_OK;
}

/* The held-out-vote choice (heldout_votes.c), when the fit ran it. */
static int heldout_votes_from_json(json_t *h, const char *path, chorus_fit_check *c)
{
    json_t *votes = json_object_get(h, "votes"), *a = json_object_get(h, "agreement");
    json_t *first = json_object_get(h, "first_model");
    chorus_model_type first_type = CHORUS_MODEL_AUTO;
    int ok = json_is_object(h) && json_is_integer(votes) && json_integer_value(votes) >= 0 &&
             json_is_object(a) && json_is_string(first) &&
             !chorus_model_type_parse(&first_type, json_string_value(first));
    for (int32_t i = 0; ok && i < CHORUS_HELDOUT_VOTES_MODELS; i++) {
        json_t *x = json_object_get(a, chorus_model_type_name(chorus_heldout_votes_model(i)));
        const double share = json_is_number(x) ? json_number_value(x) : -1;
        ok = share >= 0 && share <= 1;
        c->heldout_votes_agreement[i] = share;
    }
    ok = ok && (first_type == CHORUS_MODEL_DS_NOABSTAIN || first_type == CHORUS_MODEL_POOLED);
    if (!ok)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: field \"check.heldout_votes\": expected an object with "
                                "\"votes\" (a count), \"agreement\" (a share in [0, 1] for each "
                                "of ds-noabstain, pooled and onecoin) and \"first_model\" "
                                "(ds-noabstain or pooled)",
                                path);
    c->heldout_votes_ran = 1;
    c->heldout_votes_scored = json_integer_value(votes);
    c->heldout_votes_first = first_type;
    c->heldout_votes_switched = json_is_true(json_object_get(h, "switched"));
    return CHORUS_OK;
}

/* The held-out-LF check (heldout_check.c), when the fit ran it. */
static int heldout_from_json(json_t *h, int32_t n_lfs, const char *path, chorus_fit_check *c)
{
    if (!json_is_object(h))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: field \"check.heldout_lfs\": expected an "
                                "object",
                                path);
    json_t *lfs = json_object_get(h, "lfs_left_out"), *votes = json_object_get(h, "votes");
    if (!json_is_integer(lfs) || json_integer_value(lfs) < 0 || json_integer_value(lfs) > n_lfs)
        return heldout_error(path, "lfs_left_out", "a number of labeling functions");
    if (!json_is_integer(votes) || json_integer_value(votes) < 0)
        return heldout_error(path, "votes", "a count of votes (an integer >= 0)");
    double value[2];
    int rc = read_share(h, "model_agreement", path, &value[0]);
    if (!rc) rc = read_share(h, "majority_vote_agreement", path, &value[1]);
    if (rc) return rc;
    c->heldout_ran = 1;
    c->heldout_lfs = (int32_t)json_integer_value(lfs);
    c->heldout_votes = json_integer_value(votes);
    c->heldout_model_agreement = value[0];
    c->heldout_majority_agreement = value[1];
    c->heldout_prefers_majority = json_is_true(json_object_get(h, "prefers_majority_vote"));
    /* The tie part; a model.json written before it has none, and keeps the model's ties. */
    json_t *tie_votes = json_object_get(h, "tie_votes");
    if (!tie_votes) return CHORUS_OK;
    if (!json_is_integer(tie_votes) || json_integer_value(tie_votes) < 0 ||
        json_integer_value(tie_votes) > c->heldout_votes)
        return heldout_error(path, "tie_votes", "a count of votes, at most \"votes\"");
    double tie_value[2];
    rc = read_share(h, "tie_model_agreement", path, &tie_value[0]);
    if (!rc) rc = read_share(h, "tie_specific_lfs_agreement", path, &tie_value[1]);
    if (rc) return rc;
    c->heldout_tie_votes = json_integer_value(tie_votes);
    c->heldout_tie_model_agreement = tie_value[0];
    c->heldout_tie_specific_agreement = tie_value[1];
    c->ties_to_specific = json_is_true(json_object_get(h, "ties_to_specific_lfs"));
    return CHORUS_OK;
}

int chorus_check_from_json(chorus_model *model, json_t *check, const char *path)
{
    if (!json_is_object(check))
        return chorus_error_set(CHORUS_EFORMAT, "%s: field \"check\": expected an object", path);
    chorus_fit_check c = {0};
    int64_t lfs = 0;
    int rc = read_count(check, "covered_items", path, &c.n_covered);
    if (!rc) rc = read_count(check, "unanimous_items", path, &c.n_unanimous);
    if (!rc) rc = read_count(check, "unanimous_overruled", path, &c.n_unanimous_overruled);
    if (!rc) rc = read_count(check, "clear_majority_items", path, &c.n_clear_majority);
    if (!rc) rc = read_count(check, "majority_overruled", path, &c.n_majority_overruled);
    if (!rc) rc = read_count(check, "lfs_disagreeing", path, &lfs);
    if (rc) return rc;
    if (lfs > model->n_lfs) return check_error(path, "lfs_disagreeing");
    c.n_lfs_disagreeing = (int32_t)lfs;
    /* Written since the pooled refit; older files have neither count. */
    if (json_object_get(check, "agreement_votes") ||
        json_object_get(check, "disagreeing_lf_votes")) {
        rc = read_count(check, "agreement_votes", path, &c.agreement_votes);
        if (!rc) rc = read_count(check, "disagreeing_lf_votes", path, &c.disagreeing_lf_votes);
        if (rc) return rc;
        if (c.disagreeing_lf_votes > c.agreement_votes)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: field \"check.disagreeing_lf_votes\": expected at most "
                                    "\"agreement_votes\"",
                                    path);
    }
    json_t *refit = json_object_get(check, "refitted_pooled");
    if (refit) {
        json_t *share = json_object_get(refit, "disagreeing_share");
        if (!json_is_object(refit) || !json_is_number(share) || !(json_number_value(share) >= 0) ||
            !(json_number_value(share) <= 1))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: field \"check.refitted_pooled\": expected an object "
                                    "with \"disagreeing_share\", a number in [0, 1]",
                                    path);
        c.refitted_pooled = 1;
        c.refit_disagreeing_share = json_number_value(share);
    }
    json_t *distance = json_object_get(check, "prior_distance_to_vote_shares");
    c.prior_distance = json_is_number(distance) ? json_number_value(distance) : -1;
    if (!(c.prior_distance >= 0 && c.prior_distance <= 1))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: field \"check.prior_distance_to_vote_shares\": expected a "
                                "number in [0, 1]",
                                path);
    c.worse_than_majority = json_is_true(json_object_get(check, "worse_than_majority_vote"));
    c.fell_back = json_is_true(json_object_get(check, "fell_back_to_majority_vote"));
    json_t *heldout = json_object_get(check, "heldout_lfs");
    if (heldout && (rc = heldout_from_json(heldout, model->n_lfs, path, &c))) return rc;
    json_t *heldout_votes = json_object_get(check, "heldout_votes");
    if (heldout_votes && (rc = heldout_votes_from_json(heldout_votes, path, &c))) return rc;
    chorus_model_type checked = model->type;
    json_t *name = json_object_get(check, "checked_model");
    if (json_is_string(name) && chorus_model_type_parse(&checked, json_string_value(name)))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: field \"check.checked_model\": unknown "
                                "model \"%s\"",
                                path, json_string_value(name));
    json_t *agreement = json_object_get(check, "lf_agreement");
    if (!json_is_array(agreement) || json_array_size(agreement) != (size_t)model->n_lfs)
        return check_error(path, "lf_agreement");
    double *a = malloc((size_t)model->n_lfs * sizeof *a);
    if (!a) return chorus_error_nomem();
    for (int32_t j = 0; j < model->n_lfs; j++) {
        json_t *x = json_array_get(agreement, (size_t)j);
        a[j] = json_is_null(x) ? NAN : json_is_number(x) ? json_number_value(x) : -1;
        if (!isnan(a[j]) && !(a[j] >= 0 && a[j] <= 1)) {
            free(a);
            return check_error(path, "lf_agreement");
        }
    }
    free(model->lf_agreement);
    model->lf_agreement = a;
    model->check = c;
    model->checked = true;
    if ((rc = class_set_from_json(model, check, path, "one_lf_classes", &model->one_lf_class,
                                  &model->check.n_one_lf_classes)))
        return rc;
    return class_set_from_json(model, check, path, "uncovered_unsettled_classes",
                               &model->uncovered_unsettled, &model->check.n_uncovered_unsettled);
}

json_t *chorus_selection_to_json(const chorus_model *model)
{
    static const char *const priors[] = {"learned", "fixed", "gold"};
    json_t *o = json_object(), *list = json_array();
    int bad = !o || !list;
    for (int32_t c = 0; !bad && c < model->n_candidates; c++) {
        const chorus_candidate *cand = &model->candidates[c];
        json_t *x = json_object();
        bad |= !x;
        bad |= json_object_set_new(x, "model", json_string(chorus_model_type_name(cand->type)));
        bad |= json_object_set_new(x, "smoothing",
                                   cand->smoothing < 0 ? json_null() : json_real(cand->smoothing));
        bad |= json_object_set_new(x, "class_prior", json_string(priors[cand->class_prior]));
        bad |= json_object_set_new(x, "keep_unanimous_votes", json_boolean(cand->keep_unanimous));
        bad |= json_object_set_new(x, "default", json_boolean(cand->is_default));
        bad |= json_object_set_new(x, "fit_on_dev", json_boolean(cand->fit_on_dev));
        bad |= json_object_set_new(x, "dev_score", json_real(cand->dev_score));
        bad |= json_array_append_new(list, x);
    }
    if (bad) {
        json_decref(o);
        json_decref(list);
        return NULL;
    }
    bad |= json_object_set_new(o, "metric", json_string(model->selection_metric));
    bad |= json_object_set_new(o, "dev_items", json_integer(model->selection_dev_items));
    bad |= json_object_set_new(o, "chosen", json_integer(model->chosen_candidate));
    bad |= json_object_set_new(o, "candidates", list);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int selection_error(const char *path, const char *field, const char *expected)
{
    return chorus_error_set(CHORUS_EFORMAT, "%s: field \"selection.%s\": expected %s", path, field,
                            expected);
}

/* One candidate of "selection.candidates"; `index` is 0-based. */
static int read_candidate(json_t *x, int32_t index, const char *path, chorus_candidate *out)
{
    static const char *const priors[] = {"learned", "fixed", "gold"};
    char field[64];
    snprintf(field, sizeof field, "candidates[%d]", (int)index);
    const char *name = json_string_value(json_object_get(x, "model"));
    chorus_model_type type;
    if (!json_is_object(x) || !name || chorus_model_type_parse(&type, name) ||
        type == CHORUS_MODEL_AUTO)
        return selection_error(path, field,
                               "an object with a \"model\" (mv, ds, ds-noabstain, "
                               "class-acc, onecoin)");
    out->type = type;
    json_t *smoothing = json_object_get(x, "smoothing");
    out->smoothing = json_is_null(smoothing)     ? -1
                     : json_is_number(smoothing) ? json_number_value(smoothing)
                                                 : 0;
    if (!(out->smoothing > 0 || (json_is_null(smoothing) && type == CHORUS_MODEL_MV)))
        return selection_error(path, field, "a \"smoothing\" > 0 (null for majority vote)");
    const char *prior = json_string_value(json_object_get(x, "class_prior"));
    int p = 0;
    while (prior && p < 3 && strcmp(prior, priors[p]) != 0)
        p++;
    if (!prior || p == 3)
        return selection_error(path, field, "a \"class_prior\" (learned, fixed or gold)");
    out->class_prior = (chorus_class_prior)p;
    json_t *score = json_object_get(x, "dev_score");
    out->dev_score = json_is_number(score) ? json_number_value(score) : -1;
    if (!(out->dev_score >= 0 && out->dev_score <= 1))
        return selection_error(path, field, "a \"dev_score\" in [0, 1]");
    out->keep_unanimous = json_is_true(json_object_get(x, "keep_unanimous_votes"));
    out->is_default = json_is_true(json_object_get(x, "default"));
    /* Absent in files written before dev-fitted candidates: none was. */
    out->fit_on_dev = json_is_true(json_object_get(x, "fit_on_dev"));
    return CHORUS_OK;
}

int chorus_selection_from_json(chorus_model *model, json_t *selection, const char *path)
{
    if (!json_is_object(selection))
        return chorus_error_set(CHORUS_EFORMAT, "%s: field \"selection\": expected an object",
                                path);
    json_t *list = json_object_get(selection, "candidates");
    const size_t n = json_is_array(list) ? json_array_size(list) : 0;
    if (n < 1 || n > 1000)
        return selection_error(path, "candidates", "an array of 1 or more candidates");
    json_t *chosen = json_object_get(selection, "chosen");
    if (!json_is_integer(chosen) || json_integer_value(chosen) < 0 ||
        json_integer_value(chosen) >= (json_int_t)n)
        return selection_error(path, "chosen", "the index of one of the candidates");
    json_t *dev_items = json_object_get(selection, "dev_items");
    if (!json_is_integer(dev_items) || json_integer_value(dev_items) < 0)
        return selection_error(path, "dev_items", "a count of items (an integer >= 0)");
    const char *metric = json_string_value(json_object_get(selection, "metric"));
    if (!metric || !*metric || strlen(metric) >= sizeof model->selection_metric)
        return selection_error(path, "metric", "the name of the dev metric");
    chorus_candidate *candidates = calloc(n, sizeof *candidates);
    if (!candidates) return chorus_error_nomem();
    for (size_t c = 0; c < n; c++) {
        int rc = read_candidate(json_array_get(list, c), (int32_t)c, path, &candidates[c]);
        if (rc) {
            free(candidates);
            return rc;
        }
    }
    free(model->candidates);
    model->candidates = candidates;
    model->n_candidates = (int32_t)n;
    model->chosen_candidate = (int32_t)json_integer_value(chosen);
    model->selection_dev_items = json_integer_value(dev_items);
    snprintf(model->selection_metric, sizeof model->selection_metric, "%s", metric);
    return CHORUS_OK;
}
