/* chorus inspect: the items to read while writing labeling functions, with their text. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "cli/inspect_print.h"

#define CMD "inspect"

enum {
    OPT_DATA,
    OPT_MODEL,
    OPT_GOLD,
    OPT_SPEC,
    OPT_LF,
    OPT_WRONG,
    OPT_CONFLICTS,
    OPT_UNCOVERED,
    OPT_DISAGREE,
    OPT_N,
    OPT_SEED,
    OPT_FIELDS,
    OPT_JSONL,
    OPT_FORMAT,
    OPT_DUPLICATES,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_ABSTAIN
};

static const cli_option options[] = {
    [OPT_DATA] = {"data", 0, "DATA", "the data the votes are of (CSV, TSV, JSONL): required"},
    [OPT_MODEL] = {"model", 0, "MODEL.json", "a fitted model: shows its label and confidence"},
    [OPT_GOLD] = {"gold", 0, "GOLD", "gold labels (a file or DATA:FIELD); default: the spec's"},
    [OPT_SPEC] = {"spec", 0, "SPEC.yaml", "the LF set: its data.id, data.text and data.gold"},
    [OPT_LF] = {"lf", 0, "NAME", "the items where this labeling function votes"},
    [OPT_WRONG] = {"wrong", 0, NULL, "where the LF's vote (else the model's label) is not gold"},
    [OPT_CONFLICTS] = {"conflicts", 0, NULL, "where another LF votes a different class"},
    [OPT_UNCOVERED] = {"uncovered", 0, NULL, "the items no labeling function votes on"},
    [OPT_DISAGREE] = {"disagree", 0, NULL, "where the model and the majority vote disagree"},
    [OPT_N] = {"n", 'n', "N", "show at most N items (default 10)"},
    [OPT_SEED] = {"seed", 0, "S", "a random sample of the matching items (default: the first)"},
    [OPT_FIELDS] = {"fields", 0, "A,B", "the data fields to show (default: data.text, else all)"},
    [OPT_JSONL] = {"jsonl", 0, NULL, "one JSON object per item, fields in full"},
    [OPT_FORMAT] = {"format", 0, "FMT",
                    "votes format: csv, triples, npy, chv, wrench (default: by name)"},
    [OPT_DUPLICATES] = CLI_DUPLICATES_OPTION,
    CLI_VOTES_INPUT_OPTIONS(OPT_HEADER, OPT_NO_HEADER, OPT_ABSTAIN),
    {0},
};

static const cli_command command = {
    .name = CMD,
    .usage = "VOTES --data DATA [--lf NAME] [--wrong] [--conflicts] [--uncovered] [--disagree]\n"
             "       [--model MODEL.json] [--gold GOLD] [--spec SPEC.yaml] [--n N] [--seed S]",
    .summary = "Show the items behind the numbers of 'chorus analyze': where an LF votes, where\n"
               "it is wrong or contradicted, the uncovered items, where the model overrules the\n"
               "majority vote.",
    .details =
        "The filters combine (an item must show all). With --lf: the items it votes on;\n"
        "--wrong: its vote is not the known gold label; --conflicts: another LF votes a\n"
        "different class. Without --lf: --wrong compares the model's label with gold,\n"
        "--conflicts finds items where two LFs disagree, --uncovered the items no LF votes\n"
        "on, --disagree (needs --model) the covered items whose model label is not a class\n"
        "with the most votes (on a tie, any tied class agrees).\n"
        "\n"
        "Each item shows its id (the votes' item name, else the spec's data.id field, else\n"
        "the row from 0), its text fields (cut after 100 characters, line breaks as spaces;\n"
        "--jsonl keeps them whole), gold, each LF's vote as NAME=CLASS, and with --model the\n"
        "model's label and the probability it gives it. Without --seed the first N matching\n"
        "items are shown; with it a random sample of N, the same for the same seed.\n",
    .options = options,
    .n_positional_min = 1,
    .n_positional_max = 1,
};

/* Everything the command reads, freed in one place. */
typedef struct inspect_inputs {
    chorus_votes *votes;
    chorus_dataset *data;
    chorus_lf_set *spec;
    chorus_model *model;
    chorus_probs *probs;
    int32_t *gold;
    int32_t *labels;
    double *confidence;
    int32_t *fields;
    int64_t *items;
} inspect_inputs;

