/* onecoin: one accuracy a_j over the votes cast, errors spread evenly; Beta prior at 1/K.
 * Abstains are ignored. */
#include <math.h>

#include "model/em_family.h"

static void mstep(int32_t m, int32_t k, const em_stats *s, const double *shape,
                  const int64_t *lf_votes, double lambda, double *theta)
{
    (void)lf_votes;
    (void)shape;
    for (int32_t j = 0; j < m; j++) {
        double right = 0, cast = 0;
        for (int32_t o = 0; o < k; o++)
            for (int32_t y = 0; y < k; y++) {
                double c = chorus_em_vote_count(s, k, j, o, y);
                cast += c;
                if (o == y) right += c;
            }
        double a = chorus_em_clamp_prob((right + lambda / k) / (cast + lambda));
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + ((size_t)j * k + y) * (k + 1);
            for (int32_t o = 0; o < k; o++)
                row[o] = o == y ? a : (1 - a) / (k - 1);
            row[k] = 0;
        }
    }
}

static double log_prior(int32_t m, int32_t k, const double *theta, const double *shape,
                        const int64_t *lf_votes, double smoothing)
{
    (void)lf_votes;
    (void)shape;
    double lp = 0;
    for (int32_t j = 0; j < m; j++) {
        double a = theta[(size_t)j * k * (k + 1)];
        lp += smoothing * (log(a) / k + (1 - 1.0 / k) * log1p(-a));
    }
    return lp;
}

const em_family chorus_em_family_onecoin = {CHORUS_MODEL_ONECOIN, false, mstep, log_prior};
