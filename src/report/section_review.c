/*
 * The review learning curve: how well the model labels the reviewed items as answers
 * accumulate. The answered items are shuffled (the seed), and for growing prefixes of
 * them the held-out accuracy of review's k-fold check (chorus_review_holdout: each fold
 * scored by a fit with the other folds' answers clamped, the model's type, default
 * settings) is drawn with its 95% Wilson interval, against majority vote on all of them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/qa.h"
#include "chorus/review.h"
#include "core/error_internal.h"
#include "core/random.h"
#include "report/report_internal.h"

enum { CURVE_POINTS = 5, CURVE_FOLDS = 5 };

typedef struct curve_point {
    int64_t answers;
    chorus_review_holdout_result result;
    double lower, upper;
} curve_point;

/* Majority vote's hash-tie-break labels scored against the answers. */
static int majority_accuracy(double *out, const report_context *ctx, int64_t n_answered)
{
    chorus_fit_options fit = CHORUS_FIT_OPTIONS_INIT;
    fit.type = CHORUS_MODEL_MV;
    chorus_model *mv = NULL;
    chorus_probs *probs = NULL;
    const int64_t n = chorus_votes_n_items(ctx->votes);
    int32_t *labels = malloc((size_t)(n ? n : 1) * sizeof *labels);
    int rc = labels ? chorus_model_fit(&mv, ctx->votes, &fit) : chorus_error_nomem();
    if (!rc) rc = chorus_model_predict(&probs, mv, ctx->votes);
    if (!rc) rc = chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH);
    if (!rc) {
        int64_t correct = 0;
        for (int64_t i = 0; i < n; i++)
            correct += ctx->answers[i] >= 0 && labels[i] == ctx->answers[i];
        *out = (double)correct / (double)n_answered;
    }
    free(labels);
    chorus_probs_free(probs);
    chorus_model_free(mv);
    return rc;
}

static int compute_curve(curve_point *points, int *n_points, const report_context *ctx,
                         int64_t n_answered)
{
    const int64_t n = chorus_votes_n_items(ctx->votes);
    int64_t *order = malloc((size_t)n_answered * sizeof *order);
    int32_t *subset = malloc((size_t)n * sizeof *subset);
    int rc = CHORUS_OK;
    if (!order || !subset) {
        rc = chorus_error_nomem();
        goto done;
    }
    int64_t a = 0;
    for (int64_t i = 0; i < n; i++)
        if (ctx->answers[i] >= 0) order[a++] = i;
    chorus_rng rng = chorus_rng_for(ctx->opts->seed, 0x7265706f7274ULL);
    for (int64_t i = n_answered - 1; i > 0; i--) {
        int64_t j = (int64_t)chorus_rng_below(&rng, (uint64_t)i + 1);
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    chorus_fit_options fit = CHORUS_FIT_OPTIONS_INIT;
    fit.type = chorus_model_get_type(ctx->model);
    fit.seed = ctx->opts->seed;
    *n_points = 0;
    for (int p = 1; p <= CURVE_POINTS; p++) {
        int64_t size = (int64_t)llround((double)n_answered * p / CURVE_POINTS);
        if (size < 2) size = 2;
        if (*n_points && points[*n_points - 1].answers >= size) continue;
        for (int64_t i = 0; i < n; i++)
            subset[i] = -1;
        for (int64_t i = 0; i < size; i++)
            subset[order[i]] = ctx->answers[order[i]];
        curve_point *pt = &points[(*n_points)++];
        pt->answers = size;
        rc = chorus_review_holdout(&pt->result, ctx->votes, subset, &fit, CURVE_FOLDS);
        if (rc) goto done;
        rc = chorus_binomial_interval(&pt->lower, &pt->upper, (double)pt->result.n_correct,
                                      (double)pt->result.n_answers, 0.95, CHORUS_INTERVAL_WILSON);
        if (rc) goto done;
    }

done:
    free(order);
    free(subset);
    return rc;
}

static void write_plot(FILE *out, const curve_point *points, int n_points, int64_t n_answered,
                       double majority)
{
    const svg_frame f = {70, 20, 520, 340};
    char title[96];
    snprintf(title, sizeof title, "share of the %" PRId64 " answers used", n_answered);
    svg_open(out, 640, 400, "review learning curve");
    svg_unit_axes(out, &f, title, "held-out accuracy");
    html_printf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" COLOR_ORANGE
                "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n",
                svg_x(&f, 0), svg_y(&f, majority), svg_x(&f, 1), svg_y(&f, majority));
    fputs("<polyline fill=\"none\" stroke=\"" COLOR_BLUE "\" stroke-width=\"2\" points=\"", out);
    for (int p = 0; p < n_points; p++)
        html_printf(out, "%s%.1f,%.1f", p ? " " : "",
                    svg_x(&f, (double)points[p].answers / (double)n_answered),
                    svg_y(&f, points[p].result.accuracy));
    fputs("\"/>\n", out);
    for (int p = 0; p < n_points; p++) {
        const double x = svg_x(&f, (double)points[p].answers / (double)n_answered);
        html_printf(out,
                    "<g><title>%" PRId64 " answers: accuracy %.3f (%.3f to %.3f)</title>"
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" COLOR_BLUE
                    "\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"" COLOR_BLUE "\"/></g>\n",
                    points[p].answers, points[p].result.accuracy, points[p].lower, points[p].upper,
                    x, svg_y(&f, points[p].lower), x, svg_y(&f, points[p].upper), x,
                    svg_y(&f, points[p].result.accuracy));
    }
    svg_close(out);
}

