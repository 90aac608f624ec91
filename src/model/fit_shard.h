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
 * Every exchange is collective: a process that failed on its own (out of memory, a shard
 * that is not its range) must still take part, or the others would wait for it forever.
 * So each exchange first gathers every process's status: `local` is this process's (0 or
 * a negative chorus_status); when any process failed, every process returns an error
 * instead of exchanging (this process's own, else that of the first process that failed,
 * naming it). Returns 0 when all succeeded. Without a shard it returns `local`.
 */
int fit_shard_agree(const fit_shard *shard, int local);

/*
 * Replaces values[0..n) by their sum over the processes (integers: exact in any order),
 * after agreeing on `local` as fit_shard_agree does (values may then be NULL on a process
 * that failed). A no-op returning `local` without a shard. CHORUS_ENOMEM, or the
 * communicator's error.
 */
int fit_shard_sum_i64(const fit_shard *shard, int64_t *values, size_t n, int local);

/*
 * Fills the chunks of the other processes into `partials` (n_chunks blocks of `block`
 * doubles, this process's own already filled), after agreeing on `local`. A no-op
 * returning `local` without a shard.
 */
int fit_shard_gather_chunks(const fit_shard *shard, double *partials, int64_t n_chunks,
                            size_t block, int local);

#endif
