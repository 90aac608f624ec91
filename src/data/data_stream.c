/* Batches of records from a data file: the CSV and JSONL streams behind one interface. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "core/path.h"
#include "data/data_stream.h"
#include "data/dataset_internal.h"

struct data_stream {
    char *path;
    chorus_data_format format;
    csv_stream *csv;
    jsonl_stream *jsonl;
    chorus_dataset *fields; /* names only */
    int64_t file_size;
    int64_t n_skipped;
    int64_t skipped_lines[DATASET_MAX_LOGGED_SKIPS];
};

int data_stream_open(data_stream **out, const char *path, const chorus_data_options *opts,
                     const chorus_data_range *range, const char *const *given, int32_t n_given)
{
    chorus_data_options defaults = CHORUS_DATA_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    if (opts->version != CHORUS_DATA_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "data options version %u is not supported (%d is)",
                                opts->version, CHORUS_DATA_OPTIONS_VERSION);
    chorus_data_format format;
    int rc = chorus_data_resolve_format(path, opts, &format);
    if (rc) return rc;
    if ((rc = chorus_path_check_regular(path, "the data"))) return rc;
    data_stream *s = calloc(1, sizeof *s);
    if (!s) return chorus_error_nomem();
    s->format = format;
    s->file_size = INT64_MAX;
    struct stat st;
    if (stat(path, &st) == 0) s->file_size = (int64_t)st.st_size;
    if (!(s->path = strdup(path))) rc = chorus_error_nomem();
    if (!rc) rc = chorus_dataset_new(&s->fields);
    if (!rc && format == CHORUS_DATA_JSONL)
        rc = jsonl_stream_open(&s->jsonl, s->path, opts->skip_bad_rows, range, given, n_given,
                               s->fields);
    else if (!rc)
        rc = csv_stream_open(&s->csv, s->path, opts->skip_bad_rows,
                             format == CHORUS_DATA_TSV ? '\t' : ',', range, s->fields);
    if (rc) {
        data_stream_close(s);
        return rc;
    }
    *out = s;
    return CHORUS_OK;
}

int64_t data_stream_offset(const data_stream *s)
{
    return s->jsonl ? jsonl_stream_offset(s->jsonl) : csv_stream_offset(s->csv);
}

static int new_batch(data_stream *s, chorus_dataset **out)
{
    chorus_dataset *ds = NULL;
    int rc = chorus_dataset_new(&ds);
    if (!rc && !(ds->path = strdup(s->path))) rc = chorus_error_nomem();
    for (int32_t f = 0; !rc && s->csv && f < s->fields->n_fields; f++) {
        int32_t index;
        rc = chorus_dataset_add_field(ds, s->fields->names[f], strlen(s->fields->names[f]), &index);
    }
    if (rc) {
        chorus_dataset_free(ds);
        return rc < 0 ? rc : chorus_error_nomem();
    }
    ds->n_skipped_earlier = s->n_skipped;
    *out = ds;
    return CHORUS_OK;
}

int data_stream_next(data_stream *s, chorus_dataset **out, size_t max_bytes)
{
    chorus_dataset *ds = NULL;
    *out = NULL;
    int rc = new_batch(s, &ds);
    if (rc) return rc;
    for (;;) {
        const int64_t before = data_stream_offset(s);
        rc = s->jsonl ? jsonl_stream_next(s->jsonl, ds, max_bytes)
                      : csv_stream_next(s->csv, ds, max_bytes);
        if (rc) goto done;
        /* Only blank lines were read (still pending): read on, unless at the end. */
        if (ds->n_records || ds->n_skipped || data_stream_offset(s) == before) break;
    }
    for (int64_t i = 0; i < ds->n_skipped && s->n_skipped + i < DATASET_MAX_LOGGED_SKIPS; i++)
        s->skipped_lines[s->n_skipped + i] = ds->skipped_lines[i];
    s->n_skipped += ds->n_skipped;
done:
    if (rc || (ds->n_records == 0 && ds->n_skipped == 0)) {
        chorus_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return CHORUS_OK;
}

const chorus_dataset *data_stream_fields(const data_stream *s)
{
    return s->fields;
}

int data_stream_is_jsonl(const data_stream *s)
{
    return s->jsonl != NULL;
}

int64_t data_stream_file_size(const data_stream *s)
{
    return s->file_size;
}

int64_t data_stream_n_skipped(const data_stream *s)
{
    return s->n_skipped;
}

void data_stream_log_skips(const data_stream *s)
{
    chorus_dataset_log_skip_summary(s->path, s->n_skipped, s->skipped_lines);
}

void data_stream_close(data_stream *s)
{
    if (!s) return;
    csv_stream_close(s->csv);
    jsonl_stream_close(s->jsonl);
    chorus_dataset_free(s->fields);
    free(s->path);
    free(s);
}
