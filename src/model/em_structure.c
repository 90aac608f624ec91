#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/em_groups.h"
#include "model/em_structure.h"
#include "votes/votes_internal.h"

#define MIN_SAME 10
#define MIN_Z 5.0
#define MIN_RATIO 1.5
/* Pairs voting together on fewer items say too little for the moment estimates. */
#define MIN_BOTH 20
/* Cap on the (b, d) pairs the robust estimate of one LF's coefficient looks at. */
#define MAX_TRIADS 20000

/* P(both vote the same class | y) for two independent LFs, from their rows. */
static double same_given_class(const chorus_model *model, int32_t a, int32_t b, int32_t y)
{
    const int32_t k = model->n_classes;
    const double *ra = model->theta + ((size_t)a * k + y) * (k + 1);
    const double *rb = model->theta + ((size_t)b * k + y) * (k + 1);
    double same = 0;
    for (int32_t o = 0; o < k; o++)
        same += ra[o] * rb[o];
    return same;
}

static int compare_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/*
 * For LFs that vote several classes (annotators), a fitted independent model absorbs
 * copies (it simply learns they are very accurate), so its own expectation cannot reveal
 * them. Moments can: under conditional independence with one accuracy per LF, the signed
 * agreement M_ab = (K * P(same | both vote) - 1) / (K - 1) equals c_a * c_b. Each c_a is
 * estimated robustly, as the median over other pairs of sqrt(M_ab * M_ad / M_bd), and a
 * pair whose agreement exceeds c_a * c_b by five standard errors is a dependency.
 */
static int moment_pairs(int32_t m, int32_t k, const int64_t *same, const int64_t *both,
                        double *coef)
{
    double *values = malloc(MAX_TRIADS * sizeof *values);
    if (!values) return chorus_error_nomem();
    for (int32_t a = 0; a < m; a++) {
        size_t n = 0;
        for (int32_t b = 0; b < m && n < MAX_TRIADS; b++) {
            if (b == a) continue;
            size_t ab = a < b ? (size_t)a * m + b : (size_t)b * m + a;
            if (both[ab] < MIN_BOTH) continue;
            double mab = (k * (double)same[ab] / (double)both[ab] - 1) / (k - 1);
            for (int32_t d = b + 1; d < m && n < MAX_TRIADS; d++) {
                if (d == a) continue;
                size_t ad = a < d ? (size_t)a * m + d : (size_t)d * m + a;
                size_t bd = (size_t)b * m + d;
                if (both[ad] < MIN_BOTH || both[bd] < MIN_BOTH) continue;
                double mad = (k * (double)same[ad] / (double)both[ad] - 1) / (k - 1);
                double mbd = (k * (double)same[bd] / (double)both[bd] - 1) / (k - 1);
                if (fabs(mbd) < 0.05) continue;
                values[n++] = mab * mad / mbd;
            }
        }
        if (n == 0) {
            coef[a] = NAN;
            continue;
        }
        qsort(values, n, sizeof *values, compare_double);
        double median = values[n / 2];
        coef[a] = sqrt(median > 0 ? (median < 1 ? median : 1) : 0);
    }
    free(values);
    return CHORUS_OK;
}

static int compare_strength(const void *x, const void *y)
{
    const chorus_dependency *a = x, *b = y;
    if (a->strength != b->strength) return a->strength > b->strength ? -1 : 1;
    if (a->lf_a != b->lf_a) return a->lf_a < b->lf_a ? -1 : 1;
    return (a->lf_b > b->lf_b) - (a->lf_b < b->lf_b);
}

