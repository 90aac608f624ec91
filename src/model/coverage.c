/*
 * Coverage travels with the predictions: an item no LF voted on gets the class prior from
 * every model, and the writers and chorus eval must be able to tell it from a label.
 */
#include <stdlib.h>

#include "core/error_internal.h"
#include "model/coverage.h"
#include "probs/probs_internal.h"

int chorus_probs_cover_from_votes(chorus_probs *probs, const chorus_votes *votes)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    uint8_t *covered = malloc((size_t)(n ? n : 1));
    if (!covered) return chorus_error_nomem();
    for (int64_t i = 0; i < n; i++)
        covered[i] = row_ptr[i + 1] > row_ptr[i];
    free(probs->covered);
    probs->covered = covered;
    return CHORUS_OK;
}
