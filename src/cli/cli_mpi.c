/*
 * The MPI layer: the job's ranks as a chorus_comm for the library, and the few exchanges
 * the commands make themselves. Only the main thread calls MPI (the OpenMP threads never
 * do), so MPI_THREAD_FUNNELED is all it needs.
 */
#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_mpi.h"

/* Bytes per message: MPI counts are ints. */
#define MAX_MESSAGE ((size_t)1 << 30)

static int started;
static chorus_comm world = {0, 1, NULL, NULL};

/* In-place MPI_Allgatherv of bytes; the counts and offsets must fit MPI's ints. */
static int allgather_world(void *ctx, void *buf, const size_t *counts)
{
    (void)ctx;
    int *sizes = malloc((size_t)world.size * sizeof *sizes);
    int *offsets = malloc((size_t)world.size * sizeof *offsets);
    int rc = CHORUS_OK;
    size_t at = 0;
    if (!sizes || !offsets) {
        rc = CHORUS_ENOMEM;
        goto done;
    }
    for (int r = 0; r < world.size; r++) {
        if (counts[r] > INT_MAX || at > (size_t)INT_MAX - counts[r]) {
            rc = CHORUS_ENOMEM; /* the same on every rank: the counts are everyone's */
            goto done;
        }
        sizes[r] = (int)counts[r];
        offsets[r] = (int)at;
        at += counts[r];
    }
    if (MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, sizes, offsets, MPI_BYTE,
                       MPI_COMM_WORLD) != MPI_SUCCESS)
        rc = CHORUS_EINTERNAL;
done:
    free(sizes);
    free(offsets);
    return rc;
}

int cli_mpi_start(const char *cmd)
{
    const int n = cli_launcher_size();
    if (n <= 1) return CLI_EXIT_OK;
    if (strcmp(cmd, "fit") != 0 && strcmp(cmd, "predict") != 0 && strcmp(cmd, "apply") != 0) {
        if (cli_launcher_rank() == 0)
            fprintf(stderr,
                    "chorus %s: started as one of %d processes (mpirun -np %d?); only fit, "
                    "predict and apply run on several processes: run %s without mpirun\n",
                    cmd, n, n, cmd);
        return CLI_EXIT_USAGE;
    }
    int provided;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "chorus %s: MPI could not be started\n", cmd);
        return CLI_EXIT_FAILURE;
    }
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    world.allgather = allgather_world;
    return CLI_EXIT_OK;
}

int cli_mpi_finish(int rc)
{
    if (started) {
        /* Every rank leaves with the job's exit code, so mpirun reports the first failure. */
        rc = cli_mpi_agree(rc, NULL);
        MPI_Finalize();
        started = 0;
    }
    return rc;
}

int cli_mpi_rank(void)
{
    return world.rank;
}

int cli_mpi_size(void)
{
    return world.size;
}

const chorus_comm *cli_mpi_comm(void)
{
    return &world;
}

int cli_mpi_agree(int rc, int *first)
{
    if (first) *first = rc ? 0 : -1;
    if (!started) return rc;
    int *all = malloc((size_t)world.size * sizeof *all);
    if (!all) MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_FAILURE);
    MPI_Allgather(&rc, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
    int agreed = 0;
    for (int r = 0; r < world.size && !agreed; r++)
        if ((agreed = all[r]) && first) *first = r;
    free(all);
    return agreed;
}

/* Sends or receives n bytes in messages MPI's int counts can hold. */
static int transfer(void *buf, size_t n, int peer, int receive)
{
    unsigned char *p = buf;
    for (size_t at = 0; at < n; at += MAX_MESSAGE) {
        int count = (int)(n - at < MAX_MESSAGE ? n - at : MAX_MESSAGE);
        int sent =
            receive ? MPI_Recv(p + at, count, MPI_BYTE, peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE)
                    : MPI_Send(p + at, count, MPI_BYTE, peer, 0, MPI_COMM_WORLD);
        if (sent != MPI_SUCCESS) return CHORUS_EINTERNAL;
    }
    return CHORUS_OK;
}

int cli_mpi_send(const void *buf, size_t n, int peer)
{
    return started ? transfer((void *)buf, n, peer, 0) : CHORUS_EINTERNAL;
}

int cli_mpi_recv(void *buf, size_t n, int peer)
{
    return started ? transfer(buf, n, peer, 1) : CHORUS_EINTERNAL;
}

int cli_mpi_gather(const void *mine, size_t n, void **all, size_t *total)
{
    *all = NULL;
    *total = 0;
    if (!started) {
        if (!(*all = malloc(n ? n : 1))) return CHORUS_ENOMEM;
        if (n) memcpy(*all, mine, n);
        *total = n;
        return CHORUS_OK;
    }
    uint64_t size = n;
    uint64_t *sizes = world.rank == 0 ? malloc((size_t)world.size * sizeof *sizes) : NULL;
    if (world.rank == 0 && !sizes) MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_FAILURE);
    MPI_Gather(&size, 1, MPI_UINT64_T, sizes, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (world.rank != 0) {
        transfer((void *)mine, n, 0, 0);
        return CHORUS_OK;
    }
    size_t sum = 0;
    for (int r = 0; r < world.size; r++)
        sum += (size_t)sizes[r];
    unsigned char *buf = malloc(sum ? sum : 1);
    /* The other ranks are already sending: stopping here would leave them waiting. */
    if (!buf) MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_FAILURE);
    size_t at = 0;
    for (int r = 0; r < world.size; r++) {
        if (r == 0 && n)
            memcpy(buf, mine, n);
        else if (r != 0)
            transfer(buf + at, (size_t)sizes[r], r, 1);
        at += (size_t)sizes[r];
    }
    free(sizes);
    *all = buf;
    *total = sum;
    return CHORUS_OK;
}
