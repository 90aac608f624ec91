/* chorus fit: fit a label model to a vote matrix and save it as model.json. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/cli_mpi.h"

enum {
    OPT_OUTPUT,
    OPT_MODEL,
    OPT_CLASSES,
    OPT_FORMAT,
    OPT_DUPLICATES,
    OPT_SMOOTHING,
    OPT_PRIOR_SMOOTHING,
    OPT_CLASS_BALANCE,
    OPT_GOLD,
    OPT_REVIEW,
    OPT_EVAL_GOLD,
    OPT_RESTARTS,
    OPT_MAX_ITER,
    OPT_TOL,
    OPT_SEED,
    OPT_THREADS,
    OPT_GROUPS,
    OPT_LEARN_STRUCTURE,
    OPT_KEEP_COPIES,
    OPT_DEV_VOTES,
    OPT_DEV_GOLD,
    OPT_DEV_METRIC,
    OPT_POSITIVE,
    OPT_QUIET,
    OPT_PROGRESS,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "MODEL.json", "where to write the fitted model (required)"},
    [OPT_MODEL] = {"model", 0, "NAME",
                   "auto (default), ds, ds-noabstain, class-acc, onecoin, pooled or mv"},
    [OPT_CLASSES] = {"classes", 0, "K|NAMES", "number of classes, or their names: HAM,SPAM"},
    [OPT_FORMAT] = {"format", 0, "FMT",
                    "votes format: csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    [OPT_SMOOTHING] = {"smoothing", 0, "S", "strength of the prior on each LF (default 1)"},
    [OPT_PRIOR_SMOOTHING] = {"prior-smoothing", 0, "S",
                             "pseudo-count per class on the class prior (default 1)"},
    [OPT_CLASS_BALANCE] = {"class-balance", 0, "P,..|gold",
                           "fix the class prior (e.g. 0.7,0.3), or take it from --gold"},
    [OPT_GOLD] = {"gold", 0, "GOLD",
                  "known labels (-1 unknown; or DATA:FIELD), clamped in the fit"},
    [OPT_REVIEW] = {"review", 0, "REVIEW",
                    "a filled-in review file (repeatable): its answers are clamped too"},
    [OPT_EVAL_GOLD] = {"eval-gold", 0, "GOLD", "after fitting, score the items against these"},
    [OPT_RESTARTS] = {"restarts", 0, "N", "extra starts from perturbed posteriors (default 0)"},
    [OPT_MAX_ITER] = {"max-iter", 0, "N", "EM iterations per start (default 500)"},
    [OPT_TOL] = {"tol", 0, "X", "stop at this relative change of the log-posterior (1e-7)"},
    [OPT_SEED] = {"seed", 0, "N", "random seed for restarts (default 0)"},
    [OPT_THREADS] = {"threads", 0, "N", "OpenMP threads (default: all; results do not change)"},
    [OPT_GROUPS] = {"groups", 0, "FILE",
                    "dependency groups: lines of comma-separated LF names, or a spec.yaml"},
    [OPT_LEARN_STRUCTURE] = {"learn-structure", 0, NULL,
                             "find dependent LFs from the votes and model them jointly"},
    [OPT_KEEP_COPIES] = {"keep-copies", 0, NULL,
                         "LFs that vote alike on every item: fit them apart (default: one source)"},
    [OPT_DEV_VOTES] = {"dev-votes", 0, "VOTES",
                       "votes of a labelled dev set: choose the model and settings by its score"},
    [OPT_DEV_GOLD] = {"dev-gold", 0, "GOLD", "the dev set's labels, one per dev item"},
    [OPT_DEV_METRIC] = {"dev-metric", 0, "M", "accuracy (default), macro-f1 or f1 (of --positive)"},
    [OPT_POSITIVE] = {"positive", 0, "CLASS", "the positive class for --dev-metric f1 (default 1)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    [OPT_PROGRESS] = CLI_PROGRESS_OPTION,
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    "fit",
    "VOTES -o MODEL.json [options]",
    "Fits a label model to the votes of labeling functions, without gold labels.",
    "VOTES is a dense CSV (header of LF names, -1 = abstain), a triples CSV\n"
    "(item,lf,label), a NumPy .npy int matrix or a .chv file. The models and the\n"
    "evidence behind the default are described in README.md (\"Label model\").\n"
    "A fit that runs long says its EM iterations and log-posterior as it goes (--progress).\n"
    "Under mpirun -np N each process reads its part of a .chv file and the model is\n"
    "the one-process model byte for byte (README.md, \"Running on a cluster (MPI)\").\n",
    options,
    1,
    1};

/* --class-balance: "gold" or K comma-separated probabilities. */
static int parse_balance(const char *text, int32_t k, chorus_fit_options *opts, double **out)
{
    if (strcmp(text, "gold") == 0) {
        if (!opts->gold) return cli_usage_error("fit", "--class-balance gold needs --gold");
        opts->class_prior = CHORUS_PRIOR_FROM_GOLD;
        return 0;
    }
    double *balance = calloc((size_t)k, sizeof *balance);
    if (!balance) return cli_usage_error("fit", "out of memory");
    int32_t n = 0;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (n >= k || chorus_parse_double(p, len, &balance[n]) != 0) {
            free(balance);
            return cli_usage_error("fit",
                                   "--class-balance expects %" PRId32
                                   " comma-separated probabilities, got '%s'",
                                   k, text);
        }
        n++;
        p += len + (comma ? 1 : 0);
    }
    if (n != k) {
        free(balance);
        return cli_usage_error(
            "fit", "--class-balance has %" PRId32 " values for %" PRId32 " classes", n, k);
    }
    opts->class_prior = CHORUS_PRIOR_FIXED;
    opts->class_balance = balance;
    *out = balance;
    return 0;
}

