/* What apply and run share: load the spec, read the data, apply with a progress line. */
#ifndef CHORUS_CLI_LF_PIPELINE_H
#define CHORUS_CLI_LF_PIPELINE_H

#include "chorus/chorus.h"
#include "cli/cli.h"

typedef struct lf_pipeline {
    const char *cmd;
    chorus_lf_set *set;
    chorus_dataset *data;
    chorus_votes *votes;
    chorus_apply_report *report;
    int n_threads;
    const char *data_path;
    chorus_data_options data_opts;
} lf_pipeline;

/* Loads and checks the spec (its llm LFs' lock file at lock_path, NULL: beside it), then
 * reads the data. Returns 0 or the exit code (printed). */
int lf_pipeline_init(lf_pipeline *p, const char *cmd, const char *spec_path, const char *data_path,
                     const char *threads, const char *data_format, int skip_bad_rows,
                     const char *lock_path);

/* Loads and checks the spec, and notes the data to apply it to as it is read (no dataset in
 * memory: lf_pipeline_apply streams the file). Returns 0 or the exit code (printed). */
int lf_pipeline_init_streaming(lf_pipeline *p, const char *cmd, const char *spec_path,
                               const char *data_path, const char *threads, const char *data_format,
                               int skip_bad_rows, const char *lock_path);

/* Applies the LFs (to the dataset read, or streaming the data file); with `verbose`, prints each
 * LF's coverage and time to stderr. The LLM summary and the LLM requests that failed are printed
 * whenever the set has llm LFs. */
int lf_pipeline_apply(lf_pipeline *p, int verbose, cli_progress_mode progress);

/* The --lock and --dry-run entries of an option table (apply and run). --dry-run is taken
 * out of argv before parsing (its N is optional, lf_pipeline_take_dry_run); it is listed
 * for --help. */
#define LF_PIPELINE_LOCK_OPTION                                                                    \
    {                                                                                              \
        "lock", 0, "FILE",                                                                         \
            "llm LFs' pinned paraphrases and examples (default: SPEC.lock.yaml beside it)"         \
    }
#define LF_PIPELINE_DRY_RUN_OPTION                                                                 \
    {                                                                                              \
        "dry-run", 0, "[N]",                                                                       \
            "llm LFs: print the prompts of N records (3) and the calls; send nothing"              \
    }

/*
 * Takes "--dry-run", "--dry-run N" or "--dry-run=N" out of argv (the option parser has no
 * optional values). Returns 0 and sets *n_show (default 3), -1 when absent, or a usage
 * error's exit code.
 */
int lf_pipeline_take_dry_run(const char *cmd, int *argc, char **argv, int32_t *n_show);

/* Prints the rendered prompts of the first n_show records of each llm LF and the number of
 * requests a real run would make; sends nothing. 0 or the exit code (printed). */
int lf_pipeline_dry_run(lf_pipeline *p, int32_t n_show);

void lf_pipeline_free(lf_pipeline *p);

#endif
