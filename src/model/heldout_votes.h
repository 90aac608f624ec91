/* The held-out-vote choice of the default model for LFs that vote several classes. */
#ifndef CHORUS_HELDOUT_VOTES_H
#define CHORUS_HELDOUT_VOTES_H

#include "chorus/model.h"
#include "model/fit_shard.h"

/*
 * Scores each model chorus_heldout_votes_model() names, fitted on the sampled votes without
 * one fold at a time, by its labels' agreement with the hidden votes (heldout_votes.c), fills
 * model->check.heldout_votes_*, and sets *better to the model the default should be
 * refitted as (model->type when none wins clearly). shard: NULL, or this process's part;
 * every process gets the same answer. CHORUS_ENOMEM.
 */
int chorus_model_run_heldout_votes(chorus_model *model, const chorus_votes *votes,
                                   const chorus_fit_options *opts, const fit_shard *shard,
                                   chorus_model_type *better);

#endif
