/*
 * Prompt sensitivity: for each group of two or more LFs (the variants or paraphrases of
 * one llm prompt), each variant's coverage and accuracy, Cohen's kappa of every pair on
 * the items both vote on as a small matrix, and the share of items whose answer flips from
 * one wording to another (chorus_prompt_sensitivity_compute).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "report/report_internal.h"

/* The groups to compare: the options' (version 2 on), else the model's dependency groups. */
static int group_of_lfs(const report_context *ctx, int32_t **out)
{
    const int32_t m = chorus_model_n_lfs(ctx->model);
    int32_t *group = malloc((size_t)m * sizeof *group);
    if (!group) return chorus_error_nomem();
    const int32_t *given = ctx->opts->version >= 2 ? ctx->opts->lf_group : NULL;
    for (int32_t j = 0; j < m; j++)
        group[j] = given ? given[j] : chorus_model_lf_group(ctx->model, j);
    *out = group;
    return CHORUS_OK;
}

static void kappa_cell(FILE *out, double kappa)
{
    if (isnan(kappa)) {
        fputs("<td class=\"num\">–</td>", out);
        return;
    }
    /* Kappa of 1 is dark, 0 or less light: the agreement beyond chance. */
    char color[8];
    color_viridis(color, kappa < 0 ? 0 : kappa);
    html_printf(out, "<td class=\"num\" style=\"background:%s;color:%s\">", color,
                kappa > 0.55 ? "#111" : "#fff");
    html_number(out, kappa, 3);
    fputs("</td>", out);
}

static void write_group(FILE *out, const report_context *ctx, const chorus_prompt_variants *g,
                        int has_gold)
{
    const int32_t n = g->n_variants;
    html_printf(out, "<h3>Group %" PRId32 ": %" PRId32 " variants</h3>\n<p>", g->group + 1, n);
    if (g->n_compared)
        html_printf(out,
                    "The answer flips on <b>%" PRId64 " of the %" PRId64
                    "</b> items that two or more variants vote on (%.1f%%).",
                    g->n_flipped, g->n_compared, 100 * g->flip_rate);
    else
        fputs("No item has votes of two variants: nothing to compare.", out);
    fputs("</p>\n<table class=\"lf\"><thead><tr><th>variant</th><th>coverage</th>", out);
    if (has_gold) fputs("<th>accuracy</th>", out);
    for (int32_t b = 0; b < n; b++) {
        fputs("<th>κ ", out);
        html_text_cut(out, chorus_model_lf_name(ctx->model, g->lfs[b]), 16);
        fputs("</th>", out);
    }
    fputs("</tr></thead><tbody>\n", out);
    for (int32_t a = 0; a < n; a++) {
        fputs("<tr><td>", out);
        html_text_cut(out, chorus_model_lf_name(ctx->model, g->lfs[a]), 40);
        fputs("</td><td class=\"num\">", out);
        html_number(out, g->coverage[a], 3);
        fputs("</td>", out);
        if (has_gold) {
            fputs("<td class=\"num\">", out);
            html_number(out, g->accuracy[a], 3);
            fputs("</td>", out);
        }
        for (int32_t b = 0; b < n; b++)
            kappa_cell(out, g->kappa[(size_t)a * (size_t)n + (size_t)b]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n<ul class=\"pairs\">\n", out);
    for (int32_t a = 0; a < n; a++)
        for (int32_t b = a + 1; b < n; b++) {
            const size_t ab = (size_t)a * (size_t)n + (size_t)b;
            fputs("<li>", out);
            html_text_cut(out, chorus_model_lf_name(ctx->model, g->lfs[a]), 40);
            fputs(" ~ ", out);
            html_text_cut(out, chorus_model_lf_name(ctx->model, g->lfs[b]), 40);
            html_printf(out, ": %" PRId64 " items both vote on, agreement ", g->n_both[ab]);
            html_number(out, g->agreement[ab], 3);
            fputs(", κ ", out);
            html_number(out, g->kappa[ab], 3);
            fputs("</li>\n", out);
        }
    fputs("</ul>\n", out);
}

int report_prompt_sensitivity(report_context *ctx)
{
    FILE *out = ctx->out;
    int32_t *group = NULL;
    chorus_prompt_sensitivity *s = NULL;
    const int64_t n = chorus_votes_n_items(ctx->votes);
    int rc = group_of_lfs(ctx, &group);
    if (!rc)
        rc = chorus_prompt_sensitivity_compute(&s, ctx->votes, group, ctx->gold, ctx->gold ? n : 0);
    if (rc) goto done;
    if (!s->n_groups) {
        html_note(out, "No group of prompt variants: give the spec whose llm LFs have "
                       "variants: or paraphrases: (report --groups SPEC.yaml), or a model "
                       "fitted with groups.");
        goto done;
    }
    fputs("<p class=\"sub\">How much the answers move when only the wording of a prompt "
          "moves. Kappa (κ) is the agreement of two variants beyond chance on the items both "
          "vote on (1: always the same answer; 0: no better than chance); an abstain lowers "
          "coverage, not agreement.</p>\n",
          out);
    for (int32_t g = 0; g < s->n_groups; g++)
        write_group(out, ctx, &s->groups[g], s->has_gold);
done:
    chorus_prompt_sensitivity_free(s);
    free(group);
    return rc;
}
