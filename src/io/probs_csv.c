/*
 * Probabilities as CSV: "item,covered,<class names>" and one row per item. The older
 * layout, a header of class names and rows of probabilities only, is read too: a header
 * that does not start with "item" is one.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/parse.h"
#include "core/error_internal.h"
#include "core/number_format.h"
#include "io/csv_fields.h"
#include "io/probs_formats.h"
#include "io/probs_rows.h"
#include "io/text_reader.h"

int chorus_probs_check_csv_names(int32_t k, const char *const *names)
{
    for (int32_t c = 0; c < k; c++)
        if (strcmp(names[c], "item") == 0 || strcmp(names[c], "covered") == 0)
            return chorus_error_set(CHORUS_EINVAL,
                                    "class %d is named '%s', a column of the probabilities CSV "
                                    "of its own; rename the class or write JSONL",
                                    (int)c, names[c]);
    return CHORUS_OK;
}

void chorus_probs_write_csv_header(FILE *fp, int32_t k, const char *const *names, int covered)
{
    fputs(covered ? "item,covered" : "item", fp);
    for (int32_t c = 0; c < k; c++) {
        fputc(',', fp);
        chorus_csv_write_field(fp, names[c]);
    }
    fputc('\n', fp);
}

void chorus_probs_write_csv_rows(const chorus_probs *p, FILE *fp)
{
    const int32_t k = chorus_probs_n_classes(p);
    const uint8_t *covered = chorus_probs_covered(p);
    const double *data = chorus_probs_const_data(p);
    char buf[32];
    for (int64_t i = 0; i < chorus_probs_n_items(p); i++) {
        if (chorus_probs_item_name(p, i))
            chorus_csv_write_field(fp, chorus_probs_item_name(p, i));
        else
            fprintf(fp, "%" PRId64, chorus_probs_item_id(p, i));
        if (covered) fputs(covered[i] ? ",1" : ",0", fp);
        const double *row = data + i * k;
        for (int32_t c = 0; c < k; c++) {
            fputc(',', fp);
            int n = chorus_format_double(buf, sizeof buf, row[c]);
            fwrite(buf, 1, (size_t)n, fp);
        }
        fputc('\n', fp);
    }
}

static int field_is(const chorus_csv_field *f, const char *name)
{
    return f->len == strlen(name) && memcmp(f->text, name, f->len) == 0;
}

/* The header: which leading columns there are, and the class names after them. */
static int read_header(chorus_csv_fields *fields, chorus_probs_rows *r, char ***names, size_t *lead,
                       const char *path)
{
    *lead = 0;
    if (fields->count > 0 && field_is(&fields->fields[0], "item")) {
        r->has_ids = true;
        *lead = 1;
        if (fields->count > 1 && field_is(&fields->fields[1], "covered")) {
            r->has_covered = true;
            *lead = 2;
        }
    }
    const size_t k = fields->count - *lead;
    if (k < 2 || k > 65535)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:1: %zu columns; expected a header of 2 or more class names%s",
                                path, k, *lead ? " after \"item\" and \"covered\"" : "");
    r->width = (int32_t)k;
    *names = calloc(k, sizeof **names);
    if (!*names) return chorus_error_nomem();
    for (size_t c = 0; c < k; c++) {
        const chorus_csv_field *f = &fields->fields[*lead + c];
        /* A class of either name would read back as the column of that name. */
        if (field_is(f, "item") || field_is(f, "covered"))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:1: column %zu: '%.*s' names a column of its own "
                                    "(item, covered), not a class",
                                    path, *lead + c + 1, (int)f->len, f->text);
        if (!((*names)[c] = strndup(f->text, f->len))) return chorus_error_nomem();
    }
    return CHORUS_OK;
}

/* 'text' shortened for a message. */
#define QUOTED(f) (int)((f)->len > 40 ? 40 : (f)->len), (f)->text

/* The item and covered columns of a row (ids checked for order by the caller). */
static int read_lead(const chorus_csv_fields *fields, chorus_probs_rows *r, const char *path,
                     int64_t line)
{
    const chorus_csv_field *f = &fields->fields[0];
    int64_t value;
    if (r->has_ids) {
        if (f->len == 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": column 1 (item) is empty; expected the item's "
                                    "id or name",
                                    path, line);
        int rc = chorus_probs_rows_set_item(r, f->text, f->len, line);
        if (rc) return rc;
    }
    if (r->has_covered) {
        f = &fields->fields[1];
        if (chorus_parse_int64(f->text, f->len, 0, 1, &value) != 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": column 2 (covered): '%.*s' is neither 1 "
                                    "(some labeling function voted) nor 0",
                                    path, line, QUOTED(f));
        r->covered[r->n - 1] = (uint8_t)value;
    }
    return CHORUS_OK;
}

static int read_row(const chorus_csv_fields *fields, size_t lead, chorus_probs_rows *r,
                    const char *path, int64_t line)
{
    if (fields->count != lead + (size_t)r->width)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": %zu fields, expected %zu (one per column of "
                                "the header)",
                                path, line, fields->count, lead + (size_t)r->width);
    double *row;
    int rc = chorus_probs_rows_add(r, &row);
    if (!rc) rc = read_lead(fields, r, path, line);
    if (rc) return rc;
    for (int32_t c = 0; c < r->width; c++) {
        const chorus_csv_field *f = &fields->fields[lead + (size_t)c];
        if (chorus_parse_double(f->text, f->len, &row[c]) != 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": column %zu: '%.*s' is not a number", path,
                                    line, lead + (size_t)c + 1, QUOTED(f));
    }
    return chorus_probs_check_row(row, r->width, (int32_t)lead, path, line);
}

int chorus_probs_read_csv(chorus_probs **out, const char *path)
{
    chorus_text_reader reader;
    chorus_csv_fields fields = {0};
    chorus_probs_rows r = {0};
    char **names = NULL;
    char *line;
    size_t len, lead = 0;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    rc = chorus_text_reader_header(&reader, &line, &len, "a header of class names");
    if (rc) goto done;
    rc = chorus_csv_split_line(&fields, line, len, path, 1);
    if (!rc) rc = read_header(&fields, &r, &names, &lead, path);
    if (rc) goto done;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        rc = chorus_csv_split_line(&fields, line, len, path, reader.line_no);
        if (!rc) rc = read_row(&fields, lead, &r, path, reader.line_no);
        if (rc) goto done;
    }
    if (rc < 0) goto done;
    if (r.n == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s: only a header, no rows of probabilities", path);
        goto done;
    }
    rc = chorus_probs_rows_check_items(&r, path);
    if (!rc) rc = chorus_probs_rows_finish(out, &r, names);
done:
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&fields);
    if (names)
        for (int32_t c = 0; c < r.width; c++)
            free(names[c]);
    free(names);
    chorus_probs_rows_free(&r);
    return rc;
}
