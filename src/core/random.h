/*
 * Counter-based random numbers: the draw for (seed, stream, index) never depends on how
 * work is split between threads, which keeps parallel generators deterministic.
 */
#ifndef CHORUS_RANDOM_H
#define CHORUS_RANDOM_H

#include <stdint.h>

/* SplitMix64's finaliser: a well-mixed 64-bit hash of x. */
static inline uint64_t chorus_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A small sequential generator seeded from a hash of (seed, stream). */
typedef struct chorus_rng {
    uint64_t state;
} chorus_rng;

static inline chorus_rng chorus_rng_for(uint64_t seed, uint64_t stream)
{
    chorus_rng r = {chorus_mix64(seed ^ chorus_mix64(stream))};
    return r;
}

static inline uint64_t chorus_rng_next(chorus_rng *r)
{
    r->state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = r->state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double chorus_rng_uniform(chorus_rng *r)
{
    return (double)(chorus_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0 (the bias of a 64-bit modulo is negligible here). */
static inline uint64_t chorus_rng_below(chorus_rng *r, uint64_t n)
{
    return chorus_rng_next(r) % n;
}

#endif
