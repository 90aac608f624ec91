/*
 * One EM label-model family: how its parameters are re-estimated from an E-step's
 * statistics (the M-step), the log density of their prior (for the MAP objective), and
 * whether an abstain is an observation. The EM engine (em.c) calls only this interface.
 *
 * Every family hands its parameters to the engine in one form, theta: per LF and true
 * class y a distribution theta[j][y][o] over the outputs o (K classes, then the abstain).
 * From theta the engine computes each item's posterior and the sufficient statistics
 * (em_internal.h); a family decides only how theta is constrained and smoothed. A new
 * parameterisation is a new em_family_*.c file and a line in the table of em_family.c.
 */
#ifndef CHORUS_EM_FAMILY_H
#define CHORUS_EM_FAMILY_H

#include "model/em_internal.h"

typedef struct em_family {
    chorus_model_type type;
    /* Whether abstains are observations of the model (ds, class-acc) or ignored. */
    bool abstain_informative;
    /* theta (n_lfs x K x (K+1)) from the statistics, with a prior of strength `smoothing`
     * centred on each LF's output shape; lf_votes[j] is the number of votes LF j cast on
     * the items fitted (the same at every iteration). */
    void (*mstep)(int32_t n_lfs, int32_t n_classes, const em_stats *stats, const double *shape,
                  const int64_t *lf_votes, double smoothing, double *theta);
    /* The log density (up to a constant) of that prior at theta. */
    double (*log_prior)(int32_t n_lfs, int32_t n_classes, const double *theta, const double *shape,
                        const int64_t *lf_votes, double smoothing);
} em_family;

/* The family fitted for `type`; NULL for majority vote and auto (not EM families). */
const em_family *chorus_em_family(chorus_model_type type);

extern const em_family chorus_em_family_ds;
extern const em_family chorus_em_family_ds_noabstain;
extern const em_family chorus_em_family_class_acc;
extern const em_family chorus_em_family_onecoin;
extern const em_family chorus_em_family_pooled;

/* Keeps every modelled probability strictly inside (0, 1). */
#define CHORUS_EM_PROB_FLOOR 1e-12

static inline double chorus_em_clamp_prob(double x)
{
    return x < CHORUS_EM_PROB_FLOOR       ? CHORUS_EM_PROB_FLOOR
           : x > 1 - CHORUS_EM_PROB_FLOOR ? 1 - CHORUS_EM_PROB_FLOOR
                                          : x;
}

/* N_j[o][y]: weighted count of items of class y on which LF j voted o. */
static inline double chorus_em_vote_count(const em_stats *s, int32_t k, int32_t j, int32_t o,
                                          int32_t y)
{
    return s->votes[((size_t)j * k + o) * k + y];
}

#endif
