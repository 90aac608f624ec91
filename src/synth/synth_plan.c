/* The synthetic generator's plan: class shares and every LF's kind and parameters. */
#include <math.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "core/random.h"
#include "synth/synth_internal.h"

static int init_shares(synth_plan *p)
{
    const chorus_synth_options *o = &p->opts;
    const int32_t k = o->n_classes;
    p->shares = malloc((size_t)k * sizeof *p->shares);
    if (!p->shares) return chorus_error_nomem();
    double sum = 0;
    for (int32_t c = 0; c < k; c++) {
        if (o->class_balance)
            p->shares[c] = o->class_balance[c];
        else if (o->imbalance > 1)
            p->shares[c] = pow(o->imbalance, -(double)c / (k - 1));
        else if (o->first_class_share > 0)
            p->shares[c] = c == 0 ? o->first_class_share : (1 - o->first_class_share) / (k - 1);
        else
            p->shares[c] = 1.0 / k;
        sum += p->shares[c];
    }
    /* The given shares sum to 1 only within 1e-6, the imbalance's weights not at all. */
    if (o->class_balance || o->imbalance > 1)
        for (int32_t c = 0; c < k; c++)
            p->shares[c] /= sum;
    /* Balanced classes and a first-class share are drawn as version 1 drew them, so its
     * options keep giving the same matrices; any other balance by its running sums. */
    if (!o->class_balance && !(o->imbalance > 1)) return CHORUS_OK;
    p->cumulative = malloc((size_t)k * sizeof *p->cumulative);
    if (!p->cumulative) return chorus_error_nomem();
    double run = 0;
    for (int32_t c = 0; c < k; c++)
        p->cumulative[c] = run += p->shares[c];
    p->cumulative[k - 1] = 1.0;
    return CHORUS_OK;
}

