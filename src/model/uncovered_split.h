/*
 * How the items without votes split among the classes, and whether the votes settle it
 * (the default model's check). Every item without a vote gets the same distribution, so one
 * class wins all of them at once; where the likelihood of the votes is as high with that
 * class losing, the class is the fit's starting point speaking, not the votes.
 */
#ifndef CHORUS_MODEL_UNCOVERED_SPLIT_H
#define CHORUS_MODEL_UNCOVERED_SPLIT_H

#include "chorus/model.h"
#include "model/fit_shard.h"

/*
 * For a fitted EM model without groups: the class c0 the items without votes get; for each
 * other class c, refits with the class prior fixed at the fitted one with a growing share of
 * c0's mass moved to c, until c wins those items or the log-posterior has dropped by more
 * than CHORUS_UNCOVERED_SPLIT_MARGIN. When some c wins within the margin, marks c0 and every
 * such c (model->uncovered_unsettled, check.n_uncovered_unsettled). opts: the fit's options.
 * shard: NULL, or this process's part; every process gets the same answer. CHORUS_ENOMEM.
 */
int chorus_uncovered_split_check(chorus_model *model, const chorus_votes *votes,
                                 const chorus_fit_options *opts, const fit_shard *shard);

/* Gives the classes marked for an item without votes (one-LF classes, one_lf_classes.h, and
 * classes the split check left unsettled) each the mean of their probabilities in q
 * (n_classes, summing to 1); the other classes keep theirs. */
void chorus_uncovered_even(const chorus_model *model, double *q);

#endif
