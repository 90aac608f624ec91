/* What the gold-free check of a fit found and what a dev-set selection chose, said on
 * stderr after fit and run. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "cli/cli.h"

/* LFs whose agreement analyze lists by name. */
#define AGREEMENT_SHOWN 50

static double share(int64_t part, int64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* The classes `marked` names (the check's one-LF or unsettled classes), comma-separated,
 * the first 10. */
static void print_classes(FILE *out, const chorus_model *model,
                          int (*marked)(const chorus_model *, int32_t))
{
    int shown = 0;
    for (int32_t k = 0; k < chorus_model_n_classes(model); k++) {
        if (!marked(model, k)) continue;
        if (shown == 10) {
            fprintf(out, ", ...");
            break;
        }
        fprintf(out, "%s%s", shown++ ? ", " : "", chorus_model_class_name(model, k));
    }
}

/* The held-out-vote agreement of each model compared: "ds-noabstain 62.6%, ...". */
static void print_heldout_votes(FILE *out, const chorus_fit_check *c)
{
    for (int32_t i = 0; i < CHORUS_HELDOUT_VOTES_MODELS; i++)
        fprintf(out, "%s%s %.1f%%", i ? ", " : "",
                chorus_model_type_name(chorus_heldout_votes_model(i)),
                100 * c->heldout_votes_agreement[i]);
}

void cli_report_uncovered(const char *cmd, const chorus_model *model)
{
    /* The check's count and the item count must be of the same items: the ones fitted on
     * (the dev items for a model fitted on the dev labels). */
    const int64_t n_items = chorus_model_fit_n_items(model);
    const chorus_fit_check *c = chorus_model_check(model);
    if (!c || n_items <= 0 || c->n_covered < 0 || c->n_covered >= n_items) return;
    const int64_t uncovered = n_items - c->n_covered;
    /* Under a tenth of the items, what they get hardly moves a training set. */
    if (uncovered * 10 < n_items) return;
    /* What any item without a vote gets: the prediction for one empty row. */
    const int64_t row_ptr[2] = {0, 0};
    const int32_t none = 0;
    chorus_votes *empty = NULL;
    chorus_probs *probs = NULL;
    const int32_t k = chorus_model_n_classes(model);
    if (chorus_votes_from_csr(&empty, 1, chorus_model_n_lfs(model), k, row_ptr, &none, &none,
                              CHORUS_BORROW) == CHORUS_OK &&
        chorus_model_predict(&probs, model, empty) == CHORUS_OK) {
        const double *q = chorus_probs_const_data(probs);
        int32_t top = 0, tied = 0;
        for (int32_t y = 1; y < k; y++)
            if (q[y] > q[top]) top = y;
        for (int32_t y = 0; y < k; y++)
            tied += q[y] >= q[top] - CHORUS_TIE_TOLERANCE;
        fprintf(stderr, "%s: note: %" PRId64 " of the %" PRId64 " items (%.1f%%) have no vote; ",
                cmd, uncovered, n_items, share(uncovered, n_items));
        if (tied > 1)
            fprintf(stderr, "each gets P = %.3f for each of %" PRId32 " classes, a coin", q[top],
                    tied);
        else
            fprintf(stderr, "each gets P = %.3f for %s: a guess the votes cannot check", q[top],
                    chorus_model_class_name(model, top));
        fprintf(stderr, " (predict --drop-uncovered leaves them out)\n");
    }
    chorus_probs_free(probs);
    chorus_votes_free(empty);
}

/* The LFs fitted as one source with another (chorus_model_lf_copy_of), the first 10. */
static void report_copies(const char *cmd, const chorus_model *model)
{
    const int32_t n = chorus_model_n_copies(model);
    if (!n) return;
    fprintf(stderr,
            "%s: note: %" PRId32 " %s exactly as another on every item, so each is fitted as "
            "one source with it: ",
            cmd, n, n == 1 ? "labeling function votes" : "labeling functions vote");
    int32_t shown = 0;
    for (int32_t j = 0; j < chorus_model_n_lfs(model) && shown <= 10; j++) {
        const int32_t original = chorus_model_lf_copy_of(model, j);
        if (original < 0) continue;
        if (shown++ == 10) {
            fprintf(stderr, ", ...");
            break;
        }
        fprintf(stderr, "%s%s as %s", shown > 1 ? ", " : "", chorus_model_lf_name(model, j),
                chorus_model_lf_name(model, original));
    }
    fprintf(stderr, " (--keep-copies fits them apart)\n");
}

void cli_report_check(const char *cmd, const chorus_model *model, int verbose)
{
    if (verbose) report_copies(cmd, model);
    int32_t n = 0;
    const double *trace = chorus_model_trace(model, &n);
    /* A fit cut off by --max-iter: its labels can still change with more iterations (on a
     * flat likelihood, by a class for every item without votes). */
    if (verbose && n >= 2 && !chorus_model_converged(model))
        fprintf(stderr,
                "%s: note: EM stopped at the iteration limit (%" PRId32 ") before converging: "
                "the log-posterior still changed by %.2g (relative) in the last iteration, "
                "above --tol; --max-iter raises the limit\n",
                cmd, n, fabs(trace[n - 1] - trace[n - 2]) / fmax(fabs(trace[n - 1]), DBL_MIN));
    const chorus_fit_check *c = chorus_model_check(model);
    if (!c) return;
    const double overruled = share(c->n_unanimous_overruled, c->n_unanimous);
    if (verbose && c->n_one_lf_classes) {
        fprintf(stderr,
                "%s: note: %" PRId32 " classes have at most one labeling function voting "
                "for them (",
                cmd, c->n_one_lf_classes);
        print_classes(stderr, model, chorus_model_one_lf_class);
        fprintf(stderr, "): the votes cannot tell how common such a class is from how often its LF "
                        "fires, so items without votes get equal shares of them\n");
    }
    if (verbose && c->n_uncovered_unsettled) {
        fprintf(stderr, "%s: note: the votes do not settle which of %" PRId32 " classes (", cmd,
                c->n_uncovered_unsettled);
        print_classes(stderr, model, chorus_model_uncovered_unsettled_class);
        fprintf(stderr,
                ") the items without votes belong to: a class prior moved from the one "
                "the model gives them towards another hands them to that one with a "
                "log-posterior at most %.2f lower, so they get equal shares of them\n",
                CHORUS_UNCOVERED_SPLIT_MARGIN);
    }
    if (verbose && c->refitted_pooled)
        fprintf(stderr,
                "%s: note: fitted with a confusion table per labeling function, %.1f%% of the "
                "votes where the others have a clear majority came from LFs whose learned "
                "accuracy is more than %.1f from their agreement with the others (limit %.0f%%): "
                "too few votes each for a table of their own (sparse crowd workers), so the "
                "model was fitted again as pooled, in which such LFs share one table\n",
                cmd, 100 * c->refit_disagreeing_share, CHORUS_CHECK_LF_GAP,
                100 * CHORUS_CHECK_DISAGREEING_VOTES_MAX);
    if (verbose && c->heldout_votes_switched) {
        fprintf(stderr,
                "%s: note: fitted first as %s; with the votes dealt into folds and each fold's "
                "votes hidden from the fit, the labels name the hidden votes: ",
                cmd, chorus_model_type_name(c->heldout_votes_first));
        print_heldout_votes(stderr, c);
        fprintf(stderr, " (of %" PRId64 "), so the model is %s, fitted on every vote\n",
                c->heldout_votes_scored, chorus_model_type_name(chorus_model_get_type(model)));
    }
    /* Shown even when quiet: the labels are not what the user asked the model for. */
    if (c->fell_back && !c->worse_than_majority) {
        fprintf(stderr,
                "%s: warning: with each of %" PRId32 " labeling functions left out in turn and the "
                "model fitted again on the others, its labels name the left-out LF's vote on "
                "%.1f%% of %" PRId64 " votes, and majority vote's on %.1f%%, so its labels are "
                "likely worse than majority vote: items with votes get majority vote, items "
                "without any keep the model's estimate (pass --model to keep a model "
                "regardless)\n",
                cmd, c->heldout_lfs, 100 * c->heldout_model_agreement, c->heldout_votes,
                100 * c->heldout_majority_agreement);
        return;
    }
    if (c->fell_back) {
        fprintf(stderr,
                "%s: warning: the fitted model overruled the unanimous vote on %.1f%% of the "
                "%" PRId64 " items where every vote agrees (limit %.0f%%), so its labels are "
                "likely worse than majority vote: items with votes get majority vote, items "
                "without any keep the model's estimate (pass --model to keep a model "
                "regardless)\n",
                cmd, overruled, c->n_unanimous, 100 * CHORUS_CHECK_UNANIMOUS_MAX);
        return;
    }
    if (!verbose) return;
    if (c->ties_to_specific)
        fprintf(stderr,
                "%s: note: on the %" PRId64 " left-out LFs' votes of items whose other votes "
                "tie, the votes of the LFs that fire least often name %.1f%% and the model "
                "%.1f%%: tied items get majority vote with that tie rule\n",
                cmd, c->heldout_tie_votes, 100 * c->heldout_tie_specific_agreement,
                100 * c->heldout_tie_model_agreement);
    if (c->worse_than_majority)
        fprintf(stderr,
                "%s: warning: the model overrules the unanimous vote on %.1f%% of the %" PRId64
                " items where every vote agrees: its labels are likely worse than majority "
                "vote\n",
                cmd, overruled, c->n_unanimous);
    else if (c->n_unanimous >= CHORUS_CHECK_MIN_ITEMS &&
             overruled > 100 * CHORUS_CHECK_UNANIMOUS_WARN)
        fprintf(stderr,
                "%s: note: the model overrules the unanimous vote on %.1f%% of the %" PRId64
                " items where every vote agrees\n",
                cmd, overruled, c->n_unanimous);
    if (c->prior_distance > CHORUS_CHECK_PRIOR_WARN) {
        fprintf(stderr, "%s: note: the learned class prior (", cmd);
        const double *prior = chorus_model_prior(model);
        for (int32_t k = 0; k < chorus_model_n_classes(model); k++)
            fprintf(stderr, "%s%s %.3f", k ? ", " : "", chorus_model_class_name(model, k),
                    prior[k]);
        fprintf(stderr,
                ") is %.2f from the majority-vote class shares (total variation); pass "
                "--class-balance if you know the balance\n",
                c->prior_distance);
    }
    if (c->n_lfs_disagreeing) {
        fprintf(stderr,
                "%s: note: %" PRId32 " labeling functions have a learned accuracy more than %.1f "
                "from their agreement with the other LFs:",
                cmd, c->n_lfs_disagreeing, CHORUS_CHECK_LF_GAP);
        int shown = 0;
        for (int32_t j = 0; j < chorus_model_n_lfs(model) && shown < 5; j++) {
            double agreement = chorus_model_lf_agreement(model, j);
            double accuracy = chorus_model_lf_accuracy(model, j);
            if (isnan(agreement) || isnan(accuracy) ||
                fabs(agreement - accuracy) <= CHORUS_CHECK_LF_GAP)
                continue;
            fprintf(stderr, " %s (%.2f vs %.2f)", chorus_model_lf_name(model, j), accuracy,
                    agreement);
            shown++;
        }
        fprintf(stderr, "%s\n", c->n_lfs_disagreeing > shown ? " ..." : "");
    }
}

/* Prints the candidates of a dev-set selection and which one won. */
void cli_report_selection(const chorus_model *model)
{
    int32_t n, chosen;
    const chorus_candidate *c = chorus_model_candidates(model, &n, &chosen);
    if (!c) return;
    fprintf(stderr, "dev-set selection (%s on %" PRId64 " labelled dev items):\n",
            chorus_model_selection_metric(model), chorus_model_selection_dev_items(model));
    for (int32_t i = 0; i < n; i++) {
        fprintf(stderr, "  %s %-13s", i == chosen ? "*" : " ", chorus_model_type_name(c[i].type));
        if (c[i].is_default)
            fprintf(stderr, " %-38s", "(the default: auto)");
        else if (c[i].fit_on_dev)
            fprintf(stderr, " fitted on the dev labels, prior %-7s",
                    c[i].class_prior == CHORUS_PRIOR_LEARNED ? "learned" : "uniform");
        else if (c[i].smoothing >= 0)
            fprintf(stderr, " smoothing %-4g prior %-7s%-15s", c[i].smoothing,
                    c[i].class_prior == CHORUS_PRIOR_LEARNED ? "learned" : "uniform",
                    c[i].keep_unanimous ? " keep-unanimous" : "");
        else
            fprintf(stderr, " %38s", "");
        fprintf(stderr, " %.4f\n", c[i].dev_score);
    }
    fprintf(stderr, "chose %s%s: the best dev score (ties go to the simpler candidate)\n",
            chorus_model_type_name(c[chosen].type),
            c[chosen].fit_on_dev ? " fitted on the dev labels" : "");
    if (c[chosen].fit_on_dev)
        fprintf(stderr,
                "(its score is %d-fold cross-validated on the dev items; the model is "
                "fitted on every dev label and weighs each LF by its dev accuracy)\n",
                5);
}

void cli_print_check(FILE *out, const chorus_model *model)
{
    const chorus_fit_check *c = chorus_model_check(model);
    if (!c) return;
    fprintf(out, "\ncheck of the fit against its training votes (no gold used):\n");
    fprintf(out, "  unanimous items overruled  %" PRId64 " of %" PRId64 " (%.1f%%; limit %.0f%%)\n",
            c->n_unanimous_overruled, c->n_unanimous,
            share(c->n_unanimous_overruled, c->n_unanimous), 100 * CHORUS_CHECK_UNANIMOUS_MAX);
    if (chorus_model_keeps_unanimous(model))
        fprintf(out, "  (predict keeps those items' unanimous votes: the labels overrule none)\n");
    fprintf(out, "  clear majorities overruled %" PRId64 " of %" PRId64 " (%.1f%%)\n",
            c->n_majority_overruled, c->n_clear_majority,
            share(c->n_majority_overruled, c->n_clear_majority));
    fprintf(out, "  prior vs vote shares       %.3f (total variation)\n", c->prior_distance);
    fprintf(out,
            "  LFs off their agreement    %" PRId32 " (learned accuracy more than %.1f from it), "
            "%.1f%% of the %" PRId64 " votes it is measured on\n",
            c->n_lfs_disagreeing, CHORUS_CHECK_LF_GAP,
            share(c->disagreeing_lf_votes, c->agreement_votes), c->agreement_votes);
    if (c->refitted_pooled)
        fprintf(out,
                "  refitted as pooled         the first fit's disagreeing LFs had %.1f%% of "
                "those votes (limit %.0f%%)\n",
                100 * c->refit_disagreeing_share, 100 * CHORUS_CHECK_DISAGREEING_VOTES_MAX);
    if (c->heldout_votes_ran) {
        fprintf(out, "  hidden votes named         ");
        print_heldout_votes(out, c);
        fprintf(out, " (%" PRId64 " votes, a fifth at a time hidden from the fit)%s%s\n",
                c->heldout_votes_scored, c->heldout_votes_switched ? ": refitted as " : "",
                c->heldout_votes_switched ? chorus_model_type_name(chorus_model_get_type(model))
                                          : "");
    }
    if (c->heldout_ran)
        fprintf(out,
                "  left-out LFs' votes named  model %.1f%%, majority vote %.1f%% (%" PRId64
                " votes of %" PRId32 " LFs, each left out and the model refitted)\n",
                100 * c->heldout_model_agreement, 100 * c->heldout_majority_agreement,
                c->heldout_votes, c->heldout_lfs);
    if (c->heldout_ran)
        fprintf(out,
                "  ... on items whose votes tie  model %.1f%%, the least-firing LFs' votes %.1f%% "
                "(%" PRId64 " votes)%s\n",
                100 * c->heldout_tie_model_agreement, 100 * c->heldout_tie_specific_agreement,
                c->heldout_tie_votes,
                c->ties_to_specific && !c->fell_back
                    ? ": tied items get majority vote with that rule"
                    : "");
    if (c->n_one_lf_classes) {
        fprintf(out, "  one-LF classes             ");
        print_classes(out, model, chorus_model_one_lf_class);
        fprintf(out, " (at most one LF votes for each: items without votes get equal shares "
                     "of them)\n");
    }
    if (c->n_uncovered_unsettled) {
        fprintf(out, "  unsettled uncovered split  ");
        print_classes(out, model, chorus_model_uncovered_unsettled_class);
        fprintf(out, " (the votes do not settle which of them the items without votes belong "
                     "to: those items get equal shares of them)\n");
    }
    fprintf(out, "  verdict                    %s\n",
            c->fell_back ? "likely worse than majority vote: majority vote for items with votes"
            : c->worse_than_majority ? "likely worse than majority vote"
                                     : "no sign of being worse than majority vote");
    /* A crowd set can have thousands of workers: the first ones, and where the rest are. */
    const int32_t m = chorus_model_n_lfs(model);
    const int32_t shown = m > AGREEMENT_SHOWN ? AGREEMENT_SHOWN : m;
    fprintf(out, "  LF agreement with the others:");
    for (int32_t j = 0; j < shown; j++) {
        double a = chorus_model_lf_agreement(model, j);
        if (isnan(a))
            fprintf(out, " %s -", chorus_model_lf_name(model, j));
        else
            fprintf(out, " %s %.2f", chorus_model_lf_name(model, j), a);
    }
    if (m > shown)
        fprintf(out, " ... and %" PRId32 " more (model.json: check.lf_agreement)", m - shown);
    fprintf(out, "\n");
}
