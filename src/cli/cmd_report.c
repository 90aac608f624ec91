/* chorus report: one self-contained HTML page about a fitted model and its votes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

#define CMD "report"

enum {
    OPT_MODEL,
    OPT_OUTPUT,
    OPT_GOLD,
    OPT_REVIEW,
    OPT_GROUPS,
    OPT_TITLE,
    OPT_HEATMAP_LFS,
    OPT_BINS,
    OPT_SEED,
    OPT_FORMAT,
    OPT_DUPLICATES,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_MODEL] = {"model", 0, "MODEL.json", "the fitted model (required)"},
    [OPT_OUTPUT] = {"output", 'o', "REPORT.html", "where to write the page (required)"},
    [OPT_GOLD] = {"gold", 0, "GOLD",
                  "gold labels: adds empirical accuracy, calibration, confusion"},
    [OPT_REVIEW] = {"review", 0, "REVIEW",
                    "a filled-in review file (repeatable): adds the review learning curve"},
    [OPT_GROUPS] = {"groups", 0, "SPEC.yaml|GROUPS",
                    "groups of prompt variants (a spec's variants: and paraphrases:, or a "
                    "groups file): adds their prompt sensitivity (default: the model's groups)"},
    [OPT_TITLE] = {"title", 0, "TEXT", "the page's title (default: chorus report)"},
    [OPT_HEATMAP_LFS] = {"heatmap-lfs", 0, "N",
                         "the heatmaps show the N LFs with the most votes (default 40, max 200)"},
    [OPT_BINS] = {"bins", 0, "N", "confidence bins of the reliability diagram (default 10)"},
    [OPT_SEED] = {"seed", 0, "N", "seed of the learning curve's shuffle and folds (default 0)"},
    [OPT_FORMAT] = {"format", 0, "FMT",
                    "votes format: csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    CMD,
    "VOTES --model MODEL.json [--gold GOLD] [--review REVIEW]... [--groups SPEC|GROUPS] -o "
    "REPORT.html",
    "Write one self-contained HTML page (inline CSS and SVG, no network) about a model and\n"
    "its votes: the LF summary table, overlap and conflict heatmaps, learned against\n"
    "empirical accuracy, class balance, dependency groups and the fit's check; with gold\n"
    "also calibration and the confusion matrix, with review answers a learning curve, and\n"
    "for groups of prompt variants how much the answers move with the wording.",
    "GOLD is read as analyze reads it (a file of one label per line, or DATA:FIELD).\n"
    "Bad input is exit 2 and no page is written.\n",
    options,
    1,
    1};

/* The numeric options into opts; 0 or the exit code (printed). */
static int parse_numbers(const cli_args *args, chorus_report_options *opts)
{
    int64_t x;
    int rc = 0;
    if (args->values[OPT_HEATMAP_LFS] &&
        !(rc = cli_parse_int(CMD, "heatmap-lfs", args->values[OPT_HEATMAP_LFS], 1,
                             CHORUS_REPORT_MAX_HEATMAP_LFS, &x)))
        opts->max_heatmap_lfs = (int32_t)x;
    if (!rc && args->values[OPT_BINS] &&
        !(rc = cli_parse_int(CMD, "bins", args->values[OPT_BINS], 1, 1000, &x)))
        opts->n_bins = (int32_t)x;
    if (!rc && args->values[OPT_SEED] &&
        !(rc = cli_parse_int(CMD, "seed", args->values[OPT_SEED], 0, INT64_MAX, &x)))
        opts->seed = (uint64_t)x;
    return rc;
}

int cmd_report(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_MODEL]) return cli_usage_error(CMD, "missing --model MODEL.json");
    if (!args.values[OPT_OUTPUT]) return cli_usage_error(CMD, "missing -o REPORT.html");
    chorus_report_options opts = CHORUS_REPORT_OPTIONS_INIT;
    if ((rc = parse_numbers(&args, &opts))) return rc;
    opts.title = args.values[OPT_TITLE];

    chorus_votes *votes = NULL, *aligned = NULL;
    chorus_model *model = NULL;
    chorus_review *review = NULL;
    int32_t *gold = NULL, *merged = NULL, *answers = NULL, *groups = NULL;
    int64_t n_gold = 0, n_answers = 0;
    const cli_votes_input input = {args.values[OPT_FORMAT],  NULL,
                                   args.values[OPT_HEADER],  args.values[OPT_NO_HEADER],
                                   args.values[OPT_ABSTAIN], args.values[OPT_DUPLICATES]};
    if ((rc = cli_read_votes_input(CMD, args.positional[0], &input, &votes))) goto done;
    int status = chorus_model_load(&model, args.values[OPT_MODEL]);
    /* Gold and answers are read against the model's layout, which the report draws. */
    if (!status) status = chorus_model_align_votes(&aligned, model, votes);
    if (status) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    if (aligned) {
        chorus_votes_free(votes);
        votes = aligned;
    }
    if (args.values[OPT_GOLD]) {
        const char **names = cli_votes_class_names(votes);
        rc = cli_read_gold(CMD, args.values[OPT_GOLD], chorus_votes_n_classes(votes), names,
                           chorus_votes_n_items(votes), "the votes have", &gold, &n_gold);
        free(names);
        if (rc) goto done;
        opts.gold = gold;
        opts.n_gold = n_gold;
    }
    if ((rc = cli_read_reviews(CMD, argc, argv, "review", &review))) goto done;
    if (review) {
        rc = cli_review_gold(CMD, review, votes, gold, &merged, &answers, &n_answers);
        if (rc) goto done;
        opts.review_answers = answers;
        opts.n_review_answers = chorus_votes_n_items(votes);
    }
    if (args.values[OPT_GROUPS]) {
        if ((rc = cli_read_groups(CMD, args.values[OPT_GROUPS], votes, &groups))) goto done;
        opts.lf_group = groups;
    }
    status = chorus_report_write(args.values[OPT_OUTPUT], votes, model, &opts);
    rc = status ? cli_fail(CMD, status) : CLI_EXIT_OK;

done:
    free(groups);
    chorus_free(merged);
    chorus_free(answers);
    chorus_free(gold);
    chorus_review_free(review);
    chorus_model_free(model);
    chorus_votes_free(votes);
    return rc;
}
