#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/em_groups.h"
#include "model/em_groups_model.h"
#include "model/model_json_groups.h"

static json_t *group_to_json(const chorus_model *model, int32_t g, const double *theta)
{
    const em_groups *groups = model->groups;
    const em_group *group = &groups->groups[g];
    const int32_t k = model->n_classes;
    json_t *obj = json_object(), *names = json_array(), *tuples = json_array();
    json_t *rows = json_array();
    int32_t *outputs = malloc((size_t)group->n_members * sizeof *outputs);
    int bad = !obj || !names || !tuples || !rows || !outputs;
    for (int32_t p = 0; !bad && p < group->n_members; p++)
        bad |= json_array_append_new(names, json_string(model->lf_names[group->members[p]]));
    for (int32_t t = 0; !bad && t < group->n_tuples; t++) {
        if (t == group->n_tuples - 1 && groups->finished) {
            bad |= json_array_append_new(tuples, json_null());
            continue;
        }
        em_group_tuple_outputs(groups, group, t, outputs);
        json_t *tuple = json_array();
        for (int32_t p = 0; tuple && p < group->n_members; p++)
            json_array_append_new(
                tuple, outputs[p] < 0 ? json_null() : json_string(model->class_names[outputs[p]]));
        bad |= json_array_append_new(tuples, tuple);
    }
    for (int32_t y = 0; !bad && y < k; y++) {
        json_t *row = json_array();
        for (int32_t t = 0; row && t < group->n_tuples; t++)
            json_array_append_new(row, json_real(theta[(size_t)y * group->n_tuples + t]));
        bad |= json_array_append_new(rows, row);
    }
    free(outputs);
    if (!bad) {
        bad |= json_object_set(obj, "labeling_functions", names);
        bad |= json_object_set(obj, "tuples", tuples);
        bad |= json_object_set(obj, "confusion", rows);
    }
    json_decref(names);
    json_decref(tuples);
    json_decref(rows);
    if (bad) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *chorus_groups_to_json(const chorus_model *model)
{
    json_t *a = json_array();
    size_t at = 0;
    for (int32_t g = 0; a && g < model->groups->n_groups; g++) {
        json_t *obj = group_to_json(model, g, model->group_theta + at);
        at += (size_t)model->n_classes * model->groups->groups[g].n_tuples;
        if (!obj || json_array_append_new(a, obj)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static int group_error(const char *path, int32_t g, const char *what)
{
    return chorus_error_set(CHORUS_EFORMAT, "%s: group %" PRId32 ": %s", path, g + 1, what);
}

static int32_t find_name(char **names, int32_t n, const char *name)
{
    for (int32_t i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

int chorus_groups_from_json(chorus_model *model, json_t *groups_json, const char *path)
{
    const int32_t m = model->n_lfs, k = model->n_classes;
    if (!json_is_array(groups_json))
        return chorus_error_set(CHORUS_EFORMAT, "%s: \"groups\" must be an array", path);
    const int32_t n_groups = (int32_t)json_array_size(groups_json);
    int32_t *lf_group = malloc((size_t)m * sizeof *lf_group);
    em_groups *groups = calloc(1, sizeof *groups);
    int32_t *outputs = malloc((size_t)m * sizeof *outputs);
    int rc = CHORUS_OK;
    if (!lf_group || !groups || !outputs) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t j = 0; j < m; j++)
        lf_group[j] = -1;
    for (int32_t g = 0; g < n_groups && !rc; g++) {
        json_t *names =
            json_object_get(json_array_get(groups_json, (size_t)g), "labeling_functions");
        for (size_t p = 0; json_is_array(names) && p < json_array_size(names) && !rc; p++) {
            int32_t j = find_name(model->lf_names, m, json_string_value(json_array_get(names, p)));
            if (j < 0 || lf_group[j] >= 0)
                rc = group_error(path, g,
                                 "a member is not a labeling function of the model, or "
                                 "is in two groups");
            else
                lf_group[j] = g;
        }
        if (!json_is_array(names)) rc = group_error(path, g, "expected \"labeling_functions\"");
    }
    if (!rc) rc = em_groups_init(groups, m, k, lf_group);
    if (rc) {
        if (rc == CHORUS_EINVAL) rc = chorus_error_recode(CHORUS_EFORMAT);
        free(groups);
        groups = NULL;
        goto done;
    }
    size_t theta_size = 0;
    for (int32_t g = 0; g < n_groups && !rc; g++) {
        em_group *group = &groups->groups[g];
        json_t *tuples = json_object_get(json_array_get(groups_json, (size_t)g), "tuples");
        size_t n_tuples = json_is_array(tuples) ? json_array_size(tuples) : 0;
        if (n_tuples < 2 || !json_is_null(json_array_get(tuples, n_tuples - 1))) {
            rc = group_error(path, g,
                             "\"tuples\" must start with the all-abstain tuple and end "
                             "with null (the unseen bucket)");
            break;
        }
        for (size_t t = 1; t + 1 < n_tuples && !rc; t++) {
            json_t *tuple = json_array_get(tuples, t);
            if (!json_is_array(tuple) || json_array_size(tuple) != (size_t)group->n_members) {
                rc = group_error(path, g, "a tuple must have one output per member");
                break;
            }
            /* The members are listed in the model's LF order, as the tuple's digits. */
            for (int32_t p = 0; p < group->n_members && !rc; p++) {
                json_t *x = json_array_get(tuple, (size_t)p);
                outputs[p] =
                    json_is_null(x) ? -1 : find_name(model->class_names, k, json_string_value(x));
                if (!json_is_null(x) && outputs[p] < 0)
                    rc = group_error(path, g, "a tuple names a class the model does not have");
            }
            if (!rc &&
                em_group_add_tuple(group, em_tuple_key(outputs, group->n_members, k)) != (int32_t)t)
                rc = group_error(path, g, "a tuple is listed twice");
        }
        theta_size += (size_t)k * n_tuples;
    }
    if (!rc) rc = em_groups_finish(groups);
    if (rc) goto done;
    model->group_theta = malloc(theta_size * sizeof *model->group_theta);
    if (!model->group_theta) {
        rc = chorus_error_nomem();
        goto done;
    }
    size_t at = 0;
    for (int32_t g = 0; g < n_groups && !rc; g++) {
        const em_group *group = &groups->groups[g];
        json_t *rows = json_object_get(json_array_get(groups_json, (size_t)g), "confusion");
        if (!json_is_array(rows) || json_array_size(rows) != (size_t)k) {
            rc = group_error(path, g, "\"confusion\" must have one row per class");
            break;
        }
        for (int32_t y = 0; y < k && !rc; y++) {
            json_t *row = json_array_get(rows, (size_t)y);
            double sum = 0;
            bool ok = json_is_array(row) && json_array_size(row) == (size_t)group->n_tuples;
            for (int32_t t = 0; ok && t < group->n_tuples; t++) {
                json_t *x = json_array_get(row, (size_t)t);
                double p = json_is_number(x) ? json_number_value(x) : -1;
                ok = p >= 0 && p <= 1 &&
                     (p > 0 || (t == EM_TUPLE_ABSTAIN && !model->abstain_informative));
                model->group_theta[at + (size_t)y * group->n_tuples + t] = p;
                sum += p;
            }
            if (!ok || fabs(sum - 1) > 1e-6)
                rc = group_error(path, g,
                                 "each confusion row must hold one probability per tuple "
                                 "(positive where used) summing to 1");
        }
        at += (size_t)k * group->n_tuples;
    }
    if (!rc) {
        model->groups = groups;
        groups = NULL;
    }
done:
    if (groups) em_groups_free(groups);
    free(groups);
    free(lf_group);
    free(outputs);
    return rc;
}
