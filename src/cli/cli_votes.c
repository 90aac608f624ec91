/* Reading a vote matrix the way every subcommand accepts it. */
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

static void free_names(char **names, int32_t n)
{
    for (int32_t j = 0; names && j < n; j++)
        free(names[j]);
    free(names);
}

/* --classes is either a count ("3") or comma-separated names ("HAM,SPAM"). */
static int parse_classes(const char *cmd, const char *text, int32_t *n, char ***names)
{
    int64_t count;
    *names = NULL;
    if (chorus_parse_int64(text, strlen(text), 2, CHORUS_MAX_CLASSES, &count) == 0) {
        *n = (int32_t)count;
        return 0;
    }
    int32_t k = 1;
    for (const char *p = text; *p; p++)
        k += *p == ',';
    if (k < 2) return cli_usage_error(cmd, "--classes expects a count or 2 or more names");
    if (k > CHORUS_MAX_CLASSES)
        return cli_usage_error(cmd, "--classes names %d classes; at most %d are allowed", (int)k,
                               CHORUS_MAX_CLASSES);
    char **list = calloc((size_t)k, sizeof *list);
    char *copy = strdup(text);
    if (!list || !copy) {
        free(list);
        free(copy);
        return cli_usage_error(cmd, "out of memory");
    }
    char *save = NULL, *tok = strtok_r(copy, ",", &save);
    int32_t i = 0;
    for (; tok && i < k; tok = strtok_r(NULL, ",", &save))
        list[i++] = strdup(tok);
    free(copy);
    if (i != k) {
        free_names(list, i);
        return cli_usage_error(cmd, "--classes has an empty name in '%s'", text);
    }
    for (int32_t a = 0; a < k; a++)
        for (int32_t b = a + 1; b < k; b++)
            if (strcmp(list[a], list[b]) == 0) {
                int rc =
                    cli_usage_error(cmd, "--classes names class \"%s\" twice (classes %d and %d)",
                                    list[a], (int)a, (int)b);
                free_names(list, k);
                return rc;
            }
    *n = k;
    *names = list;
    return 0;
}

int cli_read_votes_input(const char *cmd, const char *path, const cli_votes_input *in,
                         chorus_votes **out)
{
    *out = NULL;
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    char **names = NULL;
    int32_t n_names = 0;
    if (in->format && chorus_format_parse(&opts.format, in->format) != CHORUS_OK)
        return cli_usage_error(cmd, "%s", chorus_error_last());
    if (in->duplicates && chorus_duplicates_parse(&opts.duplicates, in->duplicates) != CHORUS_OK)
        return cli_usage_error(cmd, "--duplicates: %s", chorus_error_last());
    if (in->header && in->no_header)
        return cli_usage_error(cmd, "--header and --no-header exclude each other");
    opts.header = in->header      ? CHORUS_HEADER_YES
                  : in->no_header ? CHORUS_HEADER_NO
                                  : CHORUS_HEADER_AUTO;
    if (in->abstain) {
        int64_t value;
        int rc =
            cli_parse_int(cmd, "abstain", in->abstain, CHORUS_ABSTAIN, CHORUS_MAX_CLASSES, &value);
        if (rc) return rc;
        opts.abstain_value = (int32_t)value;
    }
    if (in->classes) {
        int rc = parse_classes(cmd, in->classes, &opts.n_classes, &names);
        if (rc) return rc;
        if (names) n_names = opts.n_classes;
    }
    /* Labels written as names are resolved against --classes names, in their order. */
    opts.class_names = (const char *const *)names;
    int rc = chorus_votes_read(out, path, &opts);
    for (int32_t k = 0; !rc && k < n_names; k++)
        rc = chorus_votes_set_class_name(*out, k, names[k]);
    free_names(names, n_names);
    if (rc) {
        chorus_votes_free(*out);
        *out = NULL;
        return cli_fail(cmd, rc);
    }
    return 0;
}