static void inputs_free(inspect_inputs *in)
{
    chorus_votes_free(in->votes);
    chorus_dataset_free(in->data);
    chorus_lf_set_free(in->spec);
    chorus_model_free(in->model);
    chorus_probs_free(in->probs);
    chorus_free(in->gold);
    free(in->labels);
    free(in->confidence);
    free(in->fields);
    chorus_free(in->items);
}

/* The field of the data called name, or a usage error naming what asked for it. */
static int find_field(const inspect_inputs *in, const char *data_path, const char *name,
                      const char *asked_by, int32_t *out)
{
    *out = chorus_dataset_find_field(in->data, name);
    if (*out >= 0) return 0;
    const int32_t n = chorus_dataset_n_fields(in->data);
    const char **names = malloc(((size_t)n + 1) * sizeof *names);
    const char *closest = NULL;
    if (names) {
        for (int32_t f = 0; f < n; f++)
            names[f] = chorus_dataset_field_name(in->data, f);
        names[n] = NULL;
        closest = cli_closest(name, names);
    }
    free(names);
    if (closest)
        return cli_usage_error(CMD, "%s has no field '%s' (%s); did you mean '%s'?", data_path,
                               name, asked_by, closest);
    return cli_usage_error(CMD, "%s has no field '%s' (%s)", data_path, name, asked_by);
}

/* The text fields to show: --fields, else the spec's data.text, else every field but the
 * id and gold fields. */
static int choose_fields(inspect_inputs *in, const cli_args *args, int32_t id_field,
                         int32_t gold_field, int32_t *n_out)
{
    const char *data_path = args->values[OPT_DATA];
    const int32_t n_fields = chorus_dataset_n_fields(in->data);
    in->fields = malloc(((size_t)n_fields + 1) * sizeof *in->fields);
    if (!in->fields) return cli_usage_error(CMD, "out of memory");
    int32_t n = 0;
    const char *list = args->values[OPT_FIELDS];
    const char *text = in->spec ? chorus_lf_set_text_field(in->spec) : NULL;
    if (list) {
        for (const char *p = list; *p;) {
            const char *end = strchr(p, ',');
            const size_t len = end ? (size_t)(end - p) : strlen(p);
            char *name = strndup(p, len);
            if (!name) return cli_usage_error(CMD, "out of memory");
            int32_t f = -1;
            int rc = len == 0 ? cli_usage_error(CMD, "--fields has an empty name in '%s'", list)
                              : find_field(in, data_path, name, "--fields", &f);
            free(name);
            if (rc) return rc;
            if (n < n_fields) in->fields[n++] = f;
            p = end ? end + 1 : p + len;
        }
    } else if (text) {
        int rc = find_field(in, data_path, text, "the spec's data.text", &in->fields[0]);
        if (rc) return rc;
        n = 1;
    } else {
        for (int32_t f = 0; f < n_fields; f++)
            if (f != id_field && f != gold_field) in->fields[n++] = f;
    }
    *n_out = n;
    return 0;
}

/* Gold from --gold, else from the spec's data.gold field when the data has it. */
static int read_gold(inspect_inputs *in, const cli_args *args, int32_t *gold_field)
{
    *gold_field = -1;
    const int64_t n = chorus_votes_n_items(in->votes);
    if (args->values[OPT_GOLD]) {
        const char **names = cli_votes_class_names(in->votes);
        int64_t n_gold = 0;
        int rc = cli_read_gold(CMD, args->values[OPT_GOLD], chorus_votes_n_classes(in->votes),
                               names, n, args->positional[0], &in->gold, &n_gold);
        free(names);
        return rc;
    }
    const char *field = in->spec ? chorus_lf_set_gold_field(in->spec) : NULL;
    if (!field || (*gold_field = chorus_dataset_find_field(in->data, field)) < 0) return 0;
    int status = chorus_lf_set_gold(&in->gold, in->spec, in->data);
    return status ? cli_fail(CMD, status) : 0;
}