int report_review_curve(report_context *ctx)
{
    FILE *out = ctx->out;
    if (!ctx->answers) {
        html_note(out, "Needs review answers (--review): the items a person labelled, as "
                       "chorus select writes them.");
        return 0;
    }
    const int64_t n = chorus_votes_n_items(ctx->votes);
    int64_t n_answered = 0;
    for (int64_t i = 0; i < n; i++)
        n_answered += ctx->answers[i] >= 0;
    if (n_answered < 2) {
        html_printf(out,
                    "<p class=\"note\">%" PRId64 " answered items: a learning curve needs at "
                    "least 2.</p>\n",
                    n_answered);
        return 0;
    }
    curve_point points[CURVE_POINTS];
    int n_points = 0;
    double majority = NAN;
    int rc = compute_curve(points, &n_points, ctx, n_answered);
    if (!rc) rc = majority_accuracy(&majority, ctx, n_answered);
    if (rc) return rc;
    html_printf(out,
                "<p class=\"sub\">The %" PRId64 " answered items in a shuffled order (seed %" PRIu64
                "); for growing shares of them, the accuracy on them held out over up to %d "
                "folds, each fold scored by a fit (%s, default settings) with the other folds' "
                "answers clamped, with its 95%% Wilson interval. Dashed: majority vote's accuracy "
                "on all of them.</p>\n",
                n_answered, ctx->opts->seed, CURVE_FOLDS,
                chorus_model_type_name(chorus_model_get_type(ctx->model)));
    fputs("<div class=\"legend\"><span><i style=\"background:" COLOR_BLUE
          "\"></i>held-out accuracy (95% interval)</span><span><i style=\"background:" COLOR_ORANGE
          "\"></i>majority vote</span></div>\n",
          out);
    write_plot(out, points, n_points, n_answered, majority);
    fputs("<table>\n<thead><tr><th>answers</th><th>folds</th><th>correct</th><th>accuracy</th>"
          "<th>95% interval</th></tr></thead>\n<tbody>\n",
          out);
    for (int p = 0; p < n_points; p++)
        html_printf(out,
                    "<tr><td>%" PRId64 "</td><td>%" PRId32 "</td><td>%" PRId64
                    "</td><td>%.3f</td><td>%.3f\xE2\x80\x93%.3f</td></tr>\n",
                    points[p].answers, points[p].result.n_folds, points[p].result.n_correct,
                    points[p].result.accuracy, points[p].lower, points[p].upper);
    fputs("</tbody>\n</table>\n", out);
    html_printf(out, "<p>Majority vote on all %" PRId64 " answered items: %.3f.</p>\n", n_answered,
                majority);
    return 0;
}
