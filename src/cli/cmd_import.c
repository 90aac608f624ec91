/* chorus import: the answers people gave on a labeling platform, as a review file. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum { OPT_FROM, OPT_OUTPUT, OPT_CLASSES, OPT_FROM_NAME, OPT_QUIET };

static const cli_option options[] = {
    [OPT_FROM] = {"from", 0, "PLATFORM", "label-studio, argilla or prodigy"},
    [OPT_OUTPUT] = {"output", 'o', "REVIEW", "the review file to write (.csv or .jsonl)"},
    [OPT_CLASSES] = {"classes", 0, "NAMES", "the class names, e.g. HAM,SPAM: other answers fail"},
    [OPT_FROM_NAME] = {"from-name", 0, "NAME",
                       "Label Studio's choices control / Argilla's question (default label)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    {0},
};

static const cli_command command = {
    "import",
    "FILE --from PLATFORM -o REVIEW [options]",
    "Reads a platform's export of annotated tasks into a review file (item,answer).",
    "FILE is Label Studio's JSON export, Argilla's records as JSONL (version 1 or 2),\n"
    "or Prodigy's db-out JSONL, of tasks written by chorus export. Skipped, cancelled,\n"
    "rejected, ignored, discarded and draft answers give no answer; several annotators\n"
    "on one item: the class most of them chose, a tie leaves the item without an answer\n"
    "(a warning names it). See README.md, \"Labeling platforms\".\n",
    options,
    1,
    1};

/* --classes "A,B,C" into a list of names (in the copy `text`); *n_out >= 1. */
static const char **split_classes(char *text, int32_t *n_out)
{
    int32_t n = 1;
    for (const char *c = text; *c; c++)
        n += *c == ',';
    const char **names = calloc((size_t)n, sizeof *names);
    if (!names) return NULL;
    n = 0;
    for (char *start = text;; start++) {
        char *comma = strchr(start, ',');
        names[n++] = start;
        if (!comma) break;
        *comma = '\0';
        start = comma;
    }
    *n_out = n;
    return names;
}

int cmd_import(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_FROM])
        return cli_usage_error("import", "--from is required: label-studio, argilla or prodigy");
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("import", "-o REVIEW is required");
    chorus_platform platform;
    if (chorus_platform_parse(&platform, args.values[OPT_FROM]))
        return cli_usage_error("import", "--from: %s", chorus_error_last());

    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    opts.from_name = args.values[OPT_FROM_NAME];
    char *classes = NULL;
    const char **names = NULL;
    if (args.values[OPT_CLASSES]) {
        classes = strdup(args.values[OPT_CLASSES]);
        names = classes ? split_classes(classes, &opts.n_classes) : NULL;
        if (!names) {
            free(classes);
            fprintf(stderr, "chorus import: out of memory\n");
            return CLI_EXIT_FAILURE;
        }
        for (int32_t k = 0; k < opts.n_classes; k++)
            if (!*names[k]) {
                free(names);
                free(classes);
                return cli_usage_error("import", "--classes has an empty class name");
            }
        opts.class_names = names;
    }
    chorus_platform_import_stats stats;
    int status = chorus_platform_import(args.positional[0], platform, args.values[OPT_OUTPUT],
                                        &opts, &stats);
    rc = CLI_EXIT_OK;
    if (status)
        rc = cli_fail("import", status);
    else if (!args.values[OPT_QUIET])
        fprintf(
            stderr,
            "%" PRId64 " tasks, %" PRId64 " items: %" PRId64 " answered, %" PRId64 " tied -> %s\n",
            stats.n_tasks, stats.n_items, stats.n_answered, stats.n_ties, args.values[OPT_OUTPUT]);
    free(names);
    free(classes);
    return rc;
}
