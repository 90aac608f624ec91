/*
 * Why a signature and not a comparison of columns: a sharded fit holds a slice of every
 * column, and sums of per-vote hashes add up across processes in any order; a pairwise
 * comparison would also cost m^2 column scans.
 */
#include "model/lf_copies.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/random.h"
#include "model/model_internal.h"
#include "votes/votes_internal.h"

/* Per LF: its vote count and three hash sums. */
#define SIGNATURE 4
#define HASH_BITS 20

typedef struct column {
    const int64_t *signature;
    int32_t lf;
} column;

static int compare_columns(const void *a, const void *b)
{
    const column *x = a, *y = b;
    for (int s = 0; s < SIGNATURE; s++)
        if (x->signature[s] != y->signature[s]) return x->signature[s] < y->signature[s] ? -1 : 1;
    return (x->lf > y->lf) - (x->lf < y->lf);
}

/* The signatures of this process's items: a 20-bit hash of (global item, class) per vote
 * and hash, summed per LF (below 2^63 for fewer than 2^43 votes of an LF). */
static void local_signatures(const chorus_votes *votes, int64_t first_item, int64_t *sig)
{
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    const uint64_t k = (uint64_t)chorus_votes_n_classes(votes);
    const uint64_t mask = (1u << HASH_BITS) - 1;
    for (int64_t i = 0; i < chorus_votes_n_items(votes); i++)
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            int64_t *s = sig + (size_t)chorus_view_lf(&w, p) * SIGNATURE;
            const uint64_t key =
                (uint64_t)(first_item + i) * k + (uint64_t)chorus_view_label(&w, p);
            s[0] += 1;
            for (int h = 1; h < SIGNATURE; h++)
                s[h] += (int64_t)(chorus_mix64(key ^ chorus_mix64((uint64_t)h)) & mask);
        }
}

int chorus_lf_copies_find(int32_t **out, const chorus_votes *votes, const fit_shard *shard)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes);
    int64_t *sig = calloc((size_t)(m > 0 ? m : 1) * SIGNATURE, sizeof *sig);
    column *cols = malloc((size_t)(m > 0 ? m : 1) * sizeof *cols);
    int32_t *copy_of = malloc((size_t)(m > 0 ? m : 1) * sizeof *copy_of);
    int rc = sig && cols && copy_of ? CHORUS_OK : chorus_error_nomem();
    if (!rc) local_signatures(votes, shard ? shard->first_item : 0, sig);
    rc = fit_shard_sum_i64(shard, sig, (size_t)m * SIGNATURE, rc);
    bool any = false;
    if (!rc) {
        for (int32_t j = 0; j < m; j++) {
            cols[j] = (column){sig + (size_t)j * SIGNATURE, j};
            copy_of[j] = -1;
        }
        qsort(cols, (size_t)m, sizeof *cols, compare_columns);
        /* Sorted by signature, then index: each run of equal signatures starts at its
         * first LF. */
        for (int32_t a = 0, b; a < m; a = b) {
            for (b = a + 1; b < m && memcmp(cols[a].signature, cols[b].signature,
                                            SIGNATURE * sizeof *sig) == 0;
                 b++)
                if (cols[a].signature[0] >= CHORUS_COPIES_MIN_VOTES) {
                    copy_of[cols[b].lf] = cols[a].lf;
                    any = true;
                }
        }
    }
    free(sig);
    free(cols);
    if (!rc && any) {
        *out = copy_of;
        copy_of = NULL;
    }
    free(copy_of);
    return rc;
}

int chorus_votes_without_copies(chorus_votes **out, const chorus_votes *votes,
                                const int32_t *copy_of)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    int32_t *lfs = malloc((size_t)(m > 0 ? m : 1) * sizeof *lfs);
    int32_t *labels = malloc((size_t)(m > 0 ? m : 1) * sizeof *labels);
    chorus_votes *kept = NULL;
    int rc = lfs && labels ? chorus_votes_new(&kept, m, k) : chorus_error_nomem();
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    for (int64_t i = 0; !rc && i < chorus_votes_n_items(votes); i++) {
        size_t n = 0;
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            const int32_t j = chorus_view_lf(&w, p);
            if (copy_of[j] >= 0) continue;
            lfs[n] = j;
            labels[n++] = chorus_view_label(&w, p);
        }
        rc = chorus_votes_append_item(kept, lfs, labels, n);
    }
    for (int32_t j = 0; !rc && chorus_votes_has_lf_names(votes) && j < m; j++)
        rc = chorus_votes_set_lf_name(kept, j, chorus_votes_lf_name(votes, j));
    for (int32_t c = 0; !rc && chorus_votes_has_class_names(votes) && c < k; c++)
        rc = chorus_votes_set_class_name(kept, c, chorus_votes_class_name(votes, c));
    for (int64_t i = 0;
         !rc && chorus_votes_has_item_names(votes) && i < chorus_votes_n_items(votes); i++)
        if (chorus_votes_item_name(votes, i))
            rc = chorus_votes_set_item_name(kept, i, chorus_votes_item_name(votes, i));
    free(lfs);
    free(labels);
    if (rc) {
        chorus_votes_free(kept);
        return rc;
    }
    *out = kept;
    return CHORUS_OK;
}

void chorus_model_set_copies(chorus_model *model, int32_t *copy_of)
{
    free(model->copy_of);
    model->copy_of = copy_of;
}

int chorus_model_votes_without_copies(chorus_votes **out, const chorus_model *model,
                                      const chorus_votes *votes)
{
    *out = NULL;
    if (!model->copy_of || model->check.fell_back) return CHORUS_OK;
    return chorus_votes_without_copies(out, votes, model->copy_of);
}
