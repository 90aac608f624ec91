/* chorus analyze: the labeling-function summary of a vote matrix. */
#include <stdio.h>
#include <stdlib.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum {
    OPT_GOLD,
    OPT_REVIEW,
    OPT_MODEL,
    OPT_GROUPS,
    OPT_CSV,
    OPT_JSON,
    OPT_FORMAT,
    OPT_DUPLICATES,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_GOLD] = {"gold", 0, "GOLD", "gold labels: adds correct, incorrect, empirical accuracy"},
    [OPT_REVIEW] = {"review", 0, "REVIEW",
                    "a filled-in review file (repeatable): its answers count as gold labels"},
    [OPT_MODEL] = {"model", 0, "MODEL.json", "a fitted model: adds its learned accuracy"},
    [OPT_GROUPS] = {"groups", 0, "GROUPS",
                    "groups file or LF spec: adds the prompt sensitivity of each group (with "
                    "--csv: a row per pair of variants instead)"},
    [OPT_CSV] = {"csv", 0, NULL, "print CSV"},
    [OPT_JSON] = {"json", 0, NULL, "print JSON"},
    [OPT_FORMAT] = {"format", 0, "FMT",
                    "votes format: csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    "analyze",
    "VOTES [--gold GOLD] [--review REVIEW]... [--model MODEL.json] [--groups GROUPS] "
    "[--csv|--json]",
    "Per labeling function: polarity (classes it votes), coverage, overlaps and conflicts\n"
    "(shares of items where another LF also votes / votes differently), and with gold its\n"
    "correct and incorrect votes and empirical accuracy, with a model its learned accuracy.\n"
    "With --groups, per group of prompt variants (an llm LF's variants or paraphrases): each\n"
    "variant's coverage and accuracy, agreement and Cohen's kappa of every pair, and the\n"
    "share of items whose answer flips from one variant to another.",
    "The answers of --review files (chorus select, then a person) count as gold labels\n"
    "where --gold has none; an answer that contradicts a gold label is an error.\n",
    options,
    1,
    1};

int cmd_analyze(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (args.values[OPT_CSV] && args.values[OPT_JSON])
        return cli_usage_error("analyze", "--csv and --json exclude each other");
    chorus_votes *votes = NULL;
    chorus_model *model = NULL;
    chorus_lf_summary *summary = NULL;
    chorus_prompt_sensitivity *sensitivity = NULL;
    int32_t *gold = NULL, *groups = NULL, *merged = NULL, *answers = NULL;
    chorus_review *review = NULL;
    int64_t n_gold = 0;
    const cli_votes_input input = {args.values[OPT_FORMAT],  NULL,
                                   args.values[OPT_HEADER],  args.values[OPT_NO_HEADER],
                                   args.values[OPT_ABSTAIN], args.values[OPT_DUPLICATES]};
    if ((rc = cli_read_votes_input("analyze", args.positional[0], &input, &votes))) return rc;
    chorus_votes_warn_class_coding(votes);
    int status = CHORUS_OK;
    if (args.values[OPT_GOLD]) {
        const char **names = cli_votes_class_names(votes);
        rc = cli_read_gold("analyze", args.values[OPT_GOLD], chorus_votes_n_classes(votes), names,
                           -1, NULL, &gold, &n_gold);
        free(names);
        if (rc) {
            chorus_votes_free(votes);
            return rc;
        }
    }
    if (!status && args.values[OPT_MODEL])
        status = chorus_model_load(&model, args.values[OPT_MODEL]);
    chorus_votes *aligned = NULL;
    if (!status && model) status = chorus_model_align_votes(&aligned, model, votes);
    if (aligned) {
        /* The rows follow the model's LF order from here on. */
        chorus_votes_free(votes);
        votes = aligned;
    }
    if (!status && (rc = cli_read_reviews("analyze", argc, argv, "review", &review))) goto done;
    if (!status && review) {
        /* The answers are labels of the votes' items, so gold must be one per item too. */
        if (gold && n_gold != chorus_votes_n_items(votes)) {
            rc = cli_usage_error("analyze",
                                 "%s has %lld labels but the votes have %lld items; with "
                                 "--review, gold needs one label per item",
                                 args.values[OPT_GOLD], (long long)n_gold,
                                 (long long)chorus_votes_n_items(votes));
            goto done;
        }
        int64_t n_answers = 0;
        if ((rc = cli_review_gold("analyze", review, votes, gold, &merged, &answers, &n_answers)))
            goto done;
        chorus_free(gold);
        gold = merged;
        merged = NULL;
        n_gold = chorus_votes_n_items(votes);
    }
    if (!status && args.values[OPT_GROUPS] &&
        (rc = cli_read_groups("analyze", args.values[OPT_GROUPS], votes, &groups)))
        goto done;
    if (!status) status = chorus_lf_summary_compute(&summary, votes, gold, n_gold, model);
    if (!status && groups)
        status = chorus_prompt_sensitivity_compute(&sensitivity, votes, groups, gold, n_gold);
    if (status) {
        rc = cli_fail("analyze", status);
    } else {
        cli_output_format format = args.values[OPT_CSV]    ? CLI_CSV
                                   : args.values[OPT_JSON] ? CLI_JSON
                                                           : CLI_TABLE;
        /* One CSV holds one table: with groups, the one of the variant pairs. */
        if (sensitivity && format == CLI_CSV) {
            cli_print_prompt_sensitivity(stdout, sensitivity, votes, format);
        } else if (cli_print_lf_summary_with(stdout, summary, votes, format, sensitivity) != 0) {
            fprintf(stderr, "chorus analyze: out of memory\n");
            rc = CLI_EXIT_FAILURE;
        } else {
            if (model && format == CLI_TABLE) cli_print_check(stdout, model);
            if (sensitivity && format == CLI_TABLE)
                cli_print_prompt_sensitivity(stdout, sensitivity, votes, format);
        }
    }
done:
    chorus_free(merged);
    chorus_free(answers);
    chorus_review_free(review);
    chorus_prompt_sensitivity_free(sensitivity);
    chorus_free(groups);
    chorus_lf_summary_free(summary);
    chorus_model_free(model);
    chorus_free(gold);
    chorus_votes_free(votes);
    return rc;
}
