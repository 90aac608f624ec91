/* Growing CSR arrays while a reader streams rows, before they become a chorus_votes. */
#ifndef CHORUS_CSR_BUILDER_H
#define CHORUS_CSR_BUILDER_H

#include <stdint.h>

#include "chorus/votes.h"

typedef struct chorus_csr_builder {
    int64_t n_items; /* closed rows */
    int64_t n_votes; /* votes so far, including the open row's */
    int64_t *row_ptr;
    int32_t *lf_index;
    int32_t *label;
    int64_t cap_items;
    int64_t cap_votes;
    int32_t max_label; /* -1 while no vote was added */
} chorus_csr_builder;

/* Starts an empty matrix (row_ptr = [0]). */
int chorus_csr_builder_init(chorus_csr_builder *b);

/* Adds one vote to the current (last open) row; LFs must come in increasing order. */
int chorus_csr_builder_add(chorus_csr_builder *b, int32_t lf, int32_t label);

/* Closes the current row. */
int chorus_csr_builder_end_row(chorus_csr_builder *b);

/*
 * Hands the arrays to a new vote matrix with n_classes classes (0 = max label + 1, at
 * least 2) and resets the builder. On failure the builder still owns them.
 */
int chorus_csr_builder_finish(chorus_csr_builder *b, chorus_votes **out, int32_t n_lfs,
                              int32_t n_classes);

void chorus_csr_builder_free(chorus_csr_builder *b);

#endif
