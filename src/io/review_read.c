/*
 * Reading review files: CSV (a header with `item` and `answer` among its columns; quoted
 * fields may span lines) or JSONL (one object per line). Only the item, the answer and
 * where the row was are kept; the other columns are for the person filling the file in.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "io/csv_fields.h"
#include "io/review_internal.h"
#include "io/text_reader.h"

/* A CSV record: one line, or several when a quoted field holds line breaks. */
typedef struct csv_record {
    char *text;
    size_t len, cap;
    int64_t first_line;
} csv_record;

static int record_append(csv_record *rec, const char *line, size_t len, int newline)
{
    const size_t need = rec->len + len + (newline ? 1 : 0) + 1;
    if (need > CHORUS_TEXT_MAX_LINE_BYTES)
        return chorus_error_set(CHORUS_EFORMAT, "a record of more than %zu bytes",
                                CHORUS_TEXT_MAX_LINE_BYTES);
    if (need > rec->cap) {
        size_t cap = rec->cap ? rec->cap : 256;
        while (cap < need)
            cap *= 2;
        char *text = realloc(rec->text, cap);
        if (!text) return chorus_error_nomem();
        rec->text = text;
        rec->cap = cap;
    }
    if (newline) rec->text[rec->len++] = '\n';
    memcpy(rec->text + rec->len, line, len);
    rec->len += len;
    rec->text[rec->len] = '\0';
    return CHORUS_OK;
}

static size_t count_quotes(const char *line, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += line[i] == '"';
    return n;
}

/* The next record: 1, 0 at the end, or an error. An odd number of quotes means a quoted
 * field goes on on the next line. */
static int next_record(chorus_text_reader *reader, csv_record *rec)
{
    char *line;
    size_t len;
    int rc = chorus_text_reader_next(reader, &line, &len);
    if (rc <= 0) return rc;
    rec->len = 0;
    rec->first_line = reader->line_no;
    size_t quotes = count_quotes(line, len);
    if ((rc = record_append(rec, line, len, 0))) goto fail;
    while (quotes % 2) {
        rc = chorus_text_reader_next(reader, &line, &len);
        if (rc < 0) return rc;
        if (rc == 0)
            return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": a quote is never closed",
                                    reader->path, rec->first_line);
        quotes += count_quotes(line, len);
        if ((rc = record_append(rec, line, len, 1))) goto fail;
    }
    return 1;
fail:
    if (rc == CHORUS_EFORMAT) chorus_error_wrap("%s:%" PRId64 ": ", reader->path, rec->first_line);
    return rc;
}

static char *field_copy(const chorus_csv_field *f)
{
    char *copy = malloc(f->len + 1);
    if (copy) {
        memcpy(copy, f->text, f->len);
        copy[f->len] = '\0';
    }
    return copy;
}

/* The positions of item and answer in the header. */
static int find_columns(const chorus_csv_fields *header, const char *path, size_t *item,
                        size_t *answer)
{
    static const char *const names[] = {"item", "answer"};
    size_t *slots[] = {item, answer};
    for (int k = 0; k < 2; k++) {
        *slots[k] = SIZE_MAX;
        for (size_t c = 0; c < header->count; c++) {
            const chorus_csv_field *f = &header->fields[c];
            if (f->len != strlen(names[k]) || memcmp(f->text, names[k], f->len) != 0) continue;
            if (*slots[k] != SIZE_MAX)
                return chorus_error_set(CHORUS_EFORMAT,
                                        "%s:1: the column '%s' is there twice (columns %zu "
                                        "and %zu)",
                                        path, names[k], *slots[k] + 1, c + 1);
            *slots[k] = c;
        }
        if (*slots[k] == SIZE_MAX)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:1: no '%s' column; a review file has the columns item "
                                    "and answer",
                                    path, names[k]);
    }
    return CHORUS_OK;
}

