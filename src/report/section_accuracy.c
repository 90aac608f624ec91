/*
 * Learned accuracy of each LF against the evidence: its empirical accuracy when there is
 * gold, else its agreement with the other LFs' majority (the fit check's measure). The
 * LFs the check flags (learned accuracy more than CHORUS_CHECK_LF_GAP from agreement) are
 * drawn as diamonds and listed.
 */
#include <inttypes.h>
#include <math.h>

#include "report/report_internal.h"

/* The point's x: empirical accuracy with gold, agreement without. */
static double evidence(const report_context *ctx, int32_t j)
{
    if (ctx->summary->has_gold) return ctx->summary->empirical_accuracy[j];
    return chorus_model_lf_agreement(ctx->model, j);
}

static int flagged(const report_context *ctx, int32_t j)
{
    double agreement = chorus_model_lf_agreement(ctx->model, j);
    double learned = chorus_model_lf_accuracy(ctx->model, j);
    return chorus_model_check(ctx->model) && !isnan(agreement) && !isnan(learned) &&
           fabs(agreement - learned) > CHORUS_CHECK_LF_GAP;
}

/* Label boxes already placed, so the next label can move out of their way. */
enum { MAX_LABELS = 25, LABEL_CHARS = 20 };
typedef struct label_boxes {
    int n;
    double x[MAX_LABELS], y[MAX_LABELS], w[MAX_LABELS];
} label_boxes;

/* The baseline of a label of width w starting at x near y: the first of y, y + 12,
 * y - 12, y + 24, ... below the top whose box overlaps no placed one. */
static double place_label(label_boxes *boxes, double x, double y, double w)
{
    double at = y;
    for (int step = 0; step < 12; step++) {
        at = y + (step % 2 ? 1 : -1) * 12.0 * ((step + 1) / 2);
        /* Above the plot a label would be cut off by the top of the picture. */
        if (at < 14) continue;
        int clear = 1;
        for (int b = 0; b < boxes->n && clear; b++)
            clear = x + w < boxes->x[b] || boxes->x[b] + boxes->w[b] < x ||
                    fabs(at - boxes->y[b]) >= 12;
        if (clear) break;
    }
    if (boxes->n < MAX_LABELS) {
        boxes->x[boxes->n] = x;
        boxes->y[boxes->n] = at;
        boxes->w[boxes->n++] = w;
    }
    return at;
}

static int char_count(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    return n;
}

static void write_point(FILE *out, const report_context *ctx, const svg_frame *f, int32_t j,
                        label_boxes *boxes)
{
    const double x = svg_x(f, evidence(ctx, j)), y = svg_y(f, ctx->summary->learned_accuracy[j]);
    const char *name = chorus_votes_lf_name(ctx->votes, j);
    fputs("<g><title>", out);
    html_text(out, name);
    html_printf(out, ": learned %.3f, %s %.3f%s</title>", ctx->summary->learned_accuracy[j],
                ctx->summary->has_gold ? "empirical" : "agreement", evidence(ctx, j),
                flagged(ctx, j) ? " (flagged by the check)" : "");
    if (flagged(ctx, j))
        html_printf(out,
                    "<path d=\"M%.1f %.1fl7 7l-7 7l-7 -7z\" fill=\"" COLOR_VERMILLION
                    "\" stroke=\"#000\" stroke-width=\"0.8\"/>",
                    x, y - 7);
    else
        html_printf(out,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"" COLOR_BLUE
                    "\" fill-opacity=\"0.8\" stroke=\"#fff\"/>",
                    x, y);
    if (boxes) {
        int chars = char_count(name);
        double w = 6.2 * (chars < LABEL_CHARS ? chars : LABEL_CHARS + 1);
        double at = place_label(boxes, x + 8, y + 4, w);
        html_printf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", x + 8, at);
        html_text_cut(out, name, LABEL_CHARS);
        fputs("</text>", out);
    }
    fputs("</g>\n", out);
}

