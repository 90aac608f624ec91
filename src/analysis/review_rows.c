/*
 * The rows of a review file for selected items: what a person needs to label an item at
 * a glance (its text, the model's label and confidence, the votes) and an empty answer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "chorus/parse.h"
#include "chorus/review.h"
#include "core/error_internal.h"
#include "votes/votes_internal.h"

/* The columns after the text fields, in order. */
static const char *const fixed_columns[] = {"label", "confidence", "votes", "strategy", "score"};
enum { N_FIXED = sizeof fixed_columns / sizeof *fixed_columns };

#define DEFAULT_MAX_TEXT 300

static int is_reserved(const char *name, const chorus_lf_set *spec)
{
    if (strcmp(name, "item") == 0 || strcmp(name, "answer") == 0) return 1;
    for (int c = 0; c < N_FIXED; c++)
        if (strcmp(name, fixed_columns[c]) == 0) return 1;
    if (!spec) return 0;
    const char *id = chorus_lf_set_id_field(spec), *gold = chorus_lf_set_gold_field(spec);
    return (id && strcmp(name, id) == 0) || (gold && strcmp(name, gold) == 0);
}

/* 1 if some record's value of the field is text rather than a number or a boolean. */
static int holds_text(const chorus_dataset *data, int32_t field)
{
    for (int64_t r = 0; r < chorus_dataset_n_records(data); r++) {
        size_t len = 0;
        const char *v = chorus_dataset_value(data, r, field, &len);
        double x;
        if (!v || len == 0 || strcmp(v, "true") == 0 || strcmp(v, "false") == 0) continue;
        if (chorus_parse_double(v, len, &x) != 0) return 1;
    }
    return 0;
}

static int wanted_by_spec(const chorus_dataset *data, int32_t field, const chorus_lf_set *spec)
{
    const char *name = chorus_dataset_field_name(data, field);
    const char *text = chorus_lf_set_text_field(spec);
    if (text && strcmp(text, name) == 0) return 1;
    for (int32_t lf = 0; lf < chorus_lf_set_n_lfs(spec); lf++) {
        const char *f = chorus_lf_set_lf_field(spec, lf);
        if (f && strcmp(f, name) == 0) return 1;
    }
    return 0;
}

int chorus_review_text_fields(int32_t **out, int32_t *n, const chorus_dataset *data,
                              const chorus_lf_set *spec)
{
    *out = NULL;
    *n = 0;
    const int32_t n_fields = chorus_dataset_n_fields(data);
    int32_t *fields = malloc((size_t)(n_fields ? n_fields : 1) * sizeof *fields);
    if (!fields) return chorus_error_nomem();
    int32_t kept = 0;
    for (int32_t f = 0; f < n_fields; f++) {
        if (is_reserved(chorus_dataset_field_name(data, f), spec)) continue;
        if (spec ? wanted_by_spec(data, f, spec) : holds_text(data, f)) fields[kept++] = f;
    }
    if (!kept) {
        free(fields);
        fields = NULL;
    }
    *out = fields;
    *n = kept;
    return CHORUS_OK;
}

/* text[0..len) cut to at most max bytes at a character boundary (then "..." appended),
 * control characters (line breaks, tabs) as spaces. A new string, or NULL. */
