/*
 * Prodigy (prodi.gy/docs/api-interfaces): a task is {"text", "label", "meta"}; db-out adds
 * "answer": "accept", "reject" or "ignore" per annotator, one line each. An accepted binary
 * task answers its "label"; an accepted choice task its one "accept"ed option. Rejected
 * and ignored tasks give no answer (a rejected label says what the item is not).
 */
#include <string.h>

#include "core/error_internal.h"
#include "data/platform_internal.h"

static json_t *prodigy_task(const platform_item *item, const chorus_platform_options *opts)
{
    (void)opts;
    const json_t *first = item->first ? json_object_get(item->fields, item->first) : NULL;
    /* meta shows in the corner of the card: the item and its score, then the other fields */
    json_t *meta = json_pack("{s:O, s:f}", PLATFORM_ITEM_KEY, item->id, "score", item->score);
    const char *key;
    json_t *value;
    json_object_foreach(item->fields, key,
                        value) if (meta && (!item->first || strcmp(key, item->first) != 0) &&
                                   json_object_set(meta, key, value) != 0)
    {
        json_decref(meta);
        meta = NULL;
    }
    if (!meta) return NULL;
    return json_pack("{s:s, s:s, s:o}", "text",
                     json_is_string(first) ? json_string_value(first) : "", "label", item->label,
                     "meta", meta);
}

static int prodigy_read(const json_t *task, const char *where, platform_votes *votes,
                        const chorus_platform_options *opts)
{
    (void)opts;
    int64_t item;
    int rc = chorus_platform_task_item(votes, chorus_platform_get(task, "meta"), "\"meta\"", where,
                                       &item);
    if (rc) return rc;
    const json_t *answer = chorus_platform_get(task, "answer");
    if (!answer) return CHORUS_OK; /* not annotated yet */
    const char *text = json_string_value(answer);
    if (!text || (strcmp(text, "accept") && strcmp(text, "reject") && strcmp(text, "ignore")))
        return chorus_error_set(
            CHORUS_EFORMAT, "%s: \"answer\" must be \"accept\", \"reject\" or \"ignore\"", where);
    if (strcmp(text, "accept") != 0) return CHORUS_OK;
    const json_t *accepted = chorus_platform_get(task, "accept");
    const json_t *label = chorus_platform_get(task, "label");
    if (accepted) {
        if (!json_is_array(accepted))
            return chorus_error_set(CHORUS_EFORMAT, "%s: \"accept\" is not a list", where);
        if (json_array_size(accepted) == 0) return CHORUS_OK;
        label = json_array_get(accepted, 0);
        if (json_array_size(accepted) > 1 || !json_is_string(label))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: expected one class in \"accept\" (a review gives each "
                                    "item one class)",
                                    where);
    }
    if (!json_is_string(label))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: an accepted task without a \"label\" or "
                                "\"accept\" class",
                                where);
    return chorus_platform_votes_add(votes, item, json_string_value(label), where);
}

const platform_ops chorus_platform_prodigy = {"prodigy", 1, prodigy_task, prodigy_read};
