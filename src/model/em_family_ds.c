/* ds: Dawid-Skene with the abstain as an output; free rows over K outputs + abstain with
 * Dirichlet(smoothing * shape_j) pseudo-counts. */
#include <math.h>

#include "model/em_family.h"

static void mstep(int32_t m, int32_t k, const em_stats *s, const double *shape,
                  const int64_t *lf_votes, double lambda, double *theta)
{
    (void)lf_votes;
    for (int32_t j = 0; j < m; j++) {
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + ((size_t)j * k + y) * (k + 1);
            double cast = 0;
            for (int32_t o = 0; o < k; o++) {
                double c = chorus_em_vote_count(s, k, j, o, y);
                cast += c;
                row[o] = c + lambda * sh[o];
            }
            double abstained = s->class_total[y] - cast;
            if (abstained < 0) abstained = 0; /* rounding */
            row[k] = abstained + lambda * sh[k];
            double z = 0;
            for (int32_t o = 0; o <= k; o++)
                z += row[o];
            for (int32_t o = 0; o <= k; o++)
                row[o] = chorus_em_clamp_prob(row[o] / z);
        }
    }
}

static double log_prior(int32_t m, int32_t k, const double *theta, const double *shape,
                        const int64_t *lf_votes, double smoothing)
{
    (void)lf_votes;
    double lp = 0;
    for (int32_t j = 0; j < m; j++) {
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            const double *row = theta + ((size_t)j * k + y) * (k + 1);
            for (int32_t o = 0; o <= k; o++)
                lp += smoothing * sh[o] * log(row[o]);
        }
    }
    return lp;
}

const em_family chorus_em_family_ds = {CHORUS_MODEL_DS, true, mstep, log_prior};
