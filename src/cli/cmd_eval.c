/* chorus eval: scores probabilistic labels against gold labels. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

#define CMD "eval"

enum { OPT_JSON, OPT_POSITIVE, OPT_TIE_BREAK, OPT_BINS };

static const cli_option options[] = {
    [OPT_JSON] = {"json", 0, NULL, "print one JSON object instead of tables"},
    [OPT_POSITIVE] = {"positive", 'p', "CLASS", "also report the F1 of this class (index or name)"},
    [OPT_TIE_BREAK] = {"tie-break", 0, "POLICY", "hash (default) or abstain, for tied top classes"},
    [OPT_BINS] = {"bins", 0, "N", "confidence bins of the calibration error (default 10)"},
    {NULL, 0, NULL, NULL},
};

static const cli_command command = {
    .name = CMD,
    .usage = "PROBS GOLD|DATA:FIELD [options]",
    .summary = "Score probabilistic labels (CSV, JSONL or .npy) against gold labels.",
    .details =
        "GOLD has one label per line: a class index, a class name of the PROBS header, or -1\n"
        "for unknown; DATA:FIELD takes them from a field of a CSV or JSONL dataset, one\n"
        "record per item (an empty or missing value is unknown).\n"
        "Items whose gold label is -1 are not scored. When PROBS names its rows' items (the\n"
        "'item' column or field, or the .items.csv beside a .npy), row i is scored against\n"
        "gold line <item> + 1, so a file written with 'predict --drop-uncovered' is scored\n"
        "on its rows only and the gold items without a row are counted; otherwise PROBS\n"
        "and GOLD must match line for line.\n"
        "\n"
        "An item's hard label is its most probable class; classes within 1e-5 of the top\n"
        "are tied, and '--tie-break hash' picks among them as WRENCH and Snorkel do (by\n"
        "SHA-1 of the item id), while '--tie-break abstain' leaves the item unlabelled. The\n"
        "ECE always uses the hash labels. --positive takes a class name from the PROBS\n"
        "header or a class index; a value that names one class and indexes another is\n"
        "refused.\n"
        "\n"
        "vote coverage   share of the items with known gold that some labeling function\n"
        "                voted on (items without a row count as not covered); '-' when\n"
        "                PROBS does not say which items are covered\n"
        "label coverage  share of the scored items that got a hard label: below 1 only\n"
        "                with --tie-break abstain (Snorkel's 'coverage')\n"
        "\n"
        "When some scored items have votes and some none, accuracy, macro-F1 and the F1\n"
        "of --positive are also given for those with votes alone (JSON 'covered_only'):\n"
        "the items without any get a guess (the model's class prior), and the two can\n"
        "pull a score in opposite ways.\n",
    .options = options,
    .n_positional_min = 2,
    .n_positional_max = 2,
};

static const char *probs_class_name(const void *probs, int32_t k)
{
    return chorus_probs_class_name(probs, k);
}

/* Builds the JSON report; NULL if out of memory (json_pack checks every piece). */
static json_t *metrics_json(const chorus_metrics *m, const chorus_probs *probs,
                            const chorus_eval_options *opts, const char *probs_path,
                            const char *gold_path)
{
    const int32_t k = m->n_classes;
    json_t *classes = json_array(), *columns = json_array(), *rows = json_array();
    int failed = !classes || !columns || !rows;
    for (int32_t c = 0; c < k && !failed; c++) {
        failed |= json_array_append_new(
            classes,
            json_pack("{s:i, s:s, s:f, s:f, s:f, s:I}", "index", (int)c, "name",
                      chorus_probs_class_name(probs, c), "precision", m->precision[c], "recall",
                      m->recall[c], "f1", m->f1[c], "support", (json_int_t)m->support[c]));
        failed |= json_array_append_new(columns, json_string(chorus_probs_class_name(probs, c)));
        json_t *row = json_array();
        for (int32_t j = 0; j <= k && row && !failed; j++)
            failed |= json_array_append_new(
                row, json_integer((json_int_t)m->confusion[(int64_t)c * (k + 1) + j]));
        failed |= json_array_append_new(rows, row);
    }
    if (!failed) failed |= json_array_append_new(columns, json_string("abstain"));
    /* The reliability diagram behind the ECE: every bin, empty ones with count 0. */
    json_t *bins = json_array();
    failed |= !bins;
    for (int32_t b = 0; b < m->n_bins && !failed; b++)
        failed |= json_array_append_new(
            bins, json_pack("{s:f, s:f, s:I, s:f, s:f}", "lower", (double)b / m->n_bins, "upper",
                            (double)(b + 1) / m->n_bins, "count", (json_int_t)m->bin_count[b],
                            "confidence", m->bin_confidence[b], "accuracy", m->bin_accuracy[b]));
    if (failed) {
        json_decref(classes);
        json_decref(columns);
        json_decref(rows);
        json_decref(bins);
        return NULL;
    }
    json_t *positive = m->positive_class >= 0
                           ? json_string(chorus_probs_class_name(probs, m->positive_class))
                           : json_null();
    json_t *positive_f1 = m->positive_class >= 0 ? json_real(m->positive_f1) : json_null();
    json_t *covered = m->n_covered >= 0 ? json_integer((json_int_t)m->n_covered) : json_null();
    json_t *vote_coverage = m->n_covered >= 0 ? json_real(m->vote_coverage) : json_null();
    /* "o" steals each reference, also when json_pack fails. */
    return json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:f, s:f, s:f, "
        "s:o, s:o, s:f, s:f, s:i, s:o, s:f, s:o, s:{s:s, s:o, s:o}}",
        "probs", probs_path, "gold", gold_path, "tie_break",
        opts->tie_break == CHORUS_TIE_BREAK_ABSTAIN ? "abstain" : "hash", "items",
        (json_int_t)m->n_items, "gold_known", (json_int_t)m->n_gold, "gold_without_prediction",
        (json_int_t)m->n_unpredicted, "covered", covered, "labelled", (json_int_t)m->n_labeled,
        "correct", (json_int_t)m->n_correct, "tied", (json_int_t)m->n_tied, "vote_coverage",
        vote_coverage, "label_coverage", m->label_coverage, "accuracy", m->accuracy, "macro_f1",
        m->macro_f1, "positive_class", positive, "positive_f1", positive_f1, "brier", m->brier,
        "ece", m->ece, "ece_bins", (int)opts->n_bins, "calibration", bins, "log_loss", m->log_loss,
        "classes", classes, "confusion", "rows", "gold", "columns", columns, "counts", rows);
}

