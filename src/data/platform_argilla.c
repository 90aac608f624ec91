/*
 * Argilla (docs.argilla.io, records, suggestions and responses): a record has "fields",
 * "metadata", "suggestions" (question_name, value, score, agent) and "responses". Argilla 1
 * exports responses as a list of {"values": {QUESTION: {"value": ...}}, "status": ...};
 * Argilla 2 as {QUESTION: [{"value": ..., "user_id": ..., "status": ...}]}. Only submitted
 * responses count; discarded and draft ones give no answer.
 */
#include <string.h>

#include "core/error_internal.h"
#include "data/platform_internal.h"

static json_t *argilla_task(const platform_item *item, const chorus_platform_options *opts)
{
    json_t *id = json_is_string(item->id)
                     ? json_incref(item->id)
                     : json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(item->id));
    json_t *fields = json_deep_copy(item->fields);
    if (!id || !fields) {
        json_decref(id);
        json_decref(fields);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:{s:O}, s:[{s:s, s:s, s:f, s:s}]}", "id", id, "fields", fields,
                     "metadata", PLATFORM_ITEM_KEY, item->id, "suggestions", "question_name",
                     chorus_platform_from_name(opts), "value", item->label, "score", item->score,
                     "agent", "chorus");
}

/* A response counts when it was submitted (or, as in older exports, has no status). */
static int submitted(const json_t *response)
{
    const json_t *status = chorus_platform_get(response, "status");
    return !status ||
           (json_is_string(status) && strcmp(json_string_value(status), "submitted") == 0);
}

static int add_value(platform_votes *votes, int64_t item, const json_t *value, const char *place)
{
    if (!value || json_is_null(value)) return CHORUS_OK;
    if (!json_is_string(value))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: the response value is not a class name "
                                "(a label question's answer)",
                                place);
    return chorus_platform_votes_add(votes, item, json_string_value(value), place);
}

static int argilla_read(const json_t *record, const char *where, platform_votes *votes,
                        const chorus_platform_options *opts)
{
    int64_t item;
    int rc = chorus_platform_task_item(votes, chorus_platform_get(record, "metadata"),
                                       "\"metadata\"", where, &item);
    if (rc) return rc;
    const char *question = chorus_platform_from_name(opts);
    const json_t *responses = chorus_platform_get(record, "responses");
    char place[1200];
    if (json_is_array(responses)) { /* Argilla 1 */
        for (size_t r = 0; r < json_array_size(responses); r++) {
            const json_t *response = json_array_get(responses, r);
            snprintf(place, sizeof place, "%s, response %zu", where, r);
            if (!submitted(response)) continue;
            const json_t *answer = chorus_platform_get(
                chorus_platform_get(chorus_platform_get(response, "values"), question), "value");
            if ((rc = add_value(votes, item, answer, place))) return rc;
        }
    } else if (json_is_object(responses)) { /* Argilla 2 */
        const json_t *list = json_object_get(responses, question);
        if (list && !json_is_array(list))
            return chorus_error_set(CHORUS_EFORMAT, "%s: \"responses\".\"%s\" is not a list", where,
                                    question);
        for (size_t r = 0; r < json_array_size(list); r++) {
            const json_t *response = json_array_get(list, r);
            snprintf(place, sizeof place, "%s, response %zu", where, r);
            if (!submitted(response)) continue;
            if ((rc = add_value(votes, item, chorus_platform_get(response, "value"), place)))
                return rc;
        }
    } else if (responses && !json_is_null(responses)) {
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: \"responses\" is neither a list nor an "
                                "object",
                                where);
    }
    return CHORUS_OK;
}

const platform_ops chorus_platform_argilla = {"argilla", 1, argilla_task, argilla_read};
