/*
 * Hard labels from probabilistic labels, with the WRENCH / Snorkel tie-break made
 * reproducible: a tied item's pick depends only on its item id (its row in the votes),
 * through SHA-1, so the labels (and every score computed from them) match the published
 * Python numbers, do not depend on the thread count, and stay the same when uncovered rows
 * are dropped.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/error_internal.h"
#include "eval/eval_internal.h"

/* Below this many items, starting threads costs more than labelling serially. */
#define PARALLEL_MIN_ITEMS 4096

int chorus_tie_break_parse(chorus_tie_break *out, const char *name)
{
    if (name && strcmp(name, "hash") == 0) {
        *out = CHORUS_TIE_BREAK_HASH;
        return CHORUS_OK;
    }
    if (name && strcmp(name, "abstain") == 0) {
        *out = CHORUS_TIE_BREAK_ABSTAIN;
        return CHORUS_OK;
    }
    return chorus_error_set(CHORUS_EINVAL,
                            "unknown tie-break policy '%s' (expected hash or abstain)",
                            name ? name : "(null)");
}

/*
 * int(sha1(str(item)).hexdigest(), 16) % m, as Python computes it: the digest is a 160-bit
 * big-endian number, reduced byte by byte (Horner's rule). m <= 65535, so r * 256 + 255
 * never overflows. Returns 0, or -1 if OpenSSL fails.
 */
static int sha1_mod(int64_t item, uint32_t m, uint32_t *out)
{
    char text[24];
    int len = snprintf(text, sizeof text, "%" PRId64, item);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (len <= 0 || !EVP_Digest(text, (size_t)len, digest, &digest_len, EVP_sha1(), NULL))
        return -1;
    uint64_t r = 0;
    for (unsigned int b = 0; b < digest_len; b++)
        r = (r * 256 + digest[b]) % m;
    *out = (uint32_t)r;
    return 0;
}

static int row_is_finite(const double *row, int32_t n_classes)
{
    for (int32_t c = 0; c < n_classes; c++)
        if (!isfinite(row[c])) return 0;
    return 1;
}

/*
 * Label of one finite row. *n_tied gets the number of classes within the tolerance of the
 * maximum (at least 1: the maximum itself). Returns -2 if SHA-1 fails.
 */
static int32_t row_label(const double *row, int32_t n_classes, int64_t item,
                         chorus_tie_break tie_break, int32_t *n_tied)
{
    double max = row[0];
    for (int32_t c = 1; c < n_classes; c++)
        if (row[c] > max) max = row[c];
    int32_t count = 0, first = 0;
    for (int32_t c = 0; c < n_classes; c++)
        if (fabs(row[c] - max) < CHORUS_TIE_TOLERANCE && count++ == 0) first = c;
    *n_tied = count;
    if (count == 1) return first;
    if (tie_break == CHORUS_TIE_BREAK_ABSTAIN) return CHORUS_ABSTAIN;
    uint32_t pick;
    if (sha1_mod(item, (uint32_t)count, &pick) != 0) return -2;
    /* The pick-th tied class in class order, as numpy's np.where lists them. */
    for (int32_t c = first;; c++)
        if (fabs(row[c] - max) < CHORUS_TIE_TOLERANCE && pick-- == 0) return c;
}

int chorus_eval_hard_labels(int32_t *out, uint8_t *tied, const chorus_probs *probs,
                            chorus_tie_break tie_break)
{
    const int64_t n = chorus_probs_n_items(probs);
    const int32_t k = chorus_probs_n_classes(probs);
    const double *data = chorus_probs_const_data(probs);
    /* Errors are found inside the parallel loop but reported after it, for the lowest
     * item, so the message does not depend on scheduling either. */
    int64_t first_bad = INT64_MAX;
    int sha_failed = 0;

#pragma omp parallel for schedule(static) reduction(min : first_bad) if (n > PARALLEL_MIN_ITEMS)
    for (int64_t i = 0; i < n; i++) {
        const double *row = data + i * k;
        int32_t n_tied = 1;
        int32_t label = CHORUS_ABSTAIN;
        if (!row_is_finite(row, k)) {
            if (i < first_bad) first_bad = i;
        } else {
            label = row_label(row, k, chorus_probs_item_id(probs, i), tie_break, &n_tied);
            if (label == -2) {
#pragma omp atomic write
                sha_failed = 1;
                label = CHORUS_ABSTAIN;
            }
        }
        out[i] = label;
        if (tied) tied[i] = n_tied > 1;
    }

    if (first_bad != INT64_MAX) {
        const double *row = data + first_bad * k;
        int32_t c = 0;
        while (isfinite(row[c]))
            c++;
        return chorus_error_set(CHORUS_EINVAL,
                                "item %" PRId64 ": probability of class %" PRId32
                                " is %g, not a finite number",
                                chorus_probs_item_id(probs, first_bad), c, row[c]);
    }
    if (sha_failed) return chorus_error_set(CHORUS_EINTERNAL, "SHA-1 (OpenSSL EVP_Digest) failed");
    return CHORUS_OK;
}

int chorus_probs_to_labels(int32_t *out, const chorus_probs *probs, chorus_tie_break tie_break)
{
    if (!out || !probs) return chorus_error_set(CHORUS_EINVAL, "labels or probabilities are NULL");
    if (tie_break != CHORUS_TIE_BREAK_HASH && tie_break != CHORUS_TIE_BREAK_ABSTAIN)
        return chorus_error_set(CHORUS_EINVAL, "unknown tie-break policy %d", (int)tie_break);
    return chorus_eval_hard_labels(out, NULL, probs, tie_break);
}
