/*
 * Datasets: the items labeling functions look at, as records of named text fields, read
 * from CSV (RFC 4180: header row, quoted fields with embedded commas, quotes and newlines,
 * UTF-8; LF, CRLF or CR line ends), TSV (the same with tabs, and a quote inside an unquoted
 * field is text) or JSONL (one JSON object per line; nested objects become dotted field
 * names, e.g. {"data": {"text": "hi"}} has the field "data.text").
 *
 * Every record is an item, in file order, so per-item outputs line up with the data: a
 * blank line between records is a malformed row (an error, or skipped and reported with
 * skip_bad_rows), blank lines at the end of the file are ignored, and a file without any
 * record is an error. Limits (README "Limits"): a record of at most 64 MiB, at most 100000
 * distinct fields; the file must be a regular file (not a FIFO or a device).
 */
#ifndef CHORUS_DATA_H
#define CHORUS_DATA_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_dataset chorus_dataset;

typedef enum chorus_data_format {
    CHORUS_DATA_AUTO = 0, /* .jsonl / .ndjson / .json-lines -> JSONL, .tsv / .tab -> TSV,
                             anything else CSV */
    CHORUS_DATA_CSV = 1,
    CHORUS_DATA_JSONL = 2,
    CHORUS_DATA_TSV = 3
} chorus_data_format;

typedef struct chorus_data_options {
    unsigned version;
    chorus_data_format format;
    /* Skip malformed rows (counted, the first few logged with their lines) instead of
     * failing. */
    int skip_bad_rows;
} chorus_data_options;

#define CHORUS_DATA_OPTIONS_VERSION 1
#define CHORUS_DATA_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CHORUS_DATA_OPTIONS_VERSION, CHORUS_DATA_AUTO, 0                                           \
    }

/*
 * Reads a whole dataset into memory. Errors: CHORUS_EIO (cannot open, not a regular file),
 * CHORUS_EFORMAT with "<path>:<line>: ..." (a ragged CSV row, an unterminated quote, a blank
 * line between records, invalid JSON, a JSONL line that is not an object, a record over the
 * length limit, too many fields) or "<path>: ..." (an empty file, no records),
 * CHORUS_ENOMEM.
 */
int chorus_dataset_read(chorus_dataset **out, const char *path, const chorus_data_options *opts);

void chorus_dataset_free(chorus_dataset *ds);

int64_t chorus_dataset_n_records(const chorus_dataset *ds);
int32_t chorus_dataset_n_fields(const chorus_dataset *ds);
const char *chorus_dataset_field_name(const chorus_dataset *ds, int32_t field);
/* Index of a field by exact name, or -1. */
int32_t chorus_dataset_find_field(const chorus_dataset *ds, const char *name);

/*
 * The value of a field of a record: a NUL-terminated UTF-8 string (numbers and booleans of
 * JSONL in their JSON spelling), *len its length if len is not NULL. NULL when the record
 * lacks the field (a JSONL object without the key, or JSON null); "" for an empty CSV cell.
 */
const char *chorus_dataset_value(const chorus_dataset *ds, int64_t record, int32_t field,
                                 size_t *len);

/* Rows skipped with skip_bad_rows, and the line number of the source of each record. */
int64_t chorus_dataset_n_skipped(const chorus_dataset *ds);
/* The line of the i-th row skipped, for i < CHORUS_DATA_SKIPPED_LINES_KEPT; else -1. */
#define CHORUS_DATA_SKIPPED_LINES_KEPT 10
int64_t chorus_dataset_skipped_line(const chorus_dataset *ds, int64_t i);
int64_t chorus_dataset_source_line(const chorus_dataset *ds, int64_t record);
/*
 * The record's row number in the file, from 0, counting the bad rows skipped before it
 * (each blank line between records is one): what identifies an item of data without ids,
 * stable whether or not bad rows were skipped. -1 for a record out of range.
 */
int64_t chorus_dataset_source_row(const chorus_dataset *ds, int64_t record);
/* The path the dataset was read from. */
const char *chorus_dataset_path(const chorus_dataset *ds);

/*
 * A view of one record, the argument of plugin labeling functions. Valid only during the
 * call that receives it.
 */
typedef struct chorus_record {
    const chorus_dataset *dataset;
    int64_t index;
} chorus_record;

/* Field access for plugins: by name (NULL if there is no such field or value) or index. */
const char *chorus_record_get(const chorus_record *record, const char *field, size_t *len);
const char *chorus_record_get_index(const chorus_record *record, int32_t field, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
