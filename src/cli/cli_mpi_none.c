/*
 * The MPI layer of a build without MPI: one process. Under a launcher with N > 1 it
 * refuses, since each of the N copies would run the whole job and write the same outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_mpi.h"

static int allgather_single(void *ctx, void *buf, const size_t *counts)
{
    (void)ctx;
    (void)buf;
    (void)counts;
    return CHORUS_OK;
}

static const chorus_comm single = {0, 1, allgather_single, NULL};

int cli_mpi_start(const char *cmd)
{
    const int n = cli_launcher_size();
    if (n <= 1) return CLI_EXIT_OK;
    if (cli_launcher_rank() == 0)
        fprintf(stderr,
                "chorus %s: started as one of %d processes (mpirun -np %d?), but this build of "
                "chorus has no MPI support: each process would run the whole job. Run it "
                "without mpirun, or build chorus with MPI (README.md, \"Running on a cluster "
                "(MPI)\")\n",
                cmd, n, n);
    return CLI_EXIT_USAGE;
}

int cli_mpi_finish(int rc)
{
    return rc;
}

int cli_mpi_rank(void)
{
    return 0;
}

int cli_mpi_size(void)
{
    return 1;
}

const chorus_comm *cli_mpi_comm(void)
{
    return &single;
}

int cli_mpi_agree(int rc, int *first)
{
    if (first) *first = rc ? 0 : -1;
    return rc;
}

int cli_mpi_gather(const void *mine, size_t n, void **all, size_t *total)
{
    *all = malloc(n ? n : 1);
    if (!*all) return CHORUS_ENOMEM;
    if (n) memcpy(*all, mine, n);
    *total = n;
    return CHORUS_OK;
}

/* One process has no peer to exchange with. */
int cli_mpi_send(const void *buf, size_t n, int peer)
{
    (void)buf;
    (void)n;
    (void)peer;
    return CHORUS_EINTERNAL;
}

int cli_mpi_recv(void *buf, size_t n, int peer)
{
    (void)buf;
    (void)n;
    (void)peer;
    return CHORUS_EINTERNAL;
}