int report_accuracy_scatter(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_lf_summary *s = ctx->summary;
    const int has_gold = s->has_gold;
    const char *x_title =
        has_gold ? "empirical accuracy (gold)" : "agreement with the other LFs' majority";
    html_printf(out,
                "<p class=\"sub\">Each point is an LF: across, %s; up, the accuracy the model "
                "learned. On the diagonal the two agree.%s</p>\n",
                has_gold ? "its accuracy on the items with gold"
                         : "how often it names the class the other LFs' majority names where "
                           "they overlap (no gold given)",
                chorus_model_check(ctx->model)
                    ? " The check of the fit flags LFs whose learned accuracy is more than "
                      "0.3 from their agreement (diamonds)."
                    : "");
    int32_t shown = 0, hidden = 0;
    for (int32_t j = 0; j < s->n_lfs; j++) {
        if (isnan(evidence(ctx, j)) || isnan(s->learned_accuracy[j]))
            hidden++;
        else
            shown++;
    }
    if (!shown) {
        html_note(out, s->has_model ? "No LF has both a learned accuracy and a measure to "
                                      "compare it with."
                                    : "Majority vote learns no accuracies: nothing to plot.");
        return 0;
    }
    const svg_frame f = {70, 20, 450, 400};
    svg_open(out, 800, 450, "learned against empirical accuracy per LF");
    svg_unit_axes(out, &f, x_title, "learned accuracy");
    html_printf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" COLOR_GREY
                "\" stroke-dasharray=\"5 4\"/>\n",
                svg_x(&f, 0), svg_y(&f, 0), svg_x(&f, 1), svg_y(&f, 1));
    /* Labels only where they stay readable; the flagged LFs are always named. */
    const int label_all = shown <= MAX_LABELS;
    label_boxes boxes = {0};
    for (int32_t j = 0; j < s->n_lfs; j++)
        if (!isnan(evidence(ctx, j)) && !isnan(s->learned_accuracy[j]))
            write_point(out, ctx, &f, j,
                        label_all || (flagged(ctx, j) && boxes.n < MAX_LABELS) ? &boxes : NULL);
    html_printf(
        out,
        "<circle cx=\"620\" cy=\"30\" r=\"5\" fill=\"" COLOR_BLUE
        "\"/><text x=\"632\" y=\"34\">LF</text>"
        "<path d=\"M620 45l7 7l-7 7l-7 -7z\" fill=\"" COLOR_VERMILLION
        "\" stroke=\"#000\" stroke-width=\"0.8\"/><text x=\"632\" y=\"56\">flagged by "
        "the check</text><line x1=\"612\" y1=\"74\" x2=\"628\" y2=\"74\" stroke=\"" COLOR_GREY
        "\" stroke-dasharray=\"5 4\"/><text x=\"632\" y=\"78\">learned = %s</text>\n",
        has_gold ? "empirical" : "agreement");
    svg_close(out);
    if (hidden)
        html_printf(out,
                    "<p class=\"note\">%" PRId32 " LFs without both numbers (no votes where "
                    "others vote%s, or modelled in a group) are not drawn.</p>\n",
                    hidden, has_gold ? ", no votes on gold items" : "");
    int32_t n_flagged = 0;
    for (int32_t j = 0; j < s->n_lfs; j++)
        n_flagged += flagged(ctx, j);
    if (n_flagged) {
        fputs("<p>Flagged by the check of the fit: <span class=\"flag\">", out);
        int32_t listed = 0;
        for (int32_t j = 0; j < s->n_lfs; j++) {
            if (!flagged(ctx, j)) continue;
            if (listed++) fputs(", ", out);
            html_text(out, chorus_votes_lf_name(ctx->votes, j));
            html_printf(out, " (learned %.2f, agreement %.2f)",
                        chorus_model_lf_accuracy(ctx->model, j),
                        chorus_model_lf_agreement(ctx->model, j));
        }
        fputs("</span></p>\n", out);
    }
    return 0;
}
