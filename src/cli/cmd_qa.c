/* chorus qa: the accuracy of final labels from a reviewed random sample. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

#define CMD "qa"

enum { OPT_CONFIDENCE, OPT_METHOD, OPT_TARGET_WIDTH, OPT_JSON };

static const cli_option options[] = {
    [OPT_CONFIDENCE] = {"confidence", 0, "C", "confidence of the intervals (default 0.95)"},
    [OPT_METHOD] = {"method", 0, "M", "wilson (default) or clopper-pearson (exact, wider)"},
    [OPT_TARGET_WIDTH] = {"target-width", 0, "W",
                          "also say how many more items to review for an interval W wide"},
    [OPT_JSON] = {"json", 0, NULL, "print one JSON object instead of tables"},
    {0},
};

static const cli_command command = {
    .name = CMD,
    .usage = "PROBS ANSWERS... [--confidence C] [--method wilson|clopper-pearson] "
             "[--target-width W]",
    .summary = "Estimate the accuracy of final labels from a reviewed random sample of items,\n"
               "with a confidence interval, overall and per predicted class.",
    .details =
        "PROBS are the final probabilistic labels (chorus predict's output); an item's label\n"
        "is its most probable class, ties broken by hash as in chorus eval. ANSWERS are\n"
        "what a person found: one line per item with a class (name or index) or -1 for\n"
        "not reviewed, or DATA:FIELD, a field of a dataset (empty = not reviewed); rows are\n"
        "matched to answers by item id as chorus eval matches gold. Or review files (up to\n"
        "7, merged): a .jsonl file, or a .csv file whose header has the columns item and\n"
        "answer (chorus select and chorus import write them); their items are matched to\n"
        "the item ids of PROBS.\n"
        "\n"
        "The interval is honest only when the reviewed items are a random sample of the\n"
        "items (chorus inspect --seed draws one). Per class, the share of the reviewed\n"
        "items predicted as the class whose answer agrees estimates its precision. With\n"
        "--target-width, 'further' is the number of items still to review for the interval\n"
        "to be at most W wide, if the accuracy stays at its current estimate.\n",
    .options = options,
    .n_positional_min = 2,
    .n_positional_max = 8,
};

/* The first line of a CSV file names the columns item and answer. */
static int csv_has_review_header(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    char line[4096];
    const int got = fgets(line, sizeof line, fp) != NULL;
    fclose(fp);
    if (!got) return 0;
    int item = 0, answer = 0;
    char *field = line;
    if (strncmp(field, "\xEF\xBB\xBF", 3) == 0) field += 3;
    for (char *end; field; field = end ? end + 1 : NULL) {
        end = strchr(field, ',');
        if (end) *end = '\0';
        size_t len = strcspn(field, "\r\n");
        if (len >= 2 && field[0] == '"' && field[len - 1] == '"') {
            field++;
            len -= 2;
        }
        item |= len == 4 && strncmp(field, "item", 4) == 0;
        answer |= len == 6 && strncmp(field, "answer", 6) == 0;
    }
    return item && answer;
}

/* ANSWERS is a review file rather than gold: .jsonl, or .csv with a review header. */
static int is_review_file(const char *path)
{
    const size_t len = strlen(path);
    if (len >= 6 && strcmp(path + len - 6, ".jsonl") == 0) return 1;
    return len >= 4 && strcmp(path + len - 4, ".csv") == 0 && csv_has_review_header(path);
}

/* The answers of review files, merged, one per item id of probs (-1 = not reviewed). */
static int read_review_answers(const char *const *paths, int n_paths, const chorus_probs *probs,
                               int32_t **out, int64_t *out_n)
{
    chorus_review *all = NULL;
    int32_t *per_row = NULL;
    int status = CHORUS_OK;
    for (int p = 0; !status && p < n_paths; p++) {
        if (!is_review_file(paths[p])) {
            int rc = cli_usage_error(CMD,
                                     "%s is not a review file (.jsonl, or .csv with the "
                                     "columns item and answer); several ANSWERS must all be",
                                     paths[p]);
            chorus_review_free(all);
            return rc;
        }
        chorus_review *one = NULL;
        status = chorus_review_read(&one, paths[p]);
        if (!status && !all) {
            all = one;
            continue;
        }
        if (!status) status = chorus_review_merge(all, one);
        chorus_review_free(one);
    }
    if (!status) status = chorus_review_resolve_probs(&per_row, all, probs);
    chorus_review_free(all);
    if (status) return cli_fail(CMD, status);
    /* Indexed by item id, as chorus_qa_compute matches answers to rows. */
    const int64_t n_rows = chorus_probs_n_items(probs);
    const int64_t n = n_rows ? chorus_probs_item_id(probs, n_rows - 1) + 1 : 0;
    int32_t *answers = malloc((size_t)(n ? n : 1) * sizeof *answers);
    if (!answers) {
        chorus_free(per_row);
        fprintf(stderr, "chorus %s: out of memory\n", CMD);
        return CLI_EXIT_FAILURE;
    }
    for (int64_t i = 0; i < n; i++)
        answers[i] = -1;
    for (int64_t row = 0; row < n_rows; row++)
        answers[chorus_probs_item_id(probs, row)] = per_row[row];
    chorus_free(per_row);
    *out = answers;
    *out_n = n;
    return 0;
}

