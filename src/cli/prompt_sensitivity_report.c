/*
 * Printing the prompt sensitivity of variant groups (chorus analyze --groups): a section
 * after the LF table, a CSV of variant pairs, or the "prompt_variants" key of the JSON.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

static void print_number(FILE *out, double x, int width)
{
    if (isnan(x))
        fprintf(out, " %*s", width, "-");
    else
        fprintf(out, " %*.4f", width, x);
}

static void print_table(FILE *out, const chorus_prompt_sensitivity *s, const chorus_votes *v)
{
    for (int32_t gi = 0; gi < s->n_groups; gi++) {
        const chorus_prompt_variants *g = &s->groups[gi];
        const int32_t n = g->n_variants;
        int width = 7;
        for (int32_t a = 0; a < n; a++) {
            int len = (int)strlen(chorus_votes_lf_name(v, g->lfs[a]));
            if (len > width) width = len;
        }
        if (width > 40) width = 40;
        fprintf(out, "\nprompt variants, group %" PRId32 ": answers flip on ", g->group + 1);
        if (isnan(g->flip_rate))
            fprintf(out, "-");
        else
            fprintf(out, "%.4f", g->flip_rate);
        fprintf(out, " (%" PRId64 " of %" PRId64 " items two or more variants vote on)\n",
                g->n_flipped, g->n_compared);
        fprintf(out, "%-*s %8s", width, "variant", "coverage");
        if (s->has_gold) fprintf(out, " %8s", "accuracy");
        for (int32_t b = 0; b < n; b++) {
            char head[24];
            snprintf(head, sizeof head, "kappa#%" PRId32, b + 1);
            fprintf(out, " %9s", head);
        }
        fprintf(out, "\n");
        for (int32_t a = 0; a < n; a++) {
            fprintf(out, "%-*.*s", width, width, chorus_votes_lf_name(v, g->lfs[a]));
            print_number(out, g->coverage[a], 8);
            if (s->has_gold) print_number(out, g->accuracy[a], 8);
            for (int32_t b = 0; b < n; b++)
                print_number(out, g->kappa[(size_t)a * n + b], 9);
            fprintf(out, "\n");
        }
        for (int32_t a = 0; a < n; a++)
            for (int32_t b = a + 1; b < n; b++) {
                const size_t ab = (size_t)a * n + b;
                fprintf(out, "  %s ~ %s: %" PRId64 " items both vote on, agreement ",
                        chorus_votes_lf_name(v, g->lfs[a]), chorus_votes_lf_name(v, g->lfs[b]),
                        g->n_both[ab]);
                fprintf(out, isnan(g->agreement[ab]) ? "-" : "%.4f", g->agreement[ab]);
                fprintf(out, ", kappa ");
                fprintf(out, isnan(g->kappa[ab]) ? "-\n" : "%.4f\n", g->kappa[ab]);
            }
    }
}

static void csv_number(FILE *out, double x)
{
    fputc(',', out);
    if (!isnan(x)) fprintf(out, "%.17g", x);
}

/* One row per pair of variants of a group, with what each variant and the group scored. */
static void print_csv(FILE *out, const chorus_prompt_sensitivity *s, const chorus_votes *v)
{
    fprintf(out, "group,lf_a,lf_b,items_both,agreement,kappa,coverage_a,coverage_b,accuracy_a,"
                 "accuracy_b,flip_rate\n");
    for (int32_t gi = 0; gi < s->n_groups; gi++) {
        const chorus_prompt_variants *g = &s->groups[gi];
        const int32_t n = g->n_variants;
        for (int32_t a = 0; a < n; a++)
            for (int32_t b = a + 1; b < n; b++) {
                const size_t ab = (size_t)a * n + b;
                fprintf(out, "%" PRId32 ",", g->group + 1);
                chorus_csv_write_field(out, chorus_votes_lf_name(v, g->lfs[a]));
                fputc(',', out);
                chorus_csv_write_field(out, chorus_votes_lf_name(v, g->lfs[b]));
                fprintf(out, ",%" PRId64, g->n_both[ab]);
                csv_number(out, g->agreement[ab]);
                csv_number(out, g->kappa[ab]);
                csv_number(out, g->coverage[a]);
                csv_number(out, g->coverage[b]);
                csv_number(out, g->accuracy[a]);
                csv_number(out, g->accuracy[b]);
                csv_number(out, g->flip_rate);
                fputc('\n', out);
            }
    }
}

static json_t *number_or_null(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

static json_t *group_json(const chorus_prompt_variants *g, const chorus_votes *v, int has_gold)
{
    const int32_t n = g->n_variants;
    json_t *variants = json_array(), *pairs = json_array();
    if (!variants || !pairs) goto fail;
    for (int32_t a = 0; a < n; a++) {
        json_t *one =
            json_pack("{s:s, s:f, s:I, s:o}", "lf", chorus_votes_lf_name(v, g->lfs[a]), "coverage",
                      g->coverage[a], "votes", (json_int_t)g->n_votes[a], "accuracy",
                      has_gold ? number_or_null(g->accuracy[a]) : json_null());
        if (!one || json_array_append_new(variants, one)) goto fail;
        for (int32_t b = a + 1; b < n; b++) {
            const size_t ab = (size_t)a * n + b;
            json_t *pair =
                json_pack("{s:s, s:s, s:I, s:o, s:o}", "lf_a", chorus_votes_lf_name(v, g->lfs[a]),
                          "lf_b", chorus_votes_lf_name(v, g->lfs[b]), "items_both",
                          (json_int_t)g->n_both[ab], "agreement", number_or_null(g->agreement[ab]),
                          "kappa", number_or_null(g->kappa[ab]));
            if (!pair || json_array_append_new(pairs, pair)) goto fail;
        }
    }
    /* json_pack's "o" takes variants and pairs even when it fails. */
    return json_pack("{s:i, s:o, s:o, s:I, s:I, s:o}", "group", g->group + 1, "variants", variants,
                     "pairs", pairs, "items_compared", (json_int_t)g->n_compared, "items_flipped",
                     (json_int_t)g->n_flipped, "flip_rate", number_or_null(g->flip_rate));
fail:
    json_decref(variants);
    json_decref(pairs);
    return NULL;
}

json_t *cli_prompt_sensitivity_json(const chorus_prompt_sensitivity *s, const chorus_votes *v)
{
    json_t *groups = json_array();
    for (int32_t gi = 0; groups && gi < s->n_groups; gi++) {
        json_t *g = group_json(&s->groups[gi], v, s->has_gold);
        if (!g || json_array_append_new(groups, g)) {
            json_decref(groups);
            return NULL;
        }
    }
    return groups;
}

int cli_print_prompt_sensitivity(FILE *out, const chorus_prompt_sensitivity *s,
                                 const chorus_votes *votes, cli_output_format format)
{
    if (format == CLI_CSV)
        print_csv(out, s, votes);
    else if (format == CLI_TABLE)
        print_table(out, s, votes);
    return 0;
}
