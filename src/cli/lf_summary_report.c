/* Printing the labeling-function summary: aligned table, CSV or JSON. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

/* "0,1" style list of the classes an LF voted, by name. */
static void polarity_text(const chorus_lf_summary *s, const chorus_votes *v, int32_t j, char *buf,
                          size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int32_t c = 0; c < s->n_classes; c++) {
        if (!s->polarity[(size_t)j * s->n_classes + c]) continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
                         chorus_votes_class_name(v, c));
        if (n < 0 || (size_t)n >= size - used) break;
        used += (size_t)n;
    }
}

static void print_number(FILE *out, double x, const char *fmt, int width)
{
    if (isnan(x))
        fprintf(out, "%*s", width, "-");
    else
        fprintf(out, fmt, width, x);
}

static void print_table(FILE *out, const chorus_lf_summary *s, const chorus_votes *v)
{
    int name_width = 2;
    for (int32_t j = 0; j < s->n_lfs; j++) {
        int len = (int)strlen(chorus_votes_lf_name(v, j));
        if (len > name_width) name_width = len;
    }
    if (name_width > 40) name_width = 40;
    fprintf(out, "%-*s %-12s %8s %8s %9s", name_width, "LF", "polarity", "coverage", "overlaps",
            "conflicts");
    if (s->has_gold) fprintf(out, " %8s %9s %8s", "correct", "incorrect", "emp.acc");
    if (s->has_model) fprintf(out, " %9s", "learn.acc");
    if (s->n_groups) fprintf(out, " %5s", "group");
    fprintf(out, "\n");
    for (int32_t j = 0; j < s->n_lfs; j++) {
        char pol[64];
        polarity_text(s, v, j, pol, sizeof pol);
        fprintf(out, "%-*.*s %-12.12s %8.4f %8.4f %9.4f", name_width, name_width,
                chorus_votes_lf_name(v, j), pol[0] ? pol : "-", s->coverage[j], s->overlaps[j],
                s->conflicts[j]);
        if (s->has_gold) {
            fprintf(out, " %8" PRId64 " %9" PRId64 " ", s->correct[j], s->incorrect[j]);
            print_number(out, s->empirical_accuracy[j], "%*.4f", 8);
        }
        if (s->has_model) {
            fprintf(out, " ");
            print_number(out, s->learned_accuracy[j], "%*.4f", 9);
        }
        if (s->n_groups) {
            if (s->group[j] >= 0)
                fprintf(out, " %5" PRId32, s->group[j] + 1);
            else
                fprintf(out, " %5s", "-");
        }
        fprintf(out, "\n");
    }
    if (s->n_groups)
        fprintf(out,
                "\n%" PRId32 " dependency groups are modelled jointly (learn.acc is not "
                "defined for their members)\n",
                s->n_groups);
    int32_t copies = 0;
    for (int32_t j = 0; j < s->n_lfs; j++)
        copies += s->copy_of[j] >= 0;
    for (int32_t j = 0, shown = 0; j < s->n_lfs && shown <= 10; j++) {
        if (s->copy_of[j] < 0) continue;
        if (shown == 0)
            fprintf(out,
                    "\n%" PRId32 " %s exactly as another on every item fitted and %s one "
                    "source with it (learn.acc is the original's): ",
                    copies, copies == 1 ? "labeling function votes" : "labeling functions vote",
                    copies == 1 ? "is" : "are");
        if (shown++ == 10) {
            fprintf(out, ", ...");
            break;
        }
        fprintf(out, "%s%s as %s", shown > 1 ? ", " : "", chorus_votes_lf_name(v, j),
                chorus_votes_lf_name(v, s->copy_of[j]));
    }
    if (copies) fprintf(out, "\n");
    for (int32_t d = 0; d < s->n_dependencies; d++) {
        const chorus_dependency *dep = &s->dependencies[d];
        fprintf(out,
                "%sdependency: %s ~ %s: %" PRId64 " items with the same vote, %.1f "
                "expected if independent (strength %.2f)\n",
                d == 0 ? "\n" : "", chorus_votes_lf_name(v, dep->lf_a),
                chorus_votes_lf_name(v, dep->lf_b), dep->observed, dep->expected, dep->strength);
    }
    fprintf(out, "\nall LFs: coverage %.4f, overlap %.4f, conflict %.4f (%" PRId64 " items)\n",
            s->set_coverage, s->set_overlap, s->set_conflict, s->n_items);
}

