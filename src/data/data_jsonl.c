/*
 * JSONL datasets: one JSON object per line, parsed with jansson. Nested objects flatten to
 * dotted names and the field set is the union over all records, so it is only known at
 * the end: values go to the arena as they come, with (field, offset) pairs noted per
 * record, and the dense record-by-field table is laid out once the whole file (or, when
 * streaming, the batch) is read. A stream registers the fields its caller reads first in
 * every batch, so they keep their indices from batch to batch.
 *
 * jansson reads about 35 MB/s (it lexes through a per-byte callback), several seconds for
 * a million records, so typical lines go through a small parser instead
 * (data_jsonl_fast.c): objects, strings, numbers, true/false/null only, validated as
 * strictly as jansson does. Any line it is not sure of (an array, a repeated key, any error)
 * is handed to jansson, whose result is then the answer and whose message names the error;
 * both paths produce the same values (tests/unit/test_data.c checks them against each
 * other). Arrays are stored as jansson's compact text of them.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus/error.h"
#include "core/hash.h"
#include "core/error_internal.h"
#include "core/number_format.h"
#include "data/data_lines.h"
#include "data/data_jsonl_internal.h"
#include "data/dataset_internal.h"

int jsonl_put(strbuf *b, const char *s, size_t n)
{
    /* Allocated even for n == 0: an empty top-level key still needs a name string. */
    if (!b->data || n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) return chorus_error_nomem();
            cap *= 2;
        }
        char *data = realloc(b->data, cap);
        if (!data) return chorus_error_nomem();
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return CHORUS_OK;
}

int jsonl_put_cell(jsonl_state *st, int32_t field, int64_t offset)
{
    if (field >= 0 && field < st->n_given) st->given_seen[field] = 1;
    if (st->n_cells == st->cells_cap) {
        size_t cap = st->cells_cap ? st->cells_cap * 2 : 4096;
        jsonl_cell *cells = realloc(st->cells, cap * sizeof *cells);
        if (!cells) return chorus_error_nomem();
        st->cells = cells;
        st->cells_cap = cap;
    }
    st->cells[st->n_cells].field = field;
    st->cells[st->n_cells].offset = offset;
    st->n_cells++;
    return CHORUS_OK;
}

/* A real in the shortest form that reads back the same, kept recognisable as a real the
 * way jansson writes it: 2.0, not 2. */

static void number_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_integer(v))
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
        jsonl_real_text(json_real_value(v), buf, size);
}

/* Stores a non-null, non-object value under the current dotted name. */
static int add_value(jsonl_state *st, const json_t *v)
{
    chorus_dataset *ds = st->ds;
    char num[40];
    const char *text = num;
    char *dumped = NULL;
    size_t len;
    int32_t field;
    int rc = chorus_dataset_add_field(ds, st->name.data, st->name.len, &field);
    if (rc < 0) return rc;
    switch (json_typeof(v)) {
    case JSON_STRING:
        text = json_string_value(v);
        len = json_string_length(v);
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        number_text(v, num, sizeof num);
        len = strlen(num);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        text = json_is_true(v) ? "true" : "false";
        len = strlen(text);
        break;
    default: /* an array: its compact JSON text */
        dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!dumped) return chorus_error_nomem();
        text = dumped;
        len = strlen(dumped);
        break;
    }
    int64_t offset;
    rc = chorus_dataset_store_text(ds, text, len, &offset);
    free(dumped);
    return rc ? rc : jsonl_put_cell(st, field, offset);
}

/* Walks an object, extending the dotted name into nested objects; null means missing. */
static int flatten(jsonl_state *st, json_t *object)
{
    size_t base = st->name.len;
    int rc = CHORUS_OK;
    for (void *it = json_object_iter(object); it; it = json_object_iter_next(object, it)) {
        const char *key = json_object_iter_key(it);
        json_t *value = json_object_iter_value(it);
        st->name.len = base;
        if (base) rc = jsonl_put(&st->name, ".", 1);
        if (!rc) rc = jsonl_put(&st->name, key, strlen(key));
        if (rc) break;
        if (json_is_object(value))
            rc = flatten(st, value);
        else if (!json_is_null(value))
            rc = add_value(st, value);
        if (rc) break;
    }
    st->name.len = base;
    return rc;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "an object";
    }
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

