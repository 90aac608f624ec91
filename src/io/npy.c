/*
 * Vote matrices as NumPy .npy files: a dense items x LFs array of signed integers, -1 for
 * an abstain (Snorkel's `L`), or of floats that all hold integers (an `L` built with
 * np.full(..., -1.0)). The reader streams the file into CSR without a dense copy.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/npy_format.h"
#include "io/read_options.h"
#include "votes/votes_internal.h"

/* Bytes per fread: the reader's buffer stays this size however large the array. */
#define CHUNK_BYTES (1 << 18)

static int check_header(const chorus_npy_header *h, const char *path)
{
    char shape[256];
    chorus_npy_shape_string(h, shape, sizeof shape);
    bool signed_int = h->kind == 'i' && (h->itemsize == 1 || h->itemsize == 2 || h->itemsize == 4 ||
                                         h->itemsize == 8);
    bool real = h->kind == 'f' && (h->itemsize == 4 || h->itemsize == 8);
    if (!signed_int && !real)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array has dtype '%s'; expected signed integers "
                                "(int8, int16, int32 or int64: '|i1', '<i2', '<i4' or '<i8'), "
                                "or float32 / float64 holding integers",
                                path, h->descr);
    if (h->ndim != 2)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array has shape %s (%d-D); expected a 2-D array of "
                                "items x labeling functions",
                                path, shape, h->ndim);
    if (h->fortran_order)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array of shape %s is in Fortran order; expected C order "
                                "(save np.ascontiguousarray(L) instead)",
                                path, shape);
    if (h->shape[1] < 1 || h->shape[1] > CHORUS_MAX_LFS)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array has shape %s; expected 1..%d columns (labeling "
                                "functions)",
                                path, shape, CHORUS_MAX_LFS);
    return CHORUS_OK;
}

/* Grows *array to hold `need` items, at most doubling and never beyond `limit` items. */
static int reserve(void **array, int64_t *cap, int64_t need, int64_t limit, size_t size)
{
    if (need <= *cap) return CHORUS_OK;
    int64_t cap2 = *cap < 2048 ? 4096 : *cap > limit / 2 ? limit : *cap * 2;
    if (cap2 > limit) cap2 = limit;
    if (cap2 < need) cap2 = need;
    if ((uint64_t)cap2 > SIZE_MAX / size) return chorus_error_nomem();
    void *p = realloc(*array, (size_t)cap2 * size);
    if (!p) return chorus_error_nomem();
    *array = p;
    *cap = cap2;
    return CHORUS_OK;
}

/* The CSR arrays under construction. */
typedef struct csr {
    int64_t *row_ptr;
    int32_t *lf_index;
    int32_t *label;
    int64_t cap_rows, cap_votes;
    int64_t n_rows, nnz;
} csr;

/* Where element `element` (the flat index in C order) is, for messages. */
static void describe_element(const chorus_npy_reader *r, int64_t element, char *buf, size_t cap)
{
    int64_t cols = r->hdr.shape[1];
    int64_t offset = r->hdr.data_offset + element * r->hdr.itemsize;
    snprintf(buf, cap,
             "%s: row %" PRId64 ", column %" PRId64 " (flat index %" PRId64 ", byte offset %" PRId64
             ")",
             r->path, element / cols, element % cols, element, offset);
}

static int bad_value(const chorus_npy_reader *r, int64_t element, int64_t value, int32_t abstain,
                     int32_t n_classes)
{
    int64_t cols = r->hdr.shape[1];
    int64_t offset = r->hdr.data_offset + element * r->hdr.itemsize;
    const int32_t top = (n_classes > 0 ? n_classes : CHORUS_MAX_CLASSES) - 1;
    char abstains[32] = "-1";
    if (abstain != CHORUS_ABSTAIN) snprintf(abstains, sizeof abstains, "-1 or %" PRId32, abstain);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: row %" PRId64 ", column %" PRId64 " (byte offset %" PRId64
                            "): vote %" PRId64 " is neither %s (abstain) nor a class %s"
                            "%" PRId64 "..%" PRId64 "%s",
                            r->path, element / cols, element % cols, offset, value, abstains,
                            abstain == CHORUS_ABSTAIN ? "in " : "value in ", (int64_t)abstain + 1,
                            (int64_t)abstain + 1 + top,
                            n_classes > 0 ? "" : " (the most classes allowed)");
}

static int not_integer(const chorus_npy_reader *r, int64_t element, double value)
{
    char where[512];
    describe_element(r, element, where, sizeof where);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: %.17g is not an integer; a float array of votes must hold "
                            "whole numbers only (save L.astype(int))",
                            where, value);
}

