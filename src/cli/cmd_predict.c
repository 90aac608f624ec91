/* chorus predict: apply a saved model to a vote matrix, write probabilistic labels. */
#include <inttypes.h>
#include <stdio.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/cli_mpi.h"

enum {
    OPT_OUTPUT,
    OPT_FORMAT,
    OPT_VOTES_FORMAT,
    OPT_DUPLICATES,
    OPT_DROP_UNCOVERED,
    OPT_REVIEW,
    OPT_QUIET,
    OPT_PROGRESS,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "PROBS", "where to write the probabilities (required)"},
    [OPT_FORMAT] = {"format", 0, "FMT", "csv, jsonl or npy (default: by the output's name)"},
    [OPT_VOTES_FORMAT] = {"votes-format", 0, "FMT",
                          "csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    [OPT_DROP_UNCOVERED] = {"drop-uncovered", 0, NULL,
                            "write only the items some labeling function voted on"},
    [OPT_REVIEW] = {"review", 0, "REVIEW",
                    "a filled-in review file (repeatable): answered items get their answer"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    [OPT_PROGRESS] = CLI_PROGRESS_OPTION,
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    "predict",
    "MODEL.json VOTES -o PROBS [options]",
    "Writes class probabilities for the items of VOTES: one row per item, K columns.",
    "VOTES must have the model's labeling functions in the same order. Every row says\n"
    "which item it is (its row in VOTES, from 0) and whether it is covered (at least one\n"
    "labeling function voted on it); an uncovered item gets the model's class prior,\n"
    "a guess rather than a label, and --drop-uncovered leaves those rows out.\n"
    "  CSV    header item,covered,<class names>; rows like 7,1,0.25,0.75\n"
    "  JSONL  {\"item\": 7, \"covered\": true, \"label\": 1, \"class\": \"SPAM\",\n"
    "         \"probs\": [0.25, 0.75]} per line (label: the hash tie-break's class)\n"
    "  .npy   float64 rows x K, nothing else; with --drop-uncovered the kept rows'\n"
    "         items go to PROBS.items.csv (item,covered; probs.npy -> probs.items.csv)\n"
    "Under mpirun -np N (a .chv file) each process predicts its part and rank 0 writes\n"
    "the one-process output byte for byte, a piece of rows at a time (README.md,\n"
    "\"Running on a cluster (MPI)\"); it shows no progress there.\n",
    options,
    2,
    2};

/* --review: the answered items' classes (-1 elsewhere), the votes read in the model's
 * classes; *answers stays NULL without review files. */
static int review_answers(int argc, char **argv, const chorus_model *model,
                          const chorus_votes *votes, int32_t **answers)
{
    chorus_review *review = NULL;
    chorus_votes *aligned = NULL;
    *answers = NULL;
    int rc = cli_read_reviews("predict", argc, argv, "review", &review);
    if (rc || !review) return rc;
    int status = chorus_model_align_votes(&aligned, model, votes);
    if (!status) status = chorus_review_resolve(answers, review, aligned ? aligned : votes, NULL);
    if (status) rc = cli_fail("predict", status);
    chorus_votes_free(aligned);
    chorus_review_free(review);
    return rc;
}

