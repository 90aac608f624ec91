/*
 * Probabilities as JSONL: one {"item", "covered", "label", "class", "probs"} object per
 * line. Lines without "item" or "covered" (the older layout, or other tools) are read too,
 * as long as every line has the same keys of the two.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "core/error_internal.h"
#include "core/number_format.h"
#include "io/probs_formats.h"
#include "io/probs_rows.h"
#include "io/text_reader.h"

/* "0" or digits without a leading zero, short enough for any JSON reader's integers. */
static int is_plain_integer(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 15 || (name[0] == '0' && len > 1)) return 0;
    return strspn(name, "0123456789") == len;
}

int chorus_probs_write_jsonl(const chorus_probs *p, FILE *fp)
{
    const int64_t n = chorus_probs_n_items(p);
    const int32_t k = chorus_probs_n_classes(p);
    const uint8_t *covered = chorus_probs_covered(p);
    int32_t *labels = malloc((size_t)(n ? n : 1) * sizeof *labels);
    /* Class names as JSON strings, escaped once rather than once per item. */
    char **quoted = calloc((size_t)k, sizeof *quoted);
    int rc = labels && quoted ? chorus_probs_to_labels(labels, p, CHORUS_TIE_BREAK_HASH)
                              : chorus_error_nomem();
    for (int32_t c = 0; !rc && c < k; c++) {
        json_t *name = json_string(chorus_probs_class_name(p, c));
        quoted[c] = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
        json_decref(name);
        if (!quoted[c]) rc = chorus_error_nomem();
    }
    char buf[32];
    for (int64_t i = 0; !rc && i < n; i++) {
        const double *row = chorus_probs_const_data(p) + i * k;
        const char *name = chorus_probs_item_name(p, i);
        if (name && is_plain_integer(name)) {
            /* Row numbers, and integer ids of the data, stay JSON integers. */
            fprintf(fp, "{\"item\": %s", name);
        } else if (name) {
            json_t *text = json_string(name);
            char *quoted_name = text ? json_dumps(text, JSON_ENCODE_ANY) : NULL;
            json_decref(text);
            if (!quoted_name) {
                rc = chorus_error_nomem();
                break;
            }
            fprintf(fp, "{\"item\": %s", quoted_name);
            free(quoted_name);
        } else {
            fprintf(fp, "{\"item\": %" PRId64, chorus_probs_item_id(p, i));
        }
        if (covered) fputs(covered[i] ? ", \"covered\": true" : ", \"covered\": false", fp);
        fprintf(fp, ", \"label\": %" PRId32 ", \"class\": %s, \"probs\": [", labels[i],
                quoted[labels[i]]);
        for (int32_t c = 0; c < k; c++) {
            if (c) fputs(", ", fp);
            int len = chorus_format_double(buf, sizeof buf, row[c]);
            fwrite(buf, 1, (size_t)len, fp);
        }
        fputs("]}\n", fp);
    }
    for (int32_t c = 0; quoted && c < k; c++)
        free(quoted[c]);
    free(quoted);
    free(labels);
    return rc;
}

/* "item" and "covered" of one line; the first line decides whether every line has them. */
static int read_lead(json_t *obj, chorus_probs_rows *r, const char *path, int64_t line)
{
    json_t *item = json_object_get(obj, "item"), *covered = json_object_get(obj, "covered");
    if (r->n == 1) {
        r->has_ids = item != NULL;
        r->has_covered = covered != NULL;
    }
    if ((item != NULL) != r->has_ids || (covered != NULL) != r->has_covered) {
        const char *key = (item != NULL) != r->has_ids ? "item" : "covered";
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": \"%s\" is %s here but %s on the first line; "
                                "every line must have the same keys",
                                path, line, key, json_object_get(obj, key) ? "given" : "missing",
                                json_object_get(obj, key) ? "missing" : "given");
    }
    if (item) {
        char buf[32];
        const char *text = json_is_string(item) ? json_string_value(item) : buf;
        size_t len = json_is_string(item) ? json_string_length(item) : 0;
        if (json_is_integer(item) && json_integer_value(item) >= 0)
            len = (size_t)snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
                                   json_integer_value(item));
        else if (!json_is_string(item) || len == 0 || memchr(text, '\0', len))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": \"item\" must be an integer >= 0 (the "
                                    "item's row in the votes) or a name",
                                    path, line);
        int rc = chorus_probs_rows_set_item(r, text, len, line);
        if (rc) return rc;
    }
    if (covered) {
        if (!json_is_boolean(covered))
            return chorus_error_set(
                CHORUS_EFORMAT, "%s:%" PRId64 ": \"covered\" must be true or false", path, line);
        r->covered[r->n - 1] = json_is_true(covered);
    }
    return CHORUS_OK;
}

static int read_line(const char *text, size_t len, chorus_probs_rows *r, const char *path,
                     int64_t line)
{
    json_error_t err;
    json_t *obj = json_loadb(text, len, 0, &err);
    json_t *probs = json_is_object(obj) ? json_object_get(obj, "probs") : NULL;
    size_t count = json_is_array(probs) ? json_array_size(probs) : 0;
    int rc;
    if (!obj) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": column %d: %s", path, line,
                              err.column, err.text);
    } else if (count < 2 || count > 65535 || (r->width && count != (size_t)r->width)) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": expected an object with \"probs\": an array "
                              "of %s numbers",
                              path, line, r->width ? "the same number of" : "2 or more");
    } else {
        if (!r->width) r->width = (int32_t)count;
        double *row;
        rc = chorus_probs_rows_add(r, &row);
        if (!rc) rc = read_lead(obj, r, path, line);
        for (int32_t c = 0; !rc && c < r->width; c++) {
            json_t *x = json_array_get(probs, (size_t)c);
            row[c] = json_is_number(x) ? json_number_value(x) : NAN;
        }
        if (!rc) rc = chorus_probs_check_row(row, r->width, 0, path, line);
    }
    json_decref(obj);
    return rc;
}

int chorus_probs_read_jsonl(chorus_probs **out, const char *path)
{
    chorus_text_reader reader;
    chorus_probs_rows r = {0};
    char *line;
    size_t len;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        if ((rc = read_line(line, len, &r, path, reader.line_no))) break;
    }
    if (rc == 0 && r.n == 0)
        rc = chorus_error_set(CHORUS_EFORMAT, "%s: no lines of probabilities", path);
    if (rc == 0) rc = chorus_probs_rows_check_items(&r, path);
    if (rc == 0) rc = chorus_probs_rows_finish(out, &r, NULL);
    chorus_text_reader_close(&reader);
    chorus_probs_rows_free(&r);
    return rc;
}
