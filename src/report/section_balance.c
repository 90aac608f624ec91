/*
 * Class balance: per class the share of the votes naming it, the class prior the model
 * learned, the share of the model's labels, and the share among the gold labels.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "report/report_internal.h"
#include "votes/votes_internal.h"

enum { SERIES = 4, BAR_H = 13, NAME_W = 150, PLOT_W = 420 };

static const char *const SERIES_NAME[SERIES] = {"votes", "learned prior", "model's labels", "gold"};
static const char *const SERIES_COLOR[SERIES] = {COLOR_SKY, COLOR_ORANGE, COLOR_BLUE, COLOR_GREEN};

int report_class_balance(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_votes *v = ctx->votes;
    const int32_t k = chorus_model_n_classes(ctx->model);
    const int64_t n = chorus_votes_n_items(v);
    double *share = calloc((size_t)k * SERIES, sizeof *share);
    if (!share) return chorus_error_nomem();
    const chorus_vote_view w = chorus_votes_view(v);
    const int64_t first = w.row_ptr[0], end = w.row_ptr[n];
    for (int64_t p = first; p < end; p++)
        share[chorus_view_label(&w, p) * SERIES + 0]++;
    const double *prior = chorus_model_prior(ctx->model);
    int64_t n_gold = 0;
    for (int64_t i = 0; ctx->gold && i < n; i++)
        n_gold += ctx->gold[i] >= 0;
    for (int32_t c = 0; c < k; c++)
        share[c * SERIES + 1] = prior[c];
    for (int64_t i = 0; i < n; i++) {
        if (ctx->labels[i] >= 0) share[ctx->labels[i] * SERIES + 2]++;
        if (n_gold && ctx->gold[i] >= 0) share[ctx->gold[i] * SERIES + 3]++;
    }
    /* Counts so far (exact in a double up to 2^53), shares from here on. */
    for (int32_t c = 0; c < k; c++) {
        if (end > first) share[c * SERIES + 0] /= (double)(end - first);
        if (n) share[c * SERIES + 2] /= (double)n;
        if (n_gold) share[c * SERIES + 3] /= (double)n_gold;
    }
    const int series = n_gold ? SERIES : SERIES - 1;
    fputs("<p class=\"sub\">Per class: its share of all votes, the class prior the model "
          "learned, its share of the model's labels of every item",
          out);
    fputs(n_gold ? ", and its share of the gold labels.</p>\n" : ". No gold labels given.</p>\n",
          out);
    fputs("<div class=\"legend\">", out);
    for (int s = 0; s < series; s++)
        html_printf(out, "<span><i style=\"background:%s\"></i>%s</span>", SERIES_COLOR[s],
                    SERIES_NAME[s]);
    fputs("</div>\n", out);
    const int group_h = series * BAR_H + 12;
    svg_open(out, NAME_W + PLOT_W + 70, k * group_h + 30, "class balance");
    for (int t = 0; t <= 4; t++) {
        double x = NAME_W + PLOT_W * t / 4.0;
        html_printf(out,
                    "<line class=\"grid\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\"/>"
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>\n",
                    x, x, k * group_h, x, k * group_h + 16, t / 4.0);
    }
    for (int32_t c = 0; c < k; c++) {
        const double y0 = c * group_h + 4;
        html_printf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"13\">",
                    NAME_W - 8, y0 + series * BAR_H / 2.0 + 4);
        html_text_cut(out, chorus_model_class_name(ctx->model, c), 20);
        fputs("</text>\n", out);
        for (int s = 0; s < series; s++) {
            const double x = share[c * SERIES + s];
            html_printf(out,
                        "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                        "<title>%s: %.4f</title></rect><text x=\"%.1f\" y=\"%.1f\" "
                        "font-size=\"11\">%.3f</text>\n",
                        NAME_W, y0 + s * BAR_H, PLOT_W * x, BAR_H - 2, SERIES_COLOR[s],
                        SERIES_NAME[s], x, NAME_W + PLOT_W * x + 4, y0 + s * BAR_H + BAR_H - 3, x);
        }
    }
    svg_close(out);
    free(share);
    return 0;
}
