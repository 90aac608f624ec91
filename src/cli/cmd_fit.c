/* chorus fit: fit a label model to a vote matrix and save it as model.json. */
#include <inttypes.h>
#include <stdio.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum { OPT_OUTPUT, OPT_MODEL, OPT_CLASSES, OPT_FORMAT, OPT_SEED, OPT_THREADS, OPT_QUIET };

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "MODEL.json", "where to write the fitted model (required)"},
    [OPT_MODEL] = {"model", 0, "NAME", "label model: mv (default mv)"},
    [OPT_CLASSES] = {"classes", 0, "K|NAMES", "number of classes, or their names: HAM,SPAM"},
    [OPT_FORMAT] = {"format", 0, "FMT", "votes format: csv, triples, npy, chv (default: by name)"},
    [OPT_SEED] = {"seed", 0, "N", "random seed (default 0)"},
    [OPT_THREADS] = {"threads", 0, "N", "OpenMP threads (default: all; results do not change)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    {0},
};

static const cli_command command = {
    "fit", "VOTES -o MODEL.json [options]",
    "Fits a label model to the votes of labeling functions, without gold labels.",
    "VOTES is a dense CSV (header of LF names, -1 = abstain), a triples CSV\n"
    "(item,lf,label), a NumPy .npy int matrix or a .chv file.\n",
    options, 1, 1};

int cmd_fit(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("fit", "missing -o MODEL.json");
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    if (args.values[OPT_MODEL] && chorus_model_type_parse(&opts.type, args.values[OPT_MODEL]))
        return cli_usage_error("fit", "%s", chorus_error_last());
    int64_t x;
    if (args.values[OPT_SEED]) {
        if ((rc = cli_parse_int("fit", "seed", args.values[OPT_SEED], 0, INT64_MAX, &x)))
            return rc;
        opts.seed = (uint64_t)x;
    }
    if (args.values[OPT_THREADS]) {
        if ((rc = cli_parse_int("fit", "threads", args.values[OPT_THREADS], 1, 1024, &x)))
            return rc;
        opts.n_threads = (int)x;
    }
    chorus_votes *votes;
    if ((rc = cli_read_votes("fit", args.positional[0], args.values[OPT_FORMAT],
                             args.values[OPT_CLASSES], &votes)))
        return rc;
    chorus_model *model = NULL;
    int status = chorus_model_fit(&model, votes, &opts);
    if (!status) status = chorus_model_save(model, args.values[OPT_OUTPUT]);
    if (status) {
        rc = cli_fail("fit", status);
    } else if (!args.values[OPT_QUIET]) {
        fprintf(stderr,
                "fit %s on %" PRId64 " items x %" PRId32 " labeling functions, %" PRId32
                " classes -> %s\n",
                chorus_model_type_name(opts.type), chorus_votes_n_items(votes),
                chorus_votes_n_lfs(votes), chorus_votes_n_classes(votes), args.values[OPT_OUTPUT]);
    }
    chorus_model_free(model);
    chorus_votes_free(votes);
    return rc;
}