/*
 * The person's answers, one per item (-1 = not reviewed). The one place that reads them,
 * so another answers format changes only this function.
 */
static int read_answers(const char *const *paths, int n_paths, const chorus_probs *probs,
                        int32_t **out, int64_t *out_n)
{
    if (n_paths > 1 || is_review_file(paths[0]))
        return read_review_answers(paths, n_paths, probs, out, out_n);
    const int32_t k = chorus_probs_n_classes(probs);
    const char **names = malloc((size_t)k * sizeof *names);
    for (int32_t c = 0; names && c < k; c++)
        names[c] = chorus_probs_class_name(probs, c);
    int rc = cli_read_gold(CMD, paths[0], k, names, -1, NULL, out, out_n);
    free(names);
    return rc;
}

static const char *method_name(chorus_interval_method m)
{
    return m == CHORUS_INTERVAL_CLOPPER_PEARSON ? "clopper-pearson" : "wilson";
}

/* A number, or null when it is NaN (nothing reviewed) or negative (no review size). */
static json_t *real_or_null(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

static json_t *count_or_null(int64_t x)
{
    return x < 0 ? json_null() : json_integer((json_int_t)x);
}

static json_t *estimate_json(const chorus_qa_estimate *e)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}", "reviewed", (json_int_t)e->reviewed,
                     "correct", (json_int_t)e->correct, "accuracy", real_or_null(e->accuracy),
                     "lower", real_or_null(e->lower), "upper", real_or_null(e->upper), "further",
                     count_or_null(e->further));
}