/* Gold for the items of `items` (the dev votes at items_path, or NULL for the votes
 * themselves), in the classes of `votes`. */
static int read_gold(const char *spec, const chorus_votes *votes, const chorus_votes *items,
                     const char *items_path, int32_t **gold, int64_t *n)
{
    const char **names = cli_votes_class_names(votes);
    char what[600];
    if (items_path)
        snprintf(what, sizeof what, "%.500s has", items_path);
    else
        snprintf(what, sizeof what, "the votes have");
    int64_t n_gold = 0;
    int rc = cli_read_gold("fit", spec, chorus_votes_n_classes(votes), names,
                           chorus_votes_n_items(items), what, gold, &n_gold);
    free(names);
    if (n) *n = n_gold;
    return rc;
}

/* --classes for the dev votes: the training votes' class names, or their count. */
static void dev_classes(char *buf, size_t size, const chorus_votes *votes)
{
    const int32_t k = chorus_votes_n_classes(votes);
    snprintf(buf, size, "%" PRId32, k);
    if (!chorus_votes_has_class_names(votes)) return;
    size_t used = 0;
    for (int32_t c = 0; c < k; c++) {
        const char *name = chorus_votes_class_name(votes, c);
        if (strchr(name, ',') || used + strlen(name) + 2 > size) {
            snprintf(buf, size, "%" PRId32, k);
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", c ? "," : "", name);
    }
}

static const char *votes_class_name(const void *votes, int32_t k)
{
    return chorus_votes_class_name(votes, k);
}

/* --dev-votes / --dev-gold: fit every candidate, keep the best on the dev set. */
static int fit_selecting(const cli_args *args, const chorus_votes *votes,
                         const chorus_fit_options *opts, chorus_model **model)
{
    const char **v = (const char **)args->values;
    if (!v[OPT_DEV_GOLD]) return cli_usage_error("fit", "--dev-votes needs --dev-gold");
    chorus_select_options select = CHORUS_SELECT_OPTIONS_INIT;
    if (v[OPT_DEV_METRIC] && chorus_select_metric_parse(&select.metric, v[OPT_DEV_METRIC]))
        return cli_usage_error("fit", "--dev-metric: %s", chorus_error_last());
    if (v[OPT_POSITIVE]) {
        int rc = cli_resolve_class("fit", v[OPT_POSITIVE], chorus_votes_n_classes(votes),
                                   votes_class_name, votes, &select.positive_class);
        if (rc) return rc;
    }
    char classes[4096];
    dev_classes(classes, sizeof classes, votes);
    chorus_votes *dev = NULL;
    int32_t *dev_gold = NULL;
    int64_t n_dev_gold = 0;
    const cli_votes_input input = {v[OPT_FORMAT],    classes,        v[OPT_HEADER],
                                   v[OPT_NO_HEADER], v[OPT_ABSTAIN], v[OPT_DUPLICATES]};
    int rc = cli_read_votes_input("fit", v[OPT_DEV_VOTES], &input, &dev);
    if (rc) return rc;
    if (chorus_votes_n_lfs(dev) != chorus_votes_n_lfs(votes)) {
        rc = cli_usage_error("fit",
                             "%s has %" PRId32 " labeling functions but the training votes have "
                             "%" PRId32 "; the dev votes must have the same labeling functions",
                             v[OPT_DEV_VOTES], chorus_votes_n_lfs(dev), chorus_votes_n_lfs(votes));
        chorus_votes_free(dev);
        return rc;
    }
    rc = read_gold(v[OPT_DEV_GOLD], votes, dev, v[OPT_DEV_VOTES], &dev_gold, &n_dev_gold);
    int status =
        rc ? 0 : chorus_model_select(model, votes, opts, dev, dev_gold, n_dev_gold, &select);
    if (status) rc = cli_fail("fit", status);
    chorus_free(dev_gold);
    chorus_votes_free(dev);
    return rc;
}

/*
 * fit --eval-gold: scores the fitted model's labels for the training items. Items whose
 * labels were clamped with --gold are left out, so the scores are held out.
 */
static int report_eval(const chorus_model *model, const chorus_votes *votes, const char *path,
                       int32_t *gold, const int32_t *clamped)
{
    chorus_probs *probs = NULL;
    chorus_metrics *metrics = NULL;
    chorus_eval_options eopts = CHORUS_EVAL_OPTIONS_INIT;
    int rc = 0;
    int64_t excluded = 0;
    for (int64_t i = 0; clamped && i < chorus_votes_n_items(votes); i++)
        if (clamped[i] >= 0 && gold[i] >= 0) {
            gold[i] = -1;
            excluded++;
        }
    int status = chorus_model_predict(&probs, model, votes);
    if (!status) status = chorus_eval(&metrics, probs, gold, chorus_votes_n_items(votes), &eopts);
    if (status) {
        rc = cli_fail("fit", status);
    } else {
        printf("evaluation of the fitted labels against %s", path);
        if (excluded) printf(" (%" PRId64 " items with clamped labels left out)", excluded);
        printf(":\n");
        cli_print_metrics(metrics, probs, &eopts);
    }
    chorus_metrics_free(metrics);
    chorus_probs_free(probs);
    return rc;
}

static int parse_numbers(const cli_args *args, chorus_fit_options *opts)
{
    const char **v = (const char **)args->values;
    int64_t x;
    int rc = 0;
    if (v[OPT_MODEL] && chorus_model_type_parse(&opts->type, v[OPT_MODEL]))
        return cli_usage_error("fit", "%s", chorus_error_last());
    if (v[OPT_SEED] && !(rc = cli_parse_int("fit", "seed", v[OPT_SEED], 0, INT64_MAX, &x)))
        opts->seed = (uint64_t)x;
    if (!rc && v[OPT_THREADS] &&
        !(rc = cli_parse_int("fit", "threads", v[OPT_THREADS], 1, 1024, &x)))
        opts->n_threads = (int)x;
    if (!rc && v[OPT_RESTARTS] &&
        !(rc = cli_parse_int("fit", "restarts", v[OPT_RESTARTS], 0, 10000, &x)))
        opts->restarts = (int)x;
    if (!rc && v[OPT_MAX_ITER] &&
        !(rc = cli_parse_int("fit", "max-iter", v[OPT_MAX_ITER], 1, 1000000, &x)))
        opts->max_iter = (int)x;
    if (!rc && v[OPT_TOL]) rc = cli_parse_double("fit", "tol", v[OPT_TOL], 0, 0.5, &opts->tol);
    if (!rc && v[OPT_SMOOTHING])
        rc = cli_parse_double("fit", "smoothing", v[OPT_SMOOTHING], 1e-9, 1e12, &opts->smoothing);
    if (!rc && v[OPT_PRIOR_SMOOTHING])
        rc = cli_parse_double("fit", "prior-smoothing", v[OPT_PRIOR_SMOOTHING], 0, 1e12,
                              &opts->prior_smoothing);
    return rc;
}

/* What a fit has printed on success since before MPI; the same on one process or N. */
static void report_fit(const cli_args *args, const chorus_model *model)
{
    if (!args->values[OPT_QUIET]) {
        int32_t iterations = 0;
        chorus_model_trace(model, &iterations);
        /* A model fitted on the dev labels was fitted on the dev items, not the votes given:
         * the model's own count says so, and the line names them. */
        int32_t n_candidates = 0, chosen = 0;
        const chorus_candidate *c = chorus_model_candidates(model, &n_candidates, &chosen);
        const bool on_dev = c && chosen < n_candidates && c[chosen].fit_on_dev;
        fprintf(
            stderr,
            "fit %s on %" PRId64 " %sitems x %" PRId32 " labeling functions, %" PRId32 " classes",
            chorus_model_type_name(chorus_model_get_type(model)), chorus_model_fit_n_items(model),
            on_dev ? "dev " : "", chorus_model_n_lfs(model), chorus_model_n_classes(model));
        if (iterations) fprintf(stderr, ", %" PRId32 " EM iterations", iterations);
        fprintf(stderr, " -> %s\n", args->values[OPT_OUTPUT]);
        /* A plain fit says so through the library's log as it happens; the dev-set
         * selection fits its candidates with the log muted, so it is said here. */
        if (c && chorus_model_classes_permuted(model))
            fprintf(stderr, "fit: note: the fitted classes disagreed with majority vote and were "
                            "relabelled to agree with it\n");
    }
    if (!args->values[OPT_QUIET]) cli_report_selection(model);
    cli_report_check("fit", model, !args->values[OPT_QUIET]);
    if (!args->values[OPT_QUIET]) cli_report_uncovered("fit", model);
}

/*
 * On N > 1 processes: the options that need every item in one place are refused, and the
 * votes must be a .chv file, the one format a rank can read a part of.
 */
static int check_sharded(const cli_args *args)
{
    static const int whole[] = {
        OPT_GOLD,      OPT_REVIEW,    OPT_EVAL_GOLD,  OPT_GROUPS,    OPT_LEARN_STRUCTURE,
        OPT_DEV_VOTES, OPT_DEV_GOLD,  OPT_DEV_METRIC, OPT_POSITIVE,  OPT_CLASSES,
        OPT_HEADER,    OPT_NO_HEADER, OPT_ABSTAIN,    OPT_DUPLICATES};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (args->values[whole[i]])
            return cli_usage_error("fit",
                                   "--%s is not supported on %d processes (mpirun -np %d): it "
                                   "needs every item in one process; run without mpirun",
                                   options[whole[i]].name, cli_mpi_size(), cli_mpi_size());
    return cli_check_sharded_votes("fit", args->positional[0], args->values[OPT_FORMAT]);
}

/* mpirun -np N chorus fit: every rank fits on its items, rank 0 writes the model. */
static int fit_sharded(const cli_args *args, const chorus_fit_options *opts, cli_progress *progress)
{
    chorus_model *model = NULL;
    int rc = cli_fit_sharded("fit", args->positional[0], opts, &model);
    cli_progress_done(progress);
    if (!rc && cli_mpi_rank() == 0) {
        int status = chorus_model_save(model, args->values[OPT_OUTPUT]);
        if (status)
            rc = cli_fail("fit", status);
        else
            report_fit(args, model);
    }
    chorus_model_free(model);
    return rc;
}

int cmd_fit(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("fit", "missing -o MODEL.json");
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    if ((rc = parse_numbers(&args, &opts))) return rc;
    cli_progress_mode progress_mode;
    if ((rc = cli_progress_mode_parse("fit", args.values[OPT_PROGRESS],
                                      args.values[OPT_QUIET] != NULL, &progress_mode)))
        return rc;
    /* Under MPI every rank runs the same iterations: rank 0 says them. */
    cli_progress progress;
    cli_progress_init(&progress, "fit", "fitting",
                      cli_mpi_rank() == 0 ? progress_mode : CLI_PROGRESS_NEVER);
    opts.progress = cli_progress_fit;
    opts.progress_ctx = &progress;
    if (cli_mpi_size() > 1) {
        /* Checked on every rank alike, so all refuse together (rank 0 says why). */
        double *balance = NULL;
        if (!(rc = check_sharded(&args)) && args.values[OPT_CLASS_BALANCE]) {
            int64_t n;
            int32_t m, k;
            int status = chorus_chv_shape(&n, &m, &k, args.positional[0]);
            if (!(rc = cli_mpi_fail_once("fit", status)))
                rc = parse_balance(args.values[OPT_CLASS_BALANCE], k, &opts, &balance);
        }
        if (!rc) rc = fit_sharded(&args, &opts, &progress);
        free(balance);
        return rc;
    }
    chorus_votes *votes;
    const cli_votes_input input = {args.values[OPT_FORMAT],  args.values[OPT_CLASSES],
                                   args.values[OPT_HEADER],  args.values[OPT_NO_HEADER],
                                   args.values[OPT_ABSTAIN], args.values[OPT_DUPLICATES]};
    if ((rc = cli_read_votes_input("fit", args.positional[0], &input, &votes))) return rc;
    if (chorus_votes_n_items(votes) == 0) {
        fprintf(stderr, "chorus fit: %s: no items (no rows of votes): nothing to fit\n",
                args.positional[0]);
        chorus_votes_free(votes);
        return CLI_EXIT_USAGE;
    }
    chorus_votes_warn_class_coding(votes);
    int32_t *gold = NULL, *eval_gold = NULL, *groups = NULL, *clamped = NULL, *answers = NULL;
    int64_t n_answers = 0;
    chorus_review *review = NULL;
    double *balance = NULL;
    chorus_model *model = NULL;
    if (args.values[OPT_GROUPS]) {
        if ((rc = cli_read_groups("fit", args.values[OPT_GROUPS], votes, &groups))) goto done;
        opts.lf_group = groups;
    }
    opts.learn_structure = args.values[OPT_LEARN_STRUCTURE] != NULL;
    opts.keep_copies = args.values[OPT_KEEP_COPIES] != NULL;
    if (args.values[OPT_GOLD]) {
        if ((rc = read_gold(args.values[OPT_GOLD], votes, votes, NULL, &gold, NULL))) goto done;
        opts.gold = gold;
        opts.n_gold = chorus_votes_n_items(votes);
    }
    if ((rc = cli_read_reviews("fit", argc, argv, "review", &review))) goto done;
    if (review) {
        if ((rc = cli_review_gold("fit", review, votes, gold, &clamped, &answers, &n_answers)))
            goto done;
        opts.gold = clamped;
        opts.n_gold = chorus_votes_n_items(votes);
    }
    /* Checked before the fit, so that bad gold leaves no model.json behind. */
    if (args.values[OPT_EVAL_GOLD] &&
        (rc = read_gold(args.values[OPT_EVAL_GOLD], votes, votes, NULL, &eval_gold, NULL)))
        goto done;
    if (args.values[OPT_CLASS_BALANCE] &&
        (rc = parse_balance(args.values[OPT_CLASS_BALANCE], chorus_votes_n_classes(votes), &opts,
                            &balance)))
        goto done;
    int status = 0;
    if (args.values[OPT_DEV_VOTES]) {
        if (args.values[OPT_MODEL])
            fprintf(stderr, "fit: note: --model is ignored with --dev-votes, which tries them "
                            "all\n");
        rc = fit_selecting(&args, votes, &opts, &model);
        cli_progress_done(&progress);
        if (rc) goto done;
    } else {
        if (args.values[OPT_DEV_GOLD] || args.values[OPT_DEV_METRIC] || args.values[OPT_POSITIVE]) {
            rc = cli_usage_error("fit", "--dev-gold, --dev-metric and --positive need --dev-votes");
            goto done;
        }
        status = chorus_model_fit(&model, votes, &opts);
        cli_progress_done(&progress);
    }
    if (status) {
        rc = cli_fail("fit", status);
        goto done;
    }
    /* Scored before the model is saved, so a failure leaves no model.json behind; -q asks
     * for no report, so the folds' extra fits are skipped too. */
    if (review && !args.values[OPT_QUIET] &&
        (rc = cli_report_review("fit", votes, answers, n_answers, gold, &opts,
                                chorus_model_get_type(model))))
        goto done;
    if (review) status = chorus_model_set_review_answers(model, n_answers);
    if (!status) status = chorus_model_save(model, args.values[OPT_OUTPUT]);
    if (status) {
        rc = cli_fail("fit", status);
        goto done;
    }
    report_fit(&args, model);
    if (eval_gold) rc = report_eval(model, votes, args.values[OPT_EVAL_GOLD], eval_gold, opts.gold);
done:
    chorus_review_free(review);
    chorus_free(clamped);
    chorus_free(answers);
    chorus_model_free(model);
    free(balance);
    free(groups);
    chorus_free(gold);
    chorus_free(eval_gold);
    chorus_votes_free(votes);
    return rc;
}
