/* chorus predict: apply a saved model to a vote matrix, write probabilistic labels. */
#include <inttypes.h>
#include <stdio.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum { OPT_OUTPUT, OPT_FORMAT, OPT_VOTES_FORMAT, OPT_QUIET };

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "PROBS", "where to write the probabilities (required)"},
    [OPT_FORMAT] = {"format", 0, "FMT", "csv, jsonl or npy (default: by the output's name)"},
    [OPT_VOTES_FORMAT] = {"votes-format", 0, "FMT", "csv, triples, npy, chv (default: by name)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    {0},
};

static const cli_command command = {
    "predict",
    "MODEL.json VOTES -o PROBS [options]",
    "Writes an n x K matrix of class probabilities, one row per item of VOTES.",
    "VOTES must have the model's labeling functions in the same order. Items without\n"
    "any vote get the model's class prior. CSV output has a header of class names;\n"
    "JSONL has one {\"item\", \"label\", \"class\", \"probs\"} object per line; .npy is float64.\n",
    options,
    2,
    2};

int cmd_predict(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("predict", "missing -o PROBS");
    chorus_probs_format format = CHORUS_PROBS_AUTO;
    if (args.values[OPT_FORMAT] && chorus_probs_format_parse(&format, args.values[OPT_FORMAT]))
        return cli_usage_error("predict", "%s", chorus_error_last());
    chorus_model *model = NULL;
    int status = chorus_model_load(&model, args.positional[0]);
    if (status) return cli_fail("predict", status);
    chorus_votes *votes;
    if ((rc = cli_read_votes("predict", args.positional[1], args.values[OPT_VOTES_FORMAT], NULL,
                             &votes))) {
        chorus_model_free(model);
        return rc;
    }
    chorus_probs *probs = NULL;
    status = chorus_model_predict(&probs, model, votes);
    if (status)
        rc = cli_fail("predict", status);
    else if ((status = chorus_probs_write(probs, args.values[OPT_OUTPUT], format)))
        rc = cli_fail("predict", status);
    else if (!args.values[OPT_QUIET])
        fprintf(stderr, "predicted %" PRId64 " items x %" PRId32 " classes -> %s\n",
                chorus_probs_n_items(probs), chorus_probs_n_classes(probs),
                args.values[OPT_OUTPUT]);
    chorus_probs_free(probs);
    chorus_votes_free(votes);
    chorus_model_free(model);
    return rc;
}