static char *shown_text(const char *text, size_t len, size_t max)
{
    const int cut = len > max;
    if (cut) {
        len = max;
        /* Back to the start of a UTF-8 character. */
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    char *out = malloc(len + 4);
    if (!out) return NULL;
    for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? ' ' : text[i];
    memcpy(out + len, cut ? "..." : "", cut ? 4 : 1);
    return out;
}

/* "lf=CLASS;..." for the LFs that voted on the item; a new string, or NULL. */
static char *votes_text(const chorus_votes *votes, int64_t item)
{
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    size_t size = 1;
    for (int64_t v = row_ptr[item]; v < row_ptr[item + 1]; v++)
        size += strlen(chorus_votes_lf_name(votes, chorus_view_lf(&w, v))) +
                strlen(chorus_votes_class_name(votes, chorus_view_label(&w, v))) + 2;
    char *out = malloc(size);
    if (!out) return NULL;
    size_t used = 0;
    out[0] = '\0';
    for (int64_t v = row_ptr[item]; v < row_ptr[item + 1]; v++)
        used += (size_t)snprintf(out + used, size - used, "%s%s=%s", used ? ";" : "",
                                 chorus_votes_lf_name(votes, chorus_view_lf(&w, v)),
                                 chorus_votes_class_name(votes, chorus_view_label(&w, v)));
    return out;
}

static int make_review(chorus_review **out, const chorus_review_text *text)
{
    const int32_t n_text = text && text->data ? text->n_fields : 0;
    const int32_t n_columns = n_text + N_FIXED;
    const char **names = malloc((size_t)n_columns * sizeof *names);
    unsigned char *numeric = calloc((size_t)n_columns, 1);
    int rc = names && numeric ? CHORUS_OK : chorus_error_nomem();
    for (int32_t c = 0; !rc && c < n_columns; c++)
        names[c] = c < n_text ? chorus_dataset_field_name(text->data, text->fields[c])
                              : fixed_columns[c - n_text];
    if (!rc) {
        numeric[n_text + 1] = 1; /* confidence */
        numeric[n_text + 4] = 1; /* score */
        rc = chorus_review_new(out, n_columns, names, numeric);
    }
    free(names);
    free(numeric);
    return rc;
}

static int check_sizes(const int64_t *items, int64_t n, const chorus_probs *probs,
                       const chorus_votes *votes, const chorus_review_text *text)
{
    const int64_t n_items = chorus_votes_n_items(votes);
    if (chorus_probs_n_items(probs) != n_items)
        return chorus_error_set(CHORUS_EINVAL,
                                "%" PRId64 " rows of probabilities for %" PRId64 " items",
                                chorus_probs_n_items(probs), n_items);
    if (text && text->data && chorus_dataset_n_records(text->data) != n_items)
        return chorus_error_set(CHORUS_EINVAL,
                                "the data has %" PRId64 " records but the votes %" PRId64
                                " items; they must match one to one",
                                chorus_dataset_n_records(text->data), n_items);
    for (int32_t f = 0; text && text->data && f < text->n_fields; f++)
        if (text->fields[f] < 0 || text->fields[f] >= chorus_dataset_n_fields(text->data))
            return chorus_error_set(CHORUS_EINVAL, "no field %" PRId32 " in the data",
                                    text->fields[f]);
    for (int64_t r = 0; r < n; r++)
        if (items[r] < 0 || items[r] >= n_items)
            return chorus_error_set(CHORUS_EINVAL, "item %" PRId64 " is out of range", items[r]);
    return CHORUS_OK;
}

int chorus_review_from_selection(chorus_review **out, const int64_t *items, const double *scores,
                                 int64_t n, const chorus_probs *probs, const chorus_votes *votes,
                                 chorus_review_strategy strategy, const chorus_review_text *text)
{
    *out = NULL;
    int rc = check_sizes(items, n, probs, votes, text);
    if (rc) return rc;
    const int32_t n_text = text && text->data ? text->n_fields : 0;
    const size_t max_text = text && text->max_bytes ? text->max_bytes : DEFAULT_MAX_TEXT;
    const int32_t k = chorus_probs_n_classes(probs);
    const int32_t n_columns = n_text + N_FIXED;
    chorus_review *review = NULL;
    int32_t *labels = malloc((size_t)(chorus_probs_n_items(probs) + 1) * sizeof *labels);
    char **values = calloc((size_t)n_columns, sizeof *values);
    if (!labels || !values) rc = chorus_error_nomem();
    if (!rc) rc = chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH);
    if (!rc) rc = make_review(&review, text);
    for (int64_t r = 0; !rc && r < n; r++) {
        const int64_t i = items[r];
        const int32_t y = labels[i];
        char id[32], confidence[32], score[32];
        const char *name = chorus_votes_item_name(votes, i);
        if (!name) snprintf(id, sizeof id, "%" PRId64, i);
        snprintf(confidence, sizeof confidence, "%.4f",
                 y >= 0 ? chorus_probs_const_data(probs)[i * k + y] : 0.0);
        snprintf(score, sizeof score, "%.6f", scores[r]);
        int bad = 0;
        for (int32_t f = 0; f < n_text; f++) {
            size_t len = 0;
            const char *v = chorus_dataset_value(text->data, i, text->fields[f], &len);
            bad |= !(values[f] = shown_text(v ? v : "", v ? len : 0, max_text));
        }
        const char *fixed[N_FIXED] = {y >= 0 ? chorus_probs_class_name(probs, y) : "", confidence,
                                      NULL, chorus_review_strategy_name(strategy), score};
        for (int c = 0; c < N_FIXED; c++)
            bad |= !(values[n_text + c] = c == 2 ? votes_text(votes, i) : strdup(fixed[c]));
        rc = bad ? chorus_error_nomem()
                 : chorus_review_add(review, name ? name : id, NULL, (const char *const *)values);
        for (int32_t c = 0; c < n_columns; c++) {
            free(values[c]);
            values[c] = NULL;
        }
    }
    free(labels);
    free(values);
    if (rc) {
        chorus_review_free(review);
        return rc;
    }
    *out = review;
    return CHORUS_OK;
}
