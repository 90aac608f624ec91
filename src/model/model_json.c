/* model.json: a fitted model as human-readable JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/model.h"
#include "core/error_internal.h"
#include "core/atomic_file.h"
#include "model/em_internal.h"
#include "model/model_internal.h"
#include "model/model_json_check.h"
#include "model/model_json_groups.h"
#include "votes/votes_internal.h"

#define MODEL_FORMAT_VERSION 1

static json_t *string_array(char **names, int32_t n)
{
    json_t *a = json_array();
    for (int32_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(names[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *number_array(const double *x, int32_t n)
{
    json_t *a = json_array();
    for (int32_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_real(x[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* The pairs structure learning found, strongest first. */
static json_t *dependencies_json(const chorus_model *model)
{
    json_t *a = json_array();
    for (int32_t d = 0; a && d < model->n_dependencies; d++) {
        const chorus_dependency *dep = &model->dependencies[d];
        json_t *obj =
            json_pack("{s:[s,s], s:f, s:I, s:f}", "labeling_functions", model->lf_names[dep->lf_a],
                      model->lf_names[dep->lf_b], "strength", dep->strength, "same_votes",
                      (json_int_t)dep->observed, "expected_if_independent", dep->expected);
        if (!obj || json_array_append_new(a, obj)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static int read_dependencies(chorus_model *model, json_t *deps, const char *path)
{
    size_t n = json_is_array(deps) ? json_array_size(deps) : 0;
    if (!json_is_array(deps))
        return chorus_error_set(CHORUS_EFORMAT, "%s: \"learned_dependencies\" must be an array",
                                path);
    model->dependencies = calloc(n ? n : 1, sizeof *model->dependencies);
    if (!model->dependencies) return chorus_error_nomem();
    for (size_t d = 0; d < n; d++) {
        json_t *obj = json_array_get(deps, d), *names = json_object_get(obj, "labeling_functions");
        int32_t ab[2] = {-1, -1};
        for (int i = 0; i < 2; i++) {
            const char *name = json_string_value(json_array_get(names, (size_t)i));
            for (int32_t j = 0; name && j < model->n_lfs && ab[i] < 0; j++)
                if (strcmp(model->lf_names[j], name) == 0) ab[i] = j;
        }
        json_t *same = json_object_get(obj, "same_votes");
        if (ab[0] < 0 || ab[1] < 0 || !json_is_integer(same))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: learned dependency %zu: expected two labeling functions "
                                    "of the model and its counts",
                                    path, d + 1);
        model->dependencies[d] =
            (chorus_dependency){ab[0], ab[1], json_number_value(json_object_get(obj, "strength")),
                                json_integer_value(same),
                                json_number_value(json_object_get(obj, "expected_if_independent"))};
    }
    model->n_dependencies = (int32_t)n;
    model->settings.learn_structure = 1;
    return CHORUS_OK;
}

/* One object per LF: its name and, for EM models, what was learned about it. */
static json_t *lf_array(const chorus_model *model)
{
    const int32_t k = model->n_classes;
    json_t *a = json_array();
    for (int32_t j = 0; a && j < model->n_lfs; j++) {
        json_t *lf = json_object();
        int bad = !lf || json_array_append_new(a, lf) != 0;
        if (!bad) bad |= json_object_set_new(lf, "name", json_string(model->lf_names[j]));
        const int32_t original = chorus_model_lf_copy_of(model, j);
        if (!bad && original >= 0)
            bad |= json_object_set_new(lf, "copy_of", json_string(model->lf_names[original]));
        const int32_t group = chorus_model_lf_group(model, j);
        /* A grouped LF is described by its group's table (see "groups"). */
        if (!bad && group >= 0) bad |= json_object_set_new(lf, "group", json_integer(group + 1));
        if (!bad && model->theta && group < 0) {
            double acc = chorus_model_lf_accuracy(model, j);
            bad |= json_object_set_new(lf, "accuracy", isnan(acc) ? json_null() : json_real(acc));
            json_t *rows = json_array();
            bad |= json_object_set_new(lf, "confusion", rows);
            const double *theta = chorus_model_confusion(model, j);
            for (int32_t y = 0; !bad && y < k; y++)
                bad |=
                    json_array_append_new(rows, number_array(theta + (size_t)y * (k + 1), k + 1));
        }
        if (bad) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

int chorus_model_save(const chorus_model *model, const char *path)
{
    json_t *root = json_object();
    json_t *settings = json_object();
    json_t *fit = json_object();
    int rc = CHORUS_OK;
    if (!root || !settings || !fit) {
        rc = chorus_error_nomem();
        goto done;
    }
    /* json_object_set_new steals the reference even on failure; a NULL value fails it. */
    int bad = 0;
    bad |= json_object_set_new(root, "format", json_string("chorus-model"));
    bad |= json_object_set_new(root, "format_version", json_integer(MODEL_FORMAT_VERSION));
    bad |= json_object_set_new(root, "chorus_version", json_string(chorus_version()));
    bad |= json_object_set_new(root, "model", json_string(chorus_model_type_name(model->type)));
    bad |= json_object_set_new(root, "classes", string_array(model->class_names, model->n_classes));
    bad |=
        json_object_set_new(root, "abstain_informative", json_boolean(model->abstain_informative));
    bad |= json_object_set_new(root, "keep_unanimous_votes", json_boolean(model->keep_unanimous));
    bad |= json_object_set_new(root, "labeling_functions", lf_array(model));
    bad |= json_object_set_new(root, "labeling_function_names_given",
                               json_boolean(model->lf_names_given));
    bad |= json_object_set_new(root, "class_prior", number_array(model->prior, model->n_classes));
    bad |= json_object_set_new(settings, "seed", json_integer((json_int_t)model->settings.seed));
    bad |= json_object_set_new(fit, "n_items", json_integer(model->fit_n_items));
    bad |= json_object_set_new(fit, "n_votes", json_integer(model->fit_nnz));
    if (model->n_review_answers > 0)
        bad |= json_object_set_new(fit, "review_answers", json_integer(model->n_review_answers));
    if (model->type != CHORUS_MODEL_MV) {
        static const char *const priors[] = {"learned", "fixed", "gold"};
        bad |= json_object_set_new(settings, "requested_model",
                                   json_string(chorus_model_type_name(model->requested_type)));
        bad |= json_object_set_new(settings, "smoothing", json_real(model->smoothing));
        bad |= json_object_set_new(settings, "prior_smoothing", json_real(model->prior_smoothing));
        bad |= json_object_set_new(settings, "max_iter", json_integer(model->settings.max_iter));
        bad |= json_object_set_new(settings, "tol", json_real(model->settings.tol));
        bad |= json_object_set_new(settings, "restarts", json_integer(model->settings.restarts));
        bad |= json_object_set_new(settings, "class_prior",
                                   json_string(priors[model->settings.class_prior]));
        bad |= json_object_set_new(fit, "gold_labels_clamped", json_integer(model->n_gold_clamped));
        bad |= json_object_set_new(fit, "iterations", json_integer(model->n_trace));
        bad |= json_object_set_new(fit, "converged", json_boolean(model->converged));
        bad |= json_object_set_new(fit, "best_start", json_integer(model->best_start));
        bad |= json_object_set_new(fit, "classes_relabelled_to_agree_with_majority_vote",
                                   json_boolean(model->classes_permuted));
        bad |= json_object_set_new(fit, "log_posterior_trace",
                                   number_array(model->trace, model->n_trace));
        if (model->groups) bad |= json_object_set_new(root, "groups", chorus_groups_to_json(model));
        if (model->settings.learn_structure)
            bad |= json_object_set_new(root, "learned_dependencies", dependencies_json(model));
    }
    if (model->type == CHORUS_MODEL_MV && model->requested_type != CHORUS_MODEL_MV)
        bad |= json_object_set_new(settings, "requested_model",
                                   json_string(chorus_model_type_name(model->requested_type)));
    if (model->checked) bad |= json_object_set_new(root, "check", chorus_check_to_json(model));
    if (model->candidates)
        bad |= json_object_set_new(root, "selection", chorus_selection_to_json(model));
    bad |= json_object_set_new(root, "settings", settings);
    settings = NULL;
    bad |= json_object_set_new(root, "fit", fit);
    fit = NULL;
    if (bad) {
        rc = chorus_error_nomem();
        goto done;
    }
    chorus_atomic_file file;
    rc = chorus_atomic_open(&file, path);
    if (rc) goto done;
    if (json_dumpf(root, file.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) !=
        0) {
        int e = errno;
        chorus_atomic_abort(&file);
        rc = chorus_error_set(CHORUS_EWRITE, "%s: write failed: %s", path, strerror(e));
        goto done;
    }
    fputc('\n', file.fp);
    rc = chorus_atomic_commit(&file);
done:
    json_decref(settings);
    json_decref(fit);
    json_decref(root);
    return rc;
}

static int field_error(const char *path, const char *field, const char *expected)
{
    return chorus_error_set(CHORUS_EFORMAT, "%s: field \"%s\": expected %s", path, field, expected);
}

/* Names from an array of strings, or of objects with a "name" (the LFs); each name at
 * most once, since votes are matched to the model by name. */
static int read_names(char **names, int32_t n, json_t *array, const char *path, const char *field)
{
    if (!json_is_array(array) || json_array_size(array) != (size_t)n)
        return field_error(path, field, "an array of names, one per entry");
    for (int32_t i = 0; i < n; i++) {
        json_t *entry = json_array_get(array, (size_t)i);
        if (json_is_object(entry)) entry = json_object_get(entry, "name");
        const char *s = json_string_value(entry);
        if (!s || !*s) return field_error(path, field, "non-empty strings");
        char *copy = strdup(s);
        if (!copy) return chorus_error_nomem();
        free(names[i]);
        names[i] = copy;
    }
    int rc =
        chorus_names_check_unique((const char *const *)names, n,
                                  strcmp(field, "classes") == 0 ? "class" : "labeling function");
    if (rc == CHORUS_EINVAL) {
        chorus_error_wrap("%s: field \"%s\": ", path, field);
        return chorus_error_recode(CHORUS_EFORMAT);
    }
    return rc;
}

/*
 * Before anything is sized by them: every LF of an EM model carries a confusion table of
 * K rows of K + 1 numbers, or belongs to a group, whose table stands for it. So the
 * K x (K + 1) doubles allocated per LF are backed by as many numbers in the file, except
 * for grouped LFs, of which there are at most as many as names listed in "groups".
 */
static int check_table_shapes(json_t *root, json_t *lfs, size_t k, const char *path)
{
    size_t n_lfs = json_array_size(lfs), grouped = 0, listed = 0;
    json_t *groups = json_object_get(root, "groups");
    for (size_t g = 0; json_is_array(groups) && g < json_array_size(groups); g++)
        listed += json_array_size(json_object_get(json_array_get(groups, g), "labeling_functions"));
    for (size_t j = 0; j < n_lfs; j++) {
        json_t *entry = json_array_get(lfs, j);
        if (json_object_get(entry, "group")) {
            grouped++;
            continue;
        }
        json_t *rows = json_object_get(entry, "confusion");
        bool ok = json_is_array(rows) && json_array_size(rows) == k;
        for (size_t y = 0; ok && y < k; y++)
            ok = json_array_size(json_array_get(rows, y)) == k + 1;
        const char *name = json_string_value(json_object_get(entry, "name"));
        if (!ok)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: labeling function %zu (%.100s): \"confusion\" must have "
                                    "one row per class: %zu rows of %zu probabilities",
                                    path, j + 1, name ? name : "?", k, k + 1);
    }
    if (grouped > listed)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %zu labeling functions say they are in a group, but the "
                                "\"groups\" list only %zu",
                                path, grouped, listed);
    return CHORUS_OK;
}

/* The per-LF confusion tables of an EM model: K rows of K + 1 probabilities summing to 1. */
static int read_confusions(chorus_model *model, json_t *lfs, const char *path)
{
    const int32_t k = model->n_classes;
    model->abstain_informative = chorus_em_abstain_informative(model->type);
    int rc = chorus_model_alloc_theta(model);
    if (rc) return rc;
    for (int32_t j = 0; j < model->n_lfs; j++) {
        json_t *entry = json_array_get(lfs, (size_t)j);
        if (json_object_get(entry, "group")) {
            /* Unused: the group's table stands for its members. Any valid row will do. */
            for (int32_t c = 0; c < k * (k + 1); c++)
                model->theta[(size_t)j * k * (k + 1) + c] = 1.0 / (k + 1);
            continue;
        }
        json_t *rows = json_object_get(entry, "confusion");
        if (!json_is_array(rows) || json_array_size(rows) != (size_t)k)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: labeling function %" PRId32 " (%s): \"confusion\" must "
                                    "have one row per class",
                                    path, j + 1, model->lf_names[j]);
        for (int32_t y = 0; y < k; y++) {
            json_t *row = json_array_get(rows, (size_t)y);
            double *theta = model->theta + ((size_t)j * k + y) * (k + 1);
            double sum = 0;
            bool ok = json_is_array(row) && json_array_size(row) == (size_t)k + 1;
            for (int32_t o = 0; ok && o <= k; o++) {
                json_t *x = json_array_get(row, (size_t)o);
                theta[o] = json_is_number(x) ? json_number_value(x) : -1;
                /* A probability the model relies on must be positive: log(0) is -inf. */
                ok = theta[o] >= 0 && theta[o] <= 1 &&
                     (theta[o] > 0 || (o == k && !model->abstain_informative));
                sum += theta[o];
            }
            if (!ok || fabs(sum - 1) > 1e-6)
                return chorus_error_set(CHORUS_EFORMAT,
                                        "%s: labeling function %" PRId32 " (%s), confusion row "
                                        "%" PRId32 ": expected %" PRId32 " probabilities in (0, 1] "
                                        "summing to 1",
                                        path, j + 1, model->lf_names[j], y + 1, k + 1);
        }
    }
    return CHORUS_OK;
}

static const char *lf_name_of(const void *model, int32_t j)
{
    return ((const chorus_model *)model)->lf_names[j];
}

/* The LF each one copies ("copy_of": another LF's name, which is no copy itself). */
static int read_copies(chorus_model *model, json_t *lfs, const char *path)
{
    const int32_t m = model->n_lfs;
    chorus_named *sorted = NULL;
    for (int32_t j = 0; j < m; j++) {
        json_t *of = json_object_get(json_array_get(lfs, (size_t)j), "copy_of");
        if (!of) continue;
        if (!sorted) {
            sorted = chorus_named_sort(lf_name_of, model, m);
            model->copy_of = malloc((size_t)m * sizeof *model->copy_of);
            if (!sorted || !model->copy_of) {
                free(sorted);
                return chorus_error_nomem();
            }
            for (int32_t i = 0; i < m; i++)
                model->copy_of[i] = -1;
        }
        const int32_t original = chorus_named_lookup(sorted, m, json_string_value(of));
        if (original < 0 || original == j ||
            json_object_get(json_array_get(lfs, (size_t)original), "copy_of")) {
            free(sorted);
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: labeling function %" PRId32 " (%s): \"copy_of\" must "
                                    "name another labeling function of the model, one that is "
                                    "no copy itself",
                                    path, j + 1, model->lf_names[j]);
        }
        model->copy_of[j] = original;
    }
    free(sorted);
    return CHORUS_OK;
}

