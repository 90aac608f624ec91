/*
 * Joining the vote matrices of the byte ranges of one data file (chorus_lf_apply_range) into
 * the matrix of the whole file: rows in range order, and the item names the whole file would
 * have given (its ids, or its row numbers when a range skipped rows).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "data/dataset_internal.h"
#include "lf/apply_internal.h"

static const char *item_name(const void *votes, int64_t i, size_t *len)
{
    const char *name = chorus_votes_item_name(votes, i);
    *len = strlen(name);
    return name;
}

static int append_part(chorus_votes *votes, const chorus_votes *part, int32_t p)
{
    if (chorus_votes_n_lfs(part) != chorus_votes_n_lfs(votes) ||
        chorus_votes_n_classes(part) != chorus_votes_n_classes(votes))
        return chorus_error_set(CHORUS_EINVAL,
                                "apply merge: part %" PRId32 " has %" PRId32 " LFs and %" PRId32
                                " classes; the set has %" PRId32 " and %" PRId32,
                                p, chorus_votes_n_lfs(part), chorus_votes_n_classes(part),
                                chorus_votes_n_lfs(votes), chorus_votes_n_classes(votes));
    const int64_t *row_ptr = chorus_votes_row_ptr(part);
    const int32_t *lf = chorus_votes_lf_index(part);
    const int32_t *label = chorus_votes_labels(part);
    for (int64_t i = 0; i < chorus_votes_n_items(part); i++) {
        int rc = chorus_votes_append_item(votes, lf + row_ptr[i], label + row_ptr[i],
                                          (size_t)(row_ptr[i + 1] - row_ptr[i]));
        if (rc) return rc;
    }
    return CHORUS_OK;
}

/* Item names: the parts' (ids, or row numbers where a part skipped rows), and the row numbers
 * of the other parts' items once any part has them. */
static int name_items(chorus_votes *votes, const chorus_lf_set *set, chorus_votes *const *parts,
                      const chorus_data_range *ranges, int32_t n_parts)
{
    int any_named = 0;
    for (int32_t p = 0; p < n_parts; p++)
        any_named |= chorus_votes_has_item_names(parts[p]);
    if (!any_named) return CHORUS_OK;
    int64_t item = 0;
    for (int32_t p = 0; p < n_parts; p++)
        for (int64_t i = 0; i < chorus_votes_n_items(parts[p]); i++, item++) {
            const char *name = chorus_votes_item_name(parts[p], i);
            char row[32];
            if (!name) {
                if (set->id_field)
                    return chorus_error_set(CHORUS_EINVAL,
                                            "apply merge: item %" PRId64 " of part %" PRId32
                                            " has no id although the spec names data.id",
                                            i, p);
                snprintf(row, sizeof row, "%" PRId64, ranges[p].first_row + i);
                name = row;
            }
            int rc = chorus_votes_set_item_name(votes, item, name);
            if (rc) return rc;
        }
    if (!set->id_field) return CHORUS_OK;
    int64_t dup, first;
    int rc = lf_find_duplicate_key(chorus_votes_n_items(votes), item_name, votes, &dup, &first);
    if (rc || dup < 0) return rc;
    return chorus_error_set(CHORUS_EFORMAT,
                            "id '%s' (field '%s', data.id in %s) is the id of items %" PRId64
                            " and %" PRId64 "; ids must be unique",
                            chorus_votes_item_name(votes, dup), set->id_field, set->path, first,
                            dup);
}

int chorus_lf_apply_merge(chorus_votes **out, const chorus_lf_set *set, chorus_votes *const *parts,
                          const chorus_data_range *ranges, int32_t n_parts)
{
    if (!out || !set || !parts || !ranges || n_parts < 1)
        return chorus_error_set(CHORUS_EINVAL,
                                "apply merge: out, set, parts and ranges are required, and at "
                                "least one part");
    *out = NULL;
    chorus_votes *votes = NULL;
    int rc = lf_new_votes(&votes, set);
    for (int32_t p = 0; !rc && p < n_parts; p++)
        rc = parts[p] ? append_part(votes, parts[p], p)
                      : chorus_error_set(CHORUS_EINVAL, "apply merge: part %" PRId32 " is NULL", p);
    if (!rc) rc = name_items(votes, set, parts, ranges, n_parts);
    if (!rc && chorus_votes_n_items(votes) == 0)
        rc = chorus_error_set(CHORUS_EFORMAT, "apply merge: the parts hold no records");
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    lf_warn_coverage(set, votes);
    *out = votes;
    return CHORUS_OK;
}

int chorus_lf_apply_check_fields(const chorus_lf_set *set, const char *const *fields,
                                 int32_t n_fields)
{
    if (!set || (n_fields > 0 && !fields) || n_fields < 0)
        return chorus_error_set(CHORUS_EINVAL, "apply: a set and its ranges' fields are required");
    /* The file's fields as one dataset without records: what one process checks at the end. */
    chorus_dataset *file = NULL;
    int rc = chorus_dataset_new(&file);
    for (int32_t f = 0; !rc && f < n_fields; f++) {
        int32_t index;
        /* 1: a field an earlier range had too. */
        const int added = chorus_dataset_add_field(file, fields[f], strlen(fields[f]), &index);
        rc = added < 0 ? added : CHORUS_OK;
    }
    if (!rc) rc = lf_check_file_fields(set, file);
    chorus_dataset_free(file);
    return rc;
}