static int32_t find_root(int32_t *parent, int32_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

int chorus_em_learn_structure(chorus_model *model, const chorus_votes *votes,
                              int32_t **out_lf_group)
{
    *out_lf_group = NULL;
    const int32_t m = model->n_lfs, k = model->n_classes;
    if (m > CHORUS_STRUCTURE_MAX_LFS)
        return chorus_error_set(CHORUS_EINVAL,
                                "structure learning examines at most %d labeling functions, "
                                "the votes have %d",
                                CHORUS_STRUCTURE_MAX_LFS, (int)m);
    const int64_t n = chorus_votes_n_items(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    int64_t *same = calloc((size_t)m * m, sizeof *same);
    int64_t *both = calloc((size_t)m * m, sizeof *both);
    int32_t *parent = malloc((size_t)m * sizeof *parent);
    int32_t *size = malloc((size_t)m * sizeof *size);
    int32_t *ids = malloc((size_t)m * sizeof *ids);
    chorus_dependency *found = NULL;
    size_t n_found = 0, cap = 0;
    int rc = CHORUS_OK;
    if (!same || !both || !parent || !size || !ids) goto nomem;
    for (int64_t i = 0; i < n; i++)
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++)
            for (int64_t q = p + 1; q < row_ptr[i + 1]; q++) {
                const size_t pair = (size_t)chorus_view_lf(&w, p) * m + chorus_view_lf(&w, q);
                both[pair]++;
                if (chorus_view_label(&w, p) == chorus_view_label(&w, q)) same[pair]++;
            }
    const bool informative = model->abstain_informative;
    double *coef = NULL;
    if (!informative) {
        coef = malloc((size_t)m * sizeof *coef);
        if (!coef || moment_pairs(m, k, same, both, coef)) {
            free(coef);
            goto nomem;
        }
    }
    for (int32_t a = 0; a < m; a++) {
        if (chorus_model_lf_group(model, a) >= 0) continue;
        for (int32_t b = a + 1; b < m; b++) {
            if (chorus_model_lf_group(model, b) >= 0) continue;
            const double observed = (double)same[(size_t)a * m + b];
            const double n_both = (double)both[(size_t)a * m + b];
            if (observed < MIN_SAME) continue;
            double expected, z;
            if (informative) {
                /* The rows include firing: the expectation is over all items. */
                double rate = 0;
                for (int32_t y = 0; y < k; y++)
                    rate += model->prior[y] * same_given_class(model, a, b, y);
                expected = rate * (double)n;
                z = (observed - expected) / sqrt(expected + 1);
                if (z < MIN_Z || observed < MIN_RATIO * expected) continue;
            } else {
                if (n_both < MIN_BOTH || isnan(coef[a]) || isnan(coef[b])) continue;
                /* Same-vote share expected from the coefficients, back from M = c_a c_b. */
                double share = (1 + (k - 1) * coef[a] * coef[b]) / k;
                expected = share * n_both;
                double se = sqrt(share * (1 - share) * n_both + 1);
                z = (observed - expected) / se;
                if (z < MIN_Z || observed - expected < 0.1 * n_both) continue;
            }
            if (n_found == cap) {
                cap = cap ? cap * 2 : 64;
                chorus_dependency *grown = realloc(found, cap * sizeof *grown);
                if (!grown) goto nomem;
                found = grown;
            }
            found[n_found++] = (chorus_dependency){a, b, log((observed + 0.5) / (expected + 0.5)),
                                                   (int64_t)observed, expected};
        }
    }
    free(coef);
    if (n_found) qsort(found, n_found, sizeof *found, compare_strength);
    /* Declared groups stay as they are; learned pairs join independent LFs. */
    for (int32_t j = 0; j < m; j++) {
        parent[j] = j;
        size[j] = 1;
    }
    double limit = 4.6e18;
    for (size_t d = 0; d < n_found; d++) {
        int32_t ra = find_root(parent, found[d].lf_a), rb = find_root(parent, found[d].lf_b);
        if (ra == rb) continue;
        int32_t joined = size[ra] + size[rb];
        if (joined > CHORUS_STRUCTURE_MAX_GROUP || pow(k + 1, joined) > limit) continue;
        parent[rb] = ra;
        size[ra] = joined;
    }
    /* Group ids: the model's groups first, then the learned ones in order of their LFs. */
    int32_t next = chorus_model_n_groups(model), learned_groups = 0;
    for (int32_t j = 0; j < m; j++)
        ids[j] = chorus_model_lf_group(model, j);
    for (int32_t j = 0; j < m; j++) {
        if (ids[j] >= 0 || size[find_root(parent, j)] < 2) continue;
        int32_t root = find_root(parent, j);
        int32_t id = -1;
        for (int32_t i = 0; i < j && id < 0; i++)
            if (chorus_model_lf_group(model, i) < 0 && find_root(parent, i) == root) id = ids[i];
        if (id < 0) {
            id = next++;
            learned_groups++;
        }
        ids[j] = id;
    }
    free(model->dependencies);
    model->dependencies = found;
    model->n_dependencies = (int32_t)n_found;
    found = NULL;
    if (learned_groups > 0) {
        *out_lf_group = ids;
        ids = NULL;
    }
    goto done;
nomem:
    rc = chorus_error_nomem();
done:
    free(same);
    free(both);
    free(parent);
    free(size);
    free(ids);
    free(found);
    return rc;
}
