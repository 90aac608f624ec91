/*
 * Reading a data file (or a byte range of it, data_range.h) batch by batch, so what is in
 * memory at once is one batch of records, not the file: the engine of a streaming apply.
 */
#ifndef CHORUS_DATA_STREAM_H
#define CHORUS_DATA_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/data_range.h"

typedef struct data_stream data_stream;

/*
 * Opens path (a CSV or TSV file's header is read here) for the records of `range` (NULL: the
 * whole file). JSONL batches register the fields `given` first, in that order, so the fields
 * an apply reads have the same index in every batch (CSV batches have the header's fields).
 * Errors as chorus_dataset_read.
 */
int data_stream_open(data_stream **out, const char *path, const chorus_data_options *opts,
                     const chorus_data_range *range, const char *const *given, int32_t n_given);

/*
 * The next batch: a new dataset (the caller frees it) of the records read until past
 * max_bytes of input (at least one), with their file line numbers; or NULL at the end of the
 * range. Bad rows are skipped into it (chorus_dataset_n_skipped) or fail as in
 * chorus_dataset_read.
 */
int data_stream_next(data_stream *s, chorus_dataset **out, size_t max_bytes);

/* The fields so far: the header's (CSV, TSV), the names that had a value (JSONL). */
const chorus_dataset *data_stream_fields(const data_stream *s);
int data_stream_is_jsonl(const data_stream *s);
/* Bytes read so far, and the size of the file. */
int64_t data_stream_offset(const data_stream *s);
int64_t data_stream_file_size(const data_stream *s);
/* Rows skipped so far (skip_bad_rows); logs how many and the first lines. */
int64_t data_stream_n_skipped(const data_stream *s);
void data_stream_log_skips(const data_stream *s);

void data_stream_close(data_stream *s);

#endif
