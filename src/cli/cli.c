#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/cli_mpi.h"

static int count_options(const cli_option *options)
{
    int n = 0;
    while (options && options[n].name)
        n++;
    return n;
}

/* Set by `chorus help --man CMD`: --help writes the manual page instead. */
static const char *man_name_line;

void cli_help_as_man(const char *name_line)
{
    man_name_line = name_line;
}

static void print_help(const cli_command *cmd)
{
    if (man_name_line) {
        cli_print_man(stdout, cmd, man_name_line);
        return;
    }
    printf("usage: chorus %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
    int n = count_options(cmd->options);
    printf("\noptions:\n");
    for (int i = 0; i < n; i++) {
        const cli_option *o = &cmd->options[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg_name ? " " : "",
                     o->arg_name ? o->arg_name : "");
        printf("  %-28s %s\n", left, o->help);
    }
    printf("  %-28s %s\n", "-h, --help", "show this help");
    if (cmd->details) printf("\n%s", cmd->details);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    /* Under MPI every rank meets the same usage error: rank 0 says it. */
    if (cli_mpi_rank() != 0) return CLI_EXIT_USAGE;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "chorus %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'chorus %s --help')\n", cmd);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

static int find_long(const cli_option *options, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0) return i;
    return -1;
}

static int find_short(const cli_option *options, int n, char c)
{
    for (int i = 0; i < n; i++)
        if (options[i].short_name == c) return i;
    return -1;
}

const char *cli_closest(const char *typed, const char *const *names)
{
    /* One edit on a short name already makes most other short names: ask for a closer
     * match there, and allow two edits (a swapped pair of letters) on longer ones. */
    size_t len = strlen(typed);
    return len < 2 ? NULL : chorus_closest_name(typed, names, len <= 3 ? 1 : 2);
}

/* The usage error for an unknown option; `name` (len bytes, without dashes or "=value")
 * is what was typed, compared with the long names (and "help") for a suggestion. */
static int unknown_option(const cli_command *cmd, int n, const char *arg, const char *name,
                          size_t len)
{
    const char *names[CLI_MAX_OPTIONS + 2];
    int k = 0;
    for (int i = 0; i < n && i < CLI_MAX_OPTIONS; i++)
        names[k++] = cmd->options[i].name;
    names[k++] = "help";
    names[k] = NULL;
    char typed[64];
    const char *closest = NULL;
    if (len < sizeof typed) {
        memcpy(typed, name, len);
        typed[len] = '\0';
        closest = cli_closest(typed, names);
    }
    if (closest)
        return cli_usage_error(cmd->name, "unknown option '%s'; did you mean --%s?", arg, closest);
    return cli_usage_error(cmd->name, "unknown option '%s'", arg);
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *args)
{
    memset(args, 0, sizeof *args);
    int n = count_options(cmd->options);
    int only_positional = 0;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (!only_positional && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            print_help(cmd);
            return CLI_EXIT_OK;
        }
        if (!only_positional && strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (args->n_positional >= cmd->n_positional_max ||
                args->n_positional >= (int)(sizeof args->positional / sizeof *args->positional))
                return cli_usage_error(cmd->name, "unexpected argument '%s'", arg);
            args->positional[args->n_positional++] = arg;
            continue;
        }
        int i;
        const char *inline_value = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            i = find_long(cmd->options, n, name, len);
            if (i < 0) return unknown_option(cmd, n, arg, name, len);
            if (eq) inline_value = eq + 1;
        } else {
            /* "-model" is a long name with one dash too few: suggest "--model". */
            if (arg[2] != '\0') return unknown_option(cmd, n, arg, arg + 1, strlen(arg + 1));
            i = find_short(cmd->options, n, arg[1]);
            if (i < 0) return cli_usage_error(cmd->name, "unknown option '%s'", arg);
        }
        const cli_option *o = &cmd->options[i];
        if (!o->arg_name) {
            if (inline_value)
                return cli_usage_error(cmd->name, "option --%s takes no value", o->name);
            args->values[i] = "";
            continue;
        }
        if (inline_value) {
            args->values[i] = inline_value;
        } else {
            if (a + 1 >= argc)
                return cli_usage_error(cmd->name, "option --%s needs a value (%s)", o->name,
                                       o->arg_name);
            args->values[i] = argv[++a];
        }
        if (strcmp(o->name, "output") == 0) {
            const int rc = cli_check_output_path(cmd->name, "--output", args->values[i]);
            if (rc) return rc;
        }
    }
    if (args->n_positional < cmd->n_positional_min)
        return cli_usage_error(cmd->name, "missing arguments; usage: chorus %s %s", cmd->name,
                               cmd->usage);
    return -1;
}

int cli_flush_stdout(const char *cmd, const char *what)
{
    if (fflush(stdout) == 0) return CLI_EXIT_OK;
    fprintf(stderr, "chorus %s: cannot write %s\n", cmd, what);
    return CLI_EXIT_FAILURE;
}

int cli_fail(const char *cmd, int status)
{
    const char *message = chorus_error_last();
    fprintf(stderr, "chorus %s: %s\n", cmd, *message ? message : "failed");
    switch (status) {
    case CHORUS_EINVAL:
    case CHORUS_EFORMAT:
    case CHORUS_EIO:
    /* Every allocation is sized by the input or the options (readers bound theirs by the
     * file's size), so running out of memory means the input is too large for this host. */
    case CHORUS_ENOMEM:
        return CLI_EXIT_USAGE;
    default: /* CHORUS_EWRITE (an output could not be written), CHORUS_EINTERNAL */
        return CLI_EXIT_FAILURE;
    }
}

int cli_check_output_path(const char *cmd, const char *what, const char *path)
{
    /* "-" is standard output to many tools; here it would quietly become a file named "-".
     * Every output is a file, written whole or not at all. */
    if (strcmp(path, "-") == 0 && strcmp(cmd, "run") == 0)
        return cli_usage_error(cmd, "%s -: run writes its outputs into a folder; give its name",
                               what);
    if (strcmp(path, "-") == 0)
        return cli_usage_error(cmd,
                               "%s -: chorus writes its outputs to files; give a file name, "
                               "or /dev/stdout for standard output",
                               what);
    return 0;
}

int cli_parse_int(const char *cmd, const char *option, const char *text, int64_t min, int64_t max,
                  int64_t *out)
{
    if (chorus_parse_int64(text, strlen(text), min, max, out) != 0)
        return cli_usage_error(cmd, "--%s expects an integer in %lld..%lld, got '%s'", option,
                               (long long)min, (long long)max, text);
    return 0;
}

int cli_parse_double(const char *cmd, const char *option, const char *text, double min, double max,
                     double *out)
{
    if (chorus_parse_double(text, strlen(text), out) != 0 || *out < min || *out > max)
        return cli_usage_error(cmd, "--%s expects a number in %g..%g, got '%s'", option, min, max,
                               text);
    return 0;
}

int cli_write_json(FILE *out, json_t *root)
{
    char *text =
        root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
             : NULL;
    json_decref(root);
    if (!text) return -1;
    fprintf(out, "%s\n", text);
    free(text);
    return 0;
}
