#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/parse.h"
#include "core/error_internal.h"
#include "io/probs_rows.h"
#include "probs/probs_internal.h"

/* How far a row may stray from summing to 1 (text formats round the last digits). */
#define ROW_SUM_TOLERANCE 1e-6

static int grow(void **p, int64_t cap, size_t size)
{
    void *q = realloc(*p, (size_t)cap * size);
    if (!q) return 0;
    *p = q;
    return 1;
}

int chorus_probs_rows_add(chorus_probs_rows *r, double **row)
{
    if (r->n == r->cap) {
        int64_t cap = r->cap ? r->cap * 2 : 1024;
        if ((r->width && !grow((void **)&r->data, cap, (size_t)r->width * sizeof *r->data)) ||
            !grow((void **)&r->ids, cap, sizeof *r->ids) ||
            !grow((void **)&r->covered, cap, sizeof *r->covered) ||
            (r->has_ids && !grow((void **)&r->items, cap, sizeof *r->items)))
            return chorus_error_nomem();
        r->cap = cap;
    }
    r->ids[r->n] = r->n;
    r->covered[r->n] = 0;
    if (r->items) r->items[r->n] = NULL;
    *row = r->width ? r->data + r->n * r->width : NULL;
    r->n++;
    return CHORUS_OK;
}

void chorus_probs_rows_free(chorus_probs_rows *r)
{
    free(r->data);
    free(r->ids);
    free(r->covered);
    for (int64_t i = 0; r->items && i < r->n; i++)
        free(r->items[i]);
    free(r->items);
    memset(r, 0, sizeof *r);
}

int chorus_probs_check_row(const double *row, int32_t k, int32_t first_column, const char *path,
                           int64_t line)
{
    double sum = 0;
    for (int32_t c = 0; c < k; c++) {
        if (!(row[c] >= 0 && row[c] <= 1))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": column %" PRId32 ": %g is not a probability",
                                    path, line, first_column + c + 1, row[c]);
        sum += row[c];
    }
    if (fabs(sum - 1) > ROW_SUM_TOLERANCE)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": probabilities sum to %.9g; expected 1", path, line,
                                sum);
    return CHORUS_OK;
}

int chorus_probs_rows_set_item(chorus_probs_rows *r, const char *text, size_t len, int64_t line)
{
    if (!r->items) {
        /* has_ids was learnt after the first row was added (JSONL). */
        r->items = calloc((size_t)r->cap, sizeof *r->items);
        if (!r->items) return chorus_error_nomem();
    }
    if (!(r->items[r->n - 1] = strndup(text, len))) return chorus_error_nomem();
    int64_t id;
    if (chorus_parse_int64(text, len, 0, INT64_MAX, &id) != 0) {
        r->items_named = true;
        return CHORUS_OK;
    }
    r->ids[r->n - 1] = id;
    if (!r->order_error_line && r->n > 1 && !r->items_named && id <= r->ids[r->n - 2])
        r->order_error_line = line;
    return CHORUS_OK;
}

int chorus_probs_rows_check_items(const chorus_probs_rows *r, const char *path)
{
    if (!r->has_ids || r->items_named || !r->order_error_line) return CHORUS_OK;
    int64_t at = 0;
    for (int64_t i = 1; i < r->n && !at; i++)
        if (r->ids[i] <= r->ids[i - 1]) at = i;
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s:%" PRId64 ": item %" PRId64 " comes after item %" PRId64
                            "; rows must be in increasing item order, each item once",
                            path, r->order_error_line, r->ids[at], r->ids[at - 1]);
}

int chorus_probs_check_id_order(const chorus_probs_rows *r, const char *path, int64_t line)
{
    if (r->n < 2 || r->ids[r->n - 1] > r->ids[r->n - 2]) return CHORUS_OK;
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s:%" PRId64 ": item %" PRId64 " comes after item %" PRId64
                            "; rows must be in increasing item order, each item once",
                            path, line, r->ids[r->n - 1], r->ids[r->n - 2]);
}

int chorus_probs_rows_finish(chorus_probs **out, chorus_probs_rows *r, char **names)
{
    *out = NULL;
    chorus_probs *p;
    int rc = chorus_probs_new(&p, r->n, r->width);
    if (rc) return rc;
    if (r->n) memcpy(p->data, r->data, (size_t)r->n * (size_t)r->width * sizeof(double));
    for (int32_t c = 0; !rc && names && c < r->width; c++)
        rc = chorus_probs_set_class_name(p, c, names[c]);
    if (!rc) rc = chorus_probs_rows_attach(p, r);
    if (rc) {
        chorus_probs_free(p);
        return rc;
    }
    *out = p;
    return CHORUS_OK;
}

int chorus_probs_rows_attach(chorus_probs *probs, const chorus_probs_rows *r)
{
    /* The readers checked the values, so these only copy. */
    int rc = CHORUS_OK;
    if (r->has_ids && r->items_named)
        for (int64_t i = 0; !rc && i < r->n; i++)
            rc = chorus_probs_set_item_name(probs, i, r->items[i]);
    else if (r->has_ids)
        rc = chorus_probs_set_item_ids(probs, r->ids);
    if (!rc && r->has_covered) rc = chorus_probs_set_covered(probs, r->covered);
    return rc;
}
