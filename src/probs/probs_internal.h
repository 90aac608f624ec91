/* The layout of the probabilities, shared by the model (which fills them) and the readers. */
#ifndef CHORUS_PROBS_INTERNAL_H
#define CHORUS_PROBS_INTERNAL_H

#include "chorus/probs.h"

struct chorus_probs {
    int64_t n_items;
    int32_t n_classes;
    double *data;
    char **class_names;
    /* Optional, n_items entries each: NULL means row i is item i, or coverage unknown.
     * Kept apart from data so the matrix stays a plain array for zero-copy readers. */
    int64_t *item_ids;
    uint8_t *covered;
    char **item_names; /* NULL, or n_items entries (NULL for a row without a name) */
};

#endif
