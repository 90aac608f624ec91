/* Reading a vote matrix the way every subcommand accepts it. */
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

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
        for (int32_t j = 0; j < i; j++)
            free(list[j]);
        free(list);
        return cli_usage_error(cmd, "--classes has an empty name in '%s'", text);
    }
    *n = k;
    *names = list;
    return 0;
}

/* The library's warnings (e.g. repeated answers in a crowd file) go to stderr. */
static void print_warning(chorus_log_level level, const char *message, void *ctx)
{
    if (level >= CHORUS_LOG_WARN)
        fprintf(stderr, "chorus %s: warning: %s\n", (const char *)ctx, message);
}

int cli_read_votes(const char *cmd, const char *path, const char *format, const char *classes,
                   const char *duplicates, chorus_votes **out)
{
    *out = NULL;
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    char **names = NULL;
    int32_t n_names = 0;
    if (format && chorus_format_parse(&opts.format, format) != CHORUS_OK)
        return cli_usage_error(cmd, "%s", chorus_error_last());
    if (duplicates && chorus_duplicates_parse(&opts.duplicates, duplicates) != CHORUS_OK)
        return cli_usage_error(cmd, "--duplicates: %s", chorus_error_last());
    if (classes) {
        int rc = parse_classes(cmd, classes, &opts.n_classes, &names);
        if (rc) return rc;
        if (names) n_names = opts.n_classes;
    }
    /* Labels written as names are resolved against --classes names, in their order. */
    opts.class_names = (const char *const *)names;
    chorus_log_set_callback(print_warning, (void *)cmd);
    int rc = chorus_votes_read(out, path, &opts);
    for (int32_t k = 0; !rc && k < n_names; k++)
        rc = chorus_votes_set_class_name(*out, k, names[k]);
    for (int32_t k = 0; k < n_names; k++)
        free(names[k]);
    free(names);
    if (rc) {
        chorus_votes_free(*out);
        *out = NULL;
        return cli_fail(cmd, rc);
    }
    return 0;
}
