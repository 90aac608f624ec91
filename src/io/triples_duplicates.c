/*
 * Repeated answers in a triples file: a crowd worker answering the same item twice is
 * common in real crowd data, but a cell of the vote matrix holds one vote. The policy
 * (chorus_duplicates) decides what is kept; every policy but `error` says what it did.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "io/triples_internal.h"
#include "votes/votes_internal.h"

static int compare_triples(const void *a, const void *b)
{
    const chorus_triple *x = a, *y = b;
    if (x->item != y->item) return x->item < y->item ? -1 : 1;
    if (x->lf != y->lf) return x->lf < y->lf ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int compare_repeats(const void *a, const void *b)
{
    const chorus_triples_repeat *x = a, *y = b;
    if (x->k != y->k) return x->k < y->k ? -1 : 1;
    return (x->lf > y->lf) - (x->lf < y->lf);
}

/* The repeat LFs of --duplicates all, each (lf, k) once, numbered after the file's LFs. */
static int add_repeat_lfs(chorus_triples_state *st, const int32_t *k_of)
{
    size_t n = 0;
    for (size_t t = 0; t < st->n; t++)
        n += k_of[t] >= 2;
    st->repeats = malloc((n ? n : 1) * sizeof *st->repeats);
    if (!st->repeats) return chorus_error_nomem();
    size_t m = 0;
    for (size_t t = 0; t < st->n; t++)
        if (k_of[t] >= 2)
            st->repeats[m++] = (chorus_triples_repeat){(int32_t)st->triples[t].lf, k_of[t]};
    qsort(st->repeats, m, sizeof *st->repeats, compare_repeats);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || compare_repeats(&st->repeats[u - 1], &st->repeats[i]) != 0)
            st->repeats[u++] = st->repeats[i];
    if ((int64_t)st->n_lfs + (int64_t)u > CHORUS_MAX_LFS)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: keeping every repeated answer needs %" PRId64
                                " labeling functions, more than %d; use --duplicates first or last",
                                st->path, (int64_t)st->n_lfs + (int64_t)u, CHORUS_MAX_LFS);
    st->n_repeats = (int32_t)u;
    for (size_t t = 0; t < st->n; t++) {
        if (k_of[t] < 2) continue;
        chorus_triples_repeat key = {(int32_t)st->triples[t].lf, k_of[t]};
        const chorus_triples_repeat *r =
            bsearch(&key, st->repeats, u, sizeof *st->repeats, compare_repeats);
        st->triples[t].lf = st->n_lfs + (r - st->repeats);
    }
    qsort(st->triples, st->n, sizeof *st->triples, compare_triples);
    return CHORUS_OK;
}

static const char *lf_label(const chorus_triples_state *st, int64_t lf, char *buf, size_t size)
{
    if (st->named[1]) return st->columns[1].names[lf];
    snprintf(buf, size, "%" PRId64, lf);
    return buf;
}

static const char *item_label(const chorus_triples_state *st, int64_t item, char *buf, size_t size)
{
    if (st->named[0]) {
        for (int64_t i = 0; i < st->columns[0].n; i++)
            if (st->index[0][i] == item) return st->columns[0].names[i];
    }
    snprintf(buf, size, "%" PRId64, item);
    return buf;
}

