/* The items to look at while writing labeling functions, and a sample of them. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "chorus/inspect.h"
#include "core/error_internal.h"
#include "core/random.h"
#include "votes/votes_internal.h"

/* The stream of the sampling generator, so a seed here draws apart from other uses. */
#define INSPECT_STREAM 0x696e7370 /* "insp" */

enum {
    ALL_FILTERS = CHORUS_INSPECT_WRONG | CHORUS_INSPECT_CONFLICTS | CHORUS_INSPECT_UNCOVERED |
                  CHORUS_INSPECT_DISAGREE
};

static int check_inputs(const chorus_votes *votes, const int32_t *gold, int64_t n_gold,
                        const int32_t *model_labels, const chorus_inspect_options *o)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    if (o->version != CHORUS_INSPECT_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "chorus_inspect_options version %u; expected %u",
                                o->version, CHORUS_INSPECT_OPTIONS_VERSION);
    if (o->lf < -1 || o->lf >= m)
        return chorus_error_set(CHORUS_EINVAL, "labeling function %" PRId32 " of %" PRId32, o->lf,
                                m);
    if (o->filters & ~(unsigned)ALL_FILTERS)
        return chorus_error_set(CHORUS_EINVAL, "unknown inspect filters 0x%x", o->filters);
    if (o->limit < 0)
        return chorus_error_set(CHORUS_EINVAL, "limit %" PRId64 " is negative", o->limit);
    if (o->lf >= 0 && (o->filters & CHORUS_INSPECT_UNCOVERED))
        return chorus_error_set(CHORUS_EINVAL,
                                "uncovered items have no votes, so labeling function '%s' "
                                "never fires on one",
                                chorus_votes_lf_name(votes, o->lf));
    if ((o->filters & CHORUS_INSPECT_WRONG) && !gold)
        return chorus_error_set(CHORUS_EINVAL, "finding wrong votes needs gold labels");
    if ((o->filters & CHORUS_INSPECT_WRONG) && o->lf < 0 && !model_labels)
        return chorus_error_set(CHORUS_EINVAL,
                                "finding wrong labels without a labeling function needs the "
                                "model's labels");
    if ((o->filters & CHORUS_INSPECT_DISAGREE) && !model_labels)
        return chorus_error_set(CHORUS_EINVAL,
                                "finding where the model and the majority vote disagree needs "
                                "the model's labels");
    if (gold && n_gold != n)
        return chorus_error_set(
            CHORUS_EINVAL,
            "%" PRId64 " gold labels for %" PRId64 " items; they must match one to one", n_gold, n);
    for (int64_t i = 0; i < n; i++) {
        if (gold && (gold[i] < -1 || gold[i] >= k))
            return chorus_error_set(CHORUS_EINVAL,
                                    "gold label of item %" PRId64 " is %" PRId32
                                    "; expected -1 or a class in 0..%" PRId32,
                                    i, gold[i], k - 1);
        if (model_labels && (model_labels[i] < 0 || model_labels[i] >= k))
            return chorus_error_set(CHORUS_EINVAL,
                                    "model label of item %" PRId64 " is %" PRId32
                                    "; expected a class in 0..%" PRId32,
                                    i, model_labels[i], k - 1);
    }
    return CHORUS_OK;
}

/* 1 if the votes of [b, e) name a class other than `label`. */
static bool votes_other_than(const chorus_vote_view *w, int64_t b, int64_t e, int32_t vote)
{
    for (int64_t p = b; p < e; p++)
        if (chorus_view_label(w, p) != vote) return true;
    return false;
}

/* 1 if `choice` has the most votes of [b, e); counts (k zeros) is left all zero again. */
static bool is_majority(const chorus_vote_view *w, int64_t b, int64_t e, int32_t choice,
                        int64_t *counts)
{
    int64_t top = 0;
    for (int64_t p = b; p < e; p++)
        if (++counts[chorus_view_label(w, p)] > top) top = counts[chorus_view_label(w, p)];
    const bool majority = counts[choice] == top;
    for (int64_t p = b; p < e; p++)
        counts[chorus_view_label(w, p)] = 0;
    return majority;
}

/* Whether item i (its votes [b, e)) shows every filter of o. */
static bool matches(const chorus_inspect_options *o, int64_t i, int64_t b, int64_t e,
                    const chorus_vote_view *w, const int32_t *gold, const int32_t *model_labels,
                    int64_t *counts)
{
    int64_t at = -1; /* the position of the LF's vote in the row */
    if (o->lf >= 0) {
        for (int64_t p = b; p < e && at < 0; p++)
            if (chorus_view_lf(w, p) == o->lf) at = p;
        if (at < 0) return false;
    }
    if (o->filters & CHORUS_INSPECT_WRONG) {
        const int32_t said = at >= 0 ? chorus_view_label(w, at) : model_labels[i];
        if (gold[i] < 0 || said == gold[i]) return false;
    }
    if ((o->filters & CHORUS_INSPECT_CONFLICTS) &&
        (e - b < 2 ||
         !votes_other_than(w, b, e, at >= 0 ? chorus_view_label(w, at) : chorus_view_label(w, b))))
        return false;
    if ((o->filters & CHORUS_INSPECT_UNCOVERED) && e > b) return false;
    if ((o->filters & CHORUS_INSPECT_DISAGREE) &&
        (e == b || is_majority(w, b, e, model_labels[i], counts)))
        return false;
    return true;
}

static int compare_items(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int chorus_inspect_select(int64_t **out, int64_t *out_n, int64_t *out_matching,
                          const chorus_votes *votes, const int32_t *gold, int64_t n_gold,
                          const int32_t *model_labels, const chorus_inspect_options *opts)
{
    *out = NULL;
    *out_n = 0;
    if (out_matching) *out_matching = 0;
    if (!votes || !opts) return chorus_error_set(CHORUS_EINVAL, "votes or options are NULL");
    int rc = check_inputs(votes, gold, n_gold, model_labels, opts);
    if (rc) return rc;
    const int64_t n = chorus_votes_n_items(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    const int64_t cap = opts->limit < n ? opts->limit : n;
    int64_t *picked = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *picked);
    int64_t *counts = calloc((size_t)chorus_votes_n_classes(votes), sizeof *counts);
    if (!picked || !counts) {
        free(picked);
        free(counts);
        return chorus_error_nomem();
    }
    /* Reservoir sampling (Algorithm R): after t matches each is kept with chance cap / t,
     * in one pass and with memory for the sample only. */
    chorus_rng rng = chorus_rng_for(opts->seed, INSPECT_STREAM);
    int64_t matching = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!matches(opts, i, row_ptr[i], row_ptr[i + 1], &w, gold, model_labels, counts)) continue;
        if (matching < cap) {
            picked[matching] = i;
        } else if (opts->sample && cap > 0) {
            const uint64_t slot = chorus_rng_below(&rng, (uint64_t)matching + 1);
            if (slot < (uint64_t)cap) picked[slot] = i;
        }
        matching++;
    }
    free(counts);
    const int64_t n_picked = matching < cap ? matching : cap;
    qsort(picked, (size_t)n_picked, sizeof *picked, compare_items);
    if (n_picked == 0) {
        free(picked);
        picked = NULL;
    }
    *out = picked;
    *out_n = n_picked;
    if (out_matching) *out_matching = matching;
    return CHORUS_OK;
}
