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
 * Priors: an own table as in ds-noabstain (centred on the LF's shape over its votes); the
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

/* The shape of the votes the sharing LFs cast together (without the abstain); false if
 * every LF has its own table. */
static bool shared_shape(int32_t m, int32_t k, const double *shape, const int64_t *lf_votes,
                         double *out)
{
    bool any = false;
    double z = 0;
    for (int32_t o = 0; o < k; o++)
        out[o] = 0;
    for (int32_t j = 0; j < m; j++) {
        if (own_table(lf_votes, j, k)) continue;
        any = true;
        for (int32_t o = 0; o < k; o++)
            out[o] += shape[(size_t)j * (k + 1) + o];
    }
    for (int32_t o = 0; o < k; o++)
        z += out[o];
    for (int32_t o = 0; o < k; o++)
        out[o] = z > 0 ? out[o] / z : 1.0 / k;
    return any;
}

static void normalise_row(double *row, int32_t k)
{
    double z = 0;
    for (int32_t o = 0; o < k; o++)
        z += row[o];
    for (int32_t o = 0; o < k; o++)
        row[o] = chorus_em_clamp_prob(row[o] / z);
    row[k] = 0;
}

/* The first LF that shares the table, or -1. */
static int32_t first_sharing(int32_t m, int32_t k, const int64_t *lf_votes)
{
    for (int32_t j = 0; j < m; j++)
        if (!own_table(lf_votes, j, k)) return j;
    return -1;
}

static void mstep(int32_t m, int32_t k, const em_stats *s, const double *shape,
                  const int64_t *lf_votes, double lambda, double *theta)
{
    double centre[CHORUS_MAX_CLASSES];
    const size_t table_size = (size_t)k * (k + 1);
    /* The shared table is estimated into the first sharing LF's rows, then copied. */
    const int32_t first =
        shared_shape(m, k, shape, lf_votes, centre) ? first_sharing(m, k, lf_votes) : -1;
    for (int32_t y = 0; first >= 0 && y < k; y++) {
        double *row = theta + (size_t)first * table_size + (size_t)y * (k + 1);
        for (int32_t o = 0; o < k; o++) {
            row[o] = lambda * centre[o];
            for (int32_t j = 0; j < m; j++)
                if (!own_table(lf_votes, j, k)) row[o] += chorus_em_vote_count(s, k, j, o, y);
        }
        normalise_row(row, k);
    }
    for (int32_t j = 0; j < m; j++) {
        double *table = theta + (size_t)j * table_size;
        if (!own_table(lf_votes, j, k)) {
            if (j != first)
                for (size_t x = 0; x < table_size; x++)
                    table[x] = theta[(size_t)first * table_size + x];
            continue;
        }
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            double *row = table + (size_t)y * (k + 1);
            for (int32_t o = 0; o < k; o++)
                row[o] = chorus_em_vote_count(s, k, j, o, y) + lambda * sh[o] / (1 - sh[k]);
            normalise_row(row, k);
        }
    }
}

static double log_prior(int32_t m, int32_t k, const double *theta, const double *shape,
                        const int64_t *lf_votes, double smoothing)
{
    double centre[CHORUS_MAX_CLASSES], lp = 0;
    const int32_t first_shared =
        shared_shape(m, k, shape, lf_votes, centre) ? first_sharing(m, k, lf_votes) : -1;
    for (int32_t j = 0; j < m; j++) {
        const bool own = own_table(lf_votes, j, k);
        /* The shared table is one parameter: its prior counts once. */
        if (!own && j != first_shared) continue;
        const double *sh = shape + (size_t)j * (k + 1);
        for (int32_t y = 0; y < k; y++) {
            const double *row = theta + ((size_t)j * k + y) * (k + 1);
            for (int32_t o = 0; o < k; o++)
                lp += smoothing * (own ? sh[o] / (1 - sh[k]) : centre[o]) * log(row[o]);
        }
    }
    return lp;
}

const em_family chorus_em_family_pooled = {CHORUS_MODEL_POOLED, false, mstep, log_prior};
