/*
 * Label Studio (labelstud.io/guide/predictions, /guide/task_format): tasks import as a JSON
 * array with "data" and "predictions"; the JSON export adds "annotations", each with a
 * "result" list and "was_cancelled". chorus reads the "choices" results of its control.
 */
#include <string.h>

#include "core/error_internal.h"
#include "data/platform_internal.h"

static json_t *label_studio_task(const platform_item *item, const chorus_platform_options *opts)
{
    json_t *data = json_deep_copy(item->fields);
    json_t *task = json_pack(
        "{s:o, s:[{s:s, s:f, s:[{s:s, s:s, s:s, s:{s:[s]}}]}]}", "data", data ? data : json_null(),
        "predictions", "model_version", "chorus", "score", item->score, "result", "from_name",
        chorus_platform_from_name(opts), "to_name", chorus_platform_to_name(opts), "type",
        "choices", "value", "choices", item->label);
    if (task && (!data || json_object_set(data, PLATFORM_ITEM_KEY, item->id) != 0)) {
        json_decref(task);
        task = NULL;
    }
    return task;
}

/* The one class an annotation chose with chorus' control, or NULL when it has none. */
static int annotation_answer(const char **out, const json_t *annotation, const char *where,
                             const char *from_name)
{
    *out = NULL;
    const json_t *result = chorus_platform_get(annotation, "result");
    if (result && !json_is_array(result))
        return chorus_error_set(CHORUS_EFORMAT, "%s: \"result\" is not a list", where);
    for (size_t r = 0; r < json_array_size(result); r++) {
        const json_t *region = json_array_get(result, r);
        const json_t *type = chorus_platform_get(region, "type");
        const json_t *name = chorus_platform_get(region, "from_name");
        if (!json_is_string(type) || strcmp(json_string_value(type), "choices") != 0 ||
            !json_is_string(name) || strcmp(json_string_value(name), from_name) != 0)
            continue;
        const json_t *choices =
            chorus_platform_get(chorus_platform_get(region, "value"), "choices");
        if (!json_is_array(choices))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s, result %zu: no \"value\": {\"choices\": "
                                    "[...]}",
                                    where, r);
        if (json_array_size(choices) == 0) continue;
        const json_t *choice = json_array_get(choices, 0);
        if (json_array_size(choices) > 1 || !json_is_string(choice))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s, result %zu: expected one class in \"choices\" (a review "
                                    "gives each item one class)",
                                    where, r);
        if (*out && strcmp(*out, json_string_value(choice)) != 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: two results of '%s' choose different "
                                    "classes",
                                    where, from_name);
        *out = json_string_value(choice);
    }
    return CHORUS_OK;
}

static int label_studio_read(const json_t *task, const char *where, platform_votes *votes,
                             const chorus_platform_options *opts)
{
    int64_t item;
    int rc = chorus_platform_task_item(votes, chorus_platform_get(task, "data"), "\"data\"", where,
                                       &item);
    if (rc) return rc;
    const json_t *annotations = chorus_platform_get(task, "annotations");
    if (annotations && !json_is_array(annotations))
        return chorus_error_set(CHORUS_EFORMAT, "%s: \"annotations\" is not a list", where);
    char place[1200];
    for (size_t a = 0; a < json_array_size(annotations); a++) {
        const json_t *annotation = json_array_get(annotations, a);
        snprintf(place, sizeof place, "%s, annotation %zu", where, a);
        if (!json_is_object(annotation))
            return chorus_error_set(CHORUS_EFORMAT, "%s: expected a JSON object", place);
        if (json_is_true(chorus_platform_get(annotation, "was_cancelled"))) continue; /* skipped */
        const char *answer;
        if ((rc = annotation_answer(&answer, annotation, place, chorus_platform_from_name(opts))))
            return rc;
        if (answer && (rc = chorus_platform_votes_add(votes, item, answer, place))) return rc;
    }
    return CHORUS_OK;
}

const platform_ops chorus_platform_label_studio = {"label-studio", 0, label_studio_task,
                                                   label_studio_read};
