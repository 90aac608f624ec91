/*
 * The labeling-function summary every Snorkel user knows: per LF its polarity, coverage,
 * overlaps and conflicts, with gold labels its correct and incorrect votes and empirical
 * accuracy, with a fitted model its learned accuracy; and the same for the whole set.
 */
#ifndef CHORUS_ANALYZE_H
#define CHORUS_ANALYZE_H

#include "model.h"
#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_lf_summary {
    int32_t n_lfs;
    int32_t n_classes;
    int64_t n_items;
    /* Per LF (n_lfs entries): */
    uint8_t *polarity; /* n_lfs x n_classes: 1 if the LF ever voted that class */
    double *coverage;  /* share of items it votes on */
    double *overlaps;  /* share of items it votes on together with another LF */
    double *conflicts; /* share of items on which another LF votes a different class */
    int64_t *n_votes;
    int64_t *correct;           /* with gold: votes equal to the known gold label */
    int64_t *incorrect;         /* with gold: votes differing from a known gold label */
    double *empirical_accuracy; /* correct / (correct + incorrect); NaN without gold or votes */
    double *learned_accuracy;   /* the model's; NaN without a model (or for majority vote) */
    /* The whole set: share of items with at least one vote, two votes, two classes. */
    double set_coverage;
    double set_overlap;
    double set_conflict;
    int has_gold;
    int has_model;
    /* With a model: each LF's dependency group (0-based, -1 none) and the dependencies
     * structure learning found. */
    int32_t *group;
    int32_t n_groups;
    chorus_dependency *dependencies;
    int32_t n_dependencies;
} chorus_lf_summary;

/*
 * Computes the summary. gold (n_gold entries, -1 = unknown) and model may be NULL. The
 * model must have the votes' LFs (as for chorus_model_predict). Errors: CHORUS_EINVAL for
 * mismatched sizes or gold classes out of range, CHORUS_ENOMEM.
 */
int chorus_lf_summary_compute(chorus_lf_summary **out, const chorus_votes *votes,
                              const int32_t *gold, int64_t n_gold, const chorus_model *model);

void chorus_lf_summary_free(chorus_lf_summary *summary);

#ifdef __cplusplus
}
#endif
#endif
