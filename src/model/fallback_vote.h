/*
 * The labels the default hands back when its check falls back to majority vote (and, when
 * the held-out-LF check finds them better there, for the tied items of a default it
 * keeps): the vote shares, with each vote weighed a little by how specific its LF is, so
 * that where classes tie the votes of the rules that fire least often decide, and nothing
 * else changes.
 */
#ifndef CHORUS_FALLBACK_VOTE_H
#define CHORUS_FALLBACK_VOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "chorus/model.h"

/*
 * Per LF its specificity in [0, 1] (n_lfs entries): log(1/f) / log(n) for an LF the model
 * says fires on a share f of the n items it was fitted on, 0 for an LF in a group and for
 * every LF of a model whose abstains are no evidence (crowd workers: answering few items
 * does not make one precise). NULL and CHORUS_ENOMEM when out of memory.
 */
int chorus_fallback_specificity(const chorus_model *model, double **out);

/*
 * The fallback's probabilities of one item from its votes lf[begin..end), label[begin..end)
 * (stored lf_width and label_width bytes each; end > begin): vote shares where LF j's vote
 * weighs 1 + specificity[j] / (v + 1) for an item with v votes. That weight never lets
 * fewer votes outweigh more (c - 1 votes weigh below (c - 1)(1 + 1/(v + 1)) < c), so only
 * ties move.
 */
void chorus_fallback_shares(const double *specificity, const void *lf, int lf_width,
                            const void *label, int label_width, int64_t begin, int64_t end,
                            int32_t k, double *q);

/*
 * Whether two or more of the k classes share the most votes among label[begin..end)
 * (`width` bytes each): where majority vote can only toss a coin, and where the rule above
 * decides. `counts` (k entries, the caller's) is left holding the votes per class.
 */
bool chorus_votes_tied(const void *label, int width, int64_t begin, int64_t end, int32_t k,
                       double *counts);

#endif
