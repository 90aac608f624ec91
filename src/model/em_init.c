/* EM's starts (em_init.h). */
#include "model/em_init.h"

#include "core/random.h"

/* How far a restart's starting posteriors move from majority vote. */
#define RESTART_NOISE 0.5

/*
 * Each item's vote shares. An item nobody voted on gets no weight at all (not a uniform
 * posterior): majority vote says nothing about it, and with many uncovered items a uniform
 * start lets them decide what the first M-step thinks an abstain means.
 */
static void majority_posterior(const chorus_vote_view *w, int64_t begin, int64_t end, int32_t k,
                               uint64_t seed, int64_t item, double *q)
{
    (void)seed;
    (void)item;
    for (int32_t y = 0; y < k; y++)
        q[y] = 0;
    for (int64_t v = begin; v < end; v++)
        q[chorus_view_label(w, v)] += 1.0 / (double)(end - begin);
}

/* The vote shares plus uniform noise, renormalised; an item without votes stays at zero. */
static void perturbed_posterior(const chorus_vote_view *w, int64_t begin, int64_t end, int32_t k,
                                uint64_t seed, int64_t item, double *q)
{
    majority_posterior(w, begin, end, k, seed, item, q);
    if (end == begin) return;
    chorus_rng rng = chorus_rng_for(seed, (uint64_t)item);
    double z = 0;
    for (int32_t y = 0; y < k; y++) {
        q[y] += RESTART_NOISE * chorus_rng_uniform(&rng);
        z += q[y];
    }
    for (int32_t y = 0; y < k; y++)
        q[y] /= z;
}

const em_init chorus_em_init_majority = {"majority vote", majority_posterior};
const em_init chorus_em_init_perturbed = {"perturbed majority vote", perturbed_posterior};

const em_init *chorus_em_init_for(int start)
{
    return start == 0 ? &chorus_em_init_majority : &chorus_em_init_perturbed;
}
