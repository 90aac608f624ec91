/* chorus run: apply -> fit -> predict -> analyze (-> eval), all outputs in one folder. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/lf_pipeline.h"

enum {
    OPT_OUTPUT,
    OPT_MODEL,
    OPT_THREADS,
    OPT_SKIP_BAD_ROWS,
    OPT_DATA_FORMAT,
    OPT_SEED,
    OPT_LEARN_STRUCTURE,
    OPT_KEEP_COPIES,
    OPT_DEV,
    OPT_DEV_METRIC,
    OPT_REVIEW,
    OPT_QUIET,
    OPT_PROGRESS,
    OPT_REPORT,
    OPT_LOCK,
    OPT_DRY_RUN
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "OUTDIR", "folder for the results (created if missing)"},
    [OPT_MODEL] = {"model", 0, "NAME", "label model (default auto; see chorus fit --help)"},
    [OPT_THREADS] = {"threads", 0, "N", "OpenMP threads (default: all; results do not change)"},
    [OPT_SKIP_BAD_ROWS] = {"skip-bad-rows", 0, NULL,
                           "skip malformed data rows (all counted, the first 10 named)"},
    [OPT_DATA_FORMAT] = {"data-format", 0, "FMT", "csv, tsv or jsonl (default: by the file name)"},
    [OPT_SEED] = {"seed", 0, "N", "random seed of the fit (default 0)"},
    [OPT_LEARN_STRUCTURE] = {"learn-structure", 0, NULL,
                             "find dependent LFs and model them jointly (see fit --help)"},
    [OPT_KEEP_COPIES] = {"keep-copies", 0, NULL,
                         "fit LFs that vote alike on every item apart (see fit --help)"},
    [OPT_DEV] = {"dev", 0, "DEVDATA",
                 "labelled dev records (the spec's gold field): choose the model by their score"},
    [OPT_DEV_METRIC] = {"dev-metric", 0, "M", "accuracy (default), macro-f1 or f1 (class 1)"},
    [OPT_REVIEW] = {"review", 0, "REVIEW",
                    "a filled-in review file (repeatable): its answers are clamped in the fit"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print only the evaluation"},
    [OPT_PROGRESS] = CLI_PROGRESS_OPTION,
    [OPT_REPORT] = {"report", 0, "FILE", "also write the HTML report there (see report --help)"},
    [OPT_LOCK] = LF_PIPELINE_LOCK_OPTION,
    [OPT_DRY_RUN] = LF_PIPELINE_DRY_RUN_OPTION,
    {0},
};

static const cli_command command = {
    "run",
    "SPEC.yaml DATA -o OUTDIR [options]",
    "Applies the labeling functions to the data, fits the label model, writes the\n"
    "probabilistic labels and the LF summary, and scores the labels when the spec names\n"
    "a gold field (data.gold).",
    "OUTDIR receives votes.chv, model.json, probs.csv (one row per record, in the data's\n"
    "order: item,covered,<classes>, as 'chorus predict' writes it), lf_summary.csv and,\n"
    "with gold, gold.csv.\n",
    options,
    2,
    2};

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path) snprintf(path, n, "%s/%s", dir, name);
    return path;
}

/* run --dev: the LFs applied to the dev records, their gold labels, and the selection. */
static int fit_selecting(const cli_args *args, const lf_pipeline *train,
                         const chorus_fit_options *fit, chorus_model **model)
{
    chorus_select_options select = CHORUS_SELECT_OPTIONS_INIT;
    if (args->values[OPT_DEV_METRIC] &&
        chorus_select_metric_parse(&select.metric, args->values[OPT_DEV_METRIC]))
        return cli_usage_error("run", "--dev-metric: %s", chorus_error_last());
    if (!chorus_lf_set_gold_field(train->set))
        return cli_usage_error("run", "--dev needs the spec to name a gold field (data.gold)");
    lf_pipeline dev;
    int rc = lf_pipeline_init(&dev, "run", args->positional[0], args->values[OPT_DEV],
                              args->values[OPT_THREADS], args->values[OPT_DATA_FORMAT],
                              args->values[OPT_SKIP_BAD_ROWS] != NULL, args->values[OPT_LOCK]);
    if (rc) return rc;
    int32_t *gold = NULL;
    if (!(rc = lf_pipeline_apply(&dev, 0, CLI_PROGRESS_NEVER))) {
        int status = chorus_lf_set_gold(&gold, dev.set, dev.data);
        if (!status)
            status = chorus_model_select(model, train->votes, fit, dev.votes, gold,
                                         chorus_dataset_n_records(dev.data), &select);
        if (status) rc = cli_fail("run", status);
    }
    chorus_free(gold);
    lf_pipeline_free(&dev);
    return rc;
}

