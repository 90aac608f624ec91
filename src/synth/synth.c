/* Synthetic vote matrices with known truth. */
#include <inttypes.h>
#include <omp.h>
#include <stdlib.h>

#include "chorus/synth.h"
#include "core/error_internal.h"
#include "core/random.h"
#include "votes/votes_internal.h"

/* Streams of the counter-based generator: one for the LF parameters, then one per item. */
#define STREAM_LF_PARAMS 0
#define STREAM_ITEMS 1

int chorus_synth_options_check(const chorus_synth_options *o)
{
    if (o->version != CHORUS_SYNTH_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "synth options version %u is not supported",
                                o->version);
    if (o->n_items < 1 || o->n_items > ((int64_t)1 << 36))
        return chorus_error_set(CHORUS_EINVAL, "number of items must be 1..2^36, got %" PRId64,
                                o->n_items);
    if (o->n_lfs < 1 || o->n_lfs > 100000)
        return chorus_error_set(CHORUS_EINVAL, "number of LFs must be 1..100000, got %" PRId32,
                                o->n_lfs);
    if (o->n_classes < 2 || o->n_classes > 1000)
        return chorus_error_set(CHORUS_EINVAL, "number of classes must be 2..1000, got %" PRId32,
                                o->n_classes);
    if (!(0 <= o->accuracy_min && o->accuracy_min <= o->accuracy_max && o->accuracy_max <= 1))
        return chorus_error_set(CHORUS_EINVAL,
                                "accuracy range must satisfy 0 <= min <= max <= 1, got %g..%g",
                                o->accuracy_min, o->accuracy_max);
    if (!(0 <= o->coverage_min && o->coverage_min <= o->coverage_max && o->coverage_max <= 1))
        return chorus_error_set(CHORUS_EINVAL,
                                "coverage range must satisfy 0 <= min <= max <= 1, got %g..%g",
                                o->coverage_min, o->coverage_max);
    if (o->copy_groups < 0 || o->copy_group_size < 0 ||
        (o->copy_groups > 0 && o->copy_group_size < 2) ||
        (int64_t)o->copy_groups * o->copy_group_size > o->n_lfs)
        return chorus_error_set(CHORUS_EINVAL,
                                "copy groups: %" PRId32 " groups of %" PRId32
                                " LFs need sizes >= 2 and at most %" PRId32 " LFs in all",
                                o->copy_groups, o->copy_group_size, o->n_lfs);
    if (!(o->first_class_share >= 0 && o->first_class_share < 1))
        return chorus_error_set(CHORUS_EINVAL,
                                "share of the first class must be in [0, 1) (0 = balanced), got %g",
                                o->first_class_share);
    return CHORUS_OK;
}

typedef struct lf_params {
    double accuracy;
    double coverage;
} lf_params;

static int32_t draw_class(chorus_rng *r, const chorus_synth_options *o)
{
    if (o->first_class_share <= 0) return (int32_t)chorus_rng_below(r, (uint64_t)o->n_classes);
    if (chorus_rng_uniform(r) < o->first_class_share) return 0;
    return 1 + (int32_t)chorus_rng_below(r, (uint64_t)o->n_classes - 1);
}

/*
 * Draws item i's truth and votes. With `lf_out` NULL it only counts them; the same draws
 * are replayed to fill the arrays once the row sizes are known.
 */
static int32_t draw_item(const chorus_synth_options *o, const lf_params *lfs, int64_t i,
                         int32_t *truth, int32_t *lf_out, int32_t *label_out)
{
    chorus_rng r = chorus_rng_for(o->seed, STREAM_ITEMS + (uint64_t)i);
    int32_t y = draw_class(&r, o);
    int32_t count = 0, source_vote = CHORUS_ABSTAIN;
    const int32_t copied = o->copy_groups * o->copy_group_size;
    for (int32_t j = 0; j < o->n_lfs; j++) {
        /* Draw for every LF, copies included, so the stream does not depend on grouping. */
        double fire = chorus_rng_uniform(&r);
        double correct = chorus_rng_uniform(&r);
        uint64_t wrong = chorus_rng_below(&r, (uint64_t)o->n_classes - 1);
        int32_t vote = CHORUS_ABSTAIN;
        if (j < copied && j % o->copy_group_size != 0) {
            vote = source_vote;
        } else if (fire < lfs[j].coverage) {
            vote = correct < lfs[j].accuracy ? y : (int32_t)wrong + ((int32_t)wrong >= y);
        }
        if (j < copied && j % o->copy_group_size == 0) source_vote = vote;
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

int chorus_synth(chorus_votes **out_votes, int32_t **out_gold, const chorus_synth_options *o)
{
    *out_votes = NULL;
    *out_gold = NULL;
    int rc = chorus_synth_options_check(o);
    if (rc) return rc;
    const int64_t n = o->n_items;
    lf_params *lfs = malloc((size_t)o->n_lfs * sizeof *lfs);
    int32_t *gold = malloc((size_t)n * sizeof *gold);
    int64_t *row_ptr = malloc(((size_t)n + 1) * sizeof *row_ptr);
    int32_t *lf_index = NULL, *label = NULL;
    if (!lfs || !gold || !row_ptr) {
        rc = chorus_error_nomem();
        goto done;
    }
    chorus_rng r = chorus_rng_for(o->seed, STREAM_LF_PARAMS);
    for (int32_t j = 0; j < o->n_lfs; j++) {
        lfs[j].accuracy =
            o->accuracy_min + (o->accuracy_max - o->accuracy_min) * chorus_rng_uniform(&r);
        lfs[j].coverage =
            o->coverage_min + (o->coverage_max - o->coverage_min) * chorus_rng_uniform(&r);
    }
    row_ptr[0] = 0;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++)
        row_ptr[i + 1] = draw_item(o, lfs, i, &gold[i], NULL, NULL);
    for (int64_t i = 0; i < n; i++)
        row_ptr[i + 1] += row_ptr[i];
    int64_t nnz = row_ptr[n];
    lf_index = malloc(nnz ? (size_t)nnz * sizeof *lf_index : 1);
    label = malloc(nnz ? (size_t)nnz * sizeof *label : 1);
    if (!lf_index || !label) {
        rc = chorus_error_nomem();
        goto done;
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++)
        draw_item(o, lfs, i, &gold[i], lf_index + row_ptr[i], label + row_ptr[i]);
    rc = chorus_votes_adopt(out_votes, n, o->n_lfs, o->n_classes, row_ptr, lf_index, label);
    if (rc) goto done;
    row_ptr = NULL;
    lf_index = label = NULL;
    *out_gold = gold;
    gold = NULL;
done:
    free(lfs);
    free(gold);
    free(row_ptr);
    free(lf_index);
    free(label);
    return rc;
}
