/* A vote matrix rebuilt with its LFs and classes renumbered, or some LFs' votes dropped. */
#include <stdlib.h>

#include "core/error_internal.h"
#include "votes/votes_internal.h"

int chorus_votes_remap(chorus_votes **out, const chorus_votes *votes, const int32_t *lf_map,
                       int32_t n_lfs, const int32_t *class_map, int32_t n_classes)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes);
    int32_t *lfs = malloc((size_t)(m > 0 ? m : 1) * sizeof *lfs);
    int32_t *labels = malloc((size_t)(m > 0 ? m : 1) * sizeof *labels);
    chorus_votes *mapped = NULL;
    int rc = lfs && labels ? chorus_votes_new(&mapped, n_lfs, n_classes) : chorus_error_nomem();
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    const int64_t n_items = chorus_votes_n_items(votes);
    for (int64_t i = 0; !rc && i < n_items; i++) {
        size_t n = 0;
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            const int32_t j = lf_map[chorus_view_lf(&w, p)], c = chorus_view_label(&w, p);
            if (j < 0) continue;
            lfs[n] = j;
            labels[n++] = class_map ? class_map[c] : c;
        }
        rc = chorus_votes_append_item(mapped, lfs, labels, n);
    }
    /* The same items, so the same names: every per-item output keeps its item's id. */
    for (int64_t i = 0; !rc && chorus_votes_has_item_names(votes) && i < n_items; i++)
        if (chorus_votes_item_name(votes, i))
            rc = chorus_votes_set_item_name(mapped, i, chorus_votes_item_name(votes, i));
    free(lfs);
    free(labels);
    if (rc) {
        chorus_votes_free(mapped);
        return rc;
    }
    *out = mapped;
    return CHORUS_OK;
}
