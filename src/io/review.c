/* The review container: rows of item, answer, file and line, and optional extra columns. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "io/review_internal.h"

static int is_blank(const char *text)
{
    for (; *text; text++)
        if (*text != ' ' && *text != '\t') return 0;
    return 1;
}

int review_is_jsonl(const char *path)
{
    const size_t len = strlen(path);
    if (len >= 6 && strcmp(path + len - 6, ".jsonl") == 0) return 1;
    if (len >= 4 && strcmp(path + len - 4, ".csv") == 0) return 0;
    return chorus_error_set(CHORUS_EINVAL, "%s: a review file is .csv or .jsonl", path), -1;
}

int chorus_review_new(chorus_review **out, int32_t n_columns, const char *const *columns,
                      const unsigned char *numeric)
{
    *out = NULL;
    if (n_columns < 0 || n_columns > CHORUS_REVIEW_MAX_COLUMNS || (n_columns && !columns))
        return chorus_error_set(CHORUS_EINVAL, "a review has 0..%d extra columns, not %" PRId32,
                                CHORUS_REVIEW_MAX_COLUMNS, n_columns);
    for (int32_t c = 0; c < n_columns; c++) {
        const char *name = columns[c];
        if (!name || !*name || strcmp(name, "item") == 0 || strcmp(name, "answer") == 0)
            return chorus_error_set(CHORUS_EINVAL,
                                    "review column %" PRId32 " is '%s': "
                                    "columns are named, and not item or answer",
                                    c, name ? name : "");
        for (int32_t d = 0; d < c; d++)
            if (strcmp(columns[d], name) == 0)
                return chorus_error_set(CHORUS_EINVAL, "review column '%s' is given twice", name);
    }
    chorus_review *review = calloc(1, sizeof *review);
    if (!review) return chorus_error_nomem();
    review->n_columns = n_columns;
    review->columns = calloc((size_t)n_columns + 1, sizeof *review->columns);
    review->numeric = calloc((size_t)n_columns + 1, 1);
    int bad = !review->columns || !review->numeric;
    for (int32_t c = 0; !bad && c < n_columns; c++) {
        bad = !(review->columns[c] = strdup(columns[c]));
        review->numeric[c] = numeric ? numeric[c] != 0 : 0;
    }
    if (bad) {
        chorus_review_free(review);
        return chorus_error_nomem();
    }
    *out = review;
    return CHORUS_OK;
}

int32_t review_add_path(chorus_review *review, const char *path)
{
    char **paths = realloc(review->paths, ((size_t)review->n_paths + 1) * sizeof *paths);
    if (!paths) return chorus_error_nomem(), -1;
    review->paths = paths;
    if (!(paths[review->n_paths] = strdup(path))) return chorus_error_nomem(), -1;
    return review->n_paths++;
}

static void free_values(char **values, int32_t n)
{
    for (int32_t c = 0; values && c < n; c++)
        free(values[c]);
    free(values);
}

int review_push(chorus_review *review, char *item, char *answer, char **values, int32_t file,
                int64_t line)
{
    if (answer && is_blank(answer)) {
        free(answer);
        answer = NULL;
    }
    if (review->n_rows == review->cap) {
        const int64_t cap = review->cap ? 2 * review->cap : 16;
        review_row *rows = realloc(review->rows, (size_t)cap * sizeof *rows);
        if (!rows) {
            free(item);
            free(answer);
            free_values(values, review->n_columns);
            return chorus_error_nomem();
        }
        review->rows = rows;
        review->cap = cap;
    }
    review->rows[review->n_rows++] = (review_row){item, answer, values, file, line};
    review->n_answered += answer != NULL;
    return CHORUS_OK;
}

static char *copy_or_null(const char *text, int *bad)
{
    if (!text) return NULL;
    char *copy = strdup(text);
    if (!copy) *bad = 1;
    return copy;
}

int chorus_review_add(chorus_review *review, const char *item, const char *answer,
                      const char *const *values)
{
    if (!review || !item || !*item)
        return chorus_error_set(CHORUS_EINVAL, "a review row needs an item id");
    if (review->n_columns && !values)
        return chorus_error_set(CHORUS_EINVAL, "a review row needs its %" PRId32 " column values",
                                review->n_columns);
    int bad = 0;
    char *item_copy = copy_or_null(item, &bad), *answer_copy = copy_or_null(answer, &bad);
    char **copies = NULL;
    if (review->n_columns) {
        copies = calloc((size_t)review->n_columns, sizeof *copies);
        bad |= !copies;
        for (int32_t c = 0; copies && c < review->n_columns; c++)
            copies[c] = copy_or_null(values[c], &bad);
    }
    if (bad) {
        free(item_copy);
        free(answer_copy);
        free_values(copies, review->n_columns);
        return chorus_error_nomem();
    }
    return review_push(review, item_copy, answer_copy, copies, -1, 0);
}

int chorus_review_merge(chorus_review *into, const chorus_review *from)
{
    /* Path indices of `from` shift by the paths `into` already has. */
    const int32_t base = into->n_paths;
    for (int32_t p = 0; p < from->n_paths; p++)
        if (review_add_path(into, from->paths[p]) < 0) return CHORUS_ENOMEM;
    for (int64_t r = 0; r < from->n_rows; r++) {
        const review_row *row = &from->rows[r];
        int bad = 0;
        char *item = copy_or_null(row->item, &bad), *answer = copy_or_null(row->answer, &bad);
        if (bad) {
            free(item);
            free(answer);
            return chorus_error_nomem();
        }
        int rc =
            review_push(into, item, answer, NULL, row->file < 0 ? -1 : base + row->file, row->line);
        if (rc) return rc;
    }
    return CHORUS_OK;
}

void chorus_review_free(chorus_review *review)
{
    if (!review) return;
    for (int64_t r = 0; r < review->n_rows; r++) {
        free(review->rows[r].item);
        free(review->rows[r].answer);
        free_values(review->rows[r].values, review->n_columns);
    }
    free(review->rows);
    for (int32_t c = 0; review->columns && c < review->n_columns; c++)
        free(review->columns[c]);
    free(review->columns);
    free(review->numeric);
    for (int32_t p = 0; p < review->n_paths; p++)
        free(review->paths[p]);
    free(review->paths);
    free(review);
}

int64_t chorus_review_n_rows(const chorus_review *review)
{
    return review->n_rows;
}

int64_t chorus_review_n_answered(const chorus_review *review)
{
    return review->n_answered;
}

static const review_row *row_at(const chorus_review *review, int64_t row)
{
    return row >= 0 && row < review->n_rows ? &review->rows[row] : NULL;
}

const char *chorus_review_item(const chorus_review *review, int64_t row)
{
    const review_row *r = row_at(review, row);
    return r ? r->item : NULL;
}

const char *chorus_review_answer(const chorus_review *review, int64_t row)
{
    const review_row *r = row_at(review, row);
    return r ? r->answer : NULL;
}

const char *chorus_review_path(const chorus_review *review, int64_t row)
{
    const review_row *r = row_at(review, row);
    return r && r->file >= 0 ? review->paths[r->file] : NULL;
}

int64_t chorus_review_line(const chorus_review *review, int64_t row)
{
    const review_row *r = row_at(review, row);
    return r ? r->line : 0;
}

void review_where(char *buf, size_t size, const chorus_review *review, int64_t row)
{
    const char *path = chorus_review_path(review, row);
    if (path)
        snprintf(buf, size, "%s:%" PRId64, path, chorus_review_line(review, row));
    else
        snprintf(buf, size, "review row %" PRId64, row);
}
