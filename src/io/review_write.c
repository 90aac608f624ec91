/* Writing review files: CSV with chorus' own quoting, or JSONL, written atomically. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/review_internal.h"

static void write_csv(FILE *fp, const chorus_review *review)
{
    fputs("item", fp);
    for (int32_t c = 0; c < review->n_columns; c++) {
        fputc(',', fp);
        chorus_csv_write_field(fp, review->columns[c]);
    }
    fputs(",answer\n", fp);
    for (int64_t r = 0; r < review->n_rows; r++) {
        const review_row *row = &review->rows[r];
        chorus_csv_write_field(fp, row->item);
        for (int32_t c = 0; c < review->n_columns; c++) {
            fputc(',', fp);
            const char *value = row->values ? row->values[c] : NULL;
            chorus_csv_write_field(fp, value ? value : "");
        }
        fputc(',', fp);
        chorus_csv_write_field(fp, row->answer ? row->answer : "");
        fputc('\n', fp);
    }
}

/* A plain non-negative number ("0", "17", not "007" or "+1"), which JSONL writes as an
 * integer: it reads back as the same text. */
static int plain_integer(const char *text)
{
    const size_t len = strlen(text);
    if (len == 0 || len > 18 || (text[0] == '0' && len > 1)) return 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] < '0' || text[i] > '9') return 0;
    return 1;
}

static json_t *value_json(const char *text, int numeric)
{
    double x;
    if (numeric && text && *text && chorus_parse_double(text, strlen(text), &x) == 0)
        return json_real(x);
    if (numeric && (!text || !*text)) return json_null();
    return json_string(text ? text : "");
}

static int write_jsonl(FILE *fp, const chorus_review *review)
{
    for (int64_t r = 0; r < review->n_rows; r++) {
        const review_row *row = &review->rows[r];
        json_t *obj = json_object();
        int bad = !obj;
        if (obj)
            bad |= json_object_set_new(obj, "item",
                                       plain_integer(row->item)
                                           ? json_integer(strtoll(row->item, NULL, 10))
                                           : json_string(row->item));
        for (int32_t c = 0; obj && c < review->n_columns; c++)
            bad |= json_object_set_new(
                obj, review->columns[c],
                value_json(row->values ? row->values[c] : NULL, review->numeric[c]));
        if (obj)
            bad |= json_object_set_new(obj, "answer",
                                       row->answer ? json_string(row->answer) : json_null());
        char *text =
            bad ? NULL
                : json_dumps(obj, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(10));
        json_decref(obj);
        if (!text) return chorus_error_nomem();
        fputs(text, fp);
        fputc('\n', fp);
        free(text);
    }
    return CHORUS_OK;
}

int chorus_review_write(const chorus_review *review, const char *path)
{
    const int jsonl = review_is_jsonl(path);
    if (jsonl < 0) return CHORUS_EINVAL;
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    if (jsonl)
        rc = write_jsonl(file.fp, review);
    else
        write_csv(file.fp, review);
    if (rc) {
        chorus_atomic_abort(&file);
        return rc;
    }
    return chorus_atomic_commit(&file);
}
