/* The sample of items the held-out checks refit on, and the score of a held-out vote. */
#include "model/heldout_sample.h"

#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/model_internal.h"
#include "votes/votes_internal.h"

/* (heldout_sample.h) */
double chorus_tie_split_agreement(const double *q, int32_t k, int32_t vote)
{
    double top = q[0];
    for (int32_t c = 1; c < k; c++)
        if (q[c] > top) top = q[c];
    int32_t tied = 0;
    for (int32_t c = 0; c < k; c++)
        tied += q[c] >= top - CHORUS_TIE_TOLERANCE;
    return q[vote] >= top - CHORUS_TIE_TOLERANCE ? 1.0 / tied : 0.0;
}

/* (heldout_sample.h) */
int chorus_sample_fit(chorus_model **out, const chorus_votes *sample, chorus_model_type type,
                      const chorus_fit_options *opts)
{
    chorus_model *fit = NULL;
    *out = NULL;
    int rc = chorus_model_alloc(&fit, type, sample);
    if (rc) return rc;
    chorus_fit_options o = *opts;
    o.type = type;
    o.n_threads = 1;
    o.restarts = 0;
    o.progress = NULL;
    o.progress_ctx = NULL;
    fit->settings = o;
    fit->fit_n_items = chorus_votes_n_items(sample);
    const int was_muted = chorus_log_mute(1);
    rc = chorus_em_fit(fit, sample, &o, NULL);
    chorus_log_mute(was_muted);
    if (rc) {
        chorus_model_free(fit);
        return rc;
    }
    *out = fit;
    return CHORUS_OK;
}

/* The items the checks fit on: every `stride`-th item of the whole matrix, so the refits
 * cost at most CHORUS_HELDOUT_MAX_ITEMS items whatever its size. */
int64_t chorus_sample_stride(int64_t n)
{
    return n > CHORUS_HELDOUT_MAX_ITEMS
               ? (n + CHORUS_HELDOUT_MAX_ITEMS - 1) / CHORUS_HELDOUT_MAX_ITEMS
               : 1;
}

void chorus_sample_matrix_free(chorus_sample_matrix *s)
{
    free(s->row_ptr);
    free(s->lf);
    free(s->label);
}

/*
 * All-gathers blocks of `width`-byte entries, counts[r] entries from process r, into buf,
 * after agreeing on this process's status `local` (fit_shard_agree): a process that failed
 * still takes part, and then every process returns an error.
 */
static int gather_blocks(const fit_shard *shard, int local, void *buf, const int64_t *counts,
                         size_t width)
{
    const chorus_comm *comm = shard->comm;
    size_t *bytes = local ? NULL : malloc((size_t)comm->size * sizeof *bytes);
    if (!local && !bytes) local = chorus_error_nomem();
    int rc = fit_shard_agree(shard, local);
    if (rc) {
        free(bytes);
        return rc;
    }
    for (int r = 0; r < comm->size; r++)
        bytes[r] = (size_t)counts[r] * width;
    rc = comm->allgather(comm->ctx, buf, bytes);
    free(bytes);
    return rc;
}

/*
 * Every stride-th item of the whole matrix. With a shard, each process takes its own
 * items' rows and the rows are gathered in process order, which is item order: every
 * process then holds the same sample as one process holding every item would.
 */
int chorus_sample_matrix_build(const chorus_votes *votes, const fit_shard *shard, int64_t stride,
                               chorus_sample_matrix *s)
{
    const chorus_vote_view w = chorus_votes_view(votes);
    const int64_t n = chorus_votes_n_items(votes), first = shard ? shard->first_item : 0;
    const int size = shard ? shard->comm->size : 1, rank = shard ? shard->comm->rank : 0;
    int64_t *per_rank = calloc((size_t)size * 2, sizeof *per_rank); /* [r]: items, votes */
    int64_t *item_counts = calloc((size_t)size, sizeof *item_counts);
    int64_t *vote_counts = calloc((size_t)size, sizeof *vote_counts);
    int64_t *lengths = NULL;
    int rc = !per_rank || !item_counts || !vote_counts ? chorus_error_nomem() : CHORUS_OK;
    /* This process's sampled items: global index first + i, a multiple of stride. */
    const int64_t start = (stride - first % stride) % stride;
    int64_t my_items = 0, my_votes = 0;
    for (int64_t i = start; i < n; i += stride) {
        my_items++;
        my_votes += w.row_ptr[i + 1] - w.row_ptr[i];
    }
    if (!rc) {
        per_rank[2 * rank] = my_items;
        per_rank[2 * rank + 1] = my_votes;
        for (int r = 0; r < size; r++)
            item_counts[r] = 2; /* a pair per process */
    }
    /* A process that failed so far still takes part in the exchange (fit_shard_agree). */
    if (shard) rc = gather_blocks(shard, rc, per_rank, item_counts, sizeof *per_rank);
    if (rc) goto done;
    int64_t items_before = 0, votes_before = 0;
    s->n = 0;
    int64_t nnz = 0;
    for (int r = 0; r < size; r++) {
        item_counts[r] = per_rank[2 * r];
        vote_counts[r] = per_rank[2 * r + 1];
        if (r < rank) {
            items_before += item_counts[r];
            votes_before += vote_counts[r];
        }
        s->n += item_counts[r];
        nnz += vote_counts[r];
    }
    lengths = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *lengths);
    s->row_ptr = malloc((size_t)(s->n + 1) * sizeof *s->row_ptr);
    s->lf = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *s->lf);
    s->label = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *s->label);
    if (!lengths || !s->row_ptr || !s->lf || !s->label) rc = chorus_error_nomem();
    int64_t r_item = items_before, r_vote = votes_before;
    for (int64_t i = start; !rc && i < n; i += stride) {
        lengths[r_item++] = w.row_ptr[i + 1] - w.row_ptr[i];
        for (int64_t v = w.row_ptr[i]; v < w.row_ptr[i + 1]; v++) {
            s->lf[r_vote] = chorus_view_lf(&w, v);
            s->label[r_vote++] = chorus_view_label(&w, v);
        }
    }
    if (shard && ((rc = gather_blocks(shard, rc, lengths, item_counts, sizeof *lengths)) ||
                  (rc = gather_blocks(shard, 0, s->lf, vote_counts, sizeof *s->lf)) ||
                  (rc = gather_blocks(shard, 0, s->label, vote_counts, sizeof *s->label))))
        goto done;
    if (rc) goto done;
    s->row_ptr[0] = 0;
    for (int64_t i = 0; i < s->n; i++)
        s->row_ptr[i + 1] = s->row_ptr[i] + lengths[i];

done:
    free(per_rank);
    free(item_counts);
    free(vote_counts);
    free(lengths);
    return rc;
}
