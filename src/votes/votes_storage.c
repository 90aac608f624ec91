/*
 * How a vote matrix stores its votes: each LF index and label in the narrowest type that
 * holds it (chorus_votes_lf_width(), chorus_votes_label_width()), so that a pass over the
 * matrix reads 2 bytes per vote instead of 8 on a typical LF set. The conversions to and
 * from int32, the int32 copies the public getters hand out, and the validation of stored
 * arrays live here.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "votes/votes_internal.h"

/* Entries are moved with memcpy: the same bytes are read as int32 and written narrower. */
static int32_t load_entry(const unsigned char *bytes, int width, int64_t p)
{
    if (width == 1) return bytes[p];
    if (width == 2) {
        uint16_t x;
        memcpy(&x, bytes + 2 * p, sizeof x);
        return x;
    }
    int32_t x;
    memcpy(&x, bytes + 4 * p, sizeof x);
    return x;
}

static void store_entry(unsigned char *bytes, int width, int64_t p, int32_t value)
{
    if (width == 1) {
        bytes[p] = (unsigned char)value;
    } else if (width == 2) {
        uint16_t x = (uint16_t)value;
        memcpy(bytes + 2 * p, &x, sizeof x);
    } else {
        memcpy(bytes + 4 * p, &value, sizeof value);
    }
}

void chorus_votes_convert(void *dst, int dst_width, const void *src, int src_width, int64_t count)
{
    for (int64_t p = 0; p < count; p++)
        store_entry(dst, dst_width, p, load_entry(src, src_width, p));
}

int32_t chorus_votes_entry(const void *array, int width, int64_t p)
{
    return load_entry(array, width, p);
}

void chorus_votes_set_entry(void *array, int width, int64_t p, int32_t value)
{
    store_entry(array, width, p, value);
}

/*
 * Rewrites count int32 entries as `width`-byte entries in the same buffer and shrinks it.
 * Going front to back is safe: entry p is written at or before the bytes it was read
 * from, and after every entry before it was read.
 */
static void *narrow_in_place(void *array, int64_t count, int width)
{
    if (width == 4) return array;
    chorus_votes_convert(array, width, array, 4, count);
    void *shrunk = realloc(array, count ? (size_t)count * (size_t)width : 1);
    return shrunk ? shrunk : array; /* a failed shrink keeps the larger buffer */
}

void chorus_votes_narrow_storage(chorus_votes *v)
{
    const int64_t nnz = v->row_ptr[v->n_items];
    const int lw = chorus_votes_lf_width(v->n_lfs), bw = chorus_votes_label_width(v->n_classes);
    v->lf_index = narrow_in_place(v->lf_index, nnz, lw);
    v->label = narrow_in_place(v->label, nnz, bw);
    v->lf_width = (uint8_t)lw;
    v->label_width = (uint8_t)bw;
    v->cap_votes = nnz;
}

/* Widens an owned array of cap entries, nnz of them in use, to `width` bytes per entry. */
static int widen(void **array, uint8_t *array_width, int64_t cap, int64_t nnz, int width)
{
    if (width <= *array_width) return CHORUS_OK;
    unsigned char *grown = realloc(*array, cap ? (size_t)cap * (size_t)width : 1);
    if (!grown) return chorus_error_nomem();
    /* Back to front: entry p moves up, over bytes whose entries were moved already. */
    for (int64_t p = nnz - 1; p >= 0; p--)
        store_entry(grown, width, p, load_entry(grown, *array_width, p));
    *array = grown;
    *array_width = (uint8_t)width;
    return CHORUS_OK;
}

int chorus_votes_widen_for_sizes(chorus_votes *v)
{
    const int64_t cap = v->cap_votes, nnz = v->row_ptr[v->n_items];
    int rc = widen(&v->lf_index, &v->lf_width, cap, nnz, chorus_votes_lf_width(v->n_lfs));
    if (!rc)
        rc = widen(&v->label, &v->label_width, cap, nnz, chorus_votes_label_width(v->n_classes));
    return rc;
}

