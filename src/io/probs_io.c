/* Reading and writing probabilistic labels as CSV, JSONL or .npy. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "chorus/parse.h"
#include "chorus/probs.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "core/number_format.h"
#include "io/csv_fields.h"
#include "io/npy_format.h"
#include "io/text_reader.h"
#include "probs/probs_internal.h"

/* How far a row may stray from summing to 1 (text formats round the last digits). */
#define ROW_SUM_TOLERANCE 1e-6

chorus_probs_format chorus_probs_format_from_path(const char *path)
{
    if (chorus_path_has_suffix(path, ".jsonl") || chorus_path_has_suffix(path, ".ndjson"))
        return CHORUS_PROBS_JSONL;
    if (chorus_path_has_suffix(path, ".npy")) return CHORUS_PROBS_NPY;
    return CHORUS_PROBS_CSV;
}

int chorus_probs_format_parse(chorus_probs_format *out, const char *name)
{
    static const char *const names[] = {"auto", "csv", "jsonl", "npy"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (chorus_probs_format)i;
            return CHORUS_OK;
        }
    return chorus_error_set(
        CHORUS_EINVAL, "unknown probabilities format '%s'; expected csv, jsonl, npy or auto", name);
}

static int write_csv(const chorus_probs *p, FILE *fp)
{
    for (int32_t k = 0; k < p->n_classes; k++) {
        if (k) fputc(',', fp);
        chorus_csv_write_field(fp, p->class_names[k]);
    }
    fputc('\n', fp);
    char buf[32];
    for (int64_t i = 0; i < p->n_items; i++) {
        const double *row = p->data + i * p->n_classes;
        for (int32_t k = 0; k < p->n_classes; k++) {
            if (k) fputc(',', fp);
            int n = chorus_format_double(buf, sizeof buf, row[k]);
            fwrite(buf, 1, (size_t)n, fp);
        }
        fputc('\n', fp);
    }
    return CHORUS_OK;
}

static int write_jsonl(const chorus_probs *p, FILE *fp)
{
    int32_t *labels = malloc((size_t)(p->n_items ? p->n_items : 1) * sizeof *labels);
    /* Class names as JSON strings, escaped once rather than once per item. */
    char **quoted = calloc((size_t)p->n_classes, sizeof *quoted);
    int rc = labels && quoted ? chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH)
                              : chorus_error_nomem();
    for (int32_t k = 0; !rc && k < p->n_classes; k++) {
        json_t *name = json_string(p->class_names[k]);
        quoted[k] = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
        json_decref(name);
        if (!quoted[k]) rc = chorus_error_nomem();
    }
    char buf[32];
    for (int64_t i = 0; !rc && i < p->n_items; i++) {
        const double *row = p->data + i * p->n_classes;
        fprintf(fp, "{\"item\": %" PRId64 ", \"label\": %" PRId32 ", \"class\": %s, \"probs\": [",
                i, labels[i], quoted[labels[i]]);
        for (int32_t k = 0; k < p->n_classes; k++) {
            if (k) fputs(", ", fp);
            int n = chorus_format_double(buf, sizeof buf, row[k]);
            fwrite(buf, 1, (size_t)n, fp);
        }
        fputs("]}\n", fp);
    }
    for (int32_t k = 0; quoted && k < p->n_classes; k++)
        free(quoted[k]);
    free(quoted);
    free(labels);
    return rc;
}

int chorus_probs_write(const chorus_probs *probs, const char *path, chorus_probs_format format)
{
    if (format == CHORUS_PROBS_AUTO) format = chorus_probs_format_from_path(path);
    if (format == CHORUS_PROBS_NPY) return chorus_probs_write_npy(probs, path);
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    rc = format == CHORUS_PROBS_JSONL ? write_jsonl(probs, file.fp) : write_csv(probs, file.fp);
    if (rc) {
        chorus_atomic_abort(&file);
        return rc;
    }
    return chorus_atomic_commit(&file);
}

/* A growing row-major buffer of probabilities while the number of rows is unknown. */
typedef struct rows {
    double *data;
    int64_t n;
    int64_t cap;
    int32_t width;
} rows;

static double *rows_next(rows *r)
{
    if (r->n == r->cap) {
        int64_t cap = r->cap ? r->cap * 2 : 1024;
        double *d = realloc(r->data, (size_t)cap * (size_t)r->width * sizeof *d);
        if (!d) return NULL;
        r->data = d;
        r->cap = cap;
    }
    return r->data + (r->n++) * r->width;
}

static int check_row(const double *row, int32_t k, const char *path, int64_t line)
{
    double sum = 0;
    for (int32_t c = 0; c < k; c++) {
        if (!(row[c] >= 0 && row[c] <= 1))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": column %" PRId32 ": %g is not a probability",
                                    path, line, c + 1, row[c]);
        sum += row[c];
    }
    if (fabs(sum - 1) > ROW_SUM_TOLERANCE)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": probabilities sum to %.9g; expected 1", path, line,
                                sum);
    return CHORUS_OK;
}

