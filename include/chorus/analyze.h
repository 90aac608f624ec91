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
    /* Per LF the LF it copies (chorus_model_lf_copy_of: fitted as one source with it), -1
     * for none or without a model. */
    int32_t *copy_of;
} chorus_lf_summary;

/*
 * Computes the summary. gold (n_gold entries, -1 = unknown) and model may be NULL. The
 * model must have the votes' LFs (as for chorus_model_predict). Errors: CHORUS_EINVAL for
 * mismatched sizes or gold classes out of range, CHORUS_ENOMEM.
 */
int chorus_lf_summary_compute(chorus_lf_summary **out, const chorus_votes *votes,
                              const int32_t *gold, int64_t n_gold, const chorus_model *model);

void chorus_lf_summary_free(chorus_lf_summary *summary);

/*
 * Prompt sensitivity: how much the answers of an llm LF depend on the wording of its prompt.
 * Each dependency group of two or more LFs is taken as the variants of one prompt (the
 * `variants:` or `paraphrases:` of an llm LF, named name#1, name#2, ... in one group).
 * Pairs of variants are compared on the items both vote on (abstains left out, so an
 * unparsed answer lowers coverage, not agreement).
 */
typedef struct chorus_prompt_variants {
    int32_t group;      /* the group id given for these LFs */
    int32_t n_variants; /* n below */
    int32_t *lfs;       /* n: the LFs (columns of the votes), in column order */
    double *coverage;   /* n: share of all items the variant votes on */
    int64_t *n_votes;   /* n */
    /* n x n, row-major, symmetric: items both vote on; of those the share voted alike
     * (NaN when none); Cohen's kappa on them (NaN when none, or when chance agreement is 1:
     * both always vote one same class). The diagonal is the variant with itself. */
    int64_t *n_both;
    double *agreement;
    double *kappa;
    int64_t n_compared; /* items at least two variants vote on */
    int64_t n_flipped;  /* of those, items on which two variants vote different classes */
    double flip_rate;   /* n_flipped / n_compared; NaN when n_compared is 0 */
    /* With gold: per variant its votes on items with a gold label, the correct ones, and
     * their share (NaN without gold or such votes). */
    int64_t *n_gold_votes;
    int64_t *n_correct;
    double *accuracy;
} chorus_prompt_variants;

typedef struct chorus_prompt_sensitivity {
    int32_t n_groups; /* groups of two or more LFs, in order of their first LF */
    chorus_prompt_variants *groups;
    int has_gold;
} chorus_prompt_sensitivity;

/*
 * Computes the prompt sensitivity of every group of two or more LFs. group has an entry per
 * LF of votes: its group id (0..n_lfs - 1), or -1 for none. gold (n_gold entries, -1 =
 * unknown) may be NULL. Errors: CHORUS_EINVAL for a NULL group, mismatched sizes or gold
 * classes out of range; CHORUS_ENOMEM. Free with chorus_prompt_sensitivity_free.
 */
int chorus_prompt_sensitivity_compute(chorus_prompt_sensitivity **out, const chorus_votes *votes,
                                      const int32_t *group, const int32_t *gold, int64_t n_gold);

void chorus_prompt_sensitivity_free(chorus_prompt_sensitivity *sensitivity);

#ifdef __cplusplus
}
#endif
#endif
