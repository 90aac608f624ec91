/*
 * Why a signature and not a comparison of columns: a sharded fit holds a slice of every
 * column, and sums of per-vote hashes add up across processes in any order; a pairwise
 * comparison would also cost m^2 column scans. Why the per-class counts first: they are
 * the default's own pass over the votes, and most matrices have no two LFs that share them,
 * so the hashing pass is skipped.
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

/* An LF and the numbers its column is compared by (`width` of them). */
typedef struct column {
    const int64_t *key;
    int32_t width;
    int32_t lf;
} column;

static int compare_columns(const void *a, const void *b)
{
    const column *x = a, *y = b;
    for (int32_t s = 0; s < x->width; s++)
        if (x->key[s] != y->key[s]) return x->key[s] < y->key[s] ? -1 : 1;
    return (x->lf > y->lf) - (x->lf < y->lf);
}

static bool same_key(const column *x, const column *y)
{
    return memcmp(x->key, y->key, (size_t)x->width * sizeof *x->key) == 0;
}

/* The votes a column's key stands for: the sum of its per-class counts, or a signature's
 * count. */
static int64_t key_votes(const column *c, bool per_class)
{
    int64_t cast = 0;
    for (int32_t s = 0; s < (per_class ? c->width : 1); s++)
        cast += c->key[s];
    return cast;
}

/*
 * Sorts cols[0..n) by key, then index, and sets marks[lf] to the first LF of its run for
 * every later LF of a run of equal keys whose LFs cast at least CHORUS_COPIES_MIN_VOTES
 * votes. Returns whether any was marked.
 */
static bool mark_runs(column *cols, int32_t n, bool per_class, int32_t *marks)
{
    bool any = false;
    qsort(cols, (size_t)n, sizeof *cols, compare_columns);
    for (int32_t a = 0, b; a < n; a = b)
        for (b = a + 1; b < n && same_key(&cols[a], &cols[b]); b++)
            if (key_votes(&cols[a], per_class) >= CHORUS_COPIES_MIN_VOTES) {
                marks[cols[b].lf] = cols[a].lf;
                any = true;
            }
    return any;
}

/* The signatures of this process's items for the LFs with candidate[j] >= 0: per vote,
 * three 20-bit fields of one 64-bit hash of (global item, class), each summed per LF
 * (below 2^63 for fewer than 2^43 votes of an LF), and the count. Integer sums: the same in
 * any order. */
static void local_signatures(const chorus_votes *votes, int64_t first_item,
                             const int32_t *candidate, int64_t *sig)
{
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    const uint64_t k = (uint64_t)chorus_votes_n_classes(votes);
    const uint64_t mask = (1u << HASH_BITS) - 1;
    for (int64_t i = 0; i < chorus_votes_n_items(votes); i++)
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            const int32_t j = chorus_view_lf(&w, p);
            if (candidate[j] < 0) continue;
            int64_t *s = sig + (size_t)j * SIGNATURE;
            const uint64_t h =
                chorus_mix64((uint64_t)(first_item + i) * k + (uint64_t)chorus_view_label(&w, p));
            s[0] += 1;
            s[1] += (int64_t)(h & mask);
            s[2] += (int64_t)((h >> HASH_BITS) & mask);
            s[3] += (int64_t)((h >> 2 * HASH_BITS) & mask);
        }
}

int chorus_lf_copies_find(int32_t **out, const chorus_votes *votes, const fit_shard *shard,
                          const int64_t *counts)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    if (!counts) return chorus_error_nomem();
    column *cols = malloc((size_t)(m > 0 ? m : 1) * sizeof *cols);
    int32_t *candidate = malloc((size_t)(m > 0 ? m : 1) * sizeof *candidate);
    int32_t *copy_of = malloc((size_t)(m > 0 ? m : 1) * sizeof *copy_of);
    int64_t *sig = NULL;
    int rc = cols && candidate && copy_of ? CHORUS_OK : chorus_error_nomem();
    /* Copies vote each class as often: only LFs that share their votes per class with
     * another need a signature, and the counts are the whole matrix's on every process,
     * so all of them agree on whether any do. */
    bool candidates = false, any = false;
    if (!rc) {
        for (int32_t j = 0; j < m; j++) {
            cols[j] = (column){counts + (size_t)j * k, k, j};
            candidate[j] = copy_of[j] = -1;
        }
        candidates = mark_runs(cols, m, true, candidate);
        /* The first LF of each run is a candidate too. */
        for (int32_t j = 0; j < m; j++)
            if (candidate[j] >= 0) candidate[candidate[j]] = candidate[j];
    }
    /* A sharded fit always exchanges: a process that failed above cannot know whether the
     * others will, and must take part in what they do. */
    if (candidates || shard) {
        if (!rc && !(sig = calloc((size_t)m * SIGNATURE, sizeof *sig))) rc = chorus_error_nomem();
        if (!rc && candidates)
            local_signatures(votes, shard ? shard->first_item : 0, candidate, sig);
        rc = fit_shard_sum_i64(shard, sig, (size_t)m * SIGNATURE, rc);
        int32_t n = 0;
        for (int32_t j = 0; !rc && candidates && j < m; j++)
            if (candidate[j] >= 0) cols[n++] = (column){sig + (size_t)j * SIGNATURE, SIGNATURE, j};
        if (!rc && candidates) any = mark_runs(cols, n, false, copy_of);
    }
    free(sig);
    free(cols);
    free(candidate);
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
    int32_t *lf_map = malloc((size_t)(m > 0 ? m : 1) * sizeof *lf_map);
    if (!lf_map) return chorus_error_nomem();
    for (int32_t j = 0; j < m; j++)
        lf_map[j] = copy_of[j] >= 0 ? -1 : j;
    chorus_votes *kept = NULL;
    int rc = chorus_votes_remap(&kept, votes, lf_map, m, NULL, k);
    free(lf_map);
    for (int32_t j = 0; !rc && chorus_votes_has_lf_names(votes) && j < m; j++)
        rc = chorus_votes_set_lf_name(kept, j, chorus_votes_lf_name(votes, j));
    for (int32_t c = 0; !rc && chorus_votes_has_class_names(votes) && c < k; c++)
        rc = chorus_votes_set_class_name(kept, c, chorus_votes_class_name(votes, c));
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
