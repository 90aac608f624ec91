/*
 * How an EM run starts: each item's posterior before the first M-step, from its votes. The
 * engine (em.c) makes one pass with a start's item_posterior, then runs EM from the
 * parameters that pass gives; items with a clamped gold label start at it whatever the
 * start. A new initialiser (a moment-based estimate, say) is an em_init and a line in
 * chorus_em_init_for(), and the engine does not change.
 */
#ifndef CHORUS_EM_INIT_H
#define CHORUS_EM_INIT_H

#include <stdint.h>

#include "votes/votes_internal.h"

typedef struct em_init {
    const char *name;
    /* q (k entries): the starting posterior of item `item`, whose votes are w's [begin,
     * end). An item without votes gets all zeros, no weight in the first M-step. Random
     * draws come from chorus_rng_for(seed, item), so an item starts the same on any thread
     * or process. */
    void (*item_posterior)(const chorus_vote_view *w, int64_t begin, int64_t end, int32_t k,
                           uint64_t seed, int64_t item, double *q);
} em_init;

/* Majority vote's shares, and the same perturbed by noise (the restarts' start). */
extern const em_init chorus_em_init_majority;
extern const em_init chorus_em_init_perturbed;

/* The start of run number `start` of a fit: 0 is majority vote, each restart after it a
 * perturbed majority vote. */
const em_init *chorus_em_init_for(int start);

#endif
