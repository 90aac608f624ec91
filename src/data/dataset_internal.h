/*
 * The dataset container shared by the CSV and JSONL readers. Values live back to back,
 * NUL-terminated, in one arena; a record is a row of int64 offsets into it (one per field,
 * DATASET_MISSING when the record lacks the field), so a million records cost two large
 * allocations rather than one per cell.
 */
#ifndef CHORUS_DATASET_INTERNAL_H
#define CHORUS_DATASET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/data.h"

#define DATASET_MISSING (-1)

/* Rows beyond this many skipped are counted but not described in the log. */
#define DATASET_MAX_LOGGED_SKIPS 10

struct chorus_dataset {
    int32_t n_fields;
    char **names;
    int32_t *name_slots; /* open-addressing hash of names: field index, or -1 if free */
    size_t slot_mask;    /* number of slots - 1 (a power of two) */

    int64_t n_records;
    int64_t record_cap;
    int64_t *cells; /* n_records x n_fields offsets into arena, row-major */
    int64_t *lines; /* source line where each record starts */
    int64_t n_skipped;

    char *arena;
    size_t arena_len;
    size_t arena_cap;
};

int chorus_dataset_new(chorus_dataset **out);

/*
 * Adds a field named name[0..len) and sets *index, or sets *index to the existing field of
 * that name and returns 1 (the readers decide whether a repeat is an error). 0 on a new
 * field, CHORUS_ENOMEM.
 */
int chorus_dataset_add_field(chorus_dataset *ds, const char *name, size_t len, int32_t *index);

/* Index of name[0..len), or -1. */
int32_t chorus_dataset_find_field_n(const chorus_dataset *ds, const char *name, size_t len);

/* Makes room for `extra` more bytes in the arena (amortised doubling). */
int chorus_dataset_reserve_arena(chorus_dataset *ds, size_t extra);

/* Appends text[0..len) and a NUL to the arena; *offset is where it starts. */
int chorus_dataset_store_text(chorus_dataset *ds, const char *text, size_t len, int64_t *offset);

/*
 * Makes room for one more record's line number and, if with_cells, its n_fields cells (the
 * JSONL reader lays out the cells only at the end, once the field set is known).
 */
int chorus_dataset_reserve_record(chorus_dataset *ds, int with_cells);

/* Returns the slack of the growth buffers to the allocator once reading is done. */
void chorus_dataset_shrink(chorus_dataset *ds);

/* One bad row: fails with `message` unless skipping, else counts it and logs the first few. */
int chorus_dataset_bad_row(chorus_dataset *ds, int skip, const char *message);

/* After reading: logs how many rows were skipped beyond the ones described. */
void chorus_dataset_log_skips(const chorus_dataset *ds, const char *path);

int chorus_dataset_read_csv(chorus_dataset *ds, const char *path, int skip_bad_rows);
int chorus_dataset_read_jsonl(chorus_dataset *ds, const char *path, int skip_bad_rows);

#endif