/* The model's hard labels (hash tie-break, as chorus eval) and their probabilities. */
static int model_labels(inspect_inputs *in, const char *model_path)
{
    int status = chorus_model_load(&in->model, model_path);
    chorus_votes *aligned = NULL;
    if (!status) status = chorus_model_align_votes(&aligned, in->model, in->votes);
    if (aligned) {
        /* The rows follow the model's LF order from here on. */
        chorus_votes_free(in->votes);
        in->votes = aligned;
    }
    if (!status) status = chorus_model_predict(&in->probs, in->model, in->votes);
    if (status) return cli_fail(CMD, status);
    const int64_t n = chorus_probs_n_items(in->probs);
    const int32_t k = chorus_probs_n_classes(in->probs);
    in->labels = malloc((size_t)(n > 0 ? n : 1) * sizeof *in->labels);
    in->confidence = malloc((size_t)(n > 0 ? n : 1) * sizeof *in->confidence);
    if (!in->labels || !in->confidence) return cli_usage_error(CMD, "out of memory");
    status = chorus_probs_to_labels(in->labels, in->probs, CHORUS_TIE_BREAK_HASH);
    if (status) return cli_fail(CMD, status);
    const double *p = chorus_probs_const_data(in->probs);
    for (int64_t i = 0; i < n; i++)
        in->confidence[i] = p[i * k + in->labels[i]];
    return 0;
}

/* --lf NAME: its index, or a usage error suggesting a close name. */
static int find_lf(const chorus_votes *votes, const char *name, int32_t *out)
{
    *out = chorus_votes_find_lf(votes, name);
    if (*out >= 0) return 0;
    const int32_t m = chorus_votes_n_lfs(votes);
    const char **names = malloc(((size_t)m + 1) * sizeof *names);
    const char *closest = NULL;
    if (names) {
        for (int32_t j = 0; j < m; j++)
            names[j] = chorus_votes_lf_name(votes, j);
        names[m] = NULL;
        closest = cli_closest(name, names);
    }
    free(names);
    if (closest)
        return cli_usage_error(CMD, "no labeling function '%s'; did you mean '%s'?", name, closest);
    return cli_usage_error(CMD, "no labeling function '%s' in the votes", name);
}

/* The filters and limits of the command line as selection options. */
static int selection_options(const cli_args *args, const inspect_inputs *in,
                             chorus_inspect_options *o)
{
    int rc = 0;
    if (args->values[OPT_LF]) rc = find_lf(in->votes, args->values[OPT_LF], &o->lf);
    if (rc) return rc;
    o->filters = (args->values[OPT_WRONG] ? CHORUS_INSPECT_WRONG : 0) |
                 (args->values[OPT_CONFLICTS] ? CHORUS_INSPECT_CONFLICTS : 0) |
                 (args->values[OPT_UNCOVERED] ? CHORUS_INSPECT_UNCOVERED : 0) |
                 (args->values[OPT_DISAGREE] ? CHORUS_INSPECT_DISAGREE : 0);
    if (args->values[OPT_UNCOVERED] && args->values[OPT_LF])
        return cli_usage_error(CMD, "--uncovered and --lf exclude each other: an LF never votes "
                                    "on an uncovered item");
    if (args->values[OPT_WRONG] && !in->gold)
        return cli_usage_error(CMD, "--wrong needs gold labels: --gold, or a --spec whose "
                                    "data.gold field the data has");
    if (args->values[OPT_WRONG] && !args->values[OPT_LF] && !in->labels)
        return cli_usage_error(CMD, "--wrong without --lf compares the model's labels with "
                                    "gold: it needs --model");
    if (args->values[OPT_DISAGREE] && !in->labels)
        return cli_usage_error(CMD, "--disagree needs --model");
    if (args->values[OPT_N])
        rc = cli_parse_int(CMD, "n", args->values[OPT_N], 0, INT64_MAX, &o->limit);
    if (!rc && args->values[OPT_SEED]) {
        int64_t seed;
        rc = cli_parse_int(CMD, "seed", args->values[OPT_SEED], 0, INT64_MAX, &seed);
        o->sample = 1;
        o->seed = (uint64_t)seed;
    }
    return rc;
}

/* What was asked for, in words, for the line above the items. */
static void describe(const cli_args *args, int64_t matching, int64_t n_items, int64_t shown)
{
    const char *lf = args->values[OPT_LF];
    printf("%" PRId64 " of %" PRId64 " items", matching, n_items);
    if (lf) printf(" where %s votes", lf);
    const char *what[4] = {NULL};
    int n = 0;
    if (args->values[OPT_WRONG]) what[n++] = lf ? "its vote is not gold" : "the model is wrong";
    if (args->values[OPT_CONFLICTS]) what[n++] = lf ? "another LF contradicts it" : "LFs conflict";
    if (args->values[OPT_UNCOVERED]) what[n++] = "no LF votes";
    if (args->values[OPT_DISAGREE]) what[n++] = "the model overrules the majority";
    for (int i = 0; i < n; i++)
        printf("%s%s", i == 0 ? (lf ? " and " : " where ") : " and ", what[i]);
    if (shown < matching)
        printf("; showing %s %" PRId64, args->values[OPT_SEED] ? "a random" : "the first", shown);
    printf("\n\n");
}