static void print_csv(FILE *out, const chorus_lf_summary *s, const chorus_votes *v)
{
    fprintf(out, "lf,polarity,coverage,overlaps,conflicts,correct,incorrect,empirical_accuracy,"
                 "learned_accuracy,group\n");
    for (int32_t j = 0; j < s->n_lfs; j++) {
        char pol[256];
        polarity_text(s, v, j, pol, sizeof pol);
        chorus_csv_write_field(out, chorus_votes_lf_name(v, j));
        fputc(',', out);
        chorus_csv_write_field(out, pol);
        fprintf(out, ",%.17g,%.17g,%.17g,", s->coverage[j], s->overlaps[j], s->conflicts[j]);
        if (s->has_gold)
            fprintf(out, "%" PRId64 ",%" PRId64 ",", s->correct[j], s->incorrect[j]);
        else
            fprintf(out, ",,");
        if (!isnan(s->empirical_accuracy[j])) fprintf(out, "%.17g", s->empirical_accuracy[j]);
        fputc(',', out);
        if (!isnan(s->learned_accuracy[j])) fprintf(out, "%.17g", s->learned_accuracy[j]);
        fputc(',', out);
        if (s->group[j] >= 0) fprintf(out, "%" PRId32, s->group[j] + 1);
        fputc('\n', out);
    }
}

static json_t *number_or_null(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

static int print_json(FILE *out, const chorus_lf_summary *s, const chorus_votes *v,
                      const chorus_prompt_sensitivity *ps)
{
    json_t *lfs = json_array();
    for (int32_t j = 0; lfs && j < s->n_lfs; j++) {
        json_t *pol = json_array();
        for (int32_t c = 0; pol && c < s->n_classes; c++)
            if (s->polarity[(size_t)j * s->n_classes + c])
                json_array_append_new(pol, json_string(chorus_votes_class_name(v, c)));
        json_t *lf = json_pack("{s:s, s:o, s:f, s:f, s:f, s:I, s:o, s:o, s:o, s:o, s:o}", "lf",
                               chorus_votes_lf_name(v, j), "polarity", pol, "coverage",
                               s->coverage[j], "overlaps", s->overlaps[j], "conflicts",
                               s->conflicts[j], "votes", (json_int_t)s->n_votes[j], "correct",
                               s->has_gold ? json_integer(s->correct[j]) : json_null(), "incorrect",
                               s->has_gold ? json_integer(s->incorrect[j]) : json_null(),
                               "empirical_accuracy", number_or_null(s->empirical_accuracy[j]),
                               "learned_accuracy", number_or_null(s->learned_accuracy[j]), "group",
                               s->group[j] >= 0 ? json_integer(s->group[j] + 1) : json_null());
        if (!lf || json_array_append_new(lfs, lf)) {
            json_decref(lfs);
            lfs = NULL;
        }
    }
    json_t *root = lfs ? json_pack("{s:I, s:o, s:{s:f, s:f, s:f}}", "items", (json_int_t)s->n_items,
                                   "labeling_functions", lfs, "all", "coverage", s->set_coverage,
                                   "overlap", s->set_overlap, "conflict", s->set_conflict)
                       : NULL;
    if (root && ps &&
        json_object_set_new(root, "prompt_variants", cli_prompt_sensitivity_json(ps, v))) {
        json_decref(root);
        root = NULL;
    }
    return cli_write_json(out, root);
}

int cli_print_lf_summary(FILE *out, const chorus_lf_summary *s, const chorus_votes *votes,
                         cli_output_format format)
{
    return cli_print_lf_summary_with(out, s, votes, format, NULL);
}

int cli_print_lf_summary_with(FILE *out, const chorus_lf_summary *s, const chorus_votes *votes,
                              cli_output_format format, const chorus_prompt_sensitivity *ps)
{
    switch (format) {
    case CLI_CSV:
        print_csv(out, s, votes);
        return 0;
    case CLI_JSON:
        return print_json(out, s, votes, ps);
    default:
        print_table(out, s, votes);
        return 0;
    }
}