/* Reads the data in chunks, appending each vote to the CSR as it goes; tracks the top label. */
static int stream_votes(chorus_npy_reader *r, csr *m, int32_t n_classes, int32_t abstain,
                        int32_t *max_label)
{
    const chorus_npy_header *h = &r->hdr;
    const int itemsize = h->itemsize;
    const bool big_endian = h->byte_order == '>';
    const bool real = h->kind == 'f';
    const int64_t rows = h->shape[0], cols = h->shape[1], total = h->n_elements;
    const int32_t max_class = (n_classes > 0 ? n_classes : CHORUS_MAX_CLASSES) - 1;
    unsigned char *buf = NULL;
    int rc = reserve((void **)&m->row_ptr, &m->cap_rows, 1, rows + 1, sizeof *m->row_ptr);
    if (rc) goto done;
    m->row_ptr[0] = 0;
    if (total == 0) goto done;
    buf = malloc(CHUNK_BYTES);
    if (!buf) {
        rc = chorus_error_nomem();
        goto done;
    }
    const int64_t per_chunk = CHUNK_BYTES / itemsize;
    int64_t col = 0;
    int32_t v32;
    for (int64_t start = 0; start < total; start += per_chunk) {
        int64_t n = total - start < per_chunk ? total - start : per_chunk;
        rc = chorus_npy_read(r, buf, (size_t)(n * itemsize));
        if (rc) goto done;
        for (int64_t e = 0; e < n; e++) {
            int64_t v;
            if (real) {
                double x = chorus_npy_load_float(buf + e * itemsize, itemsize, big_endian);
                /* Integers this far out are no vote anyway; the bound keeps the cast defined. */
                if (!(x == floor(x) && fabs(x) < 1e15)) {
                    rc = not_integer(r, start + e, x);
                    goto done;
                }
                v = (int64_t)x;
            } else {
                v = chorus_npy_load_int(buf + e * itemsize, itemsize, big_endian);
            }
            if (chorus_vote_from_value(v, abstain, max_class, &v32) != 0) {
                rc = bad_value(r, start + e, v, abstain, n_classes);
                goto done;
            }
            v = v32;
            if (v != CHORUS_ABSTAIN) {
                if (m->nnz == m->cap_votes) {
                    int64_t cap = m->cap_votes;
                    rc = reserve((void **)&m->lf_index, &cap, m->nnz + 1, total, sizeof(int32_t));
                    if (!rc)
                        rc = reserve((void **)&m->label, &m->cap_votes, m->nnz + 1, total,
                                     sizeof(int32_t));
                    if (rc) goto done;
                }
                m->lf_index[m->nnz] = (int32_t)col;
                m->label[m->nnz] = (int32_t)v;
                m->nnz++;
                if (v > *max_label) *max_label = (int32_t)v;
            }
            if (++col == cols) {
                col = 0;
                rc = reserve((void **)&m->row_ptr, &m->cap_rows, m->n_rows + 2, rows + 1,
                             sizeof *m->row_ptr);
                if (rc) goto done;
                m->row_ptr[++m->n_rows] = m->nnz;
            }
        }
    }
done:
    free(buf);
    return rc;
}

int chorus_votes_read_npy(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options resolved;
    int rc = chorus_read_options_resolve(&resolved, opts);
    if (rc) return rc;
    opts = &resolved;
    chorus_npy_reader r;
    csr m = {0};
    rc = chorus_npy_open(&r, path);
    if (rc) return rc;
    rc = check_header(&r.hdr, path);
    if (!rc) rc = chorus_npy_expect_data(&r);
    int32_t max_label = -1;
    if (!rc) rc = stream_votes(&r, &m, opts->n_classes, opts->abstain_value, &max_label);
    if (!rc) rc = chorus_npy_finish(&r);
    if (rc) goto done;

    /* Give back what the doubling over-allocated; keeping the larger block is harmless. */
    size_t keep = m.nnz ? (size_t)m.nnz * sizeof(int32_t) : sizeof(int32_t);
    void *p = realloc(m.lf_index, keep);
    if (p) m.lf_index = p;
    p = realloc(m.label, keep);
    if (p) m.label = p;
    if (!m.lf_index || !m.label) {
        rc = chorus_error_nomem();
        goto done;
    }
    int32_t n_classes = opts->n_classes > 0 ? opts->n_classes : max_label + 1;
    if (n_classes < 2) n_classes = 2;
    rc = chorus_votes_adopt(out, r.hdr.shape[0], (int32_t)r.hdr.shape[1], n_classes, m.row_ptr,
                            m.lf_index, m.label);
    if (!rc) {
        m.row_ptr = NULL; /* the matrix owns them now */
        m.lf_index = NULL;
        m.label = NULL;
        if (opts->n_classes == 0) rc = chorus_votes_check_inferred_classes(*out, path);
        if (rc) {
            chorus_votes_free(*out);
            *out = NULL;
        }
    }
done:
    free(m.row_ptr);
    free(m.lf_index);
    free(m.label);
    chorus_npy_close(&r);
    return rc;
}

int chorus_votes_write_npy(const chorus_votes *votes, const char *path)
{
    const int64_t rows = chorus_votes_n_items(votes);
    const int32_t cols = chorus_votes_n_lfs(votes);
    const int32_t top = chorus_votes_n_classes(votes) - 1;
    /* The narrowest type that holds every class; NumPy spells int8 '|i1'. */
    const int itemsize = top <= INT8_MAX ? 1 : top <= INT16_MAX ? 2 : 4;
    const char *descr = itemsize == 1 ? "|i1" : itemsize == 2 ? "<i2" : "<i4";
    const chorus_vote_view w = chorus_votes_view(votes);
    const int64_t *row_ptr = w.row_ptr;
    const size_t row_bytes = (size_t)cols * (size_t)itemsize;
    chorus_atomic_file file = {0};
    unsigned char *row = malloc(row_bytes);
    if (!row) return chorus_error_nomem();
    int rc = chorus_atomic_open(&file, path);
    if (rc) goto done;
    int64_t shape[2] = {rows, cols};
    rc = chorus_npy_write_header(file.fp, path, descr, 2, shape);
    for (int64_t i = 0; !rc && i < rows; i++) {
        /* All-ones bytes are -1 (abstain) at every width. */
        memset(row, 0xff, row_bytes);
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++)
            chorus_npy_store_int_le(row + (size_t)chorus_view_lf(&w, p) * (size_t)itemsize,
                                    itemsize, chorus_view_label(&w, p));
        if (fwrite(row, 1, row_bytes, file.fp) != row_bytes)
            rc = chorus_error_set(CHORUS_EWRITE, "%s: write failed at row %" PRId64 ": %s", path, i,
                                  strerror(errno));
    }
    if (!rc) rc = chorus_atomic_commit(&file);
done:
    if (rc) chorus_atomic_abort(&file);
    free(row);
    return rc;
}