int cmd_inspect(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_DATA]) return cli_usage_error(CMD, "--data DATA is required");
    const char *votes_path = args.positional[0], *data_path = args.values[OPT_DATA];
    inspect_inputs in = {0};
    const cli_votes_input input = {args.values[OPT_FORMAT],  NULL,
                                   args.values[OPT_HEADER],  args.values[OPT_NO_HEADER],
                                   args.values[OPT_ABSTAIN], args.values[OPT_DUPLICATES]};
    if ((rc = cli_read_votes_input(CMD, votes_path, &input, &in.votes))) goto done;
    if (args.values[OPT_SPEC]) {
        int status = chorus_lf_set_load(&in.spec, args.values[OPT_SPEC]);
        if (status) {
            rc = cli_fail(CMD, status);
            goto done;
        }
    }
    chorus_data_options data_opts = CHORUS_DATA_OPTIONS_INIT;
    int status = chorus_dataset_read(&in.data, data_path, &data_opts);
    if (status) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    const int64_t n = chorus_votes_n_items(in.votes);
    if (chorus_dataset_n_records(in.data) != n) {
        rc = cli_usage_error(CMD,
                             "%s has %" PRId64 " records but %s has %" PRId64
                             " items; they must match one to one",
                             data_path, chorus_dataset_n_records(in.data), votes_path, n);
        goto done;
    }
    int32_t id_field = -1, gold_field = -1, n_fields = 0;
    const char *id_name = in.spec ? chorus_lf_set_id_field(in.spec) : NULL;
    if (id_name && (rc = find_field(&in, data_path, id_name, "the spec's data.id", &id_field)))
        goto done;
    if ((rc = read_gold(&in, &args, &gold_field))) goto done;
    if ((rc = choose_fields(&in, &args, id_field, gold_field, &n_fields))) goto done;
    if (args.values[OPT_MODEL] && (rc = model_labels(&in, args.values[OPT_MODEL]))) goto done;
    chorus_inspect_options opts = CHORUS_INSPECT_OPTIONS_INIT;
    if ((rc = selection_options(&args, &in, &opts))) goto done;
    int64_t n_picked = 0, matching = 0;
    status = chorus_inspect_select(&in.items, &n_picked, &matching, in.votes, in.gold,
                                   in.gold ? n : 0, in.labels, &opts);
    if (status) {
        rc = cli_fail(CMD, status);
        goto done;
    }
    chorus_llm_cached *cached = NULL;
    const chorus_llm_cached **llm = NULL;
    int32_t n_llm = 0;
    if (in.spec) {
        /* The llm LFs' cached answers of the items shown, read from their cache files. */
        status = chorus_lf_llm_cached(&cached, &n_llm, in.spec, in.data, in.items, n_picked);
        if (!status && n_llm && !(llm = calloc((size_t)n, sizeof *llm))) status = CHORUS_ENOMEM;
        if (status) {
            chorus_llm_cached_free(cached, n_picked * n_llm);
            rc = cli_fail(CMD, status);
            goto done;
        }
        for (int64_t i = 0; llm && i < n_picked; i++)
            llm[in.items[i]] = cached + i * n_llm;
    }
    const inspect_view view = {in.votes, in.data,   data_path,     id_field, in.fields, n_fields,
                               in.gold,  in.labels, in.confidence, llm,      n_llm,     in.spec};
    if (!args.values[OPT_JSONL]) describe(&args, matching, n, n_picked);
    for (int64_t i = 0; i < n_picked && !rc; i++) {
        const int printed = args.values[OPT_JSONL]
                                ? inspect_print_item_json(stdout, &view, in.items[i])
                                : inspect_print_item(stdout, &view, in.items[i]);
        if (printed == -1) fprintf(stderr, "chorus %s: out of memory\n", CMD);
        if (printed) rc = printed == -1 ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    if (!rc) rc = cli_flush_stdout(CMD, "the items");
    free(llm);
    chorus_llm_cached_free(cached, n_picked * n_llm);
done:
    inputs_free(&in);
    return rc;
}
