/* Probabilistic labels as NumPy .npy files: an n_items x n_classes float64 C-order array. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/probs_formats.h"
#include "core/error_internal.h"
#include "io/npy_format.h"

/* Elements per fread / fwrite. */
#define CHUNK_ELEMENTS 32768
/* chorus_probs_new() allows no more. */
#define MAX_CLASSES 65535
#define SUM_TOLERANCE 1e-6

int chorus_probs_write_npy_rows(const chorus_probs *probs, FILE *fp, const char *path,
                                int64_t first_row)
{
    const int32_t cols = chorus_probs_n_classes(probs);
    const double *data = chorus_probs_const_data(probs);
    const int64_t total = chorus_probs_n_items(probs) * cols;
    unsigned char *buf = malloc(CHUNK_ELEMENTS * 8);
    if (!buf) return chorus_error_nomem();
    int rc = CHORUS_OK;
    for (int64_t start = 0; !rc && start < total; start += CHUNK_ELEMENTS) {
        int64_t n = total - start < CHUNK_ELEMENTS ? total - start : CHUNK_ELEMENTS;
        for (int64_t e = 0; e < n; e++)
            chorus_npy_store_f64_le(buf + e * 8, data[start + e]);
        if (fwrite(buf, 8, (size_t)n, fp) != (size_t)n)
            rc = chorus_error_set(CHORUS_EWRITE, "%s: write failed at item %" PRId64 ": %s", path,
                                  first_row + start / cols, strerror(errno));
    }
    free(buf);
    return rc;
}

static int check_header(const chorus_npy_header *h, const char *path)
{
    char shape[256];
    chorus_npy_shape_string(h, shape, sizeof shape);
    if (h->kind != 'f' || (h->itemsize != 8 && h->itemsize != 4))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array has dtype '%s'; expected float64 ('<f8') or float32 "
                                "('<f4') probabilities",
                                path, h->descr);
    if (h->ndim != 2)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array has shape %s (%d-D); expected a 2-D array of "
                                "items x classes",
                                path, shape, h->ndim);
    if (h->fortran_order)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array of shape %s is in Fortran order; expected C order", path,
                                shape);
    if (h->shape[1] < 2 || h->shape[1] > MAX_CLASSES)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: array has shape %s; expected 2..%d columns (classes)", path,
                                shape, MAX_CLASSES);
    return CHORUS_OK;
}

/*
 * Entries must be probabilities and rows distributions. float32 gets its rounding slack and
 * is then rescaled to sum to 1 in double precision, so what was read writes back (as
 * float64) within the float64 tolerance.
 */
static int check_values(const chorus_npy_reader *r, double *data, int64_t row)
{
    const int64_t cols = r->hdr.shape[1];
    double *x = data + row * cols;
    const int64_t row_offset = r->hdr.data_offset + row * cols * r->hdr.itemsize;
    double sum = 0;
    for (int64_t k = 0; k < cols; k++) {
        if (!isfinite(x[k]) || x[k] < 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: row %" PRId64 ", column %" PRId64 " (byte offset %" PRId64
                                    "): %g is not a probability",
                                    r->path, row, k, row_offset + k * r->hdr.itemsize, x[k]);
        sum += x[k];
    }
    double tolerance = SUM_TOLERANCE;
    if (r->hdr.itemsize == 4) tolerance += (double)cols * FLT_EPSILON;
    if (fabs(sum - 1) > tolerance)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: row %" PRId64 " (byte offset %" PRId64 ") sums to %.17g; "
                                "expected 1 within %g",
                                r->path, row, row_offset, sum, tolerance);
    if (r->hdr.itemsize == 4 && sum > 0)
        for (int64_t k = 0; k < cols; k++)
            x[k] /= sum;
    return CHORUS_OK;
}

int chorus_probs_read_npy(chorus_probs **out, const char *path)
{
    *out = NULL;
    chorus_probs *probs = NULL;
    unsigned char *buf = NULL;
    chorus_npy_reader r;
    int rc = chorus_npy_open(&r, path);
    if (rc) return rc;
    rc = check_header(&r.hdr, path);
    /* Only now is the row count backed by the file's size, so allocating it is safe. */
    if (!rc) rc = chorus_npy_expect_data(&r);
    if (!rc) rc = chorus_probs_new(&probs, r.hdr.shape[0], (int32_t)r.hdr.shape[1]);
    if (rc) goto done;
    buf = malloc(CHUNK_ELEMENTS * 8);
    if (!buf) {
        rc = chorus_error_nomem();
        goto done;
    }
    const int itemsize = r.hdr.itemsize;
    const bool big_endian = r.hdr.byte_order == '>';
    const int64_t cols = r.hdr.shape[1], total = r.hdr.n_elements;
    double *data = chorus_probs_data(probs);
    for (int64_t start = 0; start < total; start += CHUNK_ELEMENTS) {
        int64_t n = total - start < CHUNK_ELEMENTS ? total - start : CHUNK_ELEMENTS;
        rc = chorus_npy_read(&r, buf, (size_t)(n * itemsize));
        if (rc) goto done;
        for (int64_t e = 0; e < n; e++)
            data[start + e] = chorus_npy_load_float(buf + e * itemsize, itemsize, big_endian);
        /* Check the rows this chunk completed. */
        for (int64_t row = start / cols; row < (start + n) / cols; row++) {
            rc = check_values(&r, data, row);
            if (rc) goto done;
        }
    }
    rc = chorus_npy_finish(&r);
    if (rc) goto done;
    *out = probs;
    probs = NULL;
done:
    chorus_probs_free(probs);
    free(buf);
    chorus_npy_close(&r);
    return rc;
}