int chorus_triples_resolve_duplicates(chorus_triples_state *st)
{
    for (size_t t = 0; t < st->n; t++) {
        chorus_triple *x = &st->triples[t];
        x->item = st->index[0][x->item];
        x->lf = st->index[1][x->lf];
        x->label = st->index[2][x->label];
    }
    if (st->n) qsort(st->triples, st->n, sizeof *st->triples, compare_triples);
    /* The repeat with the earliest line is the one the message names. */
    int64_t n_dup = 0, first_line = 0, repeat_line = 0;
    size_t first_at = 0;
    int32_t *k_of = calloc(st->n ? st->n : 1, sizeof *k_of);
    if (!k_of) return chorus_error_nomem();
    for (size_t t = 1; t < st->n; t++) {
        const chorus_triple *a = &st->triples[t - 1], *b = &st->triples[t];
        if (a->item != b->item || a->lf != b->lf) continue;
        k_of[t] = k_of[t - 1] ? k_of[t - 1] + 1 : 2;
        n_dup++;
        if (repeat_line == 0 || b->line < repeat_line) {
            repeat_line = b->line;
            first_line = st->triples[t + 1 - (size_t)k_of[t]].line;
            first_at = t;
        }
    }
    int rc = CHORUS_OK;
    char ibuf[32], lbuf[32];
    if (n_dup && st->duplicates == CHORUS_DUPLICATES_ERROR) {
        const chorus_triple *d = &st->triples[first_at];
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": labeling function %s answers item %s again (first "
                              "at line %" PRId64 "); --duplicates first, last or all reads such "
                              "a file",
                              st->path, repeat_line, lf_label(st, d->lf, lbuf, sizeof lbuf),
                              item_label(st, d->item, ibuf, sizeof ibuf), first_line);
        goto done;
    }
    if (!n_dup) goto done;
    if (st->duplicates == CHORUS_DUPLICATES_ALL) {
        if ((rc = add_repeat_lfs(st, k_of))) goto done;
        chorus_log(CHORUS_LOG_WARN,
                   "%s: %" PRId64 " repeated answer%s (a worker answering an item it already "
                   "answered; the first at line %" PRId64 ", repeating line %" PRId64
                   "); kept as votes of %" PRId32 " extra labeling functions named <worker>#<k> "
                   "(--duplicates all; first, last or error to change)",
                   st->path, n_dup, n_dup == 1 ? "" : "s", repeat_line, first_line, st->n_repeats);
        goto done;
    }
    /* first / last: keep one triple of each run of equal (item, lf). */
    size_t kept = 0;
    for (size_t t = 0; t < st->n; t++) {
        int starts = k_of[t] == 0, ends = t + 1 == st->n || k_of[t + 1] == 0;
        if (st->duplicates == CHORUS_DUPLICATES_FIRST ? starts : ends)
            st->triples[kept++] = st->triples[t];
    }
    st->n = kept;
    chorus_log(CHORUS_LOG_WARN,
               "%s: %" PRId64 " repeated answer%s (a worker answering an item it already "
               "answered; the first at line %" PRId64 ", repeating line %" PRId64 "); kept the %s "
               "answer of each (--duplicates %s)",
               st->path, n_dup, n_dup == 1 ? "" : "s", repeat_line, first_line,
               st->duplicates == CHORUS_DUPLICATES_FIRST ? "earliest" : "latest",
               st->duplicates == CHORUS_DUPLICATES_FIRST ? "first" : "last");
done:
    free(k_of);
    return rc;
}

int chorus_triples_build(chorus_votes **out, const chorus_triples_state *st, int64_t n_items,
                         int32_t n_classes)
{
    *out = NULL;
    int64_t *row_ptr = calloc((size_t)n_items + 1, sizeof *row_ptr);
    int32_t *lf_index = malloc(st->n ? st->n * sizeof *lf_index : 1);
    int32_t *label = malloc(st->n ? st->n * sizeof *label : 1);
    int rc = row_ptr && lf_index && label ? CHORUS_OK : chorus_error_nomem();
    for (size_t t = 0; !rc && t < st->n; t++) {
        row_ptr[st->triples[t].item + 1]++;
        lf_index[t] = (int32_t)st->triples[t].lf;
        label[t] = (int32_t)st->triples[t].label;
    }
    for (int64_t i = 0; !rc && i < n_items; i++)
        row_ptr[i + 1] += row_ptr[i];
    if (!rc)
        rc = chorus_votes_adopt(out, n_items, st->n_lfs + st->n_repeats, n_classes, row_ptr,
                                lf_index, label);
    if (rc) {
        free(row_ptr);
        free(lf_index);
        free(label);
    }
    return rc;
}

int chorus_triples_name_repeats(const chorus_triples_state *st, chorus_votes *votes)
{
    for (int32_t r = 0; r < st->n_repeats; r++) {
        const char *base = chorus_votes_lf_name(votes, st->repeats[r].lf);
        size_t n = strlen(base) + 16;
        char *name = malloc(n);
        if (!name) return chorus_error_nomem();
        snprintf(name, n, "%s#%" PRId32, base, st->repeats[r].k);
        int rc = chorus_votes_set_lf_name(votes, st->n_lfs + r, name);
        free(name);
        if (rc == CHORUS_EINVAL) {
            chorus_error_wrap("%s: ", st->path);
            return chorus_error_recode(CHORUS_EFORMAT);
        }
        if (rc) return rc;
    }
    return CHORUS_OK;
}
