/* chorus export: the model's labels as pre-annotations for a labeling platform. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum { OPT_DATA, OPT_TO, OPT_OUTPUT, OPT_TEXT, OPT_ID, OPT_FROM_NAME, OPT_TO_NAME, OPT_QUIET };

static const cli_option options[] = {
    [OPT_DATA] = {"data", 0, "DATA", "the data the probabilities are about (CSV, TSV or JSONL)"},
    [OPT_TO] = {"to", 0, "PLATFORM", "label-studio, argilla or prodigy"},
    [OPT_OUTPUT] = {"output", 'o', "FILE", "the file to write (Label Studio: JSON, else JSONL)"},
    [OPT_TEXT] = {"text", 0, "FIELD", "a data field to hand over; repeat for more (default: all)"},
    [OPT_ID] = {"id", 0, "FIELD", "the data field holding the items' ids (default: row numbers)"},
    [OPT_FROM_NAME] = {"from-name", 0, "NAME",
                       "Label Studio's choices control / Argilla's question (default label)"},
    [OPT_TO_NAME] = {"to-name", 0, "NAME", "Label Studio's object labelled (default text)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    {0},
};

static const cli_command command = {
    "export",
    "PROBS --data DATA --to PLATFORM -o FILE [options]",
    "Writes the predicted class and its probability of every item as pre-annotations.",
    "PROBS is what chorus predict wrote; each row's item is the data's row number, or\n"
    "with --id the value of that data field. Every task keeps the item's id as\n"
    "\"chorus_item\" (Label Studio: in \"data\"; Argilla: in \"metadata\"; Prodigy: in\n"
    "\"meta\"), which chorus import reads back. See README.md, \"Labeling platforms\".\n",
    options,
    1,
    1};

/* Every --text value in argv order (cli_parse keeps only the last one). */
static int collect_text_fields(int argc, char **argv, const char ***out, int32_t *n_out)
{
    const char **fields = calloc((size_t)argc, sizeof *fields);
    if (!fields) return -1;
    int32_t n = 0;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strcmp(arg, "--") == 0) break;
        if (strncmp(arg, "--text=", 7) == 0) {
            fields[n++] = arg + 7;
            continue;
        }
        if (strcmp(arg, "--text") == 0 && a + 1 < argc) {
            fields[n++] = argv[++a];
            continue;
        }
        /* skip the value of any other option that takes one */
        for (int i = 0; options[i].name; i++) {
            const cli_option *o = &options[i];
            int is_long = strncmp(arg, "--", 2) == 0 && strcmp(arg + 2, o->name) == 0;
            int is_short = o->short_name && arg[0] == '-' && arg[1] == o->short_name && !arg[2];
            if (o->arg_name && (is_long || is_short)) {
                a++;
                break;
            }
        }
    }
    *out = fields;
    *n_out = n;
    return 0;
}

int cmd_export(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_DATA]) return cli_usage_error("export", "--data DATA is required");
    if (!args.values[OPT_TO])
        return cli_usage_error("export", "--to is required: label-studio, argilla or prodigy");
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("export", "-o FILE is required");
    chorus_platform platform;
    if (chorus_platform_parse(&platform, args.values[OPT_TO]))
        return cli_usage_error("export", "--to: %s", chorus_error_last());

    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    const char **fields = NULL;
    chorus_probs *probs = NULL;
    chorus_dataset *data = NULL;
    if (collect_text_fields(argc, argv, &fields, &opts.n_text_fields)) {
        fprintf(stderr, "chorus export: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    if (opts.n_text_fields) opts.text_fields = fields;
    opts.id_field = args.values[OPT_ID];
    opts.from_name = args.values[OPT_FROM_NAME];
    opts.to_name = args.values[OPT_TO_NAME];

    int status = chorus_probs_read(&probs, args.positional[0], CHORUS_PROBS_AUTO);
    if (!status) {
        chorus_data_options data_opts = CHORUS_DATA_OPTIONS_INIT;
        status = chorus_dataset_read(&data, args.values[OPT_DATA], &data_opts);
    }
    rc = CLI_EXIT_OK;
    if (status) {
        rc = cli_fail("export", status);
    } else if ((status = chorus_platform_export(probs, data, args.values[OPT_OUTPUT], platform,
                                                &opts)) == CHORUS_EINVAL) {
        /* The export's input faults are about the data and the probabilities together. */
        fprintf(stderr, "chorus export: %s, %s: %s\n", args.positional[0], args.values[OPT_DATA],
                chorus_error_last());
        rc = CLI_EXIT_USAGE;
    } else if (status) {
        rc = cli_fail("export", status);
    }
    if (!status && !args.values[OPT_QUIET])
        fprintf(stderr, "%lld items -> %s (%s)\n", (long long)chorus_probs_n_items(probs),
                args.values[OPT_OUTPUT], chorus_platform_name(platform));
    chorus_probs_free(probs);
    chorus_dataset_free(data);
    free(fields);
    return rc;
}
