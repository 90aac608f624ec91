/* What apply and run share: load the spec, read the data, apply with a progress line. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_mpi.h"
#include "cli/lf_pipeline.h"

int lf_pipeline_init_streaming(lf_pipeline *p, const char *cmd, const char *spec_path,
                               const char *data_path, const char *threads, const char *data_format,
                               int skip_bad_rows, const char *lock_path)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    opts.skip_bad_rows = skip_bad_rows;
    if (threads) {
        int64_t x;
        int rc = cli_parse_int(cmd, "threads", threads, 1, 1024, &x);
        if (rc) return rc;
        p->n_threads = (int)x;
    }
    if (data_format) {
        if (strcmp(data_format, "csv") == 0)
            opts.format = CHORUS_DATA_CSV;
        else if (strcmp(data_format, "jsonl") == 0)
            opts.format = CHORUS_DATA_JSONL;
        else if (strcmp(data_format, "tsv") == 0)
            opts.format = CHORUS_DATA_TSV;
        else
            return cli_usage_error(cmd, "--data-format expects csv, tsv or jsonl, got '%s'",
                                   data_format);
    }
    p->data_path = data_path;
    p->data_opts = opts;
    /* The spec first: a broken LF is reported before any data is read. Every process of an
     * MPI run loads it; the lowest that fails says why (in one process: that one). */
    int rc = cli_mpi_fail_once(cmd, chorus_lf_set_load_with_lock(&p->set, spec_path, lock_path));
    if (rc) lf_pipeline_free(p);
    return rc;
}

int lf_pipeline_init(lf_pipeline *p, const char *cmd, const char *spec_path, const char *data_path,
                     const char *threads, const char *data_format, int skip_bad_rows,
                     const char *lock_path)
{
    int rc = lf_pipeline_init_streaming(p, cmd, spec_path, data_path, threads, data_format,
                                        skip_bad_rows, lock_path);
    if (rc) return rc;
    int status = chorus_dataset_read(&p->data, data_path, &p->data_opts);
    if (status) {
        rc = cli_fail(cmd, status);
        lf_pipeline_free(p);
        return rc;
    }
    /* The rows skipped, and on which lines, were logged by the reader. */
    return 0;
}

static void print_report(const lf_pipeline *p)
{
    const chorus_apply_report *r = p->report;
    const int64_t n = chorus_votes_n_items(p->votes);
    int width = 2;
    for (int32_t j = 0; j < r->n_lfs; j++) {
        int len = (int)strlen(chorus_lf_set_lf_name(p->set, j));
        if (len > width) width = len;
    }
    if (width > 40) width = 40;
    fprintf(stderr, "%-*s %-9s %9s %9s %9s %7s\n", width, "LF", "kind", "votes", "coverage",
            "seconds", "limits");
    for (int32_t j = 0; j < r->n_lfs; j++)
        fprintf(stderr, "%-*.*s %-9s %9" PRId64 " %9.4f %9.3f %7" PRId64 "\n", width, width,
                chorus_lf_set_lf_name(p->set, j), chorus_lf_set_lf_kind(p->set, j), r->n_votes[j],
                n ? (double)r->n_votes[j] / (double)n : 0.0, r->seconds[j], r->n_limit_hits[j]);
    double rate = r->total_seconds > 0 ? (double)n / r->total_seconds : 0;
    fprintf(stderr, "applied %" PRId32 " LFs to %" PRId64 " items in %.2f s (%.0f items/s)\n",
            r->n_lfs, n, r->total_seconds, rate);
    for (int32_t j = 0; j < r->n_lfs; j++)
        if (r->n_limit_hits[j])
            fprintf(stderr,
                    "warning: labeling function '%s' hit the regex match limit on %" PRId64
                    " items (it abstained there)\n",
                    chorus_lf_set_lf_name(p->set, j), r->n_limit_hits[j]);
}

