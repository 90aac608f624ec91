/* The command-line front end: subcommand table, option parsing, error reporting. */
#ifndef CHORUS_CLI_H
#define CHORUS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chorus/chorus.h"

/* Exit codes: success, runtime failure, usage or input error. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

typedef struct cli_option {
    const char *name;     /* long name without "--" */
    char short_name;      /* 0 for none */
    const char *arg_name; /* NULL for a flag */
    const char *help;
} cli_option;

typedef struct cli_command {
    const char *name;
    const char *usage;   /* e.g. "VOTES [options]" */
    const char *summary; /* one line */
    const char *details; /* printed after the options by --help; may be NULL */
    const cli_option *options;
    int n_positional_min;
    int n_positional_max;
} cli_command;

/* Options a command may have. */
enum { CLI_MAX_OPTIONS = 32 };

/* What cli_parse found: values[i] belongs to options[i] (NULL if absent, "" for a flag). */
typedef struct cli_args {
    const char *values[CLI_MAX_OPTIONS];
    const char *positional[8];
    int n_positional;
} cli_args;

/*
 * Parses argv (argv[0] is the subcommand). Returns -1 when the command should go on, or
 * an exit code: 0 after printing --help, 2 after printing a usage error.
 */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *args);

/* The one of `names` (NULL-terminated) that `typed` is likely a typo of, or NULL: for
 * "did you mean" after an unknown option or command. */
const char *cli_closest(const char *typed, const char *const *names);

/* Makes --help write the command's manual page (roff) instead of the text, with name_line
 * (the command list's one-line summary) in its NAME section; NULL: the text again. */
void cli_help_as_man(const char *name_line);
/* The manual page of a command, from its option table: what --help says, as roff. */
void cli_print_man(FILE *out, const cli_command *cmd, const char *name_line);
/* chorus(1): the commands (n names and one-line summaries) and what they share. */
void cli_print_man_index(FILE *out, const char *const *names, const char *const *summaries, int n);

/* Prints "chorus <cmd>: <library message>" and maps the library status to an exit code. */
int cli_fail(const char *cmd, int status);

/* Flushes what the command printed on stdout: CLI_EXIT_OK, or CLI_EXIT_FAILURE after saying
 * on stderr that `what` (e.g. "the report") could not be written. */
int cli_flush_stdout(const char *cmd, const char *what);

/* Prints a usage error for the command and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 0, or a usage error's exit code when `path`, the output `what` names, is "-". */
int cli_check_output_path(const char *cmd, const char *what, const char *path);

/* Option value parsers: return 0, or print a usage error and return CLI_EXIT_USAGE. */
int cli_parse_int(const char *cmd, const char *option, const char *text, int64_t min, int64_t max,
                  int64_t *out);
int cli_parse_double(const char *cmd, const char *option, const char *text, double min, double max,
                     double *out);

typedef struct chorus_votes chorus_votes;

/* The --duplicates option of the commands that read votes, for their option tables. */
#define CLI_DUPLICATES_OPTION                                                                      \
    {                                                                                              \
        "duplicates", 0, "POLICY",                                                                 \
            "triples: a worker answering an item again: all (extra LF w#2), first, last, error"    \
    }

/*
 * Reads gold labels for `n_items` items of n_classes classes (class_names: NULL, or the
 * names a label may also be written as). `spec` is a gold file (one label per line) or
 * DATA:FIELD, a field of a dataset (CSV or JSONL, one record per item; a missing or empty
 * value is unknown). The count must be n_items unless n_items < 0. *out (chorus_free it),
 * *out_n. Returns 0, or prints the error and returns the exit code.
 */
int cli_read_gold(const char *cmd, const char *spec, int32_t n_classes,
                  const char *const *class_names, int64_t n_items, const char *items_what,
                  int32_t **out, int64_t *out_n);

/* The class names of votes that have names (else NULL), for cli_read_gold; free() it. */
const char **cli_votes_class_names(const chorus_votes *votes);

/* How the command line says to read a vote file: each NULL when not given. */
typedef struct cli_votes_input {
    const char *format;     /* --format / --from */
    const char *classes;    /* --classes: a count or names */
    const char *header;     /* --header given */
    const char *no_header;  /* --no-header given */
    const char *abstain;    /* --abstain VALUE */
    const char *duplicates; /* --duplicates POLICY (triples) */
} cli_votes_input;

