/* Learning which LFs depend on each other from the votes alone. */
#ifndef CHORUS_EM_STRUCTURE_H
#define CHORUS_EM_STRUCTURE_H

#include "model/model_internal.h"

/* Largest group structure learning builds, and most LFs it examines (pairs are m^2). */
#define CHORUS_STRUCTURE_MAX_GROUP 6
#define CHORUS_STRUCTURE_MAX_LFS 4096

/*
 * Compares, for every pair of LFs modelled independently by `model`, how often they vote
 * the same class on an item with how often the fitted model expects them to if they were
 * independent given the class. Pairs voting together far more often (z >= 5, at least 10
 * items, 1.5 times or more the expectation) are dependencies; they are merged into groups
 * of at most CHORUS_STRUCTURE_MAX_GROUP LFs, strongest first, added to the groups the
 * model already has. *out_lf_group gets the per-LF group ids (free it), or NULL if no
 * dependency was found. The pairs found are recorded in model->dependencies.
 */
int chorus_em_learn_structure(chorus_model *model, const chorus_votes *votes,
                              int32_t **out_lf_group);

#endif
