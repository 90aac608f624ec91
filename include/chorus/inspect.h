/*
 * Picking the items to look at while writing labeling functions: where one LF fires,
 * where it is wrong against gold, where another LF contradicts it; across the LFs, the
 * items no LF voted on and those where a model overrules the majority vote. A sample of
 * the matching items is drawn for reading (chorus inspect prints them with their text).
 */
#ifndef CHORUS_INSPECT_H
#define CHORUS_INSPECT_H

#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What an item must show to be picked; the flags combine, and an item must show all of
 * them. "The LF" is options.lf; without one (lf = -1), the same flags look at all LFs:
 *
 *   (none)      with an LF: it votes on the item; without: every item
 *   WRONG       the LF's vote differs from the known gold label; without an LF, the
 *               model's label does (needs gold, and model labels without an LF)
 *   CONFLICTS   another LF votes a class other than the LF's; without an LF, two LFs
 *               vote different classes
 *   UNCOVERED   no LF votes on the item (not with an LF: it never fires there)
 *   DISAGREE    the model's label is not a class with the most votes (needs model
 *               labels; an uncovered item has no majority, so never disagrees, and on a
 *               tie the model agrees when it picks any of the tied classes)
 */
enum {
    CHORUS_INSPECT_WRONG = 1,
    CHORUS_INSPECT_CONFLICTS = 2,
    CHORUS_INSPECT_UNCOVERED = 4,
    CHORUS_INSPECT_DISAGREE = 8
};

typedef struct chorus_inspect_options {
    unsigned version;
    int32_t lf;       /* the LF to look at, or -1 */
    unsigned filters; /* CHORUS_INSPECT_* flags */
    int64_t limit;    /* at most this many items (>= 0) */
    /* 0: the first `limit` matching items in item order. 1: a uniform random sample of
     * `limit` of them (all when fewer match), the same for the same seed and input, and
     * listed in item order. */
    int sample;
    uint64_t seed;
} chorus_inspect_options;

#define CHORUS_INSPECT_OPTIONS_VERSION 1
#define CHORUS_INSPECT_OPTIONS_INIT                                                                \
    {                                                                                              \
        CHORUS_INSPECT_OPTIONS_VERSION, -1, 0, 10, 0, 0                                            \
    }

/*
 * The picked items: *out (chorus_free it; NULL when none) has *out_n item indices (rows
 * of votes) in increasing order, and *out_matching (if not NULL) gets how many items
 * matched before the limit. gold (n_gold = the items, -1 unknown) and model_labels (one
 * class per item, e.g. chorus_probs_to_labels of the model's prediction) may be NULL
 * unless a filter needs them. Errors: CHORUS_EINVAL (an LF or filter out of range,
 * UNCOVERED with an LF, a filter whose input is missing, sizes or classes out of range),
 * CHORUS_ENOMEM.
 */
int chorus_inspect_select(int64_t **out, int64_t *out_n, int64_t *out_matching,
                          const chorus_votes *votes, const int32_t *gold, int64_t n_gold,
                          const int32_t *model_labels, const chorus_inspect_options *opts);

#ifdef __cplusplus
}
#endif
#endif
