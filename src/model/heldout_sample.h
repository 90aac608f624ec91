/*
 * What the two held-out checks share: the sample of items they refit on (every stride-th
 * item, the same on every process), and how a held-out vote is scored against a labeling.
 */
#ifndef CHORUS_HELDOUT_SAMPLE_H
#define CHORUS_HELDOUT_SAMPLE_H

#include <stdint.h>

#include "chorus/model.h"
#include "chorus/votes.h"
#include "model/fit_shard.h"

/* An int32 CSR matrix of the sampled items, the same on every process. */
typedef struct chorus_sample_matrix {
    int64_t n;
    int64_t *row_ptr;
    int32_t *lf;
    int32_t *label;
} chorus_sample_matrix;

/* The stride that keeps a sample of n items at CHORUS_HELDOUT_MAX_ITEMS items or fewer. */
int64_t chorus_sample_stride(int64_t n);

/* Every stride-th item of the whole matrix (shard: NULL, or this process's part of it). A
 * failure leaves what was allocated in s, for chorus_sample_matrix_free. */
int chorus_sample_matrix_build(const chorus_votes *votes, const fit_shard *shard, int64_t stride,
                               chorus_sample_matrix *s);
void chorus_sample_matrix_free(chorus_sample_matrix *s);

/*
 * Fits a model of `type` to `sample` with the user's options but on one thread, from one
 * start and silently: a check after the fit runs many such fits in parallel, and they are
 * no part of the fit's progress. *out is NULL on failure.
 */
int chorus_sample_fit(chorus_model **out, const chorus_votes *sample, chorus_model_type type,
                      const chorus_fit_options *opts);

/* The share of the tied top classes of q[0..k) that is class `vote` (0 if it is not one):
 * how far a labeling names a vote, a tie counting as a coin. */
double chorus_tie_split_agreement(const double *q, int32_t k, int32_t vote);

#endif
