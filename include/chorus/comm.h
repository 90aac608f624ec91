/*
 * A communicator: how the processes of one distributed job (the ranks of an MPI run) share
 * data. The library knows nothing of MPI; the caller hands it this table, and the command
 * line fills it from MPI. Every call through it is collective: each process of the job
 * must make the same calls in the same order.
 */
#ifndef CHORUS_COMM_H
#define CHORUS_COMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_comm {
    int rank; /* this process, 0..size-1 */
    int size; /* processes in the job, >= 1 */
    /*
     * In-place all-gather. `buf` holds `size` blocks back to back, block r of counts[r]
     * bytes (the same counts on every process). On entry this process's block is filled;
     * on return every block is, on every process. Returns 0, or a negative chorus_status.
     */
    int (*allgather)(void *ctx, void *buf, const size_t *counts);
    void *ctx; /* passed to allgather */
} chorus_comm;

#ifdef __cplusplus
}
#endif
#endif
