/* Which items of a vote matrix any labeling function voted on, for the probabilities. */
#ifndef CHORUS_MODEL_COVERAGE_H
#define CHORUS_MODEL_COVERAGE_H

#include "chorus/probs.h"
#include "chorus/votes.h"

/*
 * Sets probs' covered flags from the votes (a row with at least one vote is covered); the
 * two must have the same number of items. CHORUS_ENOMEM.
 */
int chorus_probs_cover_from_votes(chorus_probs *probs, const chorus_votes *votes);

#endif