void chorus_votes_drop_wide_copies(chorus_votes *v)
{
    free(v->wide_lf_index);
    free(v->wide_label);
    v->wide_lf_index = v->wide_label = NULL;
}

/* The int32 form of a stored array: the array itself when it is int32, else a cached copy. */
static const int32_t *wide_copy(const chorus_votes *votes, const void *array, int width,
                                int32_t *const *cache)
{
    if (width == 4) return array;
    if (*cache) return *cache;
    const int64_t nnz = votes->row_ptr[votes->n_items];
    int32_t *copy = malloc(nnz ? (size_t)nnz * sizeof *copy : 1);
    if (!copy) {
        chorus_error_nomem();
        return NULL;
    }
    chorus_votes_convert(copy, 4, array, width, nnz);
    /* The cache is part of the matrix, filled on the first request. */
    *(int32_t **)cache = copy;
    return copy;
}

const int32_t *chorus_votes_lf_index(const chorus_votes *votes)
{
    return wide_copy(votes, votes->lf_index, votes->lf_width, &votes->wide_lf_index);
}

const int32_t *chorus_votes_labels(const chorus_votes *votes)
{
    return wide_copy(votes, votes->label, votes->label_width, &votes->wide_label);
}

int chorus_votes_check_view(int64_t n_items, int32_t n_lfs, int32_t n_classes,
                            const chorus_vote_view *w)
{
    const int64_t *row_ptr = w->row_ptr;
    if (!row_ptr) return chorus_error_set(CHORUS_EINVAL, "row_ptr is NULL");
    if (row_ptr[0] != 0)
        return chorus_error_set(CHORUS_EINVAL, "row_ptr[0] must be 0, got %" PRId64, row_ptr[0]);
    for (int64_t i = 0; i < n_items; i++) {
        if (row_ptr[i + 1] < row_ptr[i])
            return chorus_error_set(CHORUS_EINVAL,
                                    "row_ptr decreases at item %" PRId64 " (%" PRId64
                                    " then %" PRId64 ")",
                                    i, row_ptr[i], row_ptr[i + 1]);
        if (row_ptr[i + 1] - row_ptr[i] > n_lfs)
            return chorus_error_set(CHORUS_EINVAL,
                                    "item %" PRId64 " has %" PRId64
                                    " votes but there are only %" PRId32 " labeling functions",
                                    i, row_ptr[i + 1] - row_ptr[i], n_lfs);
    }
    if (row_ptr[n_items] > 0 && (!w->lf_index || !w->label))
        return chorus_error_set(CHORUS_EINVAL, "lf_index or label is NULL");
    for (int64_t i = 0; i < n_items; i++) {
        int32_t previous = -1;
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            const int32_t lf = chorus_view_lf(w, p), label = chorus_view_label(w, p);
            if (lf < 0 || lf >= n_lfs)
                return chorus_error_set(CHORUS_EINVAL,
                                        "item %" PRId64 ": labeling function index %" PRId32
                                        " is outside 0..%" PRId32,
                                        i, lf, n_lfs - 1);
            if (p > row_ptr[i] && lf <= previous)
                return chorus_error_set(CHORUS_EINVAL,
                                        "item %" PRId64 ": labeling function indices must be "
                                        "strictly increasing within a row (%" PRId32
                                        " after %" PRId32 ")",
                                        i, lf, previous);
            if (label < 0 || label >= n_classes)
                return chorus_error_set(CHORUS_EINVAL,
                                        "item %" PRId64 ", labeling function %" PRId32
                                        ": label %" PRId32 " is outside 0..%" PRId32,
                                        i, lf, label, n_classes - 1);
            previous = lf;
        }
    }
    return CHORUS_OK;
}

int chorus_votes_check_csr(int64_t n_items, int32_t n_lfs, int32_t n_classes,
                           const int64_t *row_ptr, const int32_t *lf_index, const int32_t *label)
{
    const chorus_vote_view w = {row_ptr, lf_index, label, 4, 4};
    return chorus_votes_check_view(n_items, n_lfs, n_classes, &w);
}
