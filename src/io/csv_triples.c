/*
 * Sparse triples CSV: a header "item,lf,label" (or crowd-kit's "task,worker,label"), then
 * one vote per row, in any order. Each column holds integers (indices) or names; the
 * reader collects the distinct values of each column first and decides at the end, so a
 * file of task ids and worker names reads as well as one of indices.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/error_internal.h"
#include "io/csv_fields.h"
#include "io/text_reader.h"
#include "io/name_table.h"
#include "io/triples_internal.h"
#include "io/read_options.h"
#include "votes/votes_internal.h"

enum { COL_ITEM, COL_LF, COL_LABEL };
static const char *const column_names[] = {"item", "labeling function", "label"};

static int field_is(const chorus_csv_field *f, const char *const *names)
{
    for (; *names; names++)
        if (strlen(*names) == f->len && strncasecmp(f->text, *names, f->len) == 0) return 1;
    return 0;
}

int chorus_triples_is_header(const chorus_csv_fields *h)
{
    static const char *const item[] = {"item", "task", NULL};
    static const char *const lf[] = {"lf", "worker", "source", NULL};
    static const char *const label[] = {"label", "vote", NULL};
    return h->count == 3 && field_is(&h->fields[0], item) && field_is(&h->fields[1], lf) &&
           field_is(&h->fields[2], label);
}

/* A first line of three integers is a vote, not a header: the file has none. */
static int is_integer_row(const chorus_csv_fields *row)
{
    int64_t v;
    for (size_t c = 0; c < row->count; c++)
        if (chorus_parse_int64(row->fields[c].text, row->fields[c].len, -1, INT64_MAX, &v) != 0)
            return 0;
    return row->count == 3;
}

int chorus_duplicates_parse(chorus_duplicates *out, const char *name)
{
    static const char *const names[] = {"all", "error", "first", "last"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (chorus_duplicates)i;
            return CHORUS_OK;
        }
    return chorus_error_set(
        CHORUS_EINVAL, "unknown duplicates policy '%s'; expected all, error, first or last", name);
}

/* One data row: declares its values; a row with a vote is kept as a triple. */
static int read_row(chorus_triples_state *st, const chorus_csv_fields *row, int64_t line)
{
    if (row->count != 3)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": %zu fields, expected 3 (item,lf,label)", st->path,
                                line, row->count);
    int n_empty = 0;
    for (int c = 0; c < 3; c++)
        n_empty += row->fields[c].len == 0;
    if (n_empty == 1 || n_empty == 3) {
        int c = 0;
        while (row->fields[c].len)
            c++;
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": the %s is empty; expected item,lf,label (or two "
                                "empty fields to declare the third without a vote)",
                                st->path, line, column_names[c]);
    }
    st->n_rows++;
    int64_t index[3] = {-1, -1, -1};
    for (int c = 0; c < 3; c++) {
        const chorus_csv_field *f = &row->fields[c];
        if (f->len == 0) continue;
        int64_t v = 0;
        /* -1 abstains whether the labels are integers or names; other negative integers
         * are mistakes, not names. */
        const int is_integer = chorus_parse_int64(f->text, f->len, INT64_MIN, INT64_MAX, &v) == 0;
        const int64_t lowest = c == COL_LABEL ? -1 : 0;
        if (is_integer && v < lowest)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": %s '%.*s' is not an integer >= %d (or a name)",
                                    st->path, line, column_names[c],
                                    (int)(f->len > 40 ? 40 : f->len), f->text, (int)lowest);
        const char *text = f->text;
        size_t text_len = f->len;
        char shifted[24];
        if (is_integer && c == COL_LABEL) {
            if (v == -1 || v == st->abstain) continue;
            if (v < st->abstain)
                return chorus_error_set(CHORUS_EFORMAT,
                                        "%s:%" PRId64 ": label '%.*s' is below the abstain value "
                                        "%d; expected -1 or %d (abstain) or a class value above it",
                                        st->path, line, (int)(f->len > 40 ? 40 : f->len), f->text,
                                        (int)st->abstain, (int)st->abstain);
            /* Value abstain + 1 + k is class k. */
            if (st->abstain != CHORUS_ABSTAIN) {
                text_len =
                    (size_t)snprintf(shifted, sizeof shifted, "%" PRId64, v - st->abstain - 1);
                text = shifted;
            }
        }
        int rc = chorus_name_table_add(&st->columns[c], text, text_len, line, &index[c]);
        if (rc) return rc;
    }
    if (n_empty == 2 && row->fields[COL_LABEL].len) st->labels_declared = true;
    if (n_empty || index[COL_LABEL] < 0) return CHORUS_OK;
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 4096;
        chorus_triple *t = realloc(st->triples, cap * sizeof *t);
        if (!t) return chorus_error_nomem();
        st->triples = t;
        st->cap = cap;
    }
    st->triples[st->n++] = (chorus_triple){index[COL_ITEM], index[COL_LF], index[COL_LABEL], line};
    return CHORUS_OK;
}