static int read_csv(chorus_review *review, int32_t file, chorus_text_reader *reader)
{
    const char *path = reader->path;
    chorus_csv_fields header = {0}, fields = {0};
    csv_record rec = {0};
    size_t item_col, answer_col;
    char *line;
    size_t len;
    int rc = chorus_text_reader_header(reader, &line, &len, "a header with item and answer");
    if (rc) goto done;
    /* Spreadsheets save CSV with a byte-order mark. */
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    header.max_fields = CHORUS_REVIEW_MAX_COLUMNS + 2;
    if ((rc = chorus_csv_split_line(&header, line, len, path, 1))) goto done;
    if ((rc = find_columns(&header, path, &item_col, &answer_col))) goto done;
    fields.max_fields = header.count;
    while ((rc = next_record(reader, &rec)) == 1) {
        if (rec.len == 0) continue; /* a blank line carries no row */
        if ((rc = chorus_csv_split_line(&fields, rec.text, rec.len, path, rec.first_line)))
            goto done;
        if (fields.count != header.count) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": %zu fields, but the header has %zu", path,
                                  rec.first_line, fields.count, header.count);
            goto done;
        }
        if (fields.fields[item_col].len == 0) {
            rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": the item is empty", path,
                                  rec.first_line);
            goto done;
        }
        char *item = field_copy(&fields.fields[item_col]);
        char *answer = field_copy(&fields.fields[answer_col]);
        if (!item || !answer) {
            free(item);
            free(answer);
            rc = chorus_error_nomem();
            goto done;
        }
        if ((rc = review_push(review, item, answer, NULL, file, rec.first_line))) goto done;
    }
done:
    chorus_csv_fields_free(&header);
    chorus_csv_fields_free(&fields);
    free(rec.text);
    return rc < 0 ? rc : CHORUS_OK;
}

/* The text of a JSON string or integer (a new string), or NULL when out of memory. */
static char *json_scalar(const json_t *value)
{
    if (json_is_string(value)) return strdup(json_string_value(value));
    char buf[32];
    snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    return strdup(buf);
}

static const char *json_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_REAL:
        return "a fraction";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "a value";
    }
}

static int read_jsonl_line(chorus_review *review, int32_t file, const char *path, int64_t line_no,
                           const char *line, size_t len)
{
    json_error_t error;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &error);
    int rc = CHORUS_OK;
    if (!root) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": column %d: invalid JSON: %s", path,
                              line_no, error.column, error.text);
        goto done;
    }
    if (!json_is_object(root)) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": %s, not an object", path, line_no,
                              json_kind(root));
        goto done;
    }
    const json_t *item = json_object_get(root, "item");
    const json_t *answer = json_object_get(root, "answer");
    if (!item || !(json_is_string(item) || json_is_integer(item))) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": 'item' is %s; it is the item's id, a string or "
                              "an integer",
                              path, line_no, item ? json_kind(item) : "missing");
        goto done;
    }
    if (json_is_string(item) && json_string_length(item) == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": the item is empty", path, line_no);
        goto done;
    }
    if (answer && !json_is_null(answer) && !json_is_string(answer) && !json_is_integer(answer)) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": 'answer' is %s; it is a class name or index, or "
                              "null while not reviewed",
                              path, line_no, json_kind(answer));
        goto done;
    }
    char *item_text = json_scalar(item);
    char *answer_text = answer && !json_is_null(answer) ? json_scalar(answer) : NULL;
    if (!item_text || (answer && !json_is_null(answer) && !answer_text)) {
        free(item_text);
        free(answer_text);
        rc = chorus_error_nomem();
        goto done;
    }
    rc = review_push(review, item_text, answer_text, NULL, file, line_no);
done:
    json_decref(root);
    return rc;
}

static int read_jsonl(chorus_review *review, int32_t file, chorus_text_reader *reader)
{
    char *line;
    size_t len;
    const int64_t rows_before = chorus_review_n_rows(review);
    int rc = chorus_text_reader_header(reader, &line, &len, "one JSON object per line");
    while (rc >= 0) {
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if (start < len &&
            (rc = read_jsonl_line(review, file, reader->path, reader->line_no, line, len)))
            break;
        rc = chorus_text_reader_next(reader, &line, &len);
        if (rc == 0) break;
    }
    if (rc < 0) return rc;
    /* Blank lines only: as empty as an empty file (and nothing a writer would produce). */
    if (chorus_review_n_rows(review) == rows_before)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: only blank lines; expected one JSON object "
                                "per line",
                                reader->path);
    return CHORUS_OK;
}

int chorus_review_read(chorus_review **out, const char *path)
{
    *out = NULL;
    const int jsonl = review_is_jsonl(path);
    if (jsonl < 0) return CHORUS_EINVAL;
    chorus_review *review = NULL;
    chorus_text_reader reader;
    int rc = chorus_review_new(&review, 0, NULL, NULL);
    if (rc) return rc;
    if ((rc = chorus_text_reader_open(&reader, path))) {
        chorus_review_free(review);
        return rc;
    }
    const int32_t file = review_add_path(review, path);
    if (file < 0)
        rc = CHORUS_ENOMEM;
    else
        rc = jsonl ? read_jsonl(review, file, &reader) : read_csv(review, file, &reader);
    chorus_text_reader_close(&reader);
    if (rc) {
        chorus_review_free(review);
        return rc;
    }
    *out = review;
    return CHORUS_OK;
}