/* 0, or the errno of the failure. */
static int write_summary(const char *path, const chorus_lf_summary *s, const chorus_votes *votes)
{
    /* A temporary name and a rename, like every other output (a leftover of a killed run
     * has a fixed name, so the next run reuses it rather than adding another). */
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp) return ENOMEM;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = f ? 0 : errno;
    if (f && cli_print_lf_summary(f, s, votes, CLI_CSV) != 0) rc = EIO;
    /* A failed write leaves data in the buffer, so the flush fails again and says why. */
    if (f && !rc && fflush(f) != 0) rc = errno;
    if (f && !rc && ferror(f)) rc = EIO;
    if (f && fclose(f) != 0 && !rc) rc = errno;
    if (!rc && rename(tmp, path) != 0) rc = errno;
    if (rc) remove(tmp);
    free(tmp);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    cli_args args;
    int32_t n_show = 0;
    int dry = lf_pipeline_take_dry_run("run", &argc, argv, &n_show);
    if (dry > 0) return dry;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    const char *dir = args.values[OPT_OUTPUT];
    if (dry == 0) {
        /* Nothing is written, so no OUTDIR is needed or created. */
        lf_pipeline p;
        if ((rc = lf_pipeline_init(&p, "run", args.positional[0], args.positional[1],
                                   args.values[OPT_THREADS], args.values[OPT_DATA_FORMAT],
                                   args.values[OPT_SKIP_BAD_ROWS] != NULL, args.values[OPT_LOCK])))
            return rc;
        rc = lf_pipeline_dry_run(&p, n_show);
        lf_pipeline_free(&p);
        return rc;
    }
    if (!dir) return cli_usage_error("run", "missing -o OUTDIR");
    if (args.values[OPT_DEV_METRIC] && !args.values[OPT_DEV])
        return cli_usage_error("run", "--dev-metric needs --dev");
    const int verbose = !args.values[OPT_QUIET];
    cli_progress_mode progress_mode;
    if ((rc = cli_progress_mode_parse("run", args.values[OPT_PROGRESS], !verbose, &progress_mode)))
        return rc;
    chorus_fit_options fit = CHORUS_FIT_OPTIONS_INIT;
    if (args.values[OPT_MODEL] && chorus_model_type_parse(&fit.type, args.values[OPT_MODEL]))
        return cli_usage_error("run", "%s", chorus_error_last());
    if (args.values[OPT_SEED]) {
        int64_t x;
        if ((rc = cli_parse_int("run", "seed", args.values[OPT_SEED], 0, INT64_MAX, &x))) return rc;
        fit.seed = (uint64_t)x;
    }
    lf_pipeline p;
    if ((rc = lf_pipeline_init(&p, "run", args.positional[0], args.positional[1],
                               args.values[OPT_THREADS], args.values[OPT_DATA_FORMAT],
                               args.values[OPT_SKIP_BAD_ROWS] != NULL, args.values[OPT_LOCK])))
        return rc;
    chorus_model *model = NULL;
    chorus_probs *probs = NULL;
    chorus_lf_summary *summary = NULL;
    chorus_metrics *metrics = NULL;
    int32_t *gold = NULL, *groups = NULL, *clamped = NULL, *answers = NULL;
    int64_t n_answers = 0;
    chorus_review *review = NULL;
    char *votes_path = join(dir, "votes.chv"), *model_path = join(dir, "model.json");
    char *probs_path = join(dir, "probs.csv"), *summary_path = join(dir, "lf_summary.csv");
    char *gold_path = join(dir, "gold.csv");
    if (!votes_path || !model_path || !probs_path || !summary_path || !gold_path) {
        fprintf(stderr, "chorus run: out of memory\n");
        rc = CLI_EXIT_FAILURE;
        goto done;
    }
    if ((rc = lf_pipeline_apply(&p, verbose, progress_mode))) goto done;
    fit.n_threads = p.n_threads;
    fit.learn_structure = args.values[OPT_LEARN_STRUCTURE] != NULL;
    fit.keep_copies = args.values[OPT_KEEP_COPIES] != NULL;
    /* LFs declared in one `group:` of the spec are modelled jointly. */
    if ((rc = cli_groups_from_spec("run", p.set, p.votes, &groups))) goto done;
    chorus_votes_warn_class_coding(p.votes);
    fit.lf_group = groups;
    /* Gold is checked before anything is fitted or written. */
    const int has_gold = chorus_lf_set_gold_field(p.set) != NULL;
    int status = has_gold ? chorus_lf_set_gold(&gold, p.set, p.data) : CHORUS_OK;
    if (status) {
        rc = cli_fail("run", status);
        goto done;
    }
    /* The data's gold field is for scoring, so answers are not checked against it. */
    if ((rc = cli_read_reviews("run", argc, argv, "review", &review))) goto done;
    if (review) {
        if ((rc = cli_review_gold("run", review, p.votes, NULL, &clamped, &answers, &n_answers)))
            goto done;
        fit.gold = clamped;
        fit.n_gold = chorus_votes_n_items(p.votes);
    }
    /* Only once the spec, the data, its gold and the review files are known to be good:
     * bad input leaves nothing behind. */
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "chorus run: %s: cannot create the folder: %s\n", dir, strerror(errno));
        rc = CLI_EXIT_FAILURE;
        goto done;
    }
    if (!status) status = chorus_votes_write(p.votes, votes_path, CHORUS_FORMAT_CHV);
    cli_progress fitting;
    cli_progress_init(&fitting, "run", "fitting", progress_mode);
    fit.progress = cli_progress_fit;
    fit.progress_ctx = &fitting;
    if (!status && args.values[OPT_DEV]) {
        rc = fit_selecting(&args, &p, &fit, &model);
        cli_progress_done(&fitting);
        if (rc) goto done;
    } else if (!status) {
        status = chorus_model_fit(&model, p.votes, &fit);
        cli_progress_done(&fitting);
    }
    if (!status && review) {
        if ((rc = cli_report_review("run", p.votes, answers, n_answers, NULL, &fit,
                                    chorus_model_get_type(model))))
            goto done;
        status = chorus_model_set_review_answers(model, n_answers);
    }
    if (!status) status = chorus_model_save(model, model_path);
    if (!status) status = chorus_model_predict(&probs, model, p.votes);
    if (!status && answers)
        status = chorus_review_clamp_probs(probs, answers, chorus_votes_n_items(p.votes));
    if (!status) status = chorus_probs_write(probs, probs_path, CHORUS_PROBS_CSV);
    if (!status && has_gold)
        status = chorus_gold_write(gold, chorus_dataset_n_records(p.data), gold_path);
    const int64_t n = chorus_votes_n_items(p.votes);
    if (!status) status = chorus_lf_summary_compute(&summary, p.votes, gold, gold ? n : 0, model);
    if (status) {
        rc = cli_fail("run", status);
        goto done;
    }
    if (verbose) cli_report_selection(model);
    cli_report_check("run", model, verbose);
    if (verbose) cli_report_uncovered("run", model);
    int write_errno = write_summary(summary_path, summary, p.votes);
    if (write_errno) {
        fprintf(stderr, "chorus run: %s: cannot write the summary: %s\n", summary_path,
                strerror(write_errno));
        rc = CLI_EXIT_FAILURE;
        goto done;
    }
    if (verbose) {
        int32_t iterations = 0;
        chorus_model_trace(model, &iterations);
        printf("label model: %s (%" PRId32 " EM iterations); outputs in %s/\n\n",
               chorus_model_type_name(chorus_model_get_type(model)), iterations, dir);
        cli_print_lf_summary(stdout, summary, p.votes, CLI_TABLE);
    }
    if (has_gold) {
        chorus_eval_options eopts = CHORUS_EVAL_OPTIONS_INIT;
        /* Answered items are clamped to their answers: scoring them would flatter. */
        int64_t n_left_out = 0;
        for (int64_t i = 0; answers && i < n; i++)
            if (answers[i] >= 0 && gold[i] >= 0) {
                gold[i] = -1;
                n_left_out++;
            }
        if ((status = chorus_eval(&metrics, probs, gold, n, &eopts))) {
            rc = cli_fail("run", status);
            goto done;
        }
        printf("%sevaluation against the data's gold field '%s'", verbose ? "\n" : "",
               chorus_lf_set_gold_field(p.set));
        if (n_left_out) printf(" (%" PRId64 " reviewed items left out)", n_left_out);
        printf(":\n");
        cli_print_metrics(metrics, probs, &eopts);
    }
    if (args.values[OPT_REPORT]) {
        /* With the gold that was scored: reviewed items are left out here too. */
        chorus_report_options report = CHORUS_REPORT_OPTIONS_INIT;
        report.gold = gold;
        report.n_gold = gold ? n : 0;
        report.review_answers = answers;
        report.n_review_answers = answers ? n : 0;
        report.seed = fit.seed;
        status = chorus_report_write(args.values[OPT_REPORT], p.votes, model, &report);
        if (status) rc = cli_fail("run", status);
    }
done:
    chorus_review_free(review);
    chorus_free(clamped);
    chorus_free(answers);
    chorus_metrics_free(metrics);
    chorus_lf_summary_free(summary);
    chorus_probs_free(probs);
    chorus_model_free(model);
    chorus_free(gold);
    free(groups);
    free(votes_path);
    free(model_path);
    free(probs_path);
    free(summary_path);
    free(gold_path);
    lf_pipeline_free(&p);
    return rc;
}
