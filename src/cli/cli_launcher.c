/* What an MPI launcher says about the job, from the environment it sets. */
#include <stdlib.h>

#include "cli/cli_mpi.h"

/* Open MPI's variable, then the PMI one of MPICH, Intel MPI and Slurm's srun. */
static int env_int(const char *a, const char *b, int fallback)
{
    const char *v = getenv(a);
    if (!v || !*v) v = getenv(b);
    if (!v || !*v) return fallback;
    char *end;
    long x = strtol(v, &end, 10);
    return *end == '\0' && x >= 0 && x < 1 << 24 ? (int)x : fallback;
}

int cli_launcher_size(void)
{
    return env_int("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", 1);
}

int cli_launcher_rank(void)
{
    return env_int("OMPI_COMM_WORLD_RANK", "PMI_RANK", 0);
}
