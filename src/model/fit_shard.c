/*
 * The exchanges of a sharded fit. Processes own whole EM chunks, contiguous and in rank
 * order, so gathering the chunks' partial statistics puts them in chunk order on every
 * process, and adding them there gives the same bits as one process adding its own.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/fit_shard.h"
#include "model/model_internal.h"

void fit_shard_chunks(int64_t n_chunks, int rank, int size, int64_t *begin, int64_t *end)
{
    *begin = n_chunks * rank / size;
    *end = n_chunks * (rank + 1) / size;
}

/* Up to this many processes agree without allocating (so even out of memory they can). */
enum { AGREE_ON_STACK = 256 };

int fit_shard_agree(const fit_shard *shard, int local)
{
    if (!shard) return local;
    const chorus_comm *comm = shard->comm;
    const int size = comm->size;
    int32_t status_stack[AGREE_ON_STACK] = {0};
    size_t counts_stack[AGREE_ON_STACK] = {0};
    int32_t *status = size <= AGREE_ON_STACK ? status_stack : malloc((size_t)size * 4);
    size_t *counts = size <= AGREE_ON_STACK ? counts_stack : malloc((size_t)size * sizeof *counts);
    if (!status || !counts) {
        /* Beyond AGREE_ON_STACK processes with no memory for two small arrays: this one
         * cannot take part, and says so. */
        if (status != status_stack) free(status);
        if (counts != counts_stack) free(counts);
        return local ? local : chorus_error_nomem();
    }
    for (int r = 0; r < size; r++)
        counts[r] = sizeof *status;
    status[comm->rank] = local;
    int rc = comm->allgather(comm->ctx, status, counts);
    int first = -1;
    for (int r = 0; !rc && r < size && first < 0; r++)
        if (status[r]) first = r;
    if (!rc && first >= 0)
        rc = local ? local
                   : chorus_error_set(status[first],
                                      "process %d of the %d of this job failed (its own message "
                                      "says why); this process stopped with it",
                                      first, size);
    if (status != status_stack) free(status);
    if (counts != counts_stack) free(counts);
    return rc;
}

int fit_shard_sum_i64(const fit_shard *shard, int64_t *values, size_t n, int local)
{
    if (!shard) return local;
    if (n == 0) return fit_shard_agree(shard, local);
    const chorus_comm *comm = shard->comm;
    const size_t size = (size_t)comm->size;
    int64_t *all = local ? NULL : malloc(size * n * sizeof *all);
    size_t *counts = local ? NULL : calloc(size, sizeof *counts);
    if (!local && (!all || !counts)) local = chorus_error_nomem();
    int rc = fit_shard_agree(shard, local);
    if (rc) goto done;
    for (size_t r = 0; r < size; r++)
        counts[r] = n * sizeof *all;
    memcpy(all + (size_t)comm->rank * n, values, n * sizeof *all);
    if ((rc = comm->allgather(comm->ctx, all, counts))) goto done;
    memset(values, 0, n * sizeof *values);
    for (size_t r = 0; r < size; r++)
        for (size_t x = 0; x < n; x++)
            values[x] += all[r * n + x];
done:
    free(all);
    free(counts);
    return rc;
}

int fit_shard_gather_chunks(const fit_shard *shard, double *partials, int64_t n_chunks,
                            size_t block, int local)
{
    if (!shard) return local;
    const chorus_comm *comm = shard->comm;
    size_t *counts = local ? NULL : calloc((size_t)comm->size, sizeof *counts);
    if (!local && !counts) local = chorus_error_nomem();
    int rc = fit_shard_agree(shard, local);
    if (rc) {
        free(counts);
        return rc;
    }
    for (int r = 0; r < comm->size; r++) {
        int64_t begin, end;
        fit_shard_chunks(n_chunks, r, comm->size, &begin, &end);
        counts[r] = (size_t)(end - begin) * block * sizeof *partials;
    }
    rc = comm->allgather(comm->ctx, partials, counts);
    free(counts);
    return rc;
}

int chorus_fit_shard_range(int64_t *begin, int64_t *end, int64_t n_items, int32_t n_lfs,
                           int32_t n_classes, int rank, int size)
{
    *begin = *end = 0;
    if (n_items < 0 || n_lfs < 1 || n_classes < 2 || size < 1 || rank < 0 || rank >= size)
        return chorus_error_set(CHORUS_EINVAL,
                                "no shard for process %d of %d of %" PRId64 " items x %" PRId32
                                " labeling functions x %" PRId32 " classes",
                                rank, size, n_items, n_lfs, n_classes);
    /* The statistics of a fit without groups: a K x K table per LF (em.c). */
    const int64_t cells = (int64_t)n_lfs * n_classes * n_classes;
    int64_t n_chunks, chunk_items, first, last;
    chorus_em_plan_chunks(n_items, chorus_em_stat_size(cells, n_classes), &n_chunks, &chunk_items);
    fit_shard_chunks(n_chunks, rank, size, &first, &last);
    *begin = first * chunk_items < n_items ? first * chunk_items : n_items;
    *end = last * chunk_items < n_items ? last * chunk_items : n_items;
    return CHORUS_OK;
}

int chorus_model_fit_sharded(chorus_model **out, const chorus_votes *shard, int64_t first_item,
                             int64_t n_items, const chorus_comm *comm,
                             const chorus_fit_options *opts)
{
    *out = NULL;
    chorus_fit_options defaults = CHORUS_FIT_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    if (!comm || !comm->allgather || comm->size < 1 || comm->rank < 0 || comm->rank >= comm->size)
        return chorus_error_set(CHORUS_EINVAL, "a sharded fit needs a communicator with "
                                               "0 <= rank < size");
    int64_t begin, end;
    const fit_shard s = {comm, first_item, n_items};
    int rc = chorus_fit_shard_range(&begin, &end, n_items, chorus_votes_n_lfs(shard),
                                    chorus_votes_n_classes(shard), comm->rank, comm->size);
    if (!rc && (first_item != begin || chorus_votes_n_items(shard) != end - begin))
        rc = chorus_error_set(
            CHORUS_EINVAL,
            "process %d holds items %" PRId64 "..%" PRId64 " but its shard is items %" PRId64
            "..%" PRId64 " (chorus_fit_shard_range)",
            comm->rank, first_item, first_item + chorus_votes_n_items(shard), begin, end);
    if (!rc && (opts->gold || opts->lf_group || opts->learn_structure))
        rc = chorus_error_set(CHORUS_EINVAL, "a fit split across processes takes no gold "
                                             "labels, dependency groups or structure learning");
    /* What one process finds wrong here, every process must hear before any exchange. */
    if ((rc = fit_shard_agree(&s, rc))) return rc;
    return chorus_model_fit_votes(out, shard, opts, &s);
}
