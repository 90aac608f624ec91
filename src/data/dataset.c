/* The dataset container: field names, the value arena, and the accessors of chorus/data.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "data/dataset_internal.h"

int chorus_dataset_new(chorus_dataset **out)
{
    chorus_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) return chorus_error_nomem();
    *out = ds;
    return CHORUS_OK;
}

void chorus_dataset_free(chorus_dataset *ds)
{
    if (!ds) return;
    for (int32_t j = 0; j < ds->n_fields; j++)
        free(ds->names[j]);
    free(ds->names);
    free(ds->name_slots);
    free(ds->cells);
    free(ds->sparse_row);
    free(ds->sparse_cells);
    free(ds->lines);
    free(ds->skipped_before);
    free(ds->path);
    free(ds->arena);
    free(ds);
}

static size_t find_slot(const chorus_dataset *ds, const char *name, size_t len)
{
    size_t i = (size_t)chorus_fnv1a(name, len) & ds->slot_mask;
    for (;;) {
        int32_t j = ds->name_slots[i];
        if (j < 0) return i;
        if (strncmp(ds->names[j], name, len) == 0 && ds->names[j][len] == '\0') return i;
        i = (i + 1) & ds->slot_mask;
    }
}

int32_t chorus_dataset_find_field_n(const chorus_dataset *ds, const char *name, size_t len)
{
    if (!ds || !ds->name_slots) return -1;
    return ds->name_slots[find_slot(ds, name, len)];
}

/* Keeps the table at most half full so probes stay short. */
static int grow_slots(chorus_dataset *ds)
{
    size_t n = ds->name_slots ? (ds->slot_mask + 1) * 2 : 16;
    int32_t *slots = malloc(n * sizeof *slots);
    if (!slots) return chorus_error_nomem();
    for (size_t i = 0; i < n; i++)
        slots[i] = -1;
    free(ds->name_slots);
    ds->name_slots = slots;
    ds->slot_mask = n - 1;
    for (int32_t j = 0; j < ds->n_fields; j++)
        slots[find_slot(ds, ds->names[j], strlen(ds->names[j]))] = j;
    return CHORUS_OK;
}

int chorus_dataset_add_field(chorus_dataset *ds, const char *name, size_t len, int32_t *index)
{
    if (!ds->name_slots || (size_t)ds->n_fields * 2 >= ds->slot_mask + 1) {
        int rc = grow_slots(ds);
        if (rc) return rc;
    }
    size_t slot = find_slot(ds, name, len);
    if (ds->name_slots[slot] >= 0) {
        *index = ds->name_slots[slot];
        return 1;
    }
    int32_t n = ds->n_fields;
    if (n == DATASET_MAX_FIELDS)
        return chorus_error_set(CHORUS_EFORMAT,
                                "more than %d distinct fields; expected at most %d (a file "
                                "with a new field on every record is not a table of records)",
                                DATASET_MAX_FIELDS, DATASET_MAX_FIELDS);
    /* Names grow one at a time (JSONL discovers them as it goes); double the array. */
    if ((n & (n - 1)) == 0) {
        char **names = realloc(ds->names, (size_t)(n ? 2 * n : 1) * sizeof *names);
        if (!names) return chorus_error_nomem();
        ds->names = names;
    }
    char *copy = strndup(name, len);
    if (!copy) return chorus_error_nomem();
    ds->names[n] = copy;
    ds->name_slots[slot] = n;
    ds->n_fields = n + 1;
    *index = n;
    return 0;
}

int chorus_dataset_reserve_arena(chorus_dataset *ds, size_t extra)
{
    if (extra <= ds->arena_cap - ds->arena_len) return CHORUS_OK;
    if (extra > SIZE_MAX / 2 - ds->arena_len) return chorus_error_nomem();
    size_t cap = ds->arena_cap ? ds->arena_cap : 1 << 16;
    while (cap - ds->arena_len < extra)
        cap *= 2;
    char *arena = realloc(ds->arena, cap);
    if (!arena) return chorus_error_nomem();
    ds->arena = arena;
    ds->arena_cap = cap;
    return CHORUS_OK;
}

int chorus_dataset_store_text(chorus_dataset *ds, const char *text, size_t len, int64_t *offset)
{
    int rc = chorus_dataset_reserve_arena(ds, len + 1);
    if (rc) return rc;
    *offset = (int64_t)ds->arena_len;
    memcpy(ds->arena + ds->arena_len, text, len);
    ds->arena[ds->arena_len + len] = '\0';
    ds->arena_len += len + 1;
    return CHORUS_OK;
}