static int finish(chorus_probs **out, rows *r, char **names, int32_t k)
{
    int rc = chorus_probs_new(out, r->n, k);
    if (rc) return rc;
    if (r->n) memcpy((*out)->data, r->data, (size_t)r->n * (size_t)k * sizeof(double));
    for (int32_t c = 0; names && c < k; c++) {
        rc = chorus_probs_set_class_name(*out, c, names[c]);
        if (rc) {
            chorus_probs_free(*out);
            *out = NULL;
            return rc;
        }
    }
    return CHORUS_OK;
}

static int read_csv(chorus_probs **out, const char *path)
{
    chorus_text_reader reader;
    chorus_csv_fields fields = {0};
    rows r = {0};
    char **names = NULL;
    int32_t k = 0;
    char *line;
    size_t len, bad;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    rc = chorus_text_reader_header(&reader, &line, &len, "a header of class names");
    if (rc) goto done;
    rc = chorus_csv_split(&fields, line, len, &bad);
    if (rc == -1) rc = chorus_error_set(CHORUS_EFORMAT, "%s:1: malformed quotes", path);
    if (rc) goto done;
    if (fields.count < 2 || fields.count > 65535) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:1: %zu columns; expected a header of 2 or more class names", path,
                              fields.count);
        goto done;
    }
    k = (int32_t)fields.count;
    r.width = k;
    names = calloc((size_t)k, sizeof *names);
    if (!names) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t c = 0; c < k; c++)
        if (!(names[c] = strndup(fields.fields[c].text, fields.fields[c].len))) {
            rc = chorus_error_nomem();
            goto done;
        }
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        rc = chorus_csv_split(&fields, line, len, &bad);
        if (rc == -1)
            rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": malformed quotes", path,
                                  reader.line_no);
        if (rc) goto done;
        if (fields.count != (size_t)k) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": %zu fields, expected %" PRId32
                                  " (one per class of the header)",
                                  path, reader.line_no, fields.count, k);
            goto done;
        }
        double *row = rows_next(&r);
        if (!row) {
            rc = chorus_error_nomem();
            goto done;
        }
        for (int32_t c = 0; c < k; c++)
            if (chorus_parse_double(fields.fields[c].text, fields.fields[c].len, &row[c]) != 0) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": column %" PRId32 ": '%.*s' is not a number",
                                      path, reader.line_no, c + 1,
                                      (int)(fields.fields[c].len > 40 ? 40 : fields.fields[c].len),
                                      fields.fields[c].text);
                goto done;
            }
        if ((rc = check_row(row, k, path, reader.line_no))) goto done;
    }
    if (rc < 0) goto done;
    if (r.n == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s: only a header, no rows of probabilities", path);
        goto done;
    }
    rc = finish(out, &r, names, k);
done:
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&fields);
    if (names)
        for (int32_t c = 0; c < k; c++)
            free(names[c]);
    free(names);
    free(r.data);
    return rc;
}

static int read_jsonl(chorus_probs **out, const char *path)
{
    chorus_text_reader reader;
    rows r = {0};
    int32_t k = 0;
    char *line;
    size_t len;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        json_error_t err;
        json_t *obj = json_loadb(line, len, 0, &err);
        json_t *probs = obj ? json_object_get(obj, "probs") : NULL;
        size_t count = json_is_array(probs) ? json_array_size(probs) : 0;
        if (!obj || count < 2 || count > 65535 || (k && count != (size_t)k)) {
            if (!obj)
                rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": column %d: %s", path,
                                      reader.line_no, err.column, err.text);
            else
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": expected an object with \"probs\": an array "
                                      "of %s numbers",
                                      path, reader.line_no, k ? "the same number of" : "2 or more");
            json_decref(obj);
            goto done;
        }
        if (!k) k = r.width = (int32_t)count;
        double *row = rows_next(&r);
        if (!row) {
            json_decref(obj);
            rc = chorus_error_nomem();
            goto done;
        }
        for (int32_t c = 0; c < k; c++) {
            json_t *x = json_array_get(probs, (size_t)c);
            row[c] = json_is_number(x) ? json_number_value(x) : NAN;
        }
        json_decref(obj);
        if ((rc = check_row(row, k, path, reader.line_no))) goto done;
    }
    if (rc < 0) goto done;
    if (r.n == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s: no lines of probabilities", path);
        goto done;
    }
    rc = finish(out, &r, NULL, k);
done:
    chorus_text_reader_close(&reader);
    free(r.data);
    return rc;
}

int chorus_probs_read(chorus_probs **out, const char *path, chorus_probs_format format)
{
    *out = NULL;
    if (format == CHORUS_PROBS_AUTO) format = chorus_probs_format_from_path(path);
    switch (format) {
    case CHORUS_PROBS_NPY:
        return chorus_probs_read_npy(out, path);
    case CHORUS_PROBS_JSONL:
        return read_jsonl(out, path);
    default:
        return read_csv(out, path);
    }
}
