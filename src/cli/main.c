#include <stdio.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

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
    {"eval", cmd_eval, "score probabilistic labels against gold labels"},
    {"convert", cmd_convert, "convert a vote matrix between CSV, triples, .npy and .chv"},
    {"synth", cmd_synth, "draw a synthetic vote matrix with known truth"},
    {"llm-cache", cmd_llm_cache, "stats, export or prune the answer cache of llm LFs"},
};

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
    for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++)
        fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(out, "\n'chorus <command> --help' describes a command. Exit status: 0 success,\n"
                 "1 runtime failure, 2 usage or input error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("chorus %s\n", chorus_version());
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++)
        if (strcmp(name, subcommands[i].name) == 0) {
            chorus_log_set_callback(print_log, (void *)subcommands[i].name);
            return subcommands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "chorus: unknown command '%s'\n\n", name);
    print_usage(stderr);
    return CLI_EXIT_USAGE;
}