struct jsonl_stream {
    data_lines reader;
    jsonl_state st;
    const char *path;
    int skip_bad_rows;
    int64_t end; /* lines starting at or past this offset belong to a later range */
    int64_t file_size;
    const char *const *given; /* field names every batch registers first */
    int32_t n_given;
    chorus_dataset *fields; /* the fields seen in the batches so far */
    /* Blank lines not yet followed by a record: an error (or skipped rows) if one comes. */
    int64_t blank_first, n_blank;
    int done;
};

int jsonl_stream_open(jsonl_stream **out, const char *path, int skip_bad_rows,
                      const chorus_data_range *range, const char *const *given, int32_t n_given,
                      chorus_dataset *fields)
{
    jsonl_stream *s = calloc(1, sizeof *s);
    if (!s) return chorus_error_nomem();
    int rc = data_lines_open(&s->reader, path, DATASET_MAX_RECORD_BYTES, "the data");
    if (rc) {
        free(s);
        return rc;
    }
    s->path = path;
    s->skip_bad_rows = skip_bad_rows;
    s->end = range && range->end >= 0 ? range->end : INT64_MAX;
    struct stat sb;
    s->file_size = fstat(fileno(s->reader.fp), &sb) == 0 ? (int64_t)sb.st_size : INT64_MAX;
    s->given = given;
    s->n_given = n_given;
    s->st.n_given = n_given;
    s->fields = fields;
    if (n_given > 0 && !(s->st.given_seen = calloc((size_t)n_given, 1))) rc = chorus_error_nomem();
    if (!rc && range && range->begin > 0)
        rc = data_lines_seek(&s->reader, range->begin, range->first_line - 1);
    if (rc) {
        jsonl_stream_close(s);
        return rc;
    }
    *out = s;
    return CHORUS_OK;
}

int64_t jsonl_stream_offset(const jsonl_stream *s)
{
    return data_lines_offset(&s->reader);
}

void jsonl_stream_close(jsonl_stream *s)
{
    if (!s) return;
    free(s->st.cells);
    free(s->st.name.data);
    free(s->st.text.data);
    free(s->st.leaves);
    free(s->st.leaf_names.data);
    free(s->st.seen);
    free(s->st.given_seen);
    data_lines_close(&s->reader);
    free(s);
}

/* Adds the batch's fields that had a value to the fields seen so far. */
static int note_fields(jsonl_stream *s, const chorus_dataset *ds)
{
    for (int32_t f = 0; s->fields && f < ds->n_fields; f++) {
        if (f < s->n_given && !s->st.given_seen[f]) continue;
        int32_t index;
        int rc = chorus_dataset_add_field(s->fields, ds->names[f], strlen(ds->names[f]), &index);
        if (rc < 0) return rc;
    }
    return CHORUS_OK;
}

