/*
 * class-acc: a_jy = P(j votes y | y) per true class, b_jo = P(j votes o | y != o) per
 * output, so 2K parameters per LF instead of K(K+1); the abstain is what is left. Each is
 * the MAP of a Beta prior with mean shape_j(o); for an LF with one output this is the exact
 * M-step, for several it is the usual decoupled approximation.
 */
#include <math.h>

#include "model/em_family.h"

static void mstep(int32_t m, int32_t k, const em_stats *s, const double *shape,
                  const int64_t *lf_votes, double lambda, double *theta)
{
    (void)lf_votes;
    double total = 0;
    for (int32_t y = 0; y < k; y++)
        total += s->class_total[y];
    for (int32_t j = 0; j < m; j++) {
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + ((size_t)j * k + y) * (k + 1);
            double fire = 0;
            for (int32_t o = 0; o < k; o++) {
                double p;
                if (o == y) {
                    p = (chorus_em_vote_count(s, k, j, o, o) + lambda * sh[o]) /
                        (s->class_total[o] + lambda);
                } else {
                    double wrong = 0;
                    for (int32_t c = 0; c < k; c++)
                        if (c != o) wrong += chorus_em_vote_count(s, k, j, o, c);
                    p = (wrong + lambda * sh[o]) / (total - s->class_total[o] + lambda);
                }
                row[o] = chorus_em_clamp_prob(p);
                fire += row[o];
            }
            if (fire > 1 - CHORUS_EM_PROB_FLOOR) {
                for (int32_t o = 0; o < k; o++)
                    row[o] *= (1 - CHORUS_EM_PROB_FLOOR) / fire;
                fire = 1 - CHORUS_EM_PROB_FLOOR;
            }
            row[k] = 1 - fire;
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
            /* Beta terms of a_jy (row y's diagonal) and of b_jy, which every other row holds
             * in column y; take it from the next row. */
            const double *other = theta + ((size_t)j * k + (y + 1) % k) * (k + 1);
            lp += smoothing * (sh[y] * log(row[y]) + (1 - sh[y]) * log1p(-row[y]));
            lp += smoothing * (sh[y] * log(other[y]) + (1 - sh[y]) * log1p(-other[y]));
        }
    }
    return lp;
}

const em_family chorus_em_family_class_acc = {CHORUS_MODEL_CLASS_ACC, true, mstep, log_prior};