int chorus_dataset_reserve_record(chorus_dataset *ds, int with_cells)
{
    if (ds->n_records < ds->record_cap) return CHORUS_OK;
    int64_t cap = ds->record_cap ? ds->record_cap * 2 : 1024;
    size_t width = with_cells ? (size_t)ds->n_fields : 0;
    if ((uint64_t)cap > SIZE_MAX / sizeof(int64_t) / (width ? width : 1))
        return chorus_error_nomem();
    int64_t *lines = realloc(ds->lines, (size_t)cap * sizeof *lines);
    if (!lines) return chorus_error_nomem();
    ds->lines = lines;
    if (width) {
        int64_t *cells = realloc(ds->cells, (size_t)cap * width * sizeof *cells);
        if (!cells) return chorus_error_nomem();
        ds->cells = cells;
    }
    ds->record_cap = cap;
    return CHORUS_OK;
}

/* Orders a record's cells by field, and a repeated field by position (stable). */
static int compare_cells(const void *a, const void *b)
{
    const dataset_cell *x = a, *y = b;
    if (x->field != y->field) return x->field < y->field ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Sparse layout, for records that each have few of many fields: each record's cells sorted
 * by field, a repeated name keeping its last value (values are stored in order, so the
 * larger offset is the later one).
 */
static int lay_out_sparse(chorus_dataset *ds, dataset_cell *cells, size_t n_cells)
{
    size_t n = (size_t)ds->n_records;
    ds->sparse_row = malloc((n + 1) * sizeof *ds->sparse_row);
    ds->sparse_cells = malloc((n_cells - n + 1) * sizeof *ds->sparse_cells);
    if (!ds->sparse_row || !ds->sparse_cells) return chorus_error_nomem();
    size_t out = 0, begin = 0, record = 0;
    for (size_t i = 0; i < n_cells; i++) {
        if (cells[i].field >= 0) continue;
        qsort(cells + begin, i - begin, sizeof *cells, compare_cells);
        ds->sparse_row[record++] = (int64_t)out;
        for (size_t c = begin; c < i; c++) {
            if (c + 1 < i && cells[c + 1].field == cells[c].field) continue;
            ds->sparse_cells[out++] = cells[c];
        }
        begin = i + 1;
    }
    ds->sparse_row[record] = (int64_t)out;
    return CHORUS_OK;
}

/* Sparse when the dense table would be mostly holes: its size is records x fields, which a
 * file with a new field on every line makes quadratic in the file's size. */
int chorus_dataset_lay_out(chorus_dataset *ds, dataset_cell *cells, size_t n_cells)
{
    size_t width = (size_t)ds->n_fields, n = (size_t)ds->n_records;
    if (width == 0 || n == 0) return CHORUS_OK;
    size_t n_values = n_cells - n; /* less the record ends */
    if (n > SIZE_MAX / sizeof(int64_t) / width ||
        (n * width > DATASET_DENSE_ALWAYS && n * width / DATASET_DENSE_SLACK > n_values))
        return lay_out_sparse(ds, cells, n_cells);
    ds->cells = malloc(n * width * sizeof *ds->cells);
    if (!ds->cells) return chorus_error_nomem();
    for (size_t i = 0; i < n * width; i++)
        ds->cells[i] = DATASET_MISSING;
    size_t record = 0;
    for (size_t i = 0; i < n_cells; i++) {
        if (cells[i].field < 0)
            record++;
        else
            ds->cells[record * width + (size_t)cells[i].field] = cells[i].offset;
    }
    return CHORUS_OK;
}

void chorus_dataset_shrink(chorus_dataset *ds)
{
    /* A failed shrink leaves the larger block in place, which is still correct. */
    if (ds->arena && ds->arena_len > 0 && ds->arena_len < ds->arena_cap) {
        char *arena = realloc(ds->arena, ds->arena_len);
        if (arena) {
            ds->arena = arena;
            ds->arena_cap = ds->arena_len;
        }
    }
    if (ds->n_records > 0 && ds->n_records < ds->record_cap) {
        int64_t *lines = realloc(ds->lines, (size_t)ds->n_records * sizeof *lines);
        if (lines) ds->lines = lines;
        size_t n = (size_t)ds->n_records * (size_t)ds->n_fields;
        int64_t *cells = ds->cells && n ? realloc(ds->cells, n * sizeof *cells) : NULL;
        if (cells) ds->cells = cells;
        ds->record_cap = ds->n_records;
    }
}

int chorus_dataset_bad_row(chorus_dataset *ds, int skip, int64_t line, const char *message)
{
    if (!skip) return chorus_error_set(CHORUS_EFORMAT, "%s", message);
    if (ds->n_skipped < DATASET_MAX_LOGGED_SKIPS) ds->skipped_lines[ds->n_skipped] = line;
    if (ds->n_skipped_earlier + ds->n_skipped < DATASET_MAX_LOGGED_SKIPS)
        chorus_log(CHORUS_LOG_WARN, "%s; skipping it", message);
    if (ds->n_skipped == ds->skipped_cap) {
        int64_t cap = ds->skipped_cap ? 2 * ds->skipped_cap : 16;
        int64_t *grown = realloc(ds->skipped_before, (size_t)cap * sizeof *grown);
        if (!grown) return chorus_error_nomem();
        ds->skipped_before = grown;
        ds->skipped_cap = cap;
    }
    ds->skipped_before[ds->n_skipped] = ds->n_records;
    ds->n_skipped++;
    return CHORUS_OK;
}

int chorus_dataset_blank_lines(chorus_dataset *ds, int skip, const char *path, int64_t first,
                               int64_t n)
{
    char message[512];
    for (int64_t i = 0; i < n; i++) {
        snprintf(message, sizeof message,
                 "%s:%" PRId64 ": a blank line between records; expected a record on every "
                 "line up to the last (delete the blank line)",
                 path, first + i);
        int rc = chorus_dataset_bad_row(ds, skip, first + i, message);
        if (rc) return rc;
    }
    return CHORUS_OK;
}

void chorus_dataset_log_skip_summary(const char *path, int64_t n_skipped, const int64_t *lines)
{
    if (n_skipped == 0) return;
    char shown_lines[256] = "";
    size_t used = 0;
    int64_t shown = n_skipped < DATASET_MAX_LOGGED_SKIPS ? n_skipped : DATASET_MAX_LOGGED_SKIPS;
    for (int64_t i = 0; i < shown; i++) {
        int n = snprintf(shown_lines + used, sizeof shown_lines - used, "%s%" PRId64, i ? ", " : "",
                         lines[i]);
        if (n > 0 && (size_t)n < sizeof shown_lines - used) used += (size_t)n;
    }
    chorus_log(CHORUS_LOG_WARN, "%s: skipped %" PRId64 " bad row%s, on line%s %s%s", path,
               n_skipped, n_skipped == 1 ? "" : "s", n_skipped == 1 ? "" : "s", shown_lines,
               n_skipped > shown ? ", ..." : "");
}

void chorus_dataset_log_skips(const chorus_dataset *ds, const char *path)
{
    chorus_dataset_log_skip_summary(path, ds->n_skipped, ds->skipped_lines);
}

int chorus_dataset_no_records(const chorus_dataset *ds, const char *path, const char *expected)
{
    return chorus_error_set(CHORUS_EFORMAT, "%s: no records; expected %s%s", path, expected,
                            ds->n_skipped ? " (every one was bad and skipped)" : "");
}

int chorus_data_resolve_format(const char *path, const chorus_data_options *opts,
                               chorus_data_format *format)
{
    chorus_data_format f = opts->format;
    if (f == CHORUS_DATA_AUTO)
        f = chorus_path_has_suffix(path, ".jsonl") || chorus_path_has_suffix(path, ".ndjson") ||
                    chorus_path_has_suffix(path, ".json-lines")
                ? CHORUS_DATA_JSONL
            : chorus_path_has_suffix(path, ".tsv") || chorus_path_has_suffix(path, ".tab")
                ? CHORUS_DATA_TSV
                : CHORUS_DATA_CSV;
    if (f != CHORUS_DATA_CSV && f != CHORUS_DATA_JSONL && f != CHORUS_DATA_TSV)
        return chorus_error_set(CHORUS_EINVAL, "data format %d is not one of auto, CSV, JSONL, TSV",
                                (int)f);
    *format = f;
    return CHORUS_OK;
}

int chorus_dataset_read(chorus_dataset **out, const char *path, const chorus_data_options *opts)
{
    chorus_data_options defaults = CHORUS_DATA_OPTIONS_INIT;
    chorus_dataset *ds = NULL;
    int rc;
    if (!out || !path) return chorus_error_set(CHORUS_EINVAL, "dataset: out and path are required");
    *out = NULL;
    if (!opts) opts = &defaults;
    if (opts->version != CHORUS_DATA_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "data options version %u is not supported (%d is)",
                                opts->version, CHORUS_DATA_OPTIONS_VERSION);
    chorus_data_format format;
    if ((rc = chorus_data_resolve_format(path, opts, &format))) return rc;
    if ((rc = chorus_path_check_regular(path, "the data"))) return rc;

    rc = chorus_dataset_new(&ds);
    if (rc) goto done;
    if (!(ds->path = strdup(path))) {
        rc = chorus_error_nomem();
        goto done;
    }
    if (format == CHORUS_DATA_JSONL)
        rc = chorus_dataset_read_jsonl(ds, path, opts->skip_bad_rows);
    else
        rc = chorus_dataset_read_csv(ds, path, opts->skip_bad_rows,
                                     format == CHORUS_DATA_TSV ? '\t' : ',');
    if (rc) goto done;
    chorus_dataset_log_skips(ds, path);
    chorus_dataset_shrink(ds);

done:
    if (rc) {
        chorus_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return CHORUS_OK;
}

int64_t chorus_dataset_n_records(const chorus_dataset *ds)
{
    return ds ? ds->n_records : 0;
}

int32_t chorus_dataset_n_fields(const chorus_dataset *ds)
{
    return ds ? ds->n_fields : 0;
}

const char *chorus_dataset_field_name(const chorus_dataset *ds, int32_t field)
{
    if (!ds || field < 0 || field >= ds->n_fields) return NULL;
    return ds->names[field];
}

int32_t chorus_dataset_find_field(const chorus_dataset *ds, const char *name)
{
    if (!name) return -1;
    return chorus_dataset_find_field_n(ds, name, strlen(name));
}

const char *chorus_dataset_value(const chorus_dataset *ds, int64_t record, int32_t field,
                                 size_t *len)
{
    if (len) *len = 0;
    if (!ds || record < 0 || record >= ds->n_records || field < 0 || field >= ds->n_fields)
        return NULL;
    int64_t offset = DATASET_MISSING;
    if (ds->cells) {
        offset = ds->cells[record * ds->n_fields + field];
    } else if (ds->sparse_row) {
        /* A binary search among the record's own fields, few even when the file has many. */
        int64_t lo = ds->sparse_row[record], hi = ds->sparse_row[record + 1];
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (ds->sparse_cells[mid].field < field)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < ds->sparse_row[record + 1] && ds->sparse_cells[lo].field == field)
            offset = ds->sparse_cells[lo].offset;
    }
    if (offset == DATASET_MISSING) return NULL;
    /* Values cannot hold NUL (the readers reject it), so the length is strlen's. */
    const char *value = ds->arena + offset;
    if (len) *len = strlen(value);
    return value;
}

int64_t chorus_dataset_n_skipped(const chorus_dataset *ds)
{
    return ds ? ds->n_skipped : 0;
}

int64_t chorus_dataset_skipped_line(const chorus_dataset *ds, int64_t i)
{
    if (!ds || i < 0 || i >= ds->n_skipped || i >= DATASET_MAX_LOGGED_SKIPS) return -1;
    return ds->skipped_lines[i];
}

int64_t chorus_dataset_source_line(const chorus_dataset *ds, int64_t record)
{
    if (!ds || record < 0 || record >= ds->n_records) return -1;
    return ds->lines[record];
}

int64_t chorus_dataset_source_row(const chorus_dataset *ds, int64_t record)
{
    if (!ds || record < 0 || record >= ds->n_records) return -1;
    /* Rows skipped before the record: those with at most `record` records before them. */
    int64_t lo = 0, hi = ds->n_skipped;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (ds->skipped_before[mid] <= record)
            lo = mid + 1;
        else
            hi = mid;
    }
    return record + lo;
}

const char *chorus_dataset_path(const chorus_dataset *ds)
{
    return ds ? ds->path : NULL;
}

const char *chorus_record_get(const chorus_record *record, const char *field, size_t *len)
{
    if (len) *len = 0;
    if (!record || !field) return NULL;
    int32_t j = chorus_dataset_find_field(record->dataset, field);
    if (j < 0) return NULL;
    return chorus_dataset_value(record->dataset, record->index, j, len);
}

const char *chorus_record_get_index(const chorus_record *record, int32_t field, size_t *len)
{
    if (len) *len = 0;
    if (!record) return NULL;
    return chorus_dataset_value(record->dataset, record->index, field, len);
}