int chorus_model_load(chorus_model **out, const char *path)
{
    *out = NULL;
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        if (err.line < 0 || strstr(err.text, "unable to open"))
            return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, err.text);
        return chorus_error_set(CHORUS_EFORMAT, "%s:%d: column %d: %s", path, err.line, err.column,
                                err.text);
    }
    chorus_model *model = NULL;
    int rc = CHORUS_OK;
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!json_is_object(root) || !format || strcmp(format, "chorus-model") != 0) {
        rc = field_error(path, "format", "\"chorus-model\" (is this a chorus model.json?)");
        goto done;
    }
    json_t *version = json_object_get(root, "format_version");
    if (!json_is_integer(version) || json_integer_value(version) < 1) {
        rc = field_error(path, "format_version", "a positive integer");
        goto done;
    }
    if (json_integer_value(version) > MODEL_FORMAT_VERSION) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: model format version %" JSON_INTEGER_FORMAT
                              " was written by a newer chorus; this one reads up to %d",
                              path, json_integer_value(version), MODEL_FORMAT_VERSION);
        goto done;
    }
    chorus_model_type type;
    const char *type_name = json_string_value(json_object_get(root, "model"));
    if (!type_name || chorus_model_type_parse(&type, type_name) != CHORUS_OK ||
        type == CHORUS_MODEL_AUTO) {
        rc = field_error(path, "model",
                         "a known model name (mv, ds, ds-noabstain, class-acc, "
                         "onecoin)");
        goto done;
    }
    json_t *classes = json_object_get(root, "classes");
    json_t *lfs = json_object_get(root, "labeling_functions");
    size_t n_classes = json_is_array(classes) ? json_array_size(classes) : 0;
    size_t n_lfs = json_is_array(lfs) ? json_array_size(lfs) : 0;
    if (n_classes < 2 || n_classes > CHORUS_MAX_CLASSES) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: field \"classes\": expected an array of 2..%d class names, "
                              "found %zu",
                              path, CHORUS_MAX_CLASSES, n_classes);
        goto done;
    }
    if (n_lfs < 1 || n_lfs > CHORUS_MAX_LFS) {
        rc = field_error(path, "labeling_functions", "an array of 1 or more names");
        goto done;
    }
    if (type != CHORUS_MODEL_MV && (rc = check_table_shapes(root, lfs, n_classes, path))) goto done;
    rc = chorus_model_alloc_shape(&model, type, (int32_t)n_lfs, (int32_t)n_classes);
    if (rc) goto done;
    rc = read_names(model->class_names, model->n_classes, classes, path, "classes");
    if (!rc) rc = read_names(model->lf_names, model->n_lfs, lfs, path, "labeling_functions");
    if (rc) goto done;
    model->lf_names_given = json_is_true(json_object_get(root, "labeling_function_names_given"));

    json_t *prior = json_object_get(root, "class_prior");
    if (!json_is_array(prior) || json_array_size(prior) != n_classes) {
        rc = field_error(path, "class_prior", "an array of probabilities, one per class");
        goto done;
    }
    double sum = 0;
    for (size_t k = 0; k < n_classes; k++) {
        json_t *x = json_array_get(prior, k);
        double p = json_is_number(x) ? json_number_value(x) : -1;
        if (!(p > 0 && p <= 1)) {
            rc = field_error(path, "class_prior", "numbers in (0, 1]");
            goto done;
        }
        model->prior[k] = p;
        sum += p;
    }
    if (fabs(sum - 1) > 1e-6) {
        rc = field_error(path, "class_prior", "probabilities summing to 1");
        goto done;
    }
    if (type != CHORUS_MODEL_MV && (rc = read_confusions(model, lfs, path))) goto done;
    if ((rc = read_copies(model, lfs, path))) goto done;
    json_t *groups = json_object_get(root, "groups");
    if (groups && type != CHORUS_MODEL_MV && (rc = chorus_groups_from_json(model, groups, path)))
        goto done;
    json_t *deps = json_object_get(root, "learned_dependencies");
    if (deps && (rc = read_dependencies(model, deps, path))) goto done;
    model->keep_unanimous =
        type != CHORUS_MODEL_MV && json_is_true(json_object_get(root, "keep_unanimous_votes"));
    json_t *check = json_object_get(root, "check");
    if (check && (rc = chorus_check_from_json(model, check, path))) goto done;
    json_t *selection = json_object_get(root, "selection");
    if (selection && (rc = chorus_selection_from_json(model, selection, path))) goto done;
    json_t *settings = json_object_get(root, "settings");
    json_t *seed = json_object_get(settings, "seed");
    if (json_is_integer(seed)) model->settings.seed = (uint64_t)json_integer_value(seed);
    json_t *fit = json_object_get(root, "fit");
    model->fit_n_items = json_integer_value(json_object_get(fit, "n_items"));
    model->n_review_answers = json_integer_value(json_object_get(fit, "review_answers"));
    model->fit_nnz = json_integer_value(json_object_get(fit, "n_votes"));
    model->converged = json_is_true(json_object_get(fit, "converged"));
done:
    json_decref(root);
    if (rc) {
        chorus_model_free(model);
        return rc;
    }
    *out = model;
    return CHORUS_OK;
}
