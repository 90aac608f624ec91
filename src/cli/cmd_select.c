/* chorus select: the items a person should label next, written as a review file. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum {
    OPT_OUTPUT,
    OPT_DATA,
    OPT_SPEC,
    OPT_N,
    OPT_STRATEGY,
    OPT_EXCLUDE,
    OPT_SEED,
    OPT_MAX_TEXT,
    OPT_FORMAT,
    OPT_DUPLICATES,
    OPT_QUIET,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "REVIEW", "the review file to write: .csv or .jsonl (required)"},
    [OPT_DATA] = {"data", 0, "DATA", "the data the votes were made from, one record per item"},
    [OPT_SPEC] = {"spec", 0, "SPEC.yaml",
                  "show the spec's text fields (default: every text field)"},
    [OPT_N] = {"n", 'n', "N", "how many items to select (default 50)"},
    [OPT_STRATEGY] = {"strategy", 0, "S",
                      "entropy (default), margin, disagreement, uncovered, model-vs-mv, random"},
    [OPT_EXCLUDE] = {"exclude", 0, "REVIEW",
                     "leave out the items of this review file (repeatable), answered or not"},
    [OPT_SEED] = {"seed", 0, "N", "orders equal scores and draws for random (default 0)"},
    [OPT_MAX_TEXT] = {"max-text", 0, "BYTES", "longest text shown per field (default 300)"},
    [OPT_FORMAT] = {"format", 0, "FMT",
                    "votes format: csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    "select",
    "MODEL.json VOTES -o REVIEW.csv [--data DATA] [options]",
    "Chooses the items a person should label next and writes them as a review file.",
    "The file has a row per item: item, the text fields of the data, label and\n"
    "confidence (the model's), votes, strategy, score and an empty answer column. Fill\n"
    "in the answers (class names) and give the file back to fit or run with --review.\n",
    options,
    2,
    2};

typedef struct select_inputs {
    chorus_model *model;
    chorus_votes *votes;
    chorus_votes *aligned; /* NULL when votes already match the model */
    chorus_dataset *data;
    chorus_lf_set *spec;
    chorus_review *exclude;
    chorus_probs *probs;
} select_inputs;

static void inputs_free(select_inputs *in)
{
    chorus_probs_free(in->probs);
    chorus_review_free(in->exclude);
    chorus_lf_set_free(in->spec);
    chorus_dataset_free(in->data);
    chorus_votes_free(in->aligned);
    chorus_votes_free(in->votes);
    chorus_model_free(in->model);
}

/* Model, votes (aligned to the model), data, spec, excluded reviews and probabilities. */
static int read_inputs(const cli_args *args, int argc, char **argv, select_inputs *in)
{
    const char **v = (const char **)args->values;
    const cli_votes_input input = {v[OPT_FORMAT],    NULL,           v[OPT_HEADER],
                                   v[OPT_NO_HEADER], v[OPT_ABSTAIN], v[OPT_DUPLICATES]};
    int status = chorus_model_load(&in->model, args->positional[0]);
    if (status) return cli_fail("select", status);
    int rc = cli_read_votes_input("select", args->positional[1], &input, &in->votes);
    if (rc) return rc;
    if ((status = chorus_model_align_votes(&in->aligned, in->model, in->votes)))
        return cli_fail("select", status);
    const chorus_votes *votes = in->aligned ? in->aligned : in->votes;
    if (v[OPT_SPEC] && (status = chorus_lf_set_load(&in->spec, v[OPT_SPEC])))
        return cli_fail("select", status);
    if (v[OPT_DATA]) {
        chorus_data_options dopts = CHORUS_DATA_OPTIONS_INIT;
        if ((status = chorus_dataset_read(&in->data, v[OPT_DATA], &dopts)))
            return cli_fail("select", status);
        if (chorus_dataset_n_records(in->data) != chorus_votes_n_items(votes))
            return cli_usage_error("select",
                                   "%s has %" PRId64 " records but %s %" PRId64
                                   " items; they must match one to one",
                                   v[OPT_DATA], chorus_dataset_n_records(in->data),
                                   args->positional[1], chorus_votes_n_items(votes));
    } else if (v[OPT_SPEC]) {
        return cli_usage_error("select", "--spec needs --data");
    }
    if ((rc = cli_read_reviews("select", argc, argv, "exclude", &in->exclude))) return rc;
    if ((status = chorus_model_predict(&in->probs, in->model, votes)))
        return cli_fail("select", status);
    return 0;
}