/* The option-table entries of --header, --no-header and --abstain, at the given indices. */
#define CLI_VOTES_INPUT_OPTIONS(header, no_header, abstain)                                        \
    [header] = {"header", 0, NULL,                                                                 \
                "a dense CSV's first line names the LFs (default: unless it is all integers)"},    \
    [no_header] = {"no-header", 0, NULL, "a dense CSV has no header line: LFs are lf0, lf1, ..."}, \
    [abstain] = {"abstain", 0, "VALUE",                                                            \
                 "the value meaning abstain (default -1); value VALUE+1+k is class k"}

/*
 * Reads a vote matrix with the reading options the command line gave (NULL fields: the
 * defaults; the format by the file name). Returns 0, or prints the error and returns the
 * exit code.
 */
int cli_read_votes_input(const char *cmd, const char *path, const cli_votes_input *in,
                         chorus_votes **out);

/* Prints metrics as aligned tables (summary, per class, confusion matrix) on stdout. */
typedef struct chorus_metrics chorus_metrics;
typedef struct chorus_probs chorus_probs;
typedef struct chorus_eval_options chorus_eval_options;
void cli_print_metrics(const chorus_metrics *m, const chorus_probs *probs,
                       const chorus_eval_options *opts);

/*
 * --progress WHEN: auto (the default) draws a bar on a terminal and, when stderr is a file
 * or a pipe, writes a plain line every CHORUS_PROGRESS_INTERVAL seconds (5) once a stage
 * has run that long, and one when it ends; always also writes that last line for a stage
 * that ended sooner; never writes none. Outputs do not depend on it.
 */
typedef enum { CLI_PROGRESS_AUTO, CLI_PROGRESS_ALWAYS, CLI_PROGRESS_NEVER } cli_progress_mode;

/* The --progress entry of an option table. */
#define CLI_PROGRESS_OPTION                                                                        \
    {                                                                                              \
        "progress", 0, "WHEN",                                                                     \
            "progress of long stages on stderr: auto (default: a bar on a terminal, else a line "  \
            "every 5 s), always, never"                                                            \
    }

/* --progress's value (NULL: auto); quiet (-q) makes it never. Also checks
 * CHORUS_PROGRESS_INTERVAL. 0, or prints a usage error and returns its exit code. */
int cli_progress_mode_parse(const char *cmd, const char *text, int quiet, cli_progress_mode *out);

typedef enum {
    CLI_PROGRESS_STYLE_NONE,
    CLI_PROGRESS_STYLE_BAR,  /* redrawn in place on a terminal */
    CLI_PROGRESS_STYLE_LINES /* plain lines, for a log */
} cli_progress_style;

/* What a stage last reported: items done, or an EM iteration. */
typedef enum { CLI_PROGRESS_NOTHING, CLI_PROGRESS_ITEMS, CLI_PROGRESS_FIT } cli_progress_kind;

/* The progress of one stage of a command. */
typedef struct cli_progress {
    const char *cmd;  /* "chorus CMD:" starts a plain line */
    const char *what; /* e.g. "applying", "predicting" */
    cli_progress_mode mode;
    cli_progress_style style;
    cli_progress_kind kind;
    double interval; /* seconds between two plain lines */
    double start, last;
    int shown;
    int64_t done, total;
    chorus_fit_progress fit; /* the last EM iteration */
    int64_t iterations;      /* EM iterations so far, over every start and fit */
} cli_progress;
void cli_progress_init(cli_progress *p, const char *cmd, const char *what, cli_progress_mode mode);
/* A chorus_progress_fn; ctx is the cli_progress. */
void cli_progress_update(int64_t done, int64_t total, void *ctx);
/* A chorus_fit_progress_fn; ctx is the cli_progress. */
void cli_progress_fit(const chorus_fit_progress *progress, void *ctx);
/* Ends the stage: erases a bar, or writes the last line (see cli_progress_mode). */
void cli_progress_done(cli_progress *p);