/* Moves a uniformly drawn subset of `count` of the n entries of idx to its front. */
static void pick_front(int32_t *idx, int32_t n, int32_t count, chorus_rng *r)
{
    for (int32_t i = 0; i < count; i++) {
        int32_t j = i + (int32_t)chorus_rng_below(r, (uint64_t)(n - i));
        int32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

static int32_t rounded_share(double share, int32_t n)
{
    return (int32_t)llround(share * n);
}

/* Copy groups first, then correlated groups, each led by its first LF. */
static void init_structure(synth_plan *p)
{
    const chorus_synth_options *o = &p->opts;
    const int32_t copied = o->copy_groups * o->copy_group_size;
    const int32_t correlated_end = copied + o->correlated_groups * o->correlated_group_size;
    for (int32_t j = 0; j < o->n_lfs; j++) {
        synth_lf *lf = &p->lfs[j];
        lf->polarity = lf->leader = -1;
        if (j < copied && j % o->copy_group_size) {
            lf->leader = j - j % o->copy_group_size;
            lf->rho = 1;
        } else if (j >= copied && j < correlated_end && (j - copied) % o->correlated_group_size) {
            lf->leader = j - (j - copied) % o->correlated_group_size;
            lf->rho = o->correlation;
        }
        if (lf->leader >= 0) p->lfs[lf->leader].leads = 1;
    }
}

/*
 * Picks the one-class sources and gives them polarities: the picked sources come out in a
 * random order and take the classes in turn from a random first one, so every class has
 * the same number of one-class sources, give or take one.
 */
static void init_kinds(synth_plan *p, int32_t *idx)
{
    const chorus_synth_options *o = &p->opts;
    int32_t n = 0;
    for (int32_t j = 0; j < o->n_lfs; j++)
        if (p->lfs[j].leader < 0) idx[n++] = j;
    const int32_t n_one = rounded_share(o->one_class_share, n);
    if (n_one == 0) return;
    chorus_rng r = chorus_rng_for(o->seed, SYNTH_STREAM_KINDS);
    const int32_t first = (int32_t)chorus_rng_below(&r, (uint64_t)o->n_classes);
    pick_front(idx, n, n_one, &r);
    for (int32_t i = 0; i < n_one; i++)
        p->lfs[idx[i]].polarity = (int32_t)(((int64_t)first + i) % o->n_classes);
    for (int32_t j = 0; j < o->n_lfs; j++)
        if (p->lfs[j].leader >= 0) p->lfs[j].polarity = p->lfs[p->lfs[j].leader].polarity;
}

/* Exact copies have no parameters of their own, so they are not counted or picked. */
static void init_adversarial(synth_plan *p, int32_t *idx)
{
    const chorus_synth_options *o = &p->opts;
    int32_t n = 0;
    for (int32_t j = 0; j < o->n_lfs; j++)
        if (p->lfs[j].rho < 1) idx[n++] = j;
    const int32_t n_adv = rounded_share(o->adversarial_share, n);
    chorus_rng r = chorus_rng_for(o->seed, SYNTH_STREAM_ADVERSARIAL);
    pick_front(idx, n, n_adv, &r);
    for (int32_t i = 0; i < n_adv; i++)
        p->lfs[idx[i]].adversarial = 1;
}

/* Chance is the share of the polarity (one-class) or 1/K (multi-class); see synth.h. */
static double below_chance(double accuracy, double chance, int32_t k)
{
    return chance * (1 - accuracy) / (1 - 1.0 / k);
}

/*
 * Firing probabilities of a one-class LF whose votes have precision p and overall rate r,
 * with b the share of its class: P(votes | c) = r p / b and P(votes | not c) = r (1 - p) /
 * (1 - b). Neither may exceed 1, which bounds r; a larger drawn r is lowered to the bound.
 */
static void init_one_class(synth_lf *lf, double b, int32_t k)
{
    double p = lf->adversarial ? below_chance(lf->accuracy, b, k) : lf->accuracy;
    double r = lf->coverage;
    double r_max = fmin(p > 0 ? b / p : INFINITY, p < 1 ? (1 - b) / (1 - p) : INFINITY);
    if (r > r_max) {
        r = r_max;
        lf->clamped = 1;
    }
    lf->accuracy = p;
    lf->coverage = r;
    lf->fire_on = fmin(1, r * p / b);
    lf->fire_off = fmin(1, r * (1 - p) / (1 - b));
}

static int init_lfs(synth_plan *p)
{
    const chorus_synth_options *o = &p->opts;
    const int32_t m = o->n_lfs, k = o->n_classes;
    p->lfs = calloc((size_t)m, sizeof *p->lfs);
    int32_t *idx = malloc((size_t)m * sizeof *idx);
    if (o->class_accuracy) p->class_accuracy = malloc((size_t)m * (size_t)k * sizeof(double));
    if (!p->lfs || !idx || (o->class_accuracy && !p->class_accuracy)) {
        free(idx);
        return chorus_error_nomem();
    }
    /* Version 1's draws, in its order, for every LF (copies too). */
    chorus_rng r = chorus_rng_for(o->seed, SYNTH_STREAM_LF_PARAMS);
    for (int32_t j = 0; j < m; j++) {
        p->lfs[j].accuracy =
            o->accuracy_min + (o->accuracy_max - o->accuracy_min) * chorus_rng_uniform(&r);
        p->lfs[j].coverage =
            o->coverage_min + (o->coverage_max - o->coverage_min) * chorus_rng_uniform(&r);
    }
    if (o->narrow_precise && o->coverage_max > o->coverage_min)
        for (int32_t j = 0; j < m; j++) {
            const double t =
                (p->lfs[j].coverage - o->coverage_min) / (o->coverage_max - o->coverage_min);
            p->lfs[j].accuracy = o->accuracy_max - (o->accuracy_max - o->accuracy_min) * t;
        }
    init_structure(p);
    init_kinds(p, idx);
    init_adversarial(p, idx);
    free(idx);
    if (p->class_accuracy) {
        /* Drawn for every LF, whatever its kind, so kinds do not shift the draws. */
        chorus_rng ra = chorus_rng_for(o->seed, SYNTH_STREAM_CLASS_ACCURACY);
        for (int64_t x = 0; x < (int64_t)m * k; x++)
            p->class_accuracy[x] =
                o->accuracy_min + (o->accuracy_max - o->accuracy_min) * chorus_rng_uniform(&ra);
    }
    for (int32_t j = 0; j < m; j++) {
        synth_lf *lf = &p->lfs[j];
        if (lf->rho >= 1) continue; /* an exact copy only ever repeats its leader */
        if (lf->polarity >= 0) {
            init_one_class(lf, p->shares[lf->polarity], k);
            continue;
        }
        if (p->class_accuracy) lf->class_accuracy = p->class_accuracy + (int64_t)j * k;
        if (!lf->adversarial) continue;
        lf->accuracy = below_chance(lf->accuracy, 1.0 / k, k);
        if (lf->class_accuracy)
            for (int32_t c = 0; c < k; c++)
                p->class_accuracy[(int64_t)j * k + c] =
                    below_chance(lf->class_accuracy[c], 1.0 / k, k);
    }
    return CHORUS_OK;
}

int synth_plan_init(synth_plan *p, const chorus_synth_options *opts)
{
    *p = (synth_plan){0};
    int rc = synth_options_resolve(&p->opts, opts);
    if (!rc) rc = init_shares(p);
    if (!rc) rc = init_lfs(p);
    /* The caller's balance is not needed after this and may not outlive the call. */
    p->opts.class_balance = NULL;
    if (rc) synth_plan_free(p);
    return rc;
}

void synth_plan_free(synth_plan *p)
{
    free(p->shares);
    free(p->cumulative);
    free(p->lfs);
    free(p->class_accuracy);
    *p = (synth_plan){0};
}