static int parse_numbers(const cli_args *args, chorus_review_select_options *opts,
                         chorus_review_text *text)
{
    const char **v = (const char **)args->values;
    int64_t x;
    int rc = 0;
    opts->n = 50;
    if (v[OPT_STRATEGY] && chorus_review_strategy_parse(&opts->strategy, v[OPT_STRATEGY]))
        return cli_usage_error("select", "--strategy: %s", chorus_error_last());
    if (v[OPT_N] && !(rc = cli_parse_int("select", "n", v[OPT_N], 1, INT64_MAX / 16, &x)))
        opts->n = x;
    if (!rc && v[OPT_SEED] &&
        !(rc = cli_parse_int("select", "seed", v[OPT_SEED], 0, INT64_MAX, &x)))
        opts->seed = (uint64_t)x;
    if (!rc && v[OPT_MAX_TEXT] &&
        !(rc = cli_parse_int("select", "max-text", v[OPT_MAX_TEXT], 16, 1 << 20, &x)))
        text->max_bytes = (size_t)x;
    return rc;
}

int cmd_select(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    const char *out_path = args.values[OPT_OUTPUT];
    if (!out_path) return cli_usage_error("select", "missing -o REVIEW.csv");
    chorus_review_select_options opts = CHORUS_REVIEW_SELECT_OPTIONS_INIT;
    chorus_review_text text = {NULL, NULL, 0, 0};
    if ((rc = parse_numbers(&args, &opts, &text))) return rc;
    select_inputs in = {0};
    unsigned char *excluded = NULL;
    int64_t *items = NULL;
    double *scores = NULL;
    int32_t *fields = NULL;
    chorus_review *review = NULL;
    int64_t n = 0;
    if ((rc = read_inputs(&args, argc, argv, &in))) goto done;
    const chorus_votes *votes = in.aligned ? in.aligned : in.votes;
    int status = in.exclude ? chorus_review_listed(&excluded, in.exclude, votes) : 0;
    opts.exclude = excluded;
    if (!status) status = chorus_review_select(&items, &scores, &n, in.probs, votes, &opts);
    if (!status && in.data)
        status = chorus_review_text_fields(&fields, &text.n_fields, in.data, in.spec);
    text.data = in.data;
    text.fields = fields;
    if (!status)
        status = chorus_review_from_selection(&review, items, scores, n, in.probs, votes,
                                              opts.strategy, &text);
    if (!status) status = chorus_review_write(review, out_path);
    if (status) {
        rc = cli_fail("select", status);
        goto done;
    }
    if (!args.values[OPT_QUIET]) {
        fprintf(stderr, "selected %" PRId64 " of %" PRId64 " items by %s", n,
                chorus_votes_n_items(votes), chorus_review_strategy_name(opts.strategy));
        if (excluded) {
            int64_t n_excluded = 0;
            for (int64_t i = 0; i < chorus_votes_n_items(votes); i++)
                n_excluded += excluded[i];
            fprintf(stderr, " (%" PRId64 " already in review files left out)", n_excluded);
        }
        fprintf(stderr, " -> %s\n", out_path);
        if (n < opts.n)
            fprintf(stderr, "note: only %" PRId64 " items qualify for %s; asked for %" PRId64 "\n",
                    n, chorus_review_strategy_name(opts.strategy), opts.n);
    }
done:
    chorus_review_free(review);
    chorus_free(fields);
    chorus_free(items);
    chorus_free(scores);
    chorus_free(excluded);
    inputs_free(&in);
    return rc;
}