/* Reads every row into st; handles the optional header. */
static int read_rows(chorus_triples_state *st)
{
    chorus_text_reader reader;
    chorus_csv_fields row = {0};
    char *line;
    size_t len;
    int rc = chorus_text_reader_open(&reader, st->path);
    if (rc) return rc;
    int first = 1;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        if ((rc = chorus_csv_split_line(&row, line, len, st->path, reader.line_no))) break;
        if (first) {
            first = 0;
            if (chorus_triples_is_header(&row)) continue;
            if (!is_integer_row(&row)) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": '%.*s' is neither a header item,lf,label "
                                      "(or task,worker,label) nor a vote of three integers",
                                      st->path, reader.line_no, (int)(len > 60 ? 60 : len), line);
                break;
            }
        }
        if ((rc = read_row(st, &row, reader.line_no))) break;
    }
    if (rc == 0 && first)
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: the file is empty; expected a header "
                              "item,lf,label and one vote per row",
                              st->path);
    if (rc == 0 && st->n_rows == 0)
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: only a header, no votes; expected rows item,lf,label", st->path);
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&row);
    return rc < 0 ? rc : CHORUS_OK;
}

/*
 * Index of every distinct value of an integer column (its value), checked against the
 * size the caller gave or, without one, against what the file's rows can justify.
 */
static int map_integers(chorus_triples_state *st, int c, int64_t given, int64_t max_size,
                        int64_t *size)
{
    const chorus_name_table *t = &st->columns[c];
    const int64_t top = chorus_name_table_argmax(t), largest = top < 0 ? -1 : t->integer[top];
    const int64_t limit = 16 * st->n_rows + 1024;
    if (top >= 0 && given > 0 && largest >= given)
        return chorus_error_set(
            CHORUS_EFORMAT,
            "%s:%" PRId64 ": %s '%s' is not an integer in 0..%" PRId64 " (the size given)",
            st->path, t->first_line[top], column_names[c], t->names[top], given - 1);
    if (top >= 0 && given <= 0 && largest >= max_size)
        return chorus_error_set(
            CHORUS_EFORMAT, "%s:%" PRId64 ": %s '%s' is above the largest allowed, %" PRId64,
            st->path, t->first_line[top], column_names[c], t->names[top], max_size - 1);
    if (top >= 0 && given <= 0 && largest >= limit)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": %s '%s' is too far beyond the file's %" PRId64
                                " rows: integer indices must stay below 16 x rows + 1024 = "
                                "%" PRId64 "; number them from 0, declare the ones without "
                                "votes (rows like '7,,'), or use names (t1, t2, ...)",
                                st->path, t->first_line[top], column_names[c], t->names[top],
                                st->n_rows, limit);
    st->index[c] = malloc((size_t)(t->n ? t->n : 1) * sizeof *st->index[c]);
    if (!st->index[c]) return chorus_error_nomem();
    for (int64_t i = 0; i < t->n; i++)
        st->index[c][i] = t->integer[i];
    *size = given > 0 ? given : largest + 1;
    return CHORUS_OK;
}

/* Names keep their order of first appearance, or the order of the names the caller gave. */
static int map_names(chorus_triples_state *st, int c, int64_t given, const char *const *names,
                     int64_t max_size, int64_t *size)
{
    const chorus_name_table *t = &st->columns[c];
    st->index[c] = malloc((size_t)(t->n ? t->n : 1) * sizeof *st->index[c]);
    if (!st->index[c]) return chorus_error_nomem();
    for (int64_t i = 0; i < t->n; i++) {
        st->index[c][i] = i;
        if (!names) continue;
        st->index[c][i] = -1;
        for (int64_t k = 0; k < given && st->index[c][i] < 0; k++)
            if (strcmp(names[k], t->names[i]) == 0) st->index[c][i] = k;
        if (st->index[c][i] < 0)
            return chorus_error_set(
                CHORUS_EFORMAT,
                "%s:%" PRId64 ": %s '%.60s' is not one of the %" PRId64 " names given", st->path,
                t->first_line[i], column_names[c], t->names[i], given);
    }
    if (names) {
        *size = given;
        return CHORUS_OK;
    }
    if (t->n > max_size || (given > 0 && t->n > given))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %" PRId64 " distinct %s names, more than %" PRId64, st->path,
                                t->n, column_names[c], given > 0 ? given : max_size);
    *size = given > 0 ? given : t->n;
    return CHORUS_OK;
}

