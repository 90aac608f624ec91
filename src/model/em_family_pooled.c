/*
 * pooled: Dawid-Skene over the votes cast (abstains ignored) in which every LF with too
 * few votes for a confusion table of its own shares one table with the others like it.
 * An LF with at least POOLED_VOTES_PER_PARAMETER votes per free parameter of a table,
 * 10 K (K - 1), keeps its own, fitted as ds-noabstain fits it; the rest share one. For
 * crowd workers with a few answers each, whose own tables cannot be estimated from their
 * answers, the shared table learns from all of them at once how often a vote is right for
 * each true class; what it gives up is telling those workers apart, which their answers
 * cannot do anyway. Which LFs share is fixed by their numbers of votes, so this is EM with
 * tied parameters and the log-posterior never falls.
 *
 * Priors: an own table ds-noabstain's (centred on the LF's shape over its votes); the
 * shared table once, with the same strength, centred on the shape of the votes its LFs
 * cast together: with no evidence a vote says nothing of the class.
 */
#include <math.h>
#include <stdbool.h>

#include "model/em_family.h"

#define POOLED_VOTES_PER_PARAMETER 10

/* Whether LF j fits a table of its own. */
static bool own_table(const int64_t *lf_votes, int32_t j, int32_t k)
{
    return lf_votes[j] >= (int64_t)POOLED_VOTES_PER_PARAMETER * k * (k - 1);
}

/* The first LF that shares the table (-1 if every LF has its own), and in `centre` the
 * shape of the votes the sharing LFs cast together, without the abstain. */
static int32_t sharing_lfs(int32_t m, int32_t k, const double *shape, const int64_t *lf_votes,
                           double *centre)
{
    int32_t first = -1;
    double z = 0;
    for (int32_t o = 0; o < k; o++)
        centre[o] = 0;
    for (int32_t j = 0; j < m; j++) {
        if (own_table(lf_votes, j, k)) continue;
        if (first < 0) first = j;
        for (int32_t o = 0; o < k; o++)
            centre[o] += shape[(size_t)j * (k + 1) + o];
    }
    for (int32_t o = 0; o < k; o++)
        z += centre[o];
    for (int32_t o = 0; o < k; o++)
        centre[o] = z > 0 ? centre[o] / z : 1.0 / k;
    return first;
}

static void mstep(int32_t m, int32_t k, const em_stats *s, const double *shape,
                  const int64_t *lf_votes, double lambda, double *theta)
{
    /* Every table as ds-noabstain fits it; then the sharing LFs' are replaced by the shared
     * one, estimated into the first sharing LF's rows and copied. */
    chorus_em_family_ds_noabstain.mstep(m, k, s, shape, lf_votes, lambda, theta);
    double centre[CHORUS_MAX_CLASSES];
    const size_t table_size = (size_t)k * (k + 1);
    const int32_t first = sharing_lfs(m, k, shape, lf_votes, centre);
    if (first < 0) return;
    double *shared = theta + (size_t)first * table_size;
    for (int32_t y = 0; y < k; y++) {
        double *row = shared + (size_t)y * (k + 1), z = 0;
        for (int32_t o = 0; o < k; o++) {
            row[o] = lambda * centre[o];
            for (int32_t j = 0; j < m; j++)
                if (!own_table(lf_votes, j, k)) row[o] += chorus_em_vote_count(s, k, j, o, y);
            z += row[o];
        }
        for (int32_t o = 0; o < k; o++)
            row[o] = chorus_em_clamp_prob(row[o] / z);
        row[k] = 0;
    }
    for (int32_t j = first + 1; j < m; j++)
        if (!own_table(lf_votes, j, k))
            for (size_t x = 0; x < table_size; x++)
                theta[(size_t)j * table_size + x] = shared[x];
}

static double log_prior(int32_t m, int32_t k, const double *theta, const double *shape,
                        const int64_t *lf_votes, double smoothing)
{
    double centre[CHORUS_MAX_CLASSES], lp = 0;
    const size_t table_size = (size_t)k * (k + 1);
    const int32_t first = sharing_lfs(m, k, shape, lf_votes, centre);
    /* The shared table is one parameter: its prior counts once. */
    for (int32_t y = 0; first >= 0 && y < k; y++)
        for (int32_t o = 0; o < k; o++)
            lp += smoothing * centre[o] *
                  log(theta[(size_t)first * table_size + (size_t)y * (k + 1) + o]);
    /* An own table's prior is ds-noabstain's. */
    for (int32_t j = 0; j < m; j++)
        if (own_table(lf_votes, j, k))
            lp += chorus_em_family_ds_noabstain.log_prior(1, k, theta + (size_t)j * table_size,
                                                          shape + (size_t)j * (k + 1), lf_votes + j,
                                                          smoothing);
    return lp;
}

const em_family chorus_em_family_pooled = {CHORUS_MODEL_POOLED, false, mstep, log_prior};
