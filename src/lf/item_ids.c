/*
 * The identity of each item of an applied set, carried as the vote matrix's item names into
 * every per-item output: the value of the spec's data.id field, or else the record's row
 * number in the data file. Row numbers count the bad rows skipped before a record, so that
 * skipping a row does not shift the ids of the rows after it; without skipped rows they are
 * the item indices themselves and no names are needed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "core/error_internal.h"
#include "core/hash.h"
#include "lf/lf_internal.h"
#include "votes/votes_internal.h"

/* Shown of an id in a message (ids can be long). */
#define ID_SHOWN 60

static int missing_id_field(const chorus_lf_set *set, const chorus_dataset *ds)
{
    char fields[256];
    lf_field_list(ds, fields, sizeof fields);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: data.id names the field '%s', which %s does not have (fields: %s)",
                            set->path, set->id_field, chorus_dataset_path(ds), fields);
}

int lf_find_duplicate_key(int64_t n, lf_key_fn key, const void *ctx, int64_t *dup, int64_t *first)
{
    size_t n_slots = 16;
    while (n_slots < 2 * (size_t)n)
        n_slots *= 2;
    int64_t *slots = malloc(n_slots * sizeof *slots);
    if (!slots) return chorus_error_nomem();
    for (size_t s = 0; s < n_slots; s++)
        slots[s] = -1;
    *dup = -1;
    for (int64_t i = 0; i < n && *dup < 0; i++) {
        size_t len;
        const char *k = key(ctx, i, &len);
        size_t s = (size_t)chorus_fnv1a(k, len) & (n_slots - 1);
        for (; slots[s] >= 0; s = (s + 1) & (n_slots - 1)) {
            size_t other_len;
            const char *other = key(ctx, slots[s], &other_len);
            if (other_len == len && memcmp(other, k, len) == 0) {
                *dup = i;
                *first = slots[s];
                break;
            }
        }
        slots[s] = i;
    }
    free(slots);
    return CHORUS_OK;
}

typedef struct id_column {
    const chorus_dataset *ds;
    int32_t field;
} id_column;

static const char *record_id(const void *ctx, int64_t r, size_t *len)
{
    const id_column *c = ctx;
    return chorus_dataset_value(c->ds, r, c->field, len);
}

/* Every record has an id that is a valid name: not missing, not empty. */
static int check_ids(const chorus_lf_set *set, const chorus_dataset *ds, int32_t field)
{
    const char *path = chorus_dataset_path(ds);
    for (int64_t r = 0; r < chorus_dataset_n_records(ds); r++) {
        size_t len;
        const char *id = chorus_dataset_value(ds, r, field, &len);
        const int64_t line = chorus_dataset_source_line(ds, r);
        if (!id || len == 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": the id (field '%s', data.id in %s) is %s; "
                                    "every item needs an id",
                                    path, line, set->id_field, set->path, id ? "empty" : "missing");
        if (chorus_name_check(id, "the item") != CHORUS_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", chorus_error_last());
            return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": field '%s' (data.id): %s",
                                    path, line, set->id_field, why);
        }
    }
    return CHORUS_OK;
}

int lf_check_item_ids(const chorus_lf_set *set, const chorus_dataset *ds)
{
    if (!set->id_field) return CHORUS_OK;
    const int32_t field = chorus_dataset_find_field(ds, set->id_field);
    if (field < 0) return missing_id_field(set, ds);
    int rc = check_ids(set, ds, field);
    if (rc) return rc;
    int64_t dup, first;
    const id_column ids = {ds, field};
    if ((rc = lf_find_duplicate_key(chorus_dataset_n_records(ds), record_id, &ids, &dup, &first)))
        return rc;
    if (dup < 0) return CHORUS_OK;
    const char *id = chorus_dataset_value(ds, dup, field, NULL);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s:%" PRId64 ": id '%.*s%s' (field '%s') is already the id of line "
                            "%" PRId64 "; ids must be unique",
                            chorus_dataset_path(ds), chorus_dataset_source_line(ds, dup), ID_SHOWN,
                            id, strlen(id) > ID_SHOWN ? "..." : "", set->id_field,
                            chorus_dataset_source_line(ds, first));
}

int lf_name_items(chorus_votes *votes, const chorus_lf_set *set, const chorus_dataset *ds)
{
    int rc = CHORUS_OK;
    if (set->id_field) {
        const int32_t field = chorus_dataset_find_field(ds, set->id_field);
        for (int64_t r = 0; !rc && r < chorus_dataset_n_records(ds); r++)
            rc = chorus_votes_set_item_name(votes, r, chorus_dataset_value(ds, r, field, NULL));
        return rc;
    }
    if (chorus_dataset_n_skipped(ds) == 0) return CHORUS_OK;
    for (int64_t r = 0; !rc && r < chorus_dataset_n_records(ds); r++) {
        char row[32];
        snprintf(row, sizeof row, "%" PRId64, chorus_dataset_source_row(ds, r));
        rc = chorus_votes_set_item_name(votes, r, row);
    }
    return rc;
}