static int has_llm(const chorus_lf_set *set)
{
    for (int32_t j = 0; j < chorus_lf_set_n_lfs(set); j++)
        if (strcmp(chorus_lf_set_lf_kind(set, j), "llm") == 0) return 1;
    return 0;
}

static void print_llm(const lf_pipeline *p, int verbose)
{
    const chorus_apply_report *r = p->report;
    if (verbose)
        fprintf(stderr,
                "llm: %" PRId64 " calls, %" PRId64 " cache hits, %" PRId64 " retries, %" PRId64
                " failures, %" PRId64 " unparsed answers, %" PRId64 " prompt + %" PRId64
                " completion tokens\n",
                r->llm_calls, r->llm_cache_hits, r->llm_retries, r->llm_failures, r->llm_unparsed,
                r->llm_prompt_tokens, r->llm_completion_tokens);
    if (verbose && r->llm_low_confidence)
        fprintf(stderr, "llm: %" PRId64 " answers below min_confidence (the LF abstained there)\n",
                r->llm_low_confidence);
    if (!r->llm_failures) return;
    /* Failures are shown even with --quiet: those LFs abstained there. */
    fprintf(stderr,
            "warning: %" PRId64 " LLM requests failed after their retries (the LF abstained "
            "there)%s\n",
            r->llm_failures, r->llm_failures > r->llm_n_failures_listed ? "; the first:" : ":");
    for (int32_t i = 0; i < r->llm_n_failures_listed; i++)
        fprintf(stderr, "  %s, data line %" PRId64 ": %s\n",
                chorus_lf_set_lf_name(p->set, r->llm_failures_listed[i].lf),
                r->llm_failures_listed[i].line, r->llm_failures_listed[i].error);
}

int lf_pipeline_apply(lf_pipeline *p, int verbose, cli_progress_mode mode)
{
    cli_progress progress;
    /* On N processes no one of them knows how far the whole apply is. */
    cli_progress_init(&progress, p->cmd, "applying",
                      !verbose || cli_mpi_size() > 1 ? CLI_PROGRESS_NEVER : mode);
    chorus_apply_options opts = CHORUS_APPLY_OPTIONS_INIT;
    opts.n_threads = p->n_threads;
    opts.progress = cli_progress_update;
    opts.progress_ctx = &progress;
    if (cli_mpi_size() > 1) {
        /* Each process applies its part; rank 0 holds the merged votes and says the rest. */
        int rc = cli_apply_sharded(p->cmd, p->set, p->data_path, &p->data_opts, &opts, &p->votes,
                                   &p->report);
        cli_progress_done(&progress);
        if (rc || cli_mpi_rank() != 0) return rc;
    } else {
        int status = p->data ? chorus_lf_apply(&p->votes, &p->report, p->set, p->data, &opts)
                             : chorus_lf_apply_file(&p->votes, &p->report, p->set, p->data_path,
                                                    &p->data_opts, &opts);
        cli_progress_done(&progress);
        if (status) return cli_fail(p->cmd, status);
    }
    if (verbose) print_report(p);
    if (has_llm(p->set)) print_llm(p, verbose);
    return 0;
}

int lf_pipeline_take_dry_run(const char *cmd, int *argc, char **argv, int32_t *n_show)
{
    int found = -1;
    *n_show = 3;
    for (int a = 1; a < *argc; a++) {
        const char *value = NULL;
        int used = 1;
        if (strcmp(argv[a], "--") == 0) break;
        if (strncmp(argv[a], "--dry-run=", 10) == 0)
            value = argv[a] + 10;
        else if (strcmp(argv[a], "--dry-run") != 0)
            continue;
        else if (a + 1 < *argc && argv[a + 1][0] >= '0' && argv[a + 1][0] <= '9') {
            value = argv[a + 1];
            used = 2;
        }
        if (value) {
            int64_t x;
            int rc = cli_parse_int(cmd, "dry-run", value, 0, 1000000, &x);
            if (rc) return rc;
            *n_show = (int32_t)x;
        }
        memmove(&argv[a], &argv[a + used], (size_t)(*argc - a - used + 1) * sizeof *argv);
        *argc -= used;
        a--;
        found = 0;
    }
    return found;
}

