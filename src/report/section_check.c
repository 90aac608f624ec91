/* The dependency groups of the model, and what the gold-free check of the fit found, in
 * words. */
#include <inttypes.h>
#include <math.h>

#include "report/report_internal.h"

static double percent(int64_t part, int64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

int report_dependencies(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_model *model = ctx->model;
    const chorus_lf_summary *s = ctx->summary;
    if (!s->n_groups && !s->n_dependencies) {
        html_note(out, "Every LF is modelled on its own: no groups were declared (--groups, "
                       "a spec's group: keys) or learned (--learn-structure).");
        return 0;
    }
    if (s->n_groups) {
        html_printf(out,
                    "<p class=\"sub\">%" PRId32 " %s modelled jointly given the class, so "
                    "shared votes are not counted as independent evidence.</p>\n<ul>\n",
                    s->n_groups, s->n_groups == 1 ? "group of LFs is" : "groups of LFs are");
        for (int32_t g = 0; g < s->n_groups; g++) {
            html_printf(out, "<li>group %" PRId32 ": ", g + 1);
            int listed = 0;
            for (int32_t j = 0; j < s->n_lfs; j++) {
                if (chorus_model_lf_group(model, j) != g) continue;
                if (listed++) fputs(", ", out);
                html_text(out, chorus_votes_lf_name(ctx->votes, j));
            }
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    if (s->n_dependencies) {
        fputs("<p>Pairs structure learning found dependent: they vote the same class more "
              "often than independence given the class would explain.</p>\n"
              "<table>\n<thead><tr><th class=\"name\">LF</th><th class=\"name\">LF</th>"
              "<th>same vote</th><th>expected</th><th>strength</th></tr></thead>\n<tbody>\n",
              out);
        for (int32_t d = 0; d < s->n_dependencies; d++) {
            const chorus_dependency *dep = &s->dependencies[d];
            fputs("<tr><td class=\"name\">", out);
            html_text(out, chorus_votes_lf_name(ctx->votes, dep->lf_a));
            fputs("</td><td class=\"name\">", out);
            html_text(out, chorus_votes_lf_name(ctx->votes, dep->lf_b));
            html_printf(out, "</td><td>%" PRId64 "</td><td>%.1f</td><td>%.2f</td></tr>\n",
                        dep->observed, dep->expected, dep->strength);
        }
        fputs("</tbody>\n</table>\n", out);
    }
    return 0;
}

/* The n classes `marked` names (the check's one-LF or unsettled classes), comma-separated,
 * the first 10. */
static void html_classes(FILE *out, const chorus_model *model,
                         int (*marked)(const chorus_model *, int32_t), int32_t n)
{
    int shown = 0;
    for (int32_t k = 0; k < chorus_model_n_classes(model); k++) {
        if (!marked(model, k)) continue;
        if (shown) fputs(", ", out);
        html_text(out, chorus_model_class_name(model, k));
        if (++shown == 10 && shown < n) {
            fputs(", ...", out);
            break;
        }
    }
}

int report_fit_check(report_context *ctx)
{
    FILE *out = ctx->out;
    const chorus_model *model = ctx->model;
    const chorus_fit_check *c = chorus_model_check(model);
    if (!c) {
        html_note(out, "This model.json carries no check of its fit (majority vote, or a "
                       "model saved without one).");
        return 0;
    }
    const double overruled = percent(c->n_unanimous_overruled, c->n_unanimous);
    fputs("<p class=\"sub\">After every fit chorus compares the model's labels with the votes "
          "it was fitted on, without gold (the safety net).</p>\n<p><b>Verdict:</b> ",
          out);
    if (c->fell_back)
        fputs("<span class=\"flag\">the model's labels are likely worse than majority vote, so "
              "items with votes get majority vote</span> (items without any keep the model's "
              "estimate).",
              out);
    else if (c->worse_than_majority)
        fputs("<span class=\"flag\">the model's labels are likely worse than majority "
              "vote.</span>",
              out);
    else
        fputs("no sign of the model being worse than majority vote.", out);
    fputs("</p>\n<ul class=\"findings\">\n", out);
    html_printf(out,
                "<li>Of the %" PRId64 " items on which every vote names the same class, the "
                "model labels another class on %" PRId64 " (%.1f%%; more than %.0f%% would "
                "make it likely worse than majority vote).%s</li>\n",
                c->n_unanimous, c->n_unanimous_overruled, overruled,
                100 * CHORUS_CHECK_UNANIMOUS_MAX,
                chorus_model_keeps_unanimous(model)
                    ? " Predict keeps those items' unanimous votes, so the labels overrule none."
                    : "");
    html_printf(out,
                "<li>Of the %" PRId64 " items with one most-voted class, it overrules %" PRId64
                " (%.1f%%).</li>\n",
                c->n_clear_majority, c->n_majority_overruled,
                percent(c->n_majority_overruled, c->n_clear_majority));
    html_printf(out,
                "<li>The learned class prior is %.3f (total variation) from the class shares of "
                "the majority-vote labels%s.</li>\n",
                c->prior_distance,
                c->prior_distance > CHORUS_CHECK_PRIOR_WARN
                    ? ", which is far: if you know the balance, pass --class-balance"
                    : "");
    html_printf(out,
                "<li>%" PRId32 " LFs have a learned accuracy more than %.1f from their agreement "
                "with the other LFs%s.</li>\n",
                c->n_lfs_disagreeing, CHORUS_CHECK_LF_GAP,
                c->n_lfs_disagreeing ? " (the diamonds of the accuracy plot)" : "");
    const int32_t copies = chorus_model_n_copies(model);
    if (copies)
        html_printf(out,
                    "<li>%" PRId32 " %s exactly as another on every item fitted, so each is "
                    "fitted as one source with it (model.json: copy_of; --keep-copies fits "
                    "them apart).</li>\n",
                    copies, copies == 1 ? "LF votes" : "LFs vote");
    if (c->refitted_pooled)
        html_printf(out,
                    "<li>Fitted first with a confusion table per LF, %.1f%% of the votes where "
                    "the others have a clear majority came from LFs off their agreement (limit "
                    "%.0f%%): too few votes each for a table of their own, so the model was "
                    "fitted again as pooled, in which such LFs share one table.</li>\n",
                    100 * c->refit_disagreeing_share, 100 * CHORUS_CHECK_DISAGREEING_VOTES_MAX);
    if (c->heldout_votes_ran) {
        html_printf(out,
                    "<li>With the votes dealt into folds and each fold hidden from the fit, "
                    "the labels name the hidden votes (%" PRId64 " of them): ",
                    c->heldout_votes_scored);
        for (int32_t i = 0; i < CHORUS_HELDOUT_VOTES_MODELS; i++)
            html_printf(out, "%s%s %.1f%%", i ? ", " : "",
                        chorus_model_type_name(chorus_heldout_votes_model(i)),
                        100 * c->heldout_votes_agreement[i]);
        if (c->heldout_votes_switched)
            html_printf(out, "; fitted first as %s, the model is %s, fitted on every vote",
                        chorus_model_type_name(c->heldout_votes_first),
                        chorus_model_type_name(chorus_model_get_type(model)));
        html_printf(out, ".</li>\n");
    }
    if (c->heldout_ran)
        html_printf(out,
                    "<li>With each of %" PRId32 " LFs left out in turn and the model fitted "
                    "again on the others, its labels name the left-out LF's vote on %.1f%% of "
                    "%" PRId64 " votes, majority vote's labels on %.1f%%.</li>\n",
                    c->heldout_lfs, 100 * c->heldout_model_agreement, c->heldout_votes,
                    100 * c->heldout_majority_agreement);
    if (c->heldout_ran)
        html_printf(out,
                    "<li>On the %" PRId64 " of those votes whose item's other votes tie, the "
                    "model's labels name %.1f%% and the votes of the LFs that fire least often "
                    "%.1f%%%s.</li>\n",
                    c->heldout_tie_votes, 100 * c->heldout_tie_model_agreement,
                    100 * c->heldout_tie_specific_agreement,
                    c->ties_to_specific && !c->fell_back
                        ? ": tied items get majority vote with that tie rule"
                        : "");
    if (c->n_one_lf_classes) {
        html_printf(out, "<li>%" PRId32 " classes have at most one LF voting for them (",
                    c->n_one_lf_classes);
        html_classes(out, model, chorus_model_one_lf_class, c->n_one_lf_classes);
        fputs("): the votes cannot tell how common such a class is from how often its LF "
              "fires, so items without votes get equal shares of them.</li>\n",
              out);
    }
    if (c->n_uncovered_unsettled) {
        html_printf(out, "<li>The votes do not settle which of %" PRId32 " classes (",
                    c->n_uncovered_unsettled);
        html_classes(out, model, chorus_model_uncovered_unsettled_class, c->n_uncovered_unsettled);
        fputs(") the items without votes belong to: a class prior moved towards another of "
              "them hands those items to it at about the same likelihood, so they get equal "
              "shares of them.</li>\n",
              out);
    }
    fputs("</ul>\n", out);
    return 0;
}
