/*
 * pooled: one confusion matrix over the votes cast, shared by every LF (Dawid-Skene with
 * the LFs pooled); abstains are ignored. For crowd workers with a few answers each, whose
 * own K x K tables cannot be estimated from their answers, it learns from all of them at
 * once how often a vote is right for each true class; what it gives up is telling the
 * good workers from the bad. The prior is centred on the pooled output shape (the share
 * of the votes cast for each class): with no evidence a vote says nothing of the class.
 */
#include <math.h>

#include "model/em_family.h"

/* The pooled shape of the votes cast: each LF's shape summed, without the abstain. */
static void pooled_shape(int32_t m, int32_t k, const double *shape, double *out)
{
    double z = 0;
    for (int32_t o = 0; o < k; o++) {
        out[o] = 0;
        for (int32_t j = 0; j < m; j++)
            out[o] += shape[(size_t)j * (k + 1) + o];
        z += out[o];
    }
    for (int32_t o = 0; o < k; o++)
        out[o] = z > 0 ? out[o] / z : 1.0 / k;
}

static void mstep(int32_t m, int32_t k, const em_stats *s, const double *shape, double lambda,
                  double *theta)
{
    if (m == 0) return;
    double centre[CHORUS_MAX_CLASSES];
    pooled_shape(m, k, shape, centre);
    /* LF 0's rows hold the pooled table; the other LFs copy them. */
    for (int32_t y = 0; y < k; y++) {
        double *row = theta + (size_t)y * (k + 1), z = 0;
        for (int32_t o = 0; o < k; o++) {
            double c = lambda * centre[o];
            for (int32_t j = 0; j < m; j++)
                c += chorus_em_vote_count(s, k, j, o, y);
            row[o] = c;
            z += c;
        }
        for (int32_t o = 0; o < k; o++)
            row[o] = chorus_em_clamp_prob(row[o] / z);
        row[k] = 0;
    }
    for (int32_t j = 1; j < m; j++)
        for (size_t x = 0; x < (size_t)k * (k + 1); x++)
            theta[(size_t)j * k * (k + 1) + x] = theta[x];
}

static double log_prior(int32_t m, int32_t k, const double *theta, const double *shape,
                        double smoothing)
{
    if (m == 0) return 0;
    double centre[CHORUS_MAX_CLASSES], lp = 0;
    pooled_shape(m, k, shape, centre);
    /* One table, one prior: it is counted once, not once per LF. */
    for (int32_t y = 0; y < k; y++)
        for (int32_t o = 0; o < k; o++)
            lp += smoothing * centre[o] * log(theta[(size_t)y * (k + 1) + o]);
    return lp;
}

const em_family chorus_em_family_pooled = {CHORUS_MODEL_POOLED, false, mstep, log_prior};
