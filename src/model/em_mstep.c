/*
 * M-steps of the four EM parameterisations. Each LF j has, for every true class y, a
 * distribution theta[j][y][o] over its outputs o (K classes, then the abstain). Every prior
 * is centred on the LF's overall output distribution (its "shape"): with no evidence an LF
 * fires the same way whatever the class, i.e. carries no signal. That keeps unipolar LFs
 * (one class or abstain, most weak-supervision LFs) from being pulled toward outputs they
 * never produce, which is what makes symmetric smoothing collapse.
 */
#include <math.h>

#include "model/em_internal.h"

/* Keeps every modelled probability strictly inside (0, 1). */
#define PROB_FLOOR 1e-12

bool chorus_em_abstain_informative(chorus_model_type type)
{
    return type == CHORUS_MODEL_DS || type == CHORUS_MODEL_CLASS_ACC;
}

static double clamp_prob(double x)
{
    return x < PROB_FLOOR ? PROB_FLOOR : x > 1 - PROB_FLOOR ? 1 - PROB_FLOOR : x;
}

/* N_j[o][y]: weighted count of items of class y on which LF j voted o. */
static double vote_count(const em_stats *s, int32_t k, int32_t j, int32_t o, int32_t y)
{
    return s->votes[((size_t)j * k + o) * k + y];
}

/* ds: free rows over K outputs + abstain, Dirichlet(smoothing * shape_j) pseudo-counts. */
static void mstep_ds(int32_t m, int32_t k, const em_stats *s, const double *shape, double lambda,
                     double *theta)
{
    for (int32_t j = 0; j < m; j++) {
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + ((size_t)j * k + y) * (k + 1);
            double cast = 0;
            for (int32_t o = 0; o < k; o++) {
                double c = vote_count(s, k, j, o, y);
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
                row[o] = clamp_prob(row[o] / z);
        }
    }
}

/* ds-noabstain: rows over the votes cast only; the prior is the shape without abstains. */
static void mstep_ds_noabstain(int32_t m, int32_t k, const em_stats *s, const double *shape,
                               double lambda, double *theta)
{
    for (int32_t j = 0; j < m; j++) {
        const double *sh = shape + (size_t)j * (k + 1);
        double cast_share = 1 - sh[k];
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + ((size_t)j * k + y) * (k + 1);
            double z = 0;
            for (int32_t o = 0; o < k; o++) {
                row[o] = vote_count(s, k, j, o, y) + lambda * sh[o] / cast_share;
                z += row[o];
            }
            for (int32_t o = 0; o < k; o++)
                row[o] = clamp_prob(row[o] / z);
            row[k] = 0;
        }
    }
}

/*
 * class-acc: a_jy = P(j votes y | y) per true class, b_jo = P(j votes o | y != o) per
 * output, so 2K parameters per LF instead of K(K+1). Each is the MAP of a Beta prior with
 * mean shape_j(o); for an LF with one output this is the exact M-step, for several it is
 * the usual decoupled approximation (the abstain is what is left).
 */
static void mstep_class_acc(int32_t m, int32_t k, const em_stats *s, const double *shape,
                            double lambda, double *theta)
{
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
                    p = (vote_count(s, k, j, o, o) + lambda * sh[o]) / (s->class_total[o] + lambda);
                } else {
                    double wrong = 0;
                    for (int32_t c = 0; c < k; c++)
                        if (c != o) wrong += vote_count(s, k, j, o, c);
                    p = (wrong + lambda * sh[o]) / (total - s->class_total[o] + lambda);
                }
                row[o] = clamp_prob(p);
                fire += row[o];
            }
            if (fire > 1 - PROB_FLOOR) {
                for (int32_t o = 0; o < k; o++)
                    row[o] *= (1 - PROB_FLOOR) / fire;
                fire = 1 - PROB_FLOOR;
            }
            row[k] = 1 - fire;
        }
    }
}

/* onecoin: one accuracy a_j over the votes cast, errors spread evenly; Beta prior at 1/K. */
static void mstep_onecoin(int32_t m, int32_t k, const em_stats *s, double lambda, double *theta)
{
    for (int32_t j = 0; j < m; j++) {
        double right = 0, cast = 0;
        for (int32_t o = 0; o < k; o++)
            for (int32_t y = 0; y < k; y++) {
                double c = vote_count(s, k, j, o, y);
                cast += c;
                if (o == y) right += c;
            }
        double a = clamp_prob((right + lambda / k) / (cast + lambda));
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + ((size_t)j * k + y) * (k + 1);
            for (int32_t o = 0; o < k; o++)
                row[o] = o == y ? a : (1 - a) / (k - 1);
            row[k] = 0;
        }
    }
}

void chorus_em_mstep(chorus_model_type type, int32_t n_lfs, int32_t n_classes,
                     const em_stats *stats, const double *shape, double smoothing, double *theta)
{
    switch (type) {
    case CHORUS_MODEL_DS:
        mstep_ds(n_lfs, n_classes, stats, shape, smoothing, theta);
        break;
    case CHORUS_MODEL_DS_NOABSTAIN:
        mstep_ds_noabstain(n_lfs, n_classes, stats, shape, smoothing, theta);
        break;
    case CHORUS_MODEL_CLASS_ACC:
        mstep_class_acc(n_lfs, n_classes, stats, shape, smoothing, theta);
        break;
    default:
        mstep_onecoin(n_lfs, n_classes, stats, smoothing, theta);
        break;
    }
}

double chorus_em_log_prior(chorus_model_type type, int32_t n_lfs, int32_t n_classes,
                           const double *theta, const double *shape, double smoothing)
{
    const int32_t k = n_classes;
    double lp = 0;
    for (int32_t j = 0; j < n_lfs; j++) {
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            const double *row = theta + ((size_t)j * k + y) * (k + 1);
            switch (type) {
            case CHORUS_MODEL_DS:
                for (int32_t o = 0; o <= k; o++)
                    lp += smoothing * sh[o] * log(row[o]);
                break;
            case CHORUS_MODEL_DS_NOABSTAIN:
                for (int32_t o = 0; o < k; o++)
                    lp += smoothing * sh[o] / (1 - sh[k]) * log(row[o]);
                break;
            case CHORUS_MODEL_CLASS_ACC: {
                /* Beta terms of a_jy (row y's diagonal) and of b_jy, which every other row
                 * holds in column y; take it from the next row. */
                const double *other = theta + ((size_t)j * k + (y + 1) % k) * (k + 1);
                lp += smoothing * (sh[y] * log(row[y]) + (1 - sh[y]) * log1p(-row[y]));
                lp += smoothing * (sh[y] * log(other[y]) + (1 - sh[y]) * log1p(-other[y]));
                break;
            }
            default:
                if (y == 0) {
                    double a = row[0];
                    lp += smoothing * (log(a) / k + (1 - 1.0 / k) * log1p(-a));
                }
                break;
            }
        }
    }
    return lp;
}