static int map_column(chorus_triples_state *st, int c, int64_t given, const char *const *names,
                      int64_t max_size, int64_t *size)
{
    st->named[c] = !st->columns[c].all_integers;
    if (st->named[c]) return map_names(st, c, given, names, max_size, size);
    return map_integers(st, c, given, max_size, size);
}

/* Sets the names of a named column on the matrix; a bad name is an error at its line. */
static int set_names(chorus_triples_state *st, chorus_votes *votes, int c)
{
    const chorus_name_table *t = &st->columns[c];
    for (int64_t i = 0; i < t->n; i++) {
        int64_t k = st->index[c][i];
        int rc = c == COL_ITEM ? chorus_votes_set_item_name(votes, k, t->names[i])
                 : c == COL_LF ? chorus_votes_set_lf_name(votes, (int32_t)k, t->names[i])
                               : chorus_votes_set_class_name(votes, (int32_t)k, t->names[i]);
        if (rc == CHORUS_EINVAL) {
            chorus_error_wrap("%s:%" PRId64 ": ", st->path, t->first_line[i]);
            return chorus_error_recode(CHORUS_EFORMAT);
        }
        if (rc) return rc;
    }
    return CHORUS_OK;
}

static void free_state(chorus_triples_state *st)
{
    for (int c = 0; c < 3; c++) {
        chorus_name_table_free(&st->columns[c]);
        free(st->index[c]);
    }
    free(st->triples);
    free(st->repeats);
}

int chorus_votes_read_triples(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options resolved;
    int rc = chorus_read_options_resolve(&resolved, opts);
    if (rc) return rc;
    opts = &resolved;
    chorus_triples_state st = {.path = path};
    st.duplicates = opts->duplicates;
    st.abstain = opts->abstain_value;
    const char *const *class_names = opts->n_classes > 0 ? opts->class_names : NULL;
    chorus_name_table_init(&st.columns[COL_ITEM], 0);
    chorus_name_table_init(&st.columns[COL_LF], 0);
    chorus_name_table_init(&st.columns[COL_LABEL], 0);
    chorus_votes *votes = NULL;
    int64_t n_items = 0, n_lfs = 0, n_classes = 0;

    rc = read_rows(&st);
    if (!rc) rc = map_column(&st, COL_ITEM, opts->n_items, NULL, INT64_MAX / 16, &n_items);
    if (!rc) rc = map_column(&st, COL_LF, opts->n_lfs, NULL, CHORUS_MAX_LFS, &n_lfs);
    if (!rc)
        rc = map_column(&st, COL_LABEL, opts->n_classes, class_names, CHORUS_MAX_CLASSES,
                        &n_classes);
    if (rc) goto done;
    if (n_lfs == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s: no labeling function (worker) in any row", path);
        goto done;
    }
    if (n_classes < 2) n_classes = 2;
    st.n_lfs = (int32_t)n_lfs;
    if ((rc = chorus_triples_resolve_duplicates(&st))) goto done;
    if ((rc = chorus_triples_build(&votes, &st, n_items, (int32_t)n_classes))) goto done;
    for (int c = 0; c < 3 && !rc; c++)
        if (st.named[c]) rc = set_names(&st, votes, c);
    if (!rc) rc = chorus_triples_name_repeats(&st, votes);
    if (!rc && chorus_votes_has_lf_names(votes)) {
        rc = chorus_votes_check_unique_lf_names(votes);
        if (rc == CHORUS_EINVAL) {
            chorus_error_wrap("%s: ", path);
            rc = chorus_error_recode(CHORUS_EFORMAT);
        }
    }
    /* Classes the file declares are meant even when nobody votes for them. */
    if (!rc && opts->n_classes == 0 && !st.named[COL_LABEL] && !st.labels_declared)
        rc = chorus_votes_check_inferred_classes(votes, path);
done:
    free_state(&st);
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    *out = votes;
    return CHORUS_OK;
}
