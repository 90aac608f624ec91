/*
 * Synthetic vote matrices with known truth, for tests and for judging label models across
 * regimes. Each item draws a class from the class balance; each LF then votes or abstains
 * on it according to its kind:
 *
 *  - a multi-class LF (a crowd worker, a model) fires with its coverage whatever the class
 *    and, when it fires, votes the true class with its accuracy (optionally one accuracy
 *    per true class) and otherwise a uniformly drawn wrong class;
 *  - a one-class LF (a keyword or regex rule) has a polarity class c and only ever votes c
 *    or abstains. Its coverage is its overall firing rate P(votes) and its accuracy the
 *    precision of its votes P(true class = c | votes); with pi_c the share of class c it
 *    fires with probability coverage * accuracy / pi_c on items of class c and
 *    coverage * (1 - accuracy) / (1 - pi_c) on the others.
 *
 * Coverage and accuracy are drawn uniformly from their ranges. A one-class LF whose drawn
 * pair is impossible (a firing probability above 1: it cannot vote on 30% of the items with
 * 90% precision when its class is 10% of them) keeps its accuracy and gets the largest
 * feasible coverage, min(pi_c / accuracy, (1 - pi_c) / (1 - accuracy)); chorus_synth_lf
 * says which LFs were clamped. "Chance" is 1/K for a multi-class LF and pi_c for a one-class
 * LF; an adversarial LF turns a drawn accuracy a into chance * (1 - a) / (1 - 1/K), as far
 * below chance as a is above 1/K (for K = 2 multi-class LFs: 1 - a).
 */
#ifndef CHORUS_SYNTH_H
#define CHORUS_SYNTH_H

#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_synth_options {
    unsigned version;
    int64_t n_items;
    int32_t n_lfs;
    int32_t n_classes;
    /* Each LF's accuracy and coverage are drawn uniformly from these ranges. */
    double accuracy_min, accuracy_max;
    double coverage_min, coverage_max;
    /* Share of the first class; the rest is split evenly. 0 = balanced (see also imbalance
     * and class_balance; at most one of the three may be set). */
    double first_class_share;
    uint64_t seed;
    /* Copied LFs: the first copy_groups * copy_group_size LFs form groups; in each, the
     * first LF votes as usual and the others copy its vote (and its abstains) exactly. */
    int32_t copy_groups;
    int32_t copy_group_size;

    /* Version 2. */

    /* Share of the sources that are one-class LFs: 0 = every LF is multi-class (version 1),
     * 1 = every LF is one-class. A source is an LF that is no follower, so a copy or
     * correlated group counts once and its followers share the leader's kind and polarity;
     * round(share * sources) sources, picked from the seed, are one-class, and their
     * polarities are spread evenly over the classes in an order drawn from the seed. */
    double one_class_share;
    /* Multi-class LFs draw one accuracy per true class from the accuracy range (their
     * confusion depends on the class) instead of one for all classes. */
    int class_accuracy;
    /* Class imbalance R >= 1: class k gets a share proportional to R^(-k / (K - 1)), so
     * class 0 is R times as frequent as class K - 1, geometrically spaced. 0 = not used. */
    double imbalance;
    /* The share of every class: n_classes values, each > 0, summing to 1 within 1e-6;
     * borrowed for the call. NULL = not used. */
    const double *class_balance;
    /* Partially correlated LFs, placed after the copy groups: correlated_groups groups of
     * correlated_group_size LFs. On each item every follower outputs its group's first LF's
     * output (its vote or its abstain) with probability `correlation`, and otherwise votes
     * independently with its own coverage and accuracy. */
    int32_t correlated_groups;
    int32_t correlated_group_size;
    double correlation;
    /* Share of the LFs with parameters of their own (all but exact copies, which includes
     * followers with correlation 1) whose accuracy is below chance; round(share * those LFs) of
     * them, picked from the seed. Needs accuracy_min > 1/K. */
    double adversarial_share;

    /* Version 3. */

    /* chorus_synth(): NULL, or called as items are drawn (common.h), from the calling
     * thread; the draws do not depend on it. */
    chorus_progress_fn progress;
    void *progress_ctx;

    /* Version 4. */

    /* Narrow rules are the precise ones: instead of drawing an LF's accuracy independently
     * of its coverage, the LF with the lowest coverage of the range gets the top of the
     * accuracy range, falling linearly to its bottom at the highest coverage (the draws
     * are the same; only the accuracy is set from the coverage). Applied before the
     * adversarial LFs are turned below chance. */
    int narrow_precise;

    /* Version 5. */

    /* Items that draw many votes and items that draw none, whatever their class, as text
     * length and prototypical wording make keyword rules fire together: each item draws a
     * standard normal z and every LF fires on it when Phi(sqrt(s) z + sqrt(1 - s) e) is
     * below its firing rate, e its own standard normal, s this salience in [0, 1). Each
     * LF's firing rate on each class, and so its coverage and accuracy, stay what they are
     * without it; two LFs then fire together more often than their class explains (given
     * the class, their firing has the correlation s before thresholding). 0 = independent
     * given the class, as in versions 1-4. */
    double salience;
} chorus_synth_options;

