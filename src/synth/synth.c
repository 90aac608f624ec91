/* Synthetic vote matrices with known truth: drawing the items from a plan. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "chorus/synth.h"
#include "core/error_internal.h"
#include "core/random.h"
#include "synth/synth_internal.h"
#include "votes/votes_internal.h"

/* Items drawn between two progress calls. */
#define PROGRESS_BLOCK 65536

static int32_t draw_class(chorus_rng *r, const synth_plan *p)
{
    const chorus_synth_options *o = &p->opts;
    if (p->cumulative) {
        /* The first class whose running share exceeds u; the last one is exactly 1. */
        double u = chorus_rng_uniform(r);
        int32_t lo = 0, hi = o->n_classes - 1;
        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;
            if (u < p->cumulative[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }
    if (o->first_class_share <= 0) return (int32_t)chorus_rng_below(r, (uint64_t)o->n_classes);
    if (chorus_rng_uniform(r) < o->first_class_share) return 0;
    return 1 + (int32_t)chorus_rng_below(r, (uint64_t)o->n_classes - 1);
}

/* A standard normal (Box-Muller, one of the pair; 1 - u keeps the log finite). */
static double draw_normal(chorus_rng *r)
{
    const double u = 1.0 - chorus_rng_uniform(r), v = chorus_rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* A uniform draw in [0, 1) that shares a part `salience` of its item's normal z: the
 * normal CDF of sqrt(s) z + sqrt(1 - s) e, e the LF's own normal. */
static double salient_uniform(chorus_rng *r, double salience, double z)
{
    const double x = sqrt(salience) * z + sqrt(1.0 - salience) * draw_normal(r);
    return 0.5 * erfc(-x / M_SQRT2);
}

/* An LF's own output on an item of class y, from that item's three draws for it. */
static int32_t own_vote(const synth_lf *lf, int32_t y, double fire, double correct, int32_t wrong)
{
    if (lf->polarity >= 0)
        return fire < (y == lf->polarity ? lf->fire_on : lf->fire_off) ? lf->polarity
                                                                       : CHORUS_ABSTAIN;
    if (!(fire < lf->coverage)) return CHORUS_ABSTAIN;
    double accuracy = lf->class_accuracy ? lf->class_accuracy[y] : lf->accuracy;
    return correct < accuracy ? y : wrong + (wrong >= y);
}

/*
 * Draws item i's truth and votes. With `lf_out` NULL it only counts them; the same draws
 * are replayed to fill the arrays once the row sizes are known.
 */
static int32_t draw_item(const synth_plan *p, int64_t i, int32_t *truth, int32_t *lf_out,
                         int32_t *label_out)
{
    const chorus_synth_options *o = &p->opts;
    chorus_rng r = chorus_rng_for(o->seed, SYNTH_STREAM_ITEMS + (uint64_t)i);
    /* The followers' coins have a stream of their own, so adding correlated groups
     * changes the followers' votes and nothing else. */
    chorus_rng follow = chorus_rng_for(o->seed, SYNTH_STREAM_FOLLOW + (uint64_t)i);
    int32_t y = draw_class(&r, p);
    /* The salience draws have a stream of their own too: without salience nothing moves. */
    chorus_rng salient = chorus_rng_for(o->seed, SYNTH_STREAM_SALIENCE + (uint64_t)i);
    const double z = o->salience > 0 ? draw_normal(&salient) : 0.0;
    int32_t count = 0, leader_vote = CHORUS_ABSTAIN;
    for (int32_t j = 0; j < o->n_lfs; j++) {
        /* Draw for every LF, copies included, so the stream does not depend on grouping. */
        double fire = chorus_rng_uniform(&r);
        if (o->salience > 0) fire = salient_uniform(&salient, o->salience, z);
        double correct = chorus_rng_uniform(&r);
        int32_t wrong = (int32_t)chorus_rng_below(&r, (uint64_t)o->n_classes - 1);
        const synth_lf *lf = &p->lfs[j];
        int32_t vote;
        if (lf->leader >= 0 && (lf->rho >= 1 || chorus_rng_uniform(&follow) < lf->rho))
            vote = leader_vote; /* groups are contiguous: the last leader is this one's */
        else
            vote = own_vote(lf, y, fire, correct, wrong);
        if (lf->leads) leader_vote = vote;
        if (vote == CHORUS_ABSTAIN) continue;
        if (lf_out) {
            lf_out[count] = j;
            label_out[count] = vote;
        }
        count++;
    }
    *truth = y;
    return count;
}

int chorus_synth(chorus_votes **out_votes, int32_t **out_gold, const chorus_synth_options *opts)
{
    *out_votes = NULL;
    *out_gold = NULL;
    synth_plan plan;
    int rc = synth_plan_init(&plan, opts);
    if (rc) return rc;
    const synth_plan *p = &plan;
    const int64_t n = p->opts.n_items;
    int32_t *gold = malloc((size_t)n * sizeof *gold);
    int64_t *row_ptr = malloc(((size_t)n + 1) * sizeof *row_ptr);
    int32_t *lf_index = NULL, *label = NULL;
    if (!gold || !row_ptr) {
        rc = chorus_error_nomem();
        goto done;
    }
    row_ptr[0] = 0;
    /* Two passes (count the votes, then draw them), each block by block so that progress
     * can be said between blocks; an item's draws depend on the item alone. */
    for (int64_t begin = 0; begin < n; begin += PROGRESS_BLOCK) {
        const int64_t end = n - begin < PROGRESS_BLOCK ? n : begin + PROGRESS_BLOCK;
#pragma omp parallel for schedule(static)
        for (int64_t i = begin; i < end; i++)
            row_ptr[i + 1] = draw_item(p, i, &gold[i], NULL, NULL);
        if (p->opts.progress) p->opts.progress(end / 2, n, p->opts.progress_ctx);
    }
    for (int64_t i = 0; i < n; i++)
        row_ptr[i + 1] += row_ptr[i];
    int64_t nnz = row_ptr[n];
    lf_index = malloc(nnz ? (size_t)nnz * sizeof *lf_index : 1);
    label = malloc(nnz ? (size_t)nnz * sizeof *label : 1);
    if (!lf_index || !label) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int64_t begin = 0; begin < n; begin += PROGRESS_BLOCK) {
        const int64_t end = n - begin < PROGRESS_BLOCK ? n : begin + PROGRESS_BLOCK;
#pragma omp parallel for schedule(static)
        for (int64_t i = begin; i < end; i++)
            draw_item(p, i, &gold[i], lf_index + row_ptr[i], label + row_ptr[i]);
        /* Each pass is half the work: n items drawn once both are done. */
        if (p->opts.progress) p->opts.progress(n / 2 + (end + 1) / 2, n, p->opts.progress_ctx);
    }
    rc = chorus_votes_adopt(out_votes, n, p->opts.n_lfs, p->opts.n_classes, row_ptr, lf_index,
                            label);
    if (rc) goto done;
    row_ptr = NULL;
    lf_index = label = NULL;
    *out_gold = gold;
    gold = NULL;
done:
    synth_plan_free(&plan);
    free(gold);
    free(row_ptr);
    free(lf_index);
    free(label);
    return rc;
}