int jsonl_stream_next(jsonl_stream *s, chorus_dataset *ds, size_t max_bytes)
{
    jsonl_state *st = &s->st;
    data_lines *reader = &s->reader;
    const char *path = s->path;
    const int skip_bad_rows = s->skip_bad_rows;
    const int64_t batch_start = jsonl_stream_offset(s);
    char message[512];
    char *line;
    size_t len;
    int rc = CHORUS_OK;
    st->ds = ds;
    st->n_cells = 0;
    for (int32_t f = 0; f < s->n_given; f++) {
        int32_t index;
        if ((rc = chorus_dataset_add_field(ds, s->given[f], strlen(s->given[f]), &index)) < 0)
            return rc;
    }
    while (!s->done && (size_t)(jsonl_stream_offset(s) - batch_start) < max_bytes) {
        const int64_t line_start = jsonl_stream_offset(s);
        rc = line_start >= s->end ? 0 : data_lines_next(reader, &line, &len);
        if (rc == 0) {
            /* Blank lines at the end of a range that more records follow lie between
             * records, as they do in the whole file; at the end of the file they do not. */
            if (s->n_blank && s->end < s->file_size) {
                rc =
                    chorus_dataset_blank_lines(ds, skip_bad_rows, path, s->blank_first, s->n_blank);
                if (rc) return rc;
            }
            s->n_blank = 0;
            s->done = 1;
            break;
        }
        if (rc < 0) return rc;
        if (jsonl_stream_offset(s) > s->end)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": the line runs past byte %" PRId64
                                    ", where the next range begins; the ranges do not start "
                                    "at line ends",
                                    path, reader->line_no, s->end);
        if (rc == 1) {
            if (line_start == 0 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
                line += 3;
                len -= 3;
            }
            if (is_blank(line, len)) {
                if (s->n_blank++ == 0) s->blank_first = reader->line_no;
                continue;
            }
        }
        if (s->n_blank) {
            rc = chorus_dataset_blank_lines(ds, skip_bad_rows, path, s->blank_first, s->n_blank);
            if (rc) return rc;
            s->n_blank = 0;
        }
        if (rc == DATA_LINES_NUL) { /* a bad line like any other */
            snprintf(message, sizeof message, "%s", chorus_error_last());
            rc = chorus_dataset_bad_row(ds, skip_bad_rows, reader->line_no, message);
            if (rc) return rc;
            continue;
        }

        rc = chorus_dataset_reserve_record(ds, 0);
        if (!rc) rc = jsonl_fast_record(st, line);
        if (rc < 0) goto done_line;
        if (rc == CHORUS_OK) {
            if ((rc = jsonl_put_cell(st, -1, DATASET_MISSING))) return rc;
            ds->lines[ds->n_records++] = reader->line_no;
            continue;
        }

        json_error_t error;
        json_t *root = json_loadb(line, len, JSON_DECODE_ANY, &error);
        if (!root || !json_is_object(root)) {
            if (root)
                snprintf(message, sizeof message,
                         "%s:%" PRId64 ": %s, expected a JSON object (one record per line)", path,
                         reader->line_no, type_name(root));
            else
                snprintf(message, sizeof message, "%s:%" PRId64 ": column %d: invalid JSON: %s",
                         path, reader->line_no, error.column, error.text);
            json_decref(root);
            rc = chorus_dataset_bad_row(ds, skip_bad_rows, reader->line_no, message);
            if (rc) return rc;
            continue;
        }
        st->name.len = 0;
        rc = flatten(st, root);
        if (!rc) rc = jsonl_put_cell(st, -1, DATASET_MISSING);
        json_decref(root);
        if (rc) goto done_line;
        ds->lines[ds->n_records++] = reader->line_no;
    }
    if (ds->n_records > 0 && (rc = chorus_dataset_lay_out(ds, st->cells, st->n_cells))) return rc;
    return note_fields(s, ds);

done_line:
    /* Failures with no place of their own (too many fields) get the line's. */
    if (rc == CHORUS_EFORMAT) chorus_error_wrap("%s:%" PRId64 ": ", path, reader->line_no);
    return rc;
}

int chorus_dataset_read_jsonl(chorus_dataset *ds, const char *path, int skip_bad_rows)
{
    jsonl_stream *s = NULL;
    int rc = jsonl_stream_open(&s, path, skip_bad_rows, NULL, NULL, 0, NULL);
    if (!rc) rc = jsonl_stream_next(s, ds, SIZE_MAX);
    if (!rc && ds->n_records == 0)
        rc = chorus_dataset_no_records(ds, path, "one JSON object per line");
    jsonl_stream_close(s);
    return rc;
}