/* The LF summary as an aligned table, CSV or JSON. */
typedef struct chorus_lf_summary chorus_lf_summary;
typedef enum { CLI_TABLE, CLI_CSV, CLI_JSON } cli_output_format;
int cli_print_lf_summary(FILE *out, const chorus_lf_summary *s, const chorus_votes *votes,
                         cli_output_format format);
/* The same, with the JSON's "prompt_variants" key from ps when it is not NULL. */
typedef struct chorus_prompt_sensitivity chorus_prompt_sensitivity;
int cli_print_lf_summary_with(FILE *out, const chorus_lf_summary *s, const chorus_votes *votes,
                              cli_output_format format, const chorus_prompt_sensitivity *ps);
/* The prompt sensitivity of variant groups: a table section or a CSV of variant pairs (JSON
 * goes in the summary's, through cli_prompt_sensitivity_json). */
int cli_print_prompt_sensitivity(FILE *out, const chorus_prompt_sensitivity *ps,
                                 const chorus_votes *votes, cli_output_format format);
struct json_t;
/* Writes `root` to out as indented JSON in key order, reals to 15 significant digits (0.84,
 * not 0.83999999999999997), and a newline; takes `root` (NULL: nothing to write). 0, or -1
 * when it could not be built. */
int cli_write_json(FILE *out, struct json_t *root);
struct json_t *cli_prompt_sensitivity_json(const chorus_prompt_sensitivity *ps,
                                           const chorus_votes *votes);

/* Dependency groups (per LF a group id or -1; chorus_free it) from a groups file or a
 * spec's `group:` keys; *out stays NULL when a spec declares none. 0 or an exit code. */
typedef struct chorus_lf_set chorus_lf_set;
int cli_read_groups(const char *cmd, const char *path, const chorus_votes *votes, int32_t **out);
int cli_groups_from_spec(const char *cmd, const chorus_lf_set *set, const chorus_votes *votes,
                         int32_t **out);

/*
 * Review files: every `--<option> FILE` of argv (the option may repeat), read and merged;
 * *out is NULL when there is none (chorus_review_free it). 0 or the exit code (printed).
 */
int cli_read_reviews(const char *cmd, int argc, char **argv, const char *option,
                     chorus_review **out);

/*
 * The answers of `review` for the items of `votes` (*answers, -1 elsewhere) and merged
 * with gold (NULL or one label per item) into *out, for chorus_fit_options.gold; a
 * contradiction is an input error. chorus_free both. 0 or the exit code (printed).
 */
int cli_review_gold(const char *cmd, const chorus_review *review, const chorus_votes *votes,
                    const int32_t *gold, int32_t **out, int32_t **answers, int64_t *n_answers);

/* Folds of the held-out scores of review answers. */
enum { CLI_REVIEW_FOLDS = 5 };

/* Prints the held-out scores of the answers (k-fold, each fold fitted with `type` and the
 * other folds' answers and other_gold clamped) on stdout. 0 or the exit code. */
int cli_report_review(const char *cmd, const chorus_votes *votes, const int32_t *answers,
                      int64_t n_answers, const int32_t *other_gold, const chorus_fit_options *fit,
                      chorus_model_type type);

/* The subcommands. */
int cmd_fit(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_llm_cache(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_select(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_qa(int argc, char **argv);
int cmd_report(int argc, char **argv);

/*
 * --positive TEXT: the class of that name or index among n_classes (class_name(owner, k)
 * may give NULL for an unnamed class). A usage error when it is neither, or when it names
 * one class and indexes another. Returns 0 or the exit code (printed).
 */
int cli_resolve_class(const char *cmd, const char *text, int32_t n_classes,
                      const char *(*class_name)(const void *owner, int32_t k), const void *owner,
                      int32_t *out);

/* Says on stderr what the gold-free check of a fit found; a fallback to majority vote is
 * said even when not verbose. */
void cli_report_check(const char *cmd, const chorus_model *model, int verbose);

/* When a tenth of the items the model was fitted on or more have no vote, says on stderr how many
 * and what each of them gets (one note; nothing if the model has no check). */
void cli_report_uncovered(const char *cmd, const chorus_model *model);

/* Prints every number of a fit's check (chorus analyze --model). */
void cli_print_check(FILE *out, const chorus_model *model);

/* Prints the candidates of a dev-set selection, their scores and the choice (stderr). */
void cli_report_selection(const chorus_model *model);

#endif