/* The scores on the covered items alone, last; null when coverage is unknown. */
static json_t *covered_only_json(const chorus_metrics *m)
{
    if (!m->covered_confusion) return json_null();
    json_t *positive_f1 = m->positive_class >= 0 ? json_real(m->covered_positive_f1) : json_null();
    return json_pack("{s:I, s:f, s:f, s:o}", "items", (json_int_t)m->n_covered, "accuracy",
                     m->covered_accuracy, "macro_f1", m->covered_macro_f1, "positive_f1",
                     positive_f1);
}

static int print_json(const chorus_metrics *m, const chorus_probs *probs,
                      const chorus_eval_options *opts, const char *probs_path,
                      const char *gold_path)
{
    json_t *root = metrics_json(m, probs, opts, probs_path, gold_path);
    if (root && json_object_set_new(root, "covered_only", covered_only_json(m))) {
        json_decref(root);
        root = NULL;
    }
    if (cli_write_json(stdout, root)) {
        fprintf(stderr, "chorus %s: out of memory building the JSON report\n", CMD);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;

    const char *probs_path = args.positional[0], *gold_path = args.positional[1];
    chorus_eval_options opts = CHORUS_EVAL_OPTIONS_INIT;
    chorus_probs *probs = NULL;
    int32_t *gold = NULL;
    int64_t n_gold = 0;
    chorus_metrics *metrics = NULL;

    if (args.values[OPT_TIE_BREAK] &&
        chorus_tie_break_parse(&opts.tie_break, args.values[OPT_TIE_BREAK]) != CHORUS_OK) {
        rc = cli_usage_error(CMD, "--tie-break: %s", chorus_error_last());
        goto done;
    }
    if (args.values[OPT_BINS]) {
        int64_t bins;
        rc = cli_parse_int(CMD, "bins", args.values[OPT_BINS], 1, 1000000, &bins);
        if (rc) goto done;
        opts.n_bins = (int32_t)bins;
    }
    int status = chorus_probs_read(&probs, probs_path, CHORUS_PROBS_AUTO);
    if (status != CHORUS_OK) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    /* Gold may name the classes of the PROBS header. */
    const int32_t k = chorus_probs_n_classes(probs);
    const char **names = malloc((size_t)k * sizeof *names);
    for (int32_t c = 0; names && c < k; c++)
        names[c] = chorus_probs_class_name(probs, c);
    rc = cli_read_gold(CMD, gold_path, k, names, -1, NULL, &gold, &n_gold);
    free(names);
    if (rc) goto done;
    /* Rows that name their items are matched to gold lines by id (some may have been
     * dropped); rows that do not must be the gold lines one to one. */
    const int64_t n_rows = chorus_probs_n_items(probs);
    if (!chorus_probs_item_ids(probs) && n_gold != n_rows) {
        rc = cli_usage_error(CMD,
                             "%s has %" PRId64 " gold labels but %s has %" PRId64
                             " items; they must match one to one",
                             gold_path, n_gold, probs_path, n_rows);
        goto done;
    }
    if (n_rows > 0 && chorus_probs_item_id(probs, n_rows - 1) >= n_gold) {
        rc = cli_usage_error(CMD,
                             "%s has a row for item %" PRId64 " but %s has only %" PRId64
                             " gold labels (items 0..%" PRId64 ")",
                             probs_path, chorus_probs_item_id(probs, n_rows - 1), gold_path, n_gold,
                             n_gold - 1);
        goto done;
    }
    if (args.values[OPT_POSITIVE]) {
        rc = cli_resolve_class(CMD, args.values[OPT_POSITIVE], chorus_probs_n_classes(probs),
                               probs_class_name, probs, &opts.positive_class);
        if (rc) goto done;
    }
    status = chorus_eval(&metrics, probs, gold, n_gold, &opts);
    if (status != CHORUS_OK) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    if (args.values[OPT_JSON]) {
        rc = print_json(metrics, probs, &opts, probs_path, gold_path);
    } else {
        cli_print_metrics(metrics, probs, &opts);
        rc = CLI_EXIT_OK;
    }
    if (rc == CLI_EXIT_OK) rc = cli_flush_stdout(CMD, "the report");

done:
    chorus_metrics_free(metrics);
    chorus_free(gold);
    chorus_probs_free(probs);
    return rc;
}
