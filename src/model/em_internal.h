/* Pieces of the EM label models shared by the fit, the M-step families and the guard. */
#ifndef CHORUS_EM_INTERNAL_H
#define CHORUS_EM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "chorus/model.h"

/*
 * The parameters in the form the E-step uses. For item i with votes (j, o):
 *   log P(y, votes_i) = base[y] + sum over votes of delta[(j * K + o) * K + y]
 * where base folds in the log prior and, when abstains are evidence, every LF's log
 * P(abstain | y), and delta replaces LF j's abstain term by its vote's.
 */
typedef struct em_params {
    int32_t n_lfs;
    int32_t n_classes;
    double *delta; /* n_lfs x K (output) x K (class) */
    double *base;  /* K */
} em_params;

int chorus_em_params_alloc(em_params *p, int32_t n_lfs, int32_t n_classes);
void chorus_em_params_free(em_params *p);

/* Fills p from theta (n_lfs x K x (K+1)) and the class prior. */
void chorus_em_params_set(em_params *p, const double *theta, const double *prior,
                          bool abstain_informative);

/* Posterior of one item (q has K entries); returns log P(votes_i) (or log P(y, votes_i)
 * when the item's gold class is clamped, gold >= 0). */
double chorus_em_item_posterior(const em_params *p, const int32_t *lf, const int32_t *label,
                                int64_t count, int32_t gold, double *q);

/*
 * The LF's overall output distribution with a floor, the neutral point the Dirichlet prior
 * shrinks toward: shape[j * (K+1) + o] for o < K the share of items j voted o, [K] the
 * abstain share. Every entry is at least CHORUS_EM_SHAPE_FLOOR.
 */
#define CHORUS_EM_SHAPE_FLOOR 1e-6
void chorus_em_output_shape(const int64_t *vote_counts, int64_t n_items, int32_t n_lfs,
                            int32_t n_classes, double *shape);

/* Sufficient statistics of one E-step. */
typedef struct em_stats {
    double *votes;       /* n_lfs x K (output) x K (class): sum of q_i(y) where j voted o */
    double *class_total; /* K: sum of q_i(y) */
    double loglik;
} em_stats;

/* Whether the model's likelihood includes the abstains. */
bool chorus_em_abstain_informative(chorus_model_type type);

/*
 * M-step of one parameterisation: theta (n_lfs x K x (K+1)) from the statistics, with a
 * Dirichlet (Beta) prior of strength `smoothing` centred on the LF's output shape.
 */
void chorus_em_mstep(chorus_model_type type, int32_t n_lfs, int32_t n_classes,
                     const em_stats *stats, const double *shape, double smoothing,
                     double *theta);

/* The log density (up to a constant) of that prior at theta, for the MAP objective. */
double chorus_em_log_prior(chorus_model_type type, int32_t n_lfs, int32_t n_classes,
                           const double *theta, const double *shape, double smoothing);

/*
 * Relabels the model's latent classes so its hard labels agree best with majority vote
 * (on items where majority vote has a single winner). Sets model->classes_permuted.
 */
int chorus_em_align_with_majority(chorus_model *model, const chorus_votes *votes, int n_threads);

#endif
