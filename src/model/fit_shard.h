/*
 * A fit whose items are split across the processes of a job (chorus_model_fit_sharded):
 * which items and EM chunks each process holds, and the sums that make every process see
 * the whole matrix's statistics. NULL for a shard means one process holds every item.
 */
#ifndef CHORUS_FIT_SHARD_H
#define CHORUS_FIT_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/comm.h"

typedef struct fit_shard {
    const chorus_comm *comm;
    int64_t first_item; /* the whole matrix's index of this process's item 0 */
    int64_t n_items;    /* items of all the processes together */
} fit_shard;

/* The chunks [*begin, *end) of n_chunks that process `rank` of `size` computes. */
void fit_shard_chunks(int64_t n_chunks, int rank, int size, int64_t *begin, int64_t *end);

/*
 * Replaces values[0..n) by their sum over the processes (integers: exact in any order).
 * A no-op without a shard. CHORUS_ENOMEM, or the communicator's error.
 */
int fit_shard_sum_i64(const fit_shard *shard, int64_t *values, size_t n);

/*
 * Fills the chunks of the other processes into `partials` (n_chunks blocks of `block`
 * doubles, this process's own already filled). A no-op without a shard.
 */
int fit_shard_gather_chunks(const fit_shard *shard, double *partials, int64_t n_chunks,
                            size_t block);

#endif