/* A cost, or "-" when the model has no price. */
static void print_money(double cost)
{
    if (isnan(cost))
        printf(" %12s", "-");
    else
        printf(" %12.6f", cost);
}

/* The estimate of every llm LF, one line each, and the total (docs/llm.md "Dry run"). */
static void print_cost(const lf_pipeline *p, const chorus_llm_plan *plan)
{
    int width = 5;
    for (int32_t i = 0; i < plan->n_lfs; i++) {
        int n = (int)strlen(chorus_lf_set_lf_name(p->set, plan->lfs[i].lf));
        if (n > width) width = n < 60 ? n : 60;
    }
    printf("dry run: estimate (tokens in: request bytes / 4; out: the longest answer / 4; cost: "
           "llm.prices)\n");
    printf("%-*s %10s %10s %12s %12s %12s\n", width, "LF", "calls", "cached", "tokens in",
           "tokens out", "cost");
    int64_t cached = 0;
    int priced = 0;
    for (int32_t i = 0; i < plan->n_lfs; i++) {
        const chorus_llm_plan_lf *lf = &plan->lfs[i];
        printf("%-*.60s %10" PRId64 " %10" PRId64 " %12" PRId64 " %12" PRId64, width,
               chorus_lf_set_lf_name(p->set, lf->lf), lf->n_calls, lf->n_cached, lf->prompt_tokens,
               lf->completion_tokens);
        print_money(lf->cost);
        printf("\n");
        cached += lf->n_cached;
        priced += !isnan(lf->cost);
    }
    printf("%-*s %10" PRId64 " %10" PRId64 " %12" PRId64 " %12" PRId64, width, "total",
           plan->n_calls, cached, plan->prompt_tokens, plan->completion_tokens);
    print_money(priced > 0 ? plan->cost : NAN);
    if (plan->n_unpriced > 0)
        printf("  (%" PRId32 " LF%s without a price in llm.prices not counted)", plan->n_unpriced,
               plan->n_unpriced == 1 ? "" : "s");
    printf("\n");
}

int lf_pipeline_dry_run(lf_pipeline *p, int32_t n_show)
{
    chorus_llm_plan *plan = NULL;
    int status = chorus_lf_set_llm_plan(&plan, p->set, p->data, n_show);
    if (status) return cli_fail(p->cmd, status);
    if (plan->n_lfs == 0) printf("dry run: the spec has no llm labeling functions\n");
    for (int32_t i = 0; i < plan->n_lfs; i++) {
        const chorus_llm_plan_lf *lf = &plan->lfs[i];
        printf("== %s: %" PRId64 " records, %" PRId64 " cached, %" PRId64 " calls\n",
               chorus_lf_set_lf_name(p->set, lf->lf), lf->n_records, lf->n_cached, lf->n_calls);
        if (lf->paraphrase_pending)
            printf("-- a paraphrase not written yet: the endpoint writes it first\n");
        for (int32_t s = 0; s < lf->n_shown; s++)
            printf("-- data line %" PRId64 "\n%s", lf->lines[s], lf->prompts[s]);
    }
    if (plan->n_lfs > 0) print_cost(p, plan);
    if (plan->n_paraphrase_calls)
        printf("dry run: %" PRId64 " calls for paraphrases (paraphrases: N), then\n",
               plan->n_paraphrase_calls);
    printf("dry run: %" PRId64 " calls would be made (records not in the cache); nothing was "
           "sent\n",
           plan->n_calls);
    chorus_llm_plan_free(plan);
    return 0;
}

void lf_pipeline_free(lf_pipeline *p)
{
    chorus_apply_report_free(p->report);
    chorus_votes_free(p->votes);
    chorus_dataset_free(p->data);
    chorus_lf_set_free(p->set);
    memset(p, 0, sizeof *p);
}
