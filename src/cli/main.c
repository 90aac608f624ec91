#include <stdio.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/cli_mpi.h"

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"run", cmd_run, "apply labeling functions, fit, predict, analyze (and eval) in one go"},
    {"apply", cmd_apply, "apply a labeling-function set (YAML) to data: a vote matrix"},
    {"fit", cmd_fit, "fit a label model to a vote matrix, write model.json"},
    {"predict", cmd_predict, "apply a fitted model: probabilistic labels for a vote matrix"},
    {"analyze", cmd_analyze, "per-LF polarity, coverage, overlaps, conflicts, accuracies"},
    {"report", cmd_report, "one self-contained HTML page: LFs, accuracy, calibration, check"},
    {"select", cmd_select, "choose the items a person should label next: a review file"},
    {"inspect", cmd_inspect, "show the items where an LF votes, is wrong or conflicts"},
    {"eval", cmd_eval, "score probabilistic labels against gold labels"},
    {"qa", cmd_qa, "accuracy of final labels from a reviewed sample, with intervals"},
    {"convert", cmd_convert, "convert a vote matrix between CSV, triples, .npy and .chv"},
    {"export", cmd_export, "write the model's labels as pre-annotations for a labeling platform"},
    {"import", cmd_import, "read a labeling platform's annotations into a review file"},
    {"synth", cmd_synth, "draw a synthetic vote matrix with known truth"},
    {"llm-cache", cmd_llm_cache, "stats, export or prune the answer cache of llm LFs"},
};

enum { N_SUBCOMMANDS = sizeof subcommands / sizeof *subcommands };

/* The library's warnings and notes go to stderr, under the subcommand's name. */
static void print_log(chorus_log_level level, const char *message, void *ctx)
{
    if (level < CHORUS_LOG_INFO) return;
    fprintf(stderr, "chorus %s: %s%s\n", (const char *)ctx,
            level == CHORUS_LOG_WARN ? "warning: " : "", message);
}

static void print_usage(FILE *out)
{
    fprintf(out, "usage: chorus <command> [options]\n\n"
                 "chorus turns the votes of labeling functions into probabilistic labels.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(out, "  %-10s %s\n", "help",
            "this list, or 'chorus help COMMAND': what a command does");
    fprintf(out, "  %-10s %s\n", "version", "the version of chorus");
    fprintf(out, "\n'chorus <command> --help' describes a command. Exit status: 0 success,\n"
                 "1 runtime failure (e.g. an output cannot be written), 2 usage or input error.\n");
}

static const subcommand *find_subcommand(const char *name)
{
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        if (strcmp(name, subcommands[i].name) == 0) return &subcommands[i];
    return NULL;
}

/* "chorus[ help]: unknown command 'NAME'", with the command it is likely a typo of. */
static int unknown_command(const char *prefix, const char *name)
{
    const char *names[N_SUBCOMMANDS + 3];
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        names[i] = subcommands[i].name;
    names[N_SUBCOMMANDS] = "help";
    names[N_SUBCOMMANDS + 1] = "version";
    names[N_SUBCOMMANDS + 2] = NULL;
    const char *closest = cli_closest(name, names);
    fprintf(stderr, "%s: unknown command '%s'", prefix, name);
    if (closest) fprintf(stderr, "; did you mean '%s'?", closest);
    fprintf(stderr, "\n(see 'chorus help' for the list of commands)\n");
    return CLI_EXIT_USAGE;
}

/* chorus help --man [COMMAND]: chorus(1), or the page of a command (chorus-COMMAND(1)) from
 * the option table that --help prints; the build writes the installed pages with it. */
static int help_man(int argc, char **argv)
{
    if (argc == 3) {
        const char *names[N_SUBCOMMANDS], *summaries[N_SUBCOMMANDS];
        for (size_t i = 0; i < N_SUBCOMMANDS; i++) {
            names[i] = subcommands[i].name;
            summaries[i] = subcommands[i].summary;
        }
        cli_print_man_index(stdout, names, summaries, N_SUBCOMMANDS);
        return cli_flush_stdout("help", "the manual page");
    }
    if (argc > 4) {
        fprintf(stderr,
                "chorus help: expected one command after --man, got %d\n"
                "usage: chorus help --man [COMMAND]\n",
                argc - 3);
        return CLI_EXIT_USAGE;
    }
    const subcommand *cmd = find_subcommand(argv[3]);
    if (!cmd) return unknown_command("chorus help", argv[3]);
    char help_flag[] = "--help";
    char *help_argv[] = {argv[3], help_flag, NULL};
    cli_help_as_man(cmd->summary);
    int rc = cmd->run(2, help_argv);
    cli_help_as_man(NULL);
    return rc ? rc : cli_flush_stdout("help", "the manual page");
}

/* chorus help [COMMAND]: the command list, or exactly what 'chorus COMMAND --help' prints. */
static int help(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[2], "--man") == 0) return help_man(argc, argv);
    if (argc == 2) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 3) {
        fprintf(stderr,
                "chorus help: expected one command, got %d\n"
                "usage: chorus help [COMMAND]\n",
                argc - 2);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[2];
    if (strcmp(name, "help") == 0 || strcmp(name, "version") == 0 || strcmp(name, "-h") == 0 ||
        strcmp(name, "--help") == 0) {
        printf("usage: chorus help [COMMAND]\n\nThe list of commands, or what COMMAND does and "
               "its options\n(the same as 'chorus COMMAND --help').\n");
        return CLI_EXIT_OK;
    }
    const subcommand *cmd = find_subcommand(name);
    if (!cmd) return unknown_command("chorus help", name);
    /* The command's own --help, so the two never differ; argv ends with NULL as main's. */
    char help_flag[] = "--help";
    char *help_argv[] = {argv[2], help_flag, NULL};
    return cmd->run(2, help_argv);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0) return help(argc, argv);
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("chorus %s\n", chorus_version());
        return CLI_EXIT_OK;
    }
    const subcommand *cmd = find_subcommand(name);
    if (!cmd) return unknown_command("chorus", name);
    int rc = cli_mpi_start(cmd->name);
    if (rc) return rc;
    /* Under MPI every rank sees the same warnings: rank 0 says them. */
    if (cli_mpi_rank() == 0) chorus_log_set_callback(print_log, (void *)cmd->name);
    return cli_mpi_finish(cmd->run(argc - 1, argv + 1));
}