/* Predicts and writes a chunk of items at a time, and says what was written. */
static int predict_to_file(int argc, char **argv, const cli_args *args, chorus_probs_format format,
                           const chorus_model *model, const chorus_votes *votes,
                           cli_progress_mode progress_mode)
{
    chorus_predict_write_options opts = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    int32_t *answers = NULL;
    int rc = review_answers(argc, argv, model, votes, &answers);
    if (rc) return rc;
    opts.drop_uncovered = args->values[OPT_DROP_UNCOVERED] != NULL;
    opts.answers = answers;
    cli_progress progress;
    cli_progress_init(&progress, "predict", "predicting", progress_mode);
    opts.progress = cli_progress_update;
    opts.progress_ctx = &progress;
    int status = chorus_model_predict_write(model, votes, args->values[OPT_OUTPUT], format, &opts);
    cli_progress_done(&progress);
    chorus_free(answers);
    if (status) return cli_fail("predict", status);
    const int64_t n_items = chorus_votes_n_items(votes), *row_ptr = chorus_votes_row_ptr(votes);
    int64_t n_covered = 0;
    for (int64_t i = 0; i < n_items; i++)
        n_covered += row_ptr[i + 1] > row_ptr[i];
    if (!args->values[OPT_QUIET])
        fprintf(stderr,
                "predicted %" PRId64 " items x %" PRId32 " classes, %" PRId64
                " without any vote%s -> %s\n",
                n_items, chorus_model_n_classes(model), n_items - n_covered,
                opts.drop_uncovered ? " (dropped)" : "", args->values[OPT_OUTPUT]);
    return CLI_EXIT_OK;
}

/* mpirun -np N chorus predict: every rank predicts its items, rank 0 writes them as they
 * come, a piece of rows at a time. */
static int predict_sharded(const cli_args *args, chorus_probs_format format, chorus_model *model)
{
    const int drop = args->values[OPT_DROP_UNCOVERED] != NULL;
    int64_t n_items = 0, n_covered = 0;
    int rc = cli_predict_sharded("predict", args->positional[1], model, args->values[OPT_OUTPUT],
                                 format, drop, &n_items, &n_covered);
    if (!rc && cli_mpi_rank() == 0 && !args->values[OPT_QUIET])
        fprintf(stderr,
                "predicted %" PRId64 " items x %" PRId32 " classes, %" PRId64
                " without any vote%s -> %s\n",
                n_items, chorus_model_n_classes(model), n_items - n_covered,
                drop ? " (dropped)" : "", args->values[OPT_OUTPUT]);
    chorus_model_free(model);
    return rc;
}

/* On N > 1 processes: the options that need every item in one place are refused. */
static int check_sharded(const cli_args *args)
{
    static const int whole[] = {OPT_REVIEW, OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN, OPT_DUPLICATES};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (args->values[whole[i]])
            return cli_usage_error("predict",
                                   "--%s is not supported on %d processes (mpirun -np %d): it "
                                   "needs every item in one process; run without mpirun",
                                   options[whole[i]].name, cli_mpi_size(), cli_mpi_size());
    return cli_check_sharded_votes("predict", args->positional[1], args->values[OPT_VOTES_FORMAT]);
}

int cmd_predict(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("predict", "missing -o PROBS");
    cli_progress_mode progress_mode;
    if ((rc = cli_progress_mode_parse("predict", args.values[OPT_PROGRESS],
                                      args.values[OPT_QUIET] != NULL, &progress_mode)))
        return rc;
    chorus_probs_format format = CHORUS_PROBS_AUTO;
    if (args.values[OPT_FORMAT] && chorus_probs_format_parse(&format, args.values[OPT_FORMAT]))
        return cli_usage_error("predict", "%s", chorus_error_last());
    const int sharded = cli_mpi_size() > 1;
    if (sharded && (rc = check_sharded(&args))) return rc;
    chorus_model *model = NULL;
    int status = chorus_model_load(&model, args.positional[0]);
    if (sharded) {
        if ((rc = cli_mpi_fail_once("predict", status))) {
            chorus_model_free(model);
            return rc;
        }
        return predict_sharded(&args, format, model);
    }
    if (status) return cli_fail("predict", status);
    chorus_votes *votes;
    const cli_votes_input input = {args.values[OPT_VOTES_FORMAT], NULL,
                                   args.values[OPT_HEADER],       args.values[OPT_NO_HEADER],
                                   args.values[OPT_ABSTAIN],      args.values[OPT_DUPLICATES]};
    if ((rc = cli_read_votes_input("predict", args.positional[1], &input, &votes))) {
        chorus_model_free(model);
        return rc;
    }
    rc = predict_to_file(argc, argv, &args, format, model, votes, progress_mode);
    chorus_votes_free(votes);
    chorus_model_free(model);
    return rc;
}
