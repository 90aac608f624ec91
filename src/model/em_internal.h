/* Pieces of the EM label models shared by the fit, the M-step families and the guard. */
#ifndef CHORUS_EM_INTERNAL_H
#define CHORUS_EM_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "chorus/model.h"
#include "votes/votes_internal.h"

/*
 * The parameters in the form the E-step uses. Votes come from sources: an independent LF
 * (output: its class vote) or a group of correlated LFs (output: the index of the tuple of
 * its members' outputs). For item i with source outputs (s, o):
 *   log P(y, votes_i) = base[y] + sum over them of delta[offset[s] + o * K + y]
 * where base folds in the log prior and, when abstains are evidence, every source's log
 * P(abstain | y), and delta replaces source s's abstain term by its output's. Without
 * groups the sources are the LFs and offset[j] = j * K * K.
 */
typedef struct em_params {
    int32_t n_lfs;
    int32_t n_classes;
    const int64_t *offset; /* per source; owned by the caller */
    double *delta;         /* offset[n_sources] entries */
    double *base;          /* K */
} em_params;

/* The layout of the sources: offsets of LFs (K outputs) then groups (their tuples). */
typedef struct em_layout {
    int32_t n_sources;
    int64_t *offset;    /* n_sources + 1 entries; the last is the total */
    int32_t *n_outputs; /* per source */
} em_layout;

/* n_lfs LFs of K outputs each, then groups with the given numbers of tuples. */
int chorus_em_layout_init(em_layout *layout, int32_t n_lfs, int32_t n_classes, int32_t n_groups,
                          const int32_t *group_tuples);
void chorus_em_layout_free(em_layout *layout);

struct em_groups;

/* The votes as sources: rewritten when there are groups, else the votes themselves. */
typedef struct em_sources {
    em_layout layout;
    int64_t *row_ptr; /* owned only when rewritten */
    int32_t *source;
    int32_t *output;
} em_sources;

/* Sources for `votes` (groups: NULL, or the model's, finished by this call). CHORUS_ENOMEM. */
int chorus_em_make_sources(em_sources *s, struct em_groups *groups, const chorus_votes *votes,
                           int32_t m, int32_t k);
void chorus_em_free_sources(em_sources *s);

int chorus_em_params_alloc(em_params *p, const em_layout *layout, int32_t n_lfs, int32_t n_classes);
void chorus_em_params_free(em_params *p);

/*
 * Fills p from theta (n_lfs x K x (K+1)) and the class prior. LFs with grouped[j] set
 * (NULL: none) belong to a group and contribute nothing here; their group does.
 */
void chorus_em_params_set(em_params *p, const double *theta, const double *prior,
                          bool abstain_informative, const int32_t *lf_group);

/*
 * Posterior of one item (q has k = p->n_classes entries) from its source outputs
 * lf[begin..end) and label[begin..end), stored lf_width and label_width bytes each.
 * Returns the largest joint log score m and sets *z so that log P(votes_i) = m + log(z);
 * callers that need the likelihood multiply the z's and take one log later, which saves a
 * log per item. With the gold class clamped (gold >= 0), q is that class and
 * m + log(z) = log P(y, votes_i). Inline with k and the widths as parameters so callers
 * passing constants get small-k loops unrolled and plain narrow loads.
 */
static inline __attribute__((always_inline)) double
chorus_em_item_posterior_k(const em_params *p, const void *lf, const int lf_width,
                           const void *label, const int label_width, int64_t begin, int64_t end,
                           int32_t gold, double *q, double *z, const int32_t k)
{
    for (int32_t y = 0; y < k; y++)
        q[y] = p->base[y];
    for (int64_t v = begin; v < end; v++) {
        const double *d = p->delta + p->offset[chorus_narrow_at(lf, lf_width, v)] +
                          (size_t)chorus_narrow_at(label, label_width, v) * k;
        for (int32_t y = 0; y < k; y++)
            q[y] += d[y];
    }
    if (gold >= 0) {
        double joint = q[gold];
        for (int32_t y = 0; y < k; y++)
            q[y] = y == gold;
        *z = 1;
        return joint;
    }
    int32_t top = 0;
    for (int32_t y = 1; y < k; y++)
        if (q[y] > q[top]) top = y;
    const double max = q[top];
    double sum = 1;
    for (int32_t y = 0; y < k; y++) {
        if (y == top) continue;
        q[y] = exp(q[y] - max);
        sum += q[y];
    }
    q[top] = 1;
    const double inv = 1 / sum;
    for (int32_t y = 0; y < k; y++)
        q[y] *= inv;
    *z = sum;
    return max;
}

static inline double chorus_em_item_posterior(const em_params *p, const int32_t *lf,
                                              const int32_t *label, int64_t count, int32_t gold,
                                              double *q)
{
    double z;
    return chorus_em_item_posterior_k(p, lf, 4, label, 4, 0, count, gold, q, &z, p->n_classes) +
           log(z);
}

/*
 * A running product kept as mantissa and binary exponent, so that the log of a product of
 * many factors costs one log at the end and never overflows.
 */
typedef struct log_product {
    double mantissa;
    int64_t exponent;
} log_product;

static inline void log_product_mul(log_product *lp, double x)
{
    lp->mantissa *= x;
    if (lp->mantissa > 0x1p500) {
        int e;
        lp->mantissa = frexp(lp->mantissa, &e);
        lp->exponent += e;
    }
}

static inline double log_product_value(const log_product *lp)
{
    return log(lp->mantissa) + (double)lp->exponent * 0.69314718055994530942;
}

/*
 * The LF's overall output distribution with a floor, the neutral point the Dirichlet prior
 * shrinks toward: shape[j * (K+1) + o] for o < K the share of items j voted o, [K] the
 * abstain share. Every entry is at least CHORUS_EM_SHAPE_FLOOR.
 */
#define CHORUS_EM_SHAPE_FLOOR 1e-6
void chorus_em_output_shape(const int64_t *vote_counts, int64_t n_items, int32_t n_lfs,
                            int32_t n_classes, double *shape);

/* Sufficient statistics of one E-step. */
typedef struct em_stats {
    double *votes;       /* per source (layout offsets) x output x K (class): sum of q_i(y)
                            where the source gave that output; LF j's block first */
    double *class_total; /* K: sum of q_i(y) */
    double loglik;
} em_stats;

/* Whether the model's likelihood includes the abstains. */
bool chorus_em_abstain_informative(chorus_model_type type);

/*
 * The permutation guard: relabels the model's latent classes so that they agree best with
 * the votes. agreement[c * K + o] is the posterior mass of latent class c on the votes for
 * class o (summed over LFs), from the last E-step. Sets model->classes_permuted.
 */
int chorus_em_align_with_votes(chorus_model *model, const double *agreement);

#endif
