/*
 * Running under an MPI launcher (mpirun -np N chorus ...). With MPI built in (cli_mpi.c),
 * fit and predict split their items across the N processes, apply splits its data file,
 * and every other command refuses; a build without MPI (cli_mpi_none.c) refuses to run as
 * N copies of one job.
 * Outside a launcher, or with N = 1, nothing changes: one process, rank 0 of 1.
 */
#ifndef CHORUS_CLI_MPI_H
#define CHORUS_CLI_MPI_H

#include <stddef.h>

#include "chorus/chorus.h"

/* The job size and this process's rank that the launcher put in the environment (1 and 0
 * outside a launcher). */
int cli_launcher_size(void);
int cli_launcher_rank(void);

/* Before command `cmd` runs: 0, or the exit code after a message (on rank 0). */
int cli_mpi_start(const char *cmd);

/* After the command: ends MPI if it was started; returns rc. */
int cli_mpi_finish(int rc);

int cli_mpi_rank(void);
int cli_mpi_size(void);

/* The job as a communicator for the library (size 1 outside MPI). */
const chorus_comm *cli_mpi_comm(void);

/* Collective: the rc of the lowest rank whose rc is not 0 (0 if none), on every rank, so
 * that all go on or all stop together; that rank in *first (unless NULL; -1 if none). */
int cli_mpi_agree(int rc, int *first);

/*
 * Collective: every rank's n bytes at `mine`, in rank order, into *all on rank 0 (a new
 * buffer, free it; NULL elsewhere), with *total their size. 0 or a chorus_status.
 */
int cli_mpi_gather(const void *mine, size_t n, void **all, size_t *total);

/*
 * Point to point: n bytes to or from rank `peer` (in several messages past MPI's int
 * counts), for exchanges the two ranks make in the same order. 0 or CHORUS_EINTERNAL.
 */
int cli_mpi_send(const void *buf, size_t n, int peer);
int cli_mpi_recv(void *buf, size_t n, int peer);

/* Collective: a library status of some ranks, printed by the lowest of them; the same exit
 * code on every rank (0 when no rank failed). */
int cli_mpi_fail_once(const char *cmd, int status);

/* On N > 1 processes the votes must be a .chv file (by --format, else by name): 0, or a
 * usage error's exit code. */
int cli_check_sharded_votes(const char *cmd, const char *path, const char *format);

/*
 * The sharded fit and predict (cli_shard.c), for N > 1 processes, on a .chv file: each
 * rank reads only its items. Exit codes; a failure is reported once, by the lowest rank
 * that met it, and every rank returns the same code. cli_fit_sharded gives every rank the
 * model (its size: chorus_model_fit_n_items, _n_lfs, _n_classes). cli_predict_sharded writes the
 * probabilities to `output` (rank 0 writes, the others send it their rows a piece at a time, so no
 * rank holds more than a piece of rows) and gives every rank the matrix's item count and covered
 * items.
 */
int cli_fit_sharded(const char *cmd, const char *path, const chorus_fit_options *opts,
                    chorus_model **model);
int cli_predict_sharded(const char *cmd, const char *path, const chorus_model *model,
                        const char *output, chorus_probs_format format, int drop_uncovered,
                        int64_t *n_items, int64_t *n_covered);

/*
 * The sharded apply (cli_shard_apply.c), for N > 1 processes: each rank applies the set to
 * its byte range of the data file, cut on record boundaries, and rank 0 merges the ranges'
 * matrices into *votes, the matrix one process gives, with *report the ranges' reports
 * added up (both NULL elsewhere). An exit code; a failure is reported once, by the lowest
 * rank that met it, and every rank returns the same code.
 */
int cli_apply_sharded(const char *cmd, const chorus_lf_set *set, const char *path,
                      const chorus_data_options *data_opts, const chorus_apply_options *opts,
                      chorus_votes **votes, chorus_apply_report **report);

#endif
