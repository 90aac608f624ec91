/*
 * The joint model of each LF group: P(tuple | y) over the group's tuples, estimated like
 * an LF's row (MAP, Dirichlet pseudo-counts centred on the group's overall tuple
 * distribution), and its place in the E-step.
 */
#include <math.h>
#include <stdlib.h>

#include "model/em_groups_model.h"

/* Keeps every modelled probability strictly positive. */
#define PROB_FLOOR 1e-12

size_t em_groups_theta_size(const em_groups *g)
{
    size_t size = 0;
    for (int32_t k = 0; k < g->n_groups; k++)
        size += (size_t)g->n_classes * (size_t)g->groups[k].n_tuples;
    return size;
}

/* The group's tuple shares in the data (floored), the centre of its prior. */
static double shape_of(const em_group *group, int32_t t, int64_t total, bool informative)
{
    if (!informative && t == EM_TUPLE_ABSTAIN) return 0;
    int64_t denominator = informative ? total : total - group->counts[EM_TUPLE_ABSTAIN];
    double s = denominator > 0 ? (double)group->counts[t] / (double)denominator : 0;
    return s < 1e-6 ? 1e-6 : s;
}

static int64_t total_items(const em_group *group)
{
    int64_t total = 0;
    for (int32_t t = 0; t < group->n_tuples; t++)
        total += group->counts[t];
    return total;
}

void em_groups_mstep(const em_groups *g, const em_layout *layout, bool informative,
                     const em_stats *stats, double smoothing, double *theta)
{
    const int32_t k = g->n_classes;
    size_t at = 0;
    for (int32_t grp = 0; grp < g->n_groups; grp++) {
        const em_group *group = &g->groups[grp];
        const double *n_ty = stats->votes + layout->offset[g->n_lfs + grp];
        const int64_t total = total_items(group);
        for (int32_t y = 0; y < k; y++) {
            double *row = theta + at + (size_t)y * group->n_tuples;
            double voted = 0, z = 0;
            for (int32_t t = 1; t < group->n_tuples; t++)
                voted += n_ty[(size_t)t * k + y];
            for (int32_t t = 0; t < group->n_tuples; t++) {
                double c =
                    t == EM_TUPLE_ABSTAIN ? stats->class_total[y] - voted : n_ty[(size_t)t * k + y];
                if (c < 0) c = 0; /* rounding */
                if (!informative && t == EM_TUPLE_ABSTAIN) c = 0;
                row[t] = c + smoothing * shape_of(group, t, total, informative);
                z += row[t];
            }
            for (int32_t t = 0; t < group->n_tuples; t++) {
                row[t] /= z;
                if (row[t] < PROB_FLOOR && (informative || t != EM_TUPLE_ABSTAIN))
                    row[t] = PROB_FLOOR;
            }
        }
        at += (size_t)k * group->n_tuples;
    }
}

void em_groups_set_params(const em_groups *g, bool informative, const double *theta, em_params *p)
{
    const int32_t k = g->n_classes;
    size_t at = 0;
    for (int32_t grp = 0; grp < g->n_groups; grp++) {
        const em_group *group = &g->groups[grp];
        double *delta = p->delta + p->offset[g->n_lfs + grp];
        for (int32_t y = 0; y < k; y++) {
            const double *row = theta + at + (size_t)y * group->n_tuples;
            double log_abstain = informative ? log(row[EM_TUPLE_ABSTAIN]) : 0;
            p->base[y] += log_abstain;
            delta[y] = 0; /* tuple 0 is never an entry of the rewritten votes */
            for (int32_t t = 1; t < group->n_tuples; t++)
                delta[(size_t)t * k + y] = log(row[t]) - log_abstain;
        }
        at += (size_t)k * group->n_tuples;
    }
}

double em_groups_log_prior(const em_groups *g, bool informative, const double *theta,
                           double smoothing)
{
    const int32_t k = g->n_classes;
    size_t at = 0;
    double lp = 0;
    for (int32_t grp = 0; grp < g->n_groups; grp++) {
        const em_group *group = &g->groups[grp];
        const int64_t total = total_items(group);
        for (int32_t y = 0; y < k; y++)
            for (int32_t t = informative ? 0 : 1; t < group->n_tuples; t++)
                lp += smoothing * shape_of(group, t, total, informative) *
                      log(theta[at + (size_t)y * group->n_tuples + t]);
        at += (size_t)k * group->n_tuples;
    }
    return lp;
}
