/*
 * Labeling functions that vote exactly as another on every item fitted: the same rule
 * written twice, a prompt asked again with the same answers. A model that takes them as
 * independent counts one source's evidence once per copy (undeclared copies cost the
 * default 4.3 points against majority vote on `chorus synth --copies 5:4 --seed 3`), and
 * majority vote counts its votes as many times. The fit treats each set of identical LFs
 * as one source, its first LF: the others' votes are left out of the fit and out of the
 * model's predictions (a default that falls back to majority vote counts every vote, as
 * majority vote does).
 */
#ifndef CHORUS_MODEL_LF_COPIES_H
#define CHORUS_MODEL_LF_COPIES_H

#include <stdint.h>

#include "chorus/model.h"
#include "chorus/votes.h"
#include "model/fit_shard.h"

/*
 * Fewest votes an LF casts for identical columns to count as copies. Two independent
 * voters agree on an item with probability about a^2 + (1 - a)^2 for accuracy a, so n
 * identical answers by chance have probability 0.82^n at a = 0.9 (5e-5 at n = 50) and
 * 0.905^n at a = 0.95 (0.7%); and two voters that accurate lose little by being counted
 * once. Crowd workers who answered the same 20 items alike (six such pairs in the RTE
 * set) are not copies by this rule; rules firing on the same hundreds of items are.
 */
#define CHORUS_COPIES_MIN_VOTES 50

/*
 * Per LF the LF it copies (the first of its set, by index), or -1: the LFs whose votes
 * (item, class) are the same as another's on every item of the matrix, with at least
 * CHORUS_COPIES_MIN_VOTES votes. counts[j * K + c] are LF j's votes for class c over the
 * whole matrix (chorus_lf_class_counts): only LFs whose counts another LF shares are
 * compared further, by a 60-bit signature of each column (three 20-bit hash sums and the
 * vote count) summed over the processes of a sharded fit, so every process finds the same,
 * and a matrix without such LFs costs no pass over its votes. *out is NULL when no LF is a
 * copy (else free it). CHORUS_ENOMEM (also for counts NULL), or the exchange's error.
 */
int chorus_lf_copies_find(int32_t **out, const chorus_votes *votes, const fit_shard *shard,
                          const int64_t *counts);

/*
 * The votes without those of the LFs with copy_of[j] >= 0: the same items, LFs, classes
 * and names. CHORUS_ENOMEM.
 */
int chorus_votes_without_copies(chorus_votes **out, const chorus_votes *votes,
                                const int32_t *copy_of);

/* Hands copy_of (from chorus_lf_copies_find) to a model fitted without the copies' votes.
 * A copy keeps the table fitted to it there, that of an LF that never votes, so its
 * abstains say nothing: the original's table would count its silences again. */
void chorus_model_set_copies(chorus_model *model, int32_t *copy_of);

/* The votes a model with copies predicts from (chorus_votes_without_copies), or *out NULL
 * when the model has none and the votes serve as they are. CHORUS_ENOMEM. */
int chorus_model_votes_without_copies(chorus_votes **out, const chorus_model *model,
                                      const chorus_votes *votes);

#endif
