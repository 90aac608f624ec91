#ifndef CHORUS_EM_GROUPS_MODEL_H
#define CHORUS_EM_GROUPS_MODEL_H

#include "model/em_groups.h"
#include "model/em_internal.h"

/* Doubles of all groups' P(tuple | y) tables: per group K rows of n_tuples. */
size_t em_groups_theta_size(const em_groups *g);

/* The groups' M-step from the statistics of their sources (layout offsets n_lfs + g). */
void em_groups_mstep(const em_groups *g, const em_layout *layout, bool informative,
                     const em_stats *stats, double smoothing, double *theta);

/* Adds the groups' terms to E-step parameters already set for the LFs. */
void em_groups_set_params(const em_groups *g, bool informative, const double *theta, em_params *p);

/* The log density of the groups' prior at theta. */
double em_groups_log_prior(const em_groups *g, bool informative, const double *theta,
                           double smoothing);

#endif
