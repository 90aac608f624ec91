/* What apply and run share: load the spec, read the data, apply with a progress line. */
#ifndef CHORUS_CLI_LF_PIPELINE_H
#define CHORUS_CLI_LF_PIPELINE_H

#include "chorus/chorus.h"

typedef struct lf_pipeline {
    const char *cmd;
    chorus_lf_set *set;
    chorus_dataset *data;
    chorus_votes *votes;
    chorus_apply_report *report;
    int n_threads;
} lf_pipeline;

/* Loads and checks the spec, then reads the data. Returns 0 or the exit code (printed). */
int lf_pipeline_init(lf_pipeline *p, const char *cmd, const char *spec_path, const char *data_path,
                     const char *threads, const char *data_format, int skip_bad_rows);

/* Applies the LFs; with `verbose`, prints each LF's coverage and time to stderr. */
int lf_pipeline_apply(lf_pipeline *p, int verbose);

void lf_pipeline_free(lf_pipeline *p);

#endif