static int print_json(const chorus_qa_report *r, const chorus_probs *probs,
                      const chorus_qa_options *o, const char *probs_path,
                      const char *const *answers_paths, int n_answers_paths)
{
    json_t *classes = json_array();
    int failed = !classes;
    for (int32_t c = 0; !failed && c < r->n_classes; c++) {
        json_t *e = json_pack("{s:s}", "class", chorus_probs_class_name(probs, c));
        json_t *counts = estimate_json(&r->per_class[c]);
        failed = !e || !counts || json_object_update(e, counts);
        json_decref(counts);
        failed = failed || json_array_append(classes, e);
        json_decref(e);
    }
    /* One ANSWERS is its path; several review files are an array of their paths. */
    json_t *answers = n_answers_paths == 1 ? json_string(answers_paths[0]) : json_array();
    for (int p = 0; answers && n_answers_paths > 1 && p < n_answers_paths; p++)
        failed |= json_array_append_new(answers, json_string(answers_paths[p]));
    failed |= !answers;
    json_t *root = failed ? NULL : estimate_json(&r->all);
    if (!root) {
        json_decref(classes);
        json_decref(answers);
    } else {
        json_t *head =
            json_pack("{s:s, s:o, s:s, s:f, s:o, s:I}", "probs", probs_path, "answers", answers,
                      "method", method_name(o->method), "confidence", o->confidence, "target_width",
                      o->target_width > 0 ? json_real(o->target_width) : json_null(), "items",
                      (json_int_t)r->n_items);
        /* The description first, then the estimate, then the classes. */
        if (!head || json_object_update(head, root) ||
            json_object_set_new(head, "classes", classes)) {
            json_decref(head);
            head = NULL;
        }
        json_decref(root);
        root = head;
    }
    if (cli_write_json(stdout, root)) {
        fprintf(stderr, "chorus %s: out of memory building the JSON report\n", CMD);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static void print_row(const char *name, int width, const chorus_qa_estimate *e, int with_further)
{
    printf("%-*s %9" PRId64 " %8" PRId64, width, name, e->reviewed, e->correct);
    if (e->reviewed == 0)
        printf(" %9s %8s %8s", "-", "-", "-");
    else
        printf(" %9.4f %8.4f %8.4f", e->accuracy, e->lower, e->upper);
    if (with_further) {
        if (e->further >= 0)
            printf(" %8" PRId64, e->further);
        else
            printf(" %8s", "-");
    }
    printf("\n");
}

static void print_table(const chorus_qa_report *r, const chorus_probs *probs,
                        const chorus_qa_options *o)
{
    printf("%" PRId64 " of %" PRId64 " items reviewed; %g%% %s intervals\n\n", r->all.reviewed,
           r->n_items, o->confidence * 100, method_name(o->method));
    int width = 7;
    for (int32_t c = 0; c < r->n_classes; c++) {
        const int len = (int)strlen(chorus_probs_class_name(probs, c));
        if (len > width) width = len;
    }
    const int with_further = o->target_width > 0;
    printf("%-*s %9s %8s %9s %8s %8s", width, "label", "reviewed", "correct", "accuracy", "lower",
           "upper");
    if (with_further) printf(" %8s", "further");
    printf("\n");
    print_row("all", width, &r->all, with_further);
    for (int32_t c = 0; c < r->n_classes; c++)
        print_row(chorus_probs_class_name(probs, c), width, &r->per_class[c], with_further);
    if (with_further)
        printf("\nfurther: items still to review for an interval at most %g wide, if the "
               "accuracy stays as estimated\n",
               o->target_width);
}

int cmd_qa(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    const char *probs_path = args.positional[0], *answers_path = args.positional[1];
    chorus_qa_options opts = CHORUS_QA_OPTIONS_INIT;
    chorus_probs *probs = NULL;
    int32_t *answers = NULL;
    int64_t n_answers = 0;
    chorus_qa_report *report = NULL;
    if (args.values[OPT_CONFIDENCE] &&
        (rc = cli_parse_double(CMD, "confidence", args.values[OPT_CONFIDENCE], 0.5, 0.999999,
                               &opts.confidence)))
        goto done;
    if (args.values[OPT_METHOD] &&
        chorus_interval_method_parse(&opts.method, args.values[OPT_METHOD]) != CHORUS_OK) {
        rc = cli_usage_error(CMD, "--method: %s", chorus_error_last());
        goto done;
    }
    if (args.values[OPT_TARGET_WIDTH] &&
        (rc = cli_parse_double(CMD, "target-width", args.values[OPT_TARGET_WIDTH], 1e-4, 0.999,
                               &opts.target_width)))
        goto done;
    int status = chorus_probs_read(&probs, probs_path, CHORUS_PROBS_AUTO);
    if (status) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    if ((rc =
             read_answers(args.positional + 1, args.n_positional - 1, probs, &answers, &n_answers)))
        goto done;
    const int64_t n_rows = chorus_probs_n_items(probs);
    if (!chorus_probs_item_ids(probs) && n_answers != n_rows) {
        rc = cli_usage_error(CMD,
                             "%s has %" PRId64 " answers but %s has %" PRId64
                             " items; they must match one to one",
                             answers_path, n_answers, probs_path, n_rows);
        goto done;
    }
    if (n_rows > 0 && chorus_probs_item_id(probs, n_rows - 1) >= n_answers) {
        rc = cli_usage_error(CMD,
                             "%s has a row for item %" PRId64 " but %s has only %" PRId64
                             " answers (items 0..%" PRId64 ")",
                             probs_path, chorus_probs_item_id(probs, n_rows - 1), answers_path,
                             n_answers, n_answers - 1);
        goto done;
    }
    int64_t reviewed = 0;
    for (int64_t row = 0; row < n_rows; row++)
        reviewed += answers[chorus_probs_item_id(probs, row)] >= 0;
    if (reviewed == 0) {
        rc = cli_usage_error(CMD,
                             "%s: none of the %" PRId64 " items of %s has an answer "
                             "(every answer is -1 or empty)",
                             answers_path, n_rows, probs_path);
        goto done;
    }
    status = chorus_qa_compute(&report, probs, answers, n_answers, &opts);
    if (status) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    if (args.values[OPT_JSON]) {
        rc = print_json(report, probs, &opts, probs_path, args.positional + 1,
                        args.n_positional - 1);
    } else {
        print_table(report, probs, &opts);
        rc = CLI_EXIT_OK;
    }
    if (rc == CLI_EXIT_OK) rc = cli_flush_stdout(CMD, "the report");
done:
    chorus_qa_report_free(report);
    chorus_free(answers);
    chorus_probs_free(probs);
    return rc;
}
