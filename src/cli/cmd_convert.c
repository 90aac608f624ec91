/* chorus convert: rewrite a vote matrix in another format. */
#include <inttypes.h>
#include <stdio.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum {
    OPT_FROM,
    OPT_TO,
    OPT_CLASSES,
    OPT_DUPLICATES,
    OPT_QUIET,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_FROM] = {"from", 0, "FMT",
                  "input format: csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_TO] = {"to", 0, "FMT", "output format: csv, triples, npy, chv (default: by name)"},
    [OPT_CLASSES] = {"classes", 0, "K|NAMES", "number of classes, or their names: HAM,SPAM"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    "convert",
    "IN OUT [options]",
    "Converts a vote matrix between dense CSV, triples CSV, NumPy .npy and .chv.",
    "Formats follow the file names (.chv, .npy, else CSV); use --to triples for a\n"
    "sparse CSV. Class names given with --classes are kept in a .chv file. Triples may\n"
    "hold task ids, worker names and class names (crowd-kit's task,worker,label);\n"
    "triples and .chv keep item names (.npy and dense CSV do not), and chorus writes\n"
    "triples that read back as the same\n"
    "matrix (rows like 't9,,' declare what has no vote; see README.md, \"Files\").\n",
    options,
    2,
    2};

int cmd_convert(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    chorus_votes_format to = CHORUS_FORMAT_AUTO;
    if (args.values[OPT_TO] && chorus_format_parse(&to, args.values[OPT_TO]))
        return cli_usage_error("convert", "%s", chorus_error_last());
    if ((rc = cli_check_output_path("convert", "OUT", args.positional[1]))) return rc;
    chorus_votes *votes;
    const cli_votes_input input = {args.values[OPT_FROM],    args.values[OPT_CLASSES],
                                   args.values[OPT_HEADER],  args.values[OPT_NO_HEADER],
                                   args.values[OPT_ABSTAIN], args.values[OPT_DUPLICATES]};
    if ((rc = cli_read_votes_input("convert", args.positional[0], &input, &votes))) return rc;
    chorus_votes_format written =
        to == CHORUS_FORMAT_AUTO ? chorus_format_from_path(args.positional[1]) : to;
    if (chorus_votes_has_item_names(votes) && written != CHORUS_FORMAT_TRIPLES &&
        written != CHORUS_FORMAT_CHV)
        fprintf(stderr,
                "chorus convert: note: %s does not keep the item names (ids); --to triples or "
                ".chv does\n",
                chorus_format_name(written));
    int status = chorus_votes_write(votes, args.positional[1], to);
    if (status)
        rc = cli_fail("convert", status);
    else if (!args.values[OPT_QUIET])
        fprintf(stderr,
                "%" PRId64 " items x %" PRId32 " labeling functions, %" PRId64 " votes -> %s\n",
                chorus_votes_n_items(votes), chorus_votes_n_lfs(votes), chorus_votes_nnz(votes),
                args.positional[1]);
    chorus_votes_free(votes);
    return rc;
}
