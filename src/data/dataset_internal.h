/*
 * The dataset container shared by the CSV, TSV and JSONL readers. Values live back to back,
 * NUL-terminated, in one arena; a record is a row of int64 offsets into it (one per field,
 * DATASET_MISSING when the record lacks the field), so a million records cost two large
 * allocations rather than one per cell. JSONL records that each have few of many fields
 * are stored sparse instead: per record, its (field, offset) pairs sorted by field.
 */
#ifndef CHORUS_DATASET_INTERNAL_H
#define CHORUS_DATASET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/data.h"
#include "chorus/data_range.h"

#define DATASET_MISSING (-1)

/* Rows beyond this many skipped are counted but not described in the log. */
#define DATASET_MAX_LOGGED_SKIPS CHORUS_DATA_SKIPPED_LINES_KEPT

/* Limits that keep hostile input from exhausting memory (README "Limits"). A record (a CSV
 * or TSV record, which may span lines, or a JSONL line) longer than this is refused. */
#define DATASET_MAX_RECORD_BYTES ((size_t)64 << 20)
/* Distinct fields: the CSV header's columns, or the dotted names over all JSONL records. */
#define DATASET_MAX_FIELDS 100000
/* The record-by-field table is laid out dense unless it would hold more than this many
 * cells per value present (and more than DATASET_DENSE_ALWAYS cells in all). */
#define DATASET_DENSE_SLACK 8
#define DATASET_DENSE_ALWAYS ((size_t)1 << 20)

/* One value of a record: which field, and where its text starts in the arena. */
typedef struct dataset_cell {
    int64_t offset;
    int32_t field;
} dataset_cell;

struct chorus_dataset {
    int32_t n_fields;
    char **names;
    int32_t *name_slots; /* open-addressing hash of names: field index, or -1 if free */
    size_t slot_mask;    /* number of slots - 1 (a power of two) */

    int64_t n_records;
    int64_t record_cap;
    int64_t *cells;      /* n_records x n_fields offsets into arena, row-major; NULL when sparse */
    int64_t *sparse_row; /* sparse: record r's cells are sparse_cells[row[r]..row[r+1]) */
    dataset_cell *sparse_cells; /* sparse: sorted by field within each record */
    int64_t *lines;             /* source line where each record starts */
    int64_t n_skipped;
    int64_t n_skipped_earlier; /* streaming: rows skipped in earlier batches (for the log) */
    int64_t skipped_lines[DATASET_MAX_LOGGED_SKIPS]; /* of the first rows skipped */
    /* Per row skipped, how many records came before it (never decreasing), so a record's
     * row number in the file counts the skipped rows before it. */
    int64_t *skipped_before;
    int64_t skipped_cap;
    char *path; /* the file read */

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

/*
 * Lays out the record-by-field table from the (field, offset) pairs of every record, each
 * record's ended by a pair with field -1; a field repeated in a record keeps its last value.
 * Dense, or sparse when that would be mostly holes. Sorts cells in place.
 */
int chorus_dataset_lay_out(chorus_dataset *ds, dataset_cell *cells, size_t n_cells);

/* Returns the slack of the growth buffers to the allocator once reading is done. */
void chorus_dataset_shrink(chorus_dataset *ds);

/*
 * One bad row at `line`: fails with `message` (CHORUS_EFORMAT) unless skipping, else counts
 * it, keeps its line number and where it lies among the records, and logs the first few.
 * CHORUS_ENOMEM when skipping.
 */
int chorus_dataset_bad_row(chorus_dataset *ds, int skip, int64_t line, const char *message);

/*
 * n blank lines from line `first` on, followed by a record: each is a bad row (a blank line
 * is no item, so skipping it silently would misalign the items with the file's lines).
 * Blank lines at the end of a file are not reported.
 */
int chorus_dataset_blank_lines(chorus_dataset *ds, int skip, const char *path, int64_t first,
                               int64_t n);

/* After reading: logs how many rows were skipped and on which lines (the first few). */
void chorus_dataset_log_skips(const chorus_dataset *ds, const char *path);

/* The error for a file that held no record: "<path>: no records; expected ...". */
int chorus_dataset_no_records(const chorus_dataset *ds, const char *path, const char *expected);

/* delimiter: ',' for CSV, '\t' for TSV (where a quote inside an unquoted field is text). */
int chorus_dataset_read_csv(chorus_dataset *ds, const char *path, int skip_bad_rows,
                            char delimiter);
int chorus_dataset_read_jsonl(chorus_dataset *ds, const char *path, int skip_bad_rows);

/*
 * Streaming readers: the header (CSV) or nothing (JSONL) at open, then the records of a range
 * (NULL: the whole file) batch by batch into datasets the caller makes. A batch ends after the
 * record that takes it past max_bytes of input, or at the end of the range; a batch with no
 * records means the end. Records starting at or past range->end are a later range's, and a
 * record of this range running past it is CHORUS_EFORMAT (the split was wrong).
 */
typedef struct csv_stream csv_stream;
/* Reads the header into `fields` (names); each batch's dataset needs those names first. */
int csv_stream_open(csv_stream **out, const char *path, int skip_bad_rows, char delimiter,
                    const chorus_data_range *range, chorus_dataset *fields);
int csv_stream_next(csv_stream *s, chorus_dataset *ds, size_t max_bytes);
/* The offset of the first byte after the header, and of the input not yet read. */
int64_t csv_stream_data_start(const csv_stream *s);
int64_t csv_stream_offset(const csv_stream *s);
void csv_stream_close(csv_stream *s);

typedef struct jsonl_stream jsonl_stream;
/* Every batch registers the fields `given` first, so their indices are the same in every
 * batch; `fields` (may be NULL) collects the names of the fields that had a value. */
int jsonl_stream_open(jsonl_stream **out, const char *path, int skip_bad_rows,
                      const chorus_data_range *range, const char *const *given, int32_t n_given,
                      chorus_dataset *fields);
int jsonl_stream_next(jsonl_stream *s, chorus_dataset *ds, size_t max_bytes);
int64_t jsonl_stream_offset(const jsonl_stream *s);
void jsonl_stream_close(jsonl_stream *s);

/* The format a path and options mean (CHORUS_DATA_AUTO resolved by the file name), or -1
 * with CHORUS_EINVAL set for an unknown one. */
int chorus_data_resolve_format(const char *path, const chorus_data_options *opts,
                               chorus_data_format *format);

/* Logs "<path>: skipped N bad rows, on lines ..." given the first lines (at most
 * DATASET_MAX_LOGGED_SKIPS of them). */
void chorus_dataset_log_skip_summary(const char *path, int64_t n_skipped, const int64_t *lines);

#endif
