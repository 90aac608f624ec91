/* chorus apply: apply a labeling-function set to data and write the vote matrix. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/cli_mpi.h"
#include "cli/lf_pipeline.h"

enum {
    OPT_OUTPUT,
    OPT_THREADS,
    OPT_SKIP_BAD_ROWS,
    OPT_DATA_FORMAT,
    OPT_QUIET,
    OPT_PROGRESS,
    OPT_LOCK,
    OPT_DRY_RUN
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "VOTES", "where to write the votes (.chv, .csv, .npy)"},
    [OPT_THREADS] = {"threads", 0, "N", "OpenMP threads (default: all; the votes do not change)"},
    [OPT_SKIP_BAD_ROWS] = {"skip-bad-rows", 0, NULL,
                           "skip malformed data rows (all counted, the first 10 named)"},
    [OPT_DATA_FORMAT] = {"data-format", 0, "FMT", "csv, tsv or jsonl (default: by the file name)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    [OPT_PROGRESS] = CLI_PROGRESS_OPTION,
    [OPT_LOCK] = LF_PIPELINE_LOCK_OPTION,
    [OPT_DRY_RUN] = LF_PIPELINE_DRY_RUN_OPTION,
    {0},
};

static const cli_command command = {
    "apply",
    "SPEC.yaml DATA -o VOTES [options]",
    "Applies the labeling functions of SPEC.yaml to every record of DATA (CSV, TSV or JSONL).",
    "The spec is checked before any data is read. On a terminal a progress bar shows\n"
    "items/s and the time left (in a log, a line every few seconds: --progress); at the\n"
    "end each LF's coverage and time are printed.\n"
    "See docs/labeling-functions.md for the spec format, docs/llm.md for llm LFs.\n"
    "Under mpirun -np N each process applies the LFs to its part of DATA (cut on record\n"
    "boundaries) and rank 0 writes the votes, the same bytes as one process; --dry-run and\n"
    "specs with llm LFs are refused there.\n",
    options,
    2,
    2};

/* On N > 1 processes: the spec's first llm LF is refused (exit 2), since its requests are
 * made together over the whole file and its answers go to one cache file. */
static int check_sharded_spec(const lf_pipeline *p, const char *spec_path)
{
    for (int32_t j = 0; j < chorus_lf_set_n_lfs(p->set); j++)
        if (strcmp(chorus_lf_set_lf_kind(p->set, j), "llm") == 0)
            return cli_usage_error("apply",
                                   "%s: llm labeling functions ('%s') are not supported on %d "
                                   "processes (mpirun -np %d): their requests are made once "
                                   "for the whole file and share one cache; run without mpirun",
                                   spec_path, chorus_lf_set_lf_name(p->set, j), cli_mpi_size(),
                                   cli_mpi_size());
    return CLI_EXIT_OK;
}

int cmd_apply(int argc, char **argv)
{
    cli_args args;
    int32_t n_show = 0;
    int dry = lf_pipeline_take_dry_run("apply", &argc, argv, &n_show);
    if (dry > 0) return dry;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_OUTPUT] && dry < 0) return cli_usage_error("apply", "missing -o VOTES");
    cli_progress_mode progress;
    if ((rc = cli_progress_mode_parse("apply", args.values[OPT_PROGRESS],
                                      args.values[OPT_QUIET] != NULL, &progress)))
        return rc;
    const int sharded = cli_mpi_size() > 1;
    if (sharded && dry == 0)
        return cli_usage_error("apply",
                               "--dry-run is not supported on %d processes (mpirun -np %d): "
                               "run it without mpirun",
                               cli_mpi_size(), cli_mpi_size());
    lf_pipeline p;
    /* A dry run shows records, so it reads the data; an apply streams it. */
    if ((rc = (dry == 0 ? lf_pipeline_init : lf_pipeline_init_streaming)(
             &p, "apply", args.positional[0], args.positional[1], args.values[OPT_THREADS],
             args.values[OPT_DATA_FORMAT], args.values[OPT_SKIP_BAD_ROWS] != NULL,
             args.values[OPT_LOCK])))
        return rc;
    if (sharded && (rc = check_sharded_spec(&p, args.positional[0]))) goto done;
    if (dry == 0) {
        rc = lf_pipeline_dry_run(&p, n_show);
    } else if (!(rc = lf_pipeline_apply(&p, !args.values[OPT_QUIET], progress)) &&
               cli_mpi_rank() == 0) {
        /* On N processes only rank 0 holds the votes; it writes them (atomically). */
        int status = chorus_votes_write(p.votes, args.values[OPT_OUTPUT], CHORUS_FORMAT_AUTO);
        if (status)
            rc = cli_fail("apply", status);
        else if (!args.values[OPT_QUIET])
            fprintf(stderr,
                    "%" PRId64 " items x %" PRId32 " labeling functions, %" PRId64 " votes -> %s\n",
                    chorus_votes_n_items(p.votes), chorus_votes_n_lfs(p.votes),
                    chorus_votes_nnz(p.votes), args.values[OPT_OUTPUT]);
    }
done:
    lf_pipeline_free(&p);
    return rc;
}
