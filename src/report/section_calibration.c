/*
 * With gold: the reliability diagram behind the ECE (per confidence bin the accuracy of
 * its items against their mean confidence, and how many items it holds) and the
 * confusion matrix of the model's hard labels.
 */
#include <inttypes.h>
#include <math.h>

#include "report/report_internal.h"

static const char NO_GOLD[] = "Needs gold labels (--gold): without them nothing can be "
                              "scored.";

int report_calibration(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_metrics *m = ctx->metrics;
    if (!m) {
        html_note(out, NO_GOLD);
        return 0;
    }
    html_printf(out,
                "<p class=\"sub\">The model's top-class probability (confidence) of the %" PRId64
                " items with gold, in %" PRId32
                " equal-width bins: per bin the share of its items whose label is the gold one "
                "(bars) against the bin's mean confidence (dots), with the bin's item count above "
                "its bar. A calibrated model's bars "
                "reach its dots and the diagonal. Expected calibration error (ECE) "
                "<b>%.4f</b>; Brier score %.4f; log loss %.4f.</p>\n",
                m->n_gold, m->n_bins, m->ece, m->brier, m->log_loss);
    fputs("<div class=\"legend\"><span><i style=\"background:" COLOR_BLUE
          "\"></i>accuracy of the bin</span><span><i style=\"background:" COLOR_ORANGE
          ";border-radius:6px\"></i>mean confidence</span><span><i style=\"background:" COLOR_GREY
          "\"></i>perfect calibration</span></div>\n",
          out);
    const svg_frame f = {70, 20, 520, 380};
    svg_open(out, 560, 450, "reliability diagram");
    svg_unit_axes(out, &f, "confidence (top-class probability)", "accuracy");
    html_printf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" COLOR_GREY
                "\" stroke-dasharray=\"5 4\"/>\n",
                svg_x(&f, 0), svg_y(&f, 0), svg_x(&f, 1), svg_y(&f, 1));
    const double width = (f.x1 - f.x0) / m->n_bins;
    for (int32_t b = 0; b < m->n_bins; b++) {
        const double lower = (double)b / m->n_bins, upper = (double)(b + 1) / m->n_bins;
        if (!m->bin_count[b]) continue;
        const double x = svg_x(&f, lower), top = svg_y(&f, m->bin_accuracy[b]);
        html_printf(out,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"" COLOR_BLUE
                    "\" fill-opacity=\"0.85\"><title>[%.2f, %.2f): %" PRId64
                    " items, accuracy %.3f, confidence %.3f</title></rect>\n",
                    x + 1, top, width - 2, f.y1 - top, lower, upper, m->bin_count[b],
                    m->bin_accuracy[b], m->bin_confidence[b]);
        html_printf(out,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"" COLOR_ORANGE
                    "\" stroke=\"#000\" stroke-width=\"0.6\"/>\n",
                    svg_x(&f, m->bin_confidence[b]), svg_y(&f, m->bin_confidence[b]));
        /* The count above its bar: a tall bar of few items is weak evidence. */
        if (width >= 24)
            html_printf(out,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
                        "fill=\"#333\">%" PRId64 "</text>\n",
                        x + width / 2, top - 4, m->bin_count[b]);
    }
    svg_close(out);
    fputs("<table class=\"bins\">\n<thead><tr><th>bin</th><th>items</th><th>mean confidence</th>"
          "<th>accuracy</th><th>gap</th></tr></thead>\n<tbody>\n",
          out);
    for (int32_t b = 0; b < m->n_bins; b++) {
        if (!m->bin_count[b]) continue;
        html_printf(out,
                    "<tr><td>%.2f\xE2\x80\x93%.2f</td><td>%" PRId64
                    "</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n",
                    (double)b / m->n_bins, (double)(b + 1) / m->n_bins, m->bin_count[b],
                    m->bin_confidence[b], m->bin_accuracy[b],
                    fabs(m->bin_accuracy[b] - m->bin_confidence[b]));
    }
    fputs("</tbody>\n</table>\n", out);
    return 0;
}

int report_confusion(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_metrics *m = ctx->metrics;
    if (!m) {
        html_note(out, NO_GOLD);
        return 0;
    }
    const int32_t k = m->n_classes;
    fputs("<p class=\"sub\">Rows: gold class; columns: the model's label. A cell's shade is "
          "its share of the row. Per class precision, recall and F1 on the right.</p>\n",
          out);
    fputs("<table class=\"confusion\">\n<thead><tr><th class=\"name\">gold \\ label</th>", out);
    for (int32_t c = 0; c < k; c++) {
        fputs("<th>", out);
        html_text(out, chorus_model_class_name(ctx->model, c));
        fputs("</th>", out);
    }
    fputs("<th>support</th><th>precision</th><th>recall</th><th>F1</th></tr></thead>\n<tbody>\n",
          out);
    for (int32_t g = 0; g < k; g++) {
        fputs("<tr><th class=\"name\">", out);
        html_text(out, chorus_model_class_name(ctx->model, g));
        fputs("</th>", out);
        for (int32_t c = 0; c < k; c++) {
            const int64_t count = m->confusion[(int64_t)g * (k + 1) + c];
            const double t = m->support[g] ? (double)count / (double)m->support[g] : 0;
            /* Light to dark blue; the text turns white where the cell gets dark. */
            html_printf(out,
                        "<td style=\"background:rgba(0,114,178,%.3f);color:%s\">%" PRId64 "</td>",
                        0.08 + 0.8 * t, t > 0.5 ? "#fff" : "#000", count);
        }
        html_printf(out, "<td>%" PRId64 "</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n",
                    m->support[g], m->precision[g], m->recall[g], m->f1[g]);
    }
    fputs("</tbody>\n</table>\n", out);
    html_printf(out, "<p>Accuracy %.4f, macro-F1 %.4f over %" PRId64 " items with gold.</p>\n",
                m->accuracy, m->macro_f1, m->n_gold);
    return 0;
}
