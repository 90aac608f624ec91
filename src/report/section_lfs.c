/* The overview numbers and the sortable labeling-function table with its bars. */
#include <inttypes.h>
#include <math.h>

#include "report/report_internal.h"

/* Past this many LFs the table gets a scroll box of its own. */
#define TALL_TABLE_LFS 25

int report_overview(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_lf_summary *s = ctx->summary;
    const chorus_model *model = ctx->model;
    html_printf(out, "<dl class=\"facts\">\n<dt>items</dt><dd>%" PRId64 "</dd>\n", s->n_items);
    html_printf(out, "<dt>labeling functions</dt><dd>%" PRId32 "</dd>\n", s->n_lfs);
    html_printf(out, "<dt>classes</dt><dd>%" PRId32 ": ", s->n_classes);
    for (int32_t c = 0; c < s->n_classes; c++) {
        if (c) fputs(", ", out);
        html_text(out, chorus_model_class_name(model, c));
    }
    fputs("</dd>\n<dt>model</dt><dd>", out);
    html_text(out, chorus_model_type_name(chorus_model_get_type(model)));
    html_printf(out, "</dd>\n<dt>votes</dt><dd>%" PRId64 "</dd>\n", chorus_votes_nnz(ctx->votes));
    html_printf(out,
                "<dt>items with a vote</dt><dd>%.1f%%</dd>\n<dt>with two or more</dt>"
                "<dd>%.1f%%</dd>\n<dt>with conflicting votes</dt><dd>%.1f%%</dd>\n",
                100 * s->set_coverage, 100 * s->set_overlap, 100 * s->set_conflict);
    if (ctx->metrics)
        html_printf(out,
                    "<dt>accuracy on gold</dt><dd>%.4f (%" PRId64 " of %" PRId64
                    " items with gold)</dd>\n<dt>macro-F1</dt><dd>%.4f</dd>\n",
                    ctx->metrics->accuracy, ctx->metrics->n_correct, ctx->metrics->n_gold,
                    ctx->metrics->macro_f1);
    /* Apart, where some scored items have no vote: what the votes decide. */
    if (ctx->metrics && ctx->metrics->covered_confusion && ctx->metrics->n_covered > 0 &&
        ctx->metrics->n_covered < ctx->metrics->n_gold)
        html_printf(out,
                    "<dt>accuracy on gold, items with a vote</dt><dd>%.4f (%" PRId64
                    " items; the other %" PRId64 " get a guess)</dd>\n",
                    ctx->metrics->covered_accuracy, ctx->metrics->n_covered,
                    ctx->metrics->n_gold - ctx->metrics->n_covered);
    if (!ctx->metrics) fputs("<dt>gold labels</dt><dd>none given</dd>\n", out);
    fputs("</dl>\n", out);
    return 0;
}

/* A cell holding a share with its bar; the sort key is the number (-1 for none). */
static void share_cell(FILE *out, double x, const char *bar_class)
{
    if (isnan(x)) {
        fputs("<td data-v=\"-1\">\xE2\x80\x93</td>", out);
        return;
    }
    html_printf(out,
                "<td data-v=\"%.6f\">%.3f<span class=\"bar %s\"><span style=\"width:%.1f%%\">"
                "</span></span></td>",
                x, x, bar_class, 100 * fmin(fmax(x, 0), 1));
}

int report_lf_table(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_lf_summary *s = ctx->summary;
    const chorus_votes *v = ctx->votes;
    fputs("<p class=\"sub\">Per labeling function: the classes it votes (polarity), the "
          "share of items it votes on (coverage), on which another LF votes too (overlaps) "
          "and on which another LF votes a different class (conflicts)",
          out);
    if (s->has_gold) fputs("; its accuracy on the items with gold (empirical)", out);
    if (s->has_model) fputs("; the accuracy the model learned without gold", out);
    fputs(". Click a header to sort.</p>\n", out);
    /* A long table scrolls in its own box, under its sticky header. */
    html_printf(out, "<div class=\"wide%s\">", s->n_lfs > TALL_TABLE_LFS ? " tall" : "");
    fputs("<table class=\"sortable\" id=\"lf-table\">\n<thead><tr><th "
          "class=\"name\">LF</th>"
          "<th class=\"name\">polarity</th><th>votes</th><th>coverage</th><th>overlaps</th>"
          "<th>conflicts</th>",
          out);
    if (s->has_gold) fputs("<th>correct</th><th>incorrect</th><th>empirical acc.</th>", out);
    fputs("<th>learned acc.</th><th>group</th></tr></thead>\n<tbody>\n", out);
    for (int32_t j = 0; j < s->n_lfs; j++) {
        fputs("<tr><td class=\"name\">", out);
        html_text(out, chorus_votes_lf_name(v, j));
        fputs("</td><td class=\"name\">", out);
        int any = 0;
        for (int32_t c = 0; c < s->n_classes; c++) {
            if (!s->polarity[(size_t)j * s->n_classes + c]) continue;
            if (any++) fputs(", ", out);
            html_text(out, chorus_votes_class_name(v, c));
        }
        if (!any) fputs("\xE2\x80\x93", out);
        html_printf(out, "</td><td data-v=\"%" PRId64 "\">%" PRId64 "</td>", s->n_votes[j],
                    s->n_votes[j]);
        share_cell(out, s->coverage[j], "cov");
        share_cell(out, s->overlaps[j], "ovl");
        share_cell(out, s->conflicts[j], "cfl");
        if (s->has_gold) {
            html_printf(out, "<td data-v=\"%" PRId64 "\">%" PRId64 "</td>", s->correct[j],
                        s->correct[j]);
            html_printf(out, "<td data-v=\"%" PRId64 "\">%" PRId64 "</td>", s->incorrect[j],
                        s->incorrect[j]);
            share_cell(out, s->empirical_accuracy[j], "acc");
        }
        share_cell(out, s->learned_accuracy[j], "lacc");
        if (s->group[j] >= 0)
            html_printf(out, "<td data-v=\"%" PRId32 "\">%" PRId32 "</td>", s->group[j] + 1,
                        s->group[j] + 1);
        else
            fputs("<td data-v=\"0\">\xE2\x80\x93</td>", out);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n", out);
    if (!s->has_model)
        html_note(out, "Majority vote learns no accuracies: the learned column is empty.");
    else if (s->n_groups)
        html_note(out, "LFs in a dependency group have no learned accuracy of their own: the "
                       "group's joint table describes them.");
    return 0;
}