/* Versions 1 (without the fields after copy_group_size), 2 (without progress), 3 (without
 * narrow_precise) and 4 (without salience) are still accepted. */
#define CHORUS_SYNTH_OPTIONS_VERSION 5
#define CHORUS_SYNTH_OPTIONS_INIT                                                                  \
    {                                                                                              \
        CHORUS_SYNTH_OPTIONS_VERSION, 10000, 50, 2, 0.6, 0.9, 0.1, 0.3, 0.0, 1, 0, 0, 0.0, 0, 0.0, \
            NULL, 0, 0, 0.0, 0.0, NULL, NULL, 0, 0.0                                               \
    }

/* CHORUS_OK, or CHORUS_EINVAL with a message naming the bad option and its allowed range. */
int chorus_synth_options_check(const chorus_synth_options *opts);

/*
 * Draws a vote matrix and its truth (out_gold has n_items entries; chorus_free it).
 * The result depends only on the options, including the seed, not on the thread count.
 */
int chorus_synth(chorus_votes **out_votes, int32_t **out_gold, const chorus_synth_options *opts);

typedef enum chorus_synth_lf_kind {
    CHORUS_SYNTH_MULTI_CLASS = 0, /* votes any class */
    CHORUS_SYNTH_ONE_CLASS = 1    /* votes its polarity or abstains */
} chorus_synth_lf_kind;

/*
 * The truth about one LF of a synthetic matrix: the marginal behaviour a label model could
 * learn from its votes alone. For a correlated follower that is the mixture of copying its
 * leader (with probability rho) and voting on its own; for an exact copy, its leader's.
 */
typedef struct chorus_synth_lf {
    chorus_synth_lf_kind kind;
    int32_t polarity; /* one-class: the class it votes; multi-class: -1 */
    int32_t leader;   /* copies and correlated followers: the LF they follow; else -1 */
    int adversarial;  /* its accuracy was drawn below chance */
    int clamped;      /* its coverage was lowered to the largest feasible one */
    double rho;       /* probability of copying the leader: 1 for copies, 0 for no leader */
    double coverage;  /* P(it votes) */
    double accuracy;  /* P(its vote is the true class | it votes) */
    double chance;    /* the accuracy of random votes: 1/K, or the polarity's class share */
    const double *class_coverage; /* n_classes entries: P(it votes | true class y) */
    const double *class_accuracy; /* n_classes entries: P(vote = y | true class y, it votes) */
} chorus_synth_lf;

/*
 * The truth about every LF that chorus_synth draws with the same options: *out has n_lfs
 * entries, their class_* arrays live in the same allocation; chorus_free(*out) frees all.
 * Errors: CHORUS_EINVAL for bad options, CHORUS_ENOMEM.
 */
int chorus_synth_lf_truth(chorus_synth_lf **out, const chorus_synth_options *opts);

/*
 * Writes the LF truth as CSV, one row per LF: lf (its index; its name in the votes is
 * lf<index>), kind (one-class or multi-class), polarity, coverage, accuracy, chance,
 * adversarial, leader, rho, clamped, class_coverage and class_accuracy (n_classes numbers
 * separated by spaces). Written to a temporary file and renamed. Errors: CHORUS_EWRITE.
 */
int chorus_synth_lf_truth_write(const chorus_synth_lf *lfs, int32_t n_lfs, int32_t n_classes,
                                const char *path);

#ifdef __cplusplus
}
#endif
#endif
