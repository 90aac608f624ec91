#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "io/csr_builder.h"
#include "votes/votes_internal.h"

int chorus_csr_builder_init(chorus_csr_builder *b)
{
    memset(b, 0, sizeof *b);
    b->max_label = -1;
    b->cap_items = 1024;
    b->row_ptr = malloc((size_t)(b->cap_items + 1) * sizeof *b->row_ptr);
    if (!b->row_ptr) return chorus_error_nomem();
    b->row_ptr[0] = 0;
    return CHORUS_OK;
}

int chorus_csr_builder_add(chorus_csr_builder *b, int32_t lf, int32_t label)
{
    int64_t p = b->n_votes;
    if (p == b->cap_votes) {
        int64_t cap = b->cap_votes ? b->cap_votes * 2 : 4096;
        int32_t *li = realloc(b->lf_index, (size_t)cap * sizeof *li);
        if (!li) return chorus_error_nomem();
        b->lf_index = li;
        int32_t *lb = realloc(b->label, (size_t)cap * sizeof *lb);
        if (!lb) return chorus_error_nomem();
        b->label = lb;
        b->cap_votes = cap;
    }
    b->lf_index[p] = lf;
    b->label[p] = label;
    if (label > b->max_label) b->max_label = label;
    b->n_votes = p + 1;
    return CHORUS_OK;
}

int chorus_csr_builder_end_row(chorus_csr_builder *b)
{
    if (b->n_items + 1 > b->cap_items) {
        int64_t cap = b->cap_items * 2;
        int64_t *rp = realloc(b->row_ptr, (size_t)(cap + 1) * sizeof *rp);
        if (!rp) return chorus_error_nomem();
        b->row_ptr = rp;
        b->cap_items = cap;
    }
    b->n_items++;
    b->row_ptr[b->n_items] = b->n_votes;
    return CHORUS_OK;
}

int chorus_csr_builder_finish(chorus_csr_builder *b, chorus_votes **out, int32_t n_lfs,
                              int32_t n_classes)
{
    if (n_classes <= 0) n_classes = b->max_label + 1 < 2 ? 2 : b->max_label + 1;
    if (!b->lf_index) {
        b->lf_index = malloc(sizeof *b->lf_index);
        b->label = malloc(sizeof *b->label);
        if (!b->lf_index || !b->label) return chorus_error_nomem();
    }
    int rc =
        chorus_votes_adopt(out, b->n_items, n_lfs, n_classes, b->row_ptr, b->lf_index, b->label);
    if (rc) return rc;
    memset(b, 0, sizeof *b);
    b->max_label = -1;
    return CHORUS_OK;
}

void chorus_csr_builder_free(chorus_csr_builder *b)
{
    free(b->row_ptr);
    free(b->lf_index);
    free(b->label);
    memset(b, 0, sizeof *b);
}
