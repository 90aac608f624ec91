/*
 * Synthetic vote matrices with known truth, for tests and benchmarks: each item draws a
 * class from the class balance, each LF fires with its coverage and, when it fires, votes
 * the true class with its accuracy and otherwise a uniformly drawn wrong class.
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
    /* Share of the first class; the rest is split evenly. 0 = balanced. */
    double first_class_share;
    uint64_t seed;
    /* Correlated LFs: the first copy_groups * copy_group_size LFs form groups; in each, the
     * first LF votes as usual and the others copy its vote (and its abstains) exactly. */
    int32_t copy_groups;
    int32_t copy_group_size;
} chorus_synth_options;

#define CHORUS_SYNTH_OPTIONS_VERSION 1
#define CHORUS_SYNTH_OPTIONS_INIT                                                                  \
    {                                                                                              \
        CHORUS_SYNTH_OPTIONS_VERSION, 10000, 50, 2, 0.6, 0.9, 0.1, 0.3, 0.0, 1, 0, 0               \
    }

int chorus_synth_options_check(const chorus_synth_options *opts);

/*
 * Draws a vote matrix and its truth (out_gold has n_items entries; chorus_free it).
 * The result depends only on the options, including the seed, not on the thread count.
 */
int chorus_synth(chorus_votes **out_votes, int32_t **out_gold, const chorus_synth_options *opts);

#ifdef __cplusplus
}
#endif
#endif
