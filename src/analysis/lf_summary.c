/* The labeling-function summary: coverage, overlaps, conflicts, accuracies. */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/analyze.h"
#include "core/error_internal.h"
#include "votes/votes_internal.h"

void chorus_lf_summary_free(chorus_lf_summary *s)
{
    if (!s) return;
    free(s->polarity);
    free(s->coverage);
    free(s->overlaps);
    free(s->conflicts);
    free(s->n_votes);
    free(s->correct);
    free(s->incorrect);
    free(s->empirical_accuracy);
    free(s->learned_accuracy);
    free(s->group);
    free(s->copy_of);
    free(s->dependencies);
    free(s);
}

static int check_inputs(const chorus_votes *votes, const int32_t *gold, int64_t n_gold,
                        const chorus_model *model)
{
    int rc = chorus_votes_check_gold(votes, gold, n_gold);
    if (rc) return rc;
    if (model && chorus_model_n_lfs(model) != chorus_votes_n_lfs(votes))
        return chorus_error_set(CHORUS_EINVAL,
                                "the model has %" PRId32 " labeling functions but the votes "
                                "have %" PRId32,
                                chorus_model_n_lfs(model), chorus_votes_n_lfs(votes));
    return CHORUS_OK;
}

int chorus_lf_summary_compute(chorus_lf_summary **out, const chorus_votes *votes,
                              const int32_t *gold, int64_t n_gold, const chorus_model *model)
{
    *out = NULL;
    int rc = check_inputs(votes, gold, n_gold, model);
    if (rc) return rc;
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    chorus_lf_summary *s = calloc(1, sizeof *s);
    int64_t *overlap_count = calloc((size_t)m, sizeof *overlap_count);
    int64_t *conflict_count = calloc((size_t)m, sizeof *conflict_count);
    if (!s || !overlap_count || !conflict_count) goto nomem;
    s->n_lfs = m;
    s->n_classes = k;
    s->n_items = n;
    s->has_gold = gold != NULL;
    s->has_model = model != NULL && chorus_model_get_type(model) != CHORUS_MODEL_MV;
    s->polarity = calloc((size_t)m * k, 1);
    s->coverage = malloc((size_t)m * sizeof *s->coverage);
    s->overlaps = malloc((size_t)m * sizeof *s->overlaps);
    s->conflicts = malloc((size_t)m * sizeof *s->conflicts);
    s->n_votes = calloc((size_t)m, sizeof *s->n_votes);
    s->correct = calloc((size_t)m, sizeof *s->correct);
    s->incorrect = calloc((size_t)m, sizeof *s->incorrect);
    s->empirical_accuracy = malloc((size_t)m * sizeof *s->empirical_accuracy);
    s->learned_accuracy = malloc((size_t)m * sizeof *s->learned_accuracy);
    if (!s->polarity || !s->coverage || !s->overlaps || !s->conflicts || !s->n_votes ||
        !s->correct || !s->incorrect || !s->empirical_accuracy || !s->learned_accuracy)
        goto nomem;

    int64_t covered = 0, overlapped = 0, conflicted = 0;
    for (int64_t i = 0; i < n; i++) {
        const int64_t b = row_ptr[i], e = row_ptr[i + 1];
        bool conflict = false;
        for (int64_t p = b + 1; p < e && !conflict; p++)
            conflict = chorus_view_label(&w, p) != chorus_view_label(&w, b);
        covered += e > b;
        overlapped += e - b > 1;
        conflicted += conflict;
        for (int64_t p = b; p < e; p++) {
            const int32_t j = chorus_view_lf(&w, p);
            s->n_votes[j]++;
            s->polarity[(size_t)j * k + chorus_view_label(&w, p)] = 1;
            overlap_count[j] += e - b > 1;
            /* Conflict for this LF: some other LF on the item voted another class. */
            bool other = false;
            for (int64_t q = b; q < e && !other; q++)
                other = q != p && chorus_view_label(&w, q) != chorus_view_label(&w, p);
            conflict_count[j] += other;
            if (gold && gold[i] >= 0) {
                if (chorus_view_label(&w, p) == gold[i])
                    s->correct[j]++;
                else
                    s->incorrect[j]++;
            }
        }
    }
    const double dn = n > 0 ? (double)n : 1;
    for (int32_t j = 0; j < m; j++) {
        s->coverage[j] = (double)s->n_votes[j] / dn;
        s->overlaps[j] = (double)overlap_count[j] / dn;
        s->conflicts[j] = (double)conflict_count[j] / dn;
        int64_t judged = s->correct[j] + s->incorrect[j];
        s->empirical_accuracy[j] = gold && judged ? (double)s->correct[j] / (double)judged : NAN;
        s->learned_accuracy[j] = s->has_model ? chorus_model_lf_accuracy(model, j) : NAN;
    }
    s->group = malloc((size_t)m * sizeof *s->group);
    if (!s->group) goto nomem;
    for (int32_t j = 0; j < m; j++)
        s->group[j] = model ? chorus_model_lf_group(model, j) : -1;
    s->n_groups = model ? chorus_model_n_groups(model) : 0;
    s->copy_of = malloc((size_t)(m > 0 ? m : 1) * sizeof *s->copy_of);
    if (!s->copy_of) goto nomem;
    for (int32_t j = 0; j < m; j++)
        s->copy_of[j] = model ? chorus_model_lf_copy_of(model, j) : -1;
    if (model) {
        int32_t n_deps;
        const chorus_dependency *deps = chorus_model_dependencies(model, &n_deps);
        if (n_deps > 0) {
            s->dependencies = malloc((size_t)n_deps * sizeof *s->dependencies);
            if (!s->dependencies) goto nomem;
            memcpy(s->dependencies, deps, (size_t)n_deps * sizeof *deps);
            s->n_dependencies = n_deps;
        }
    }
    s->set_coverage = (double)covered / dn;
    s->set_overlap = (double)overlapped / dn;
    s->set_conflict = (double)conflicted / dn;
    free(overlap_count);
    free(conflict_count);
    *out = s;
    return CHORUS_OK;
nomem:
    free(overlap_count);
    free(conflict_count);
    chorus_lf_summary_free(s);
    return chorus_error_nomem();
}
