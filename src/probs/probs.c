#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/probs.h"
#include "core/error_internal.h"
#include "probs/probs_internal.h"

int chorus_probs_new(chorus_probs **out, int64_t n_items, int32_t n_classes)
{
    *out = NULL;
    if (n_items < 0 || n_classes < 2 || n_classes > 65535)
        return chorus_error_set(CHORUS_EINVAL,
                                "probabilities need n_items >= 0 and 2..65535 classes, got %" PRId64
                                " x %" PRId32,
                                n_items, n_classes);
    if ((uint64_t)n_items > SIZE_MAX / sizeof(double) / (uint64_t)n_classes)
        return chorus_error_nomem();
    chorus_probs *p = calloc(1, sizeof *p);
    if (!p) return chorus_error_nomem();
    p->n_items = n_items;
    p->n_classes = n_classes;
    size_t cells = (size_t)n_items * (size_t)n_classes;
    p->data = calloc(cells ? cells : 1, sizeof *p->data);
    p->class_names = calloc((size_t)n_classes, sizeof *p->class_names);
    if (!p->data || !p->class_names) {
        chorus_probs_free(p);
        return chorus_error_nomem();
    }
    for (int32_t k = 0; k < n_classes; k++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%" PRId32, k);
        p->class_names[k] = strdup(buf);
        if (!p->class_names[k]) {
            chorus_probs_free(p);
            return chorus_error_nomem();
        }
    }
    *out = p;
    return CHORUS_OK;
}

void chorus_probs_free(chorus_probs *probs)
{
    if (!probs) return;
    if (probs->class_names)
        for (int32_t k = 0; k < probs->n_classes; k++)
            free(probs->class_names[k]);
    free(probs->class_names);
    free(probs->data);
    free(probs->item_ids);
    free(probs->covered);
    if (probs->item_names)
        for (int64_t i = 0; i < probs->n_items; i++)
            free(probs->item_names[i]);
    free(probs->item_names);
    free(probs);
}

int64_t chorus_probs_n_items(const chorus_probs *probs)
{
    return probs->n_items;
}

int32_t chorus_probs_n_classes(const chorus_probs *probs)
{
    return probs->n_classes;
}

double *chorus_probs_data(chorus_probs *probs)
{
    return probs->data;
}

const double *chorus_probs_const_data(const chorus_probs *probs)
{
    return probs->data;
}

const char *chorus_probs_class_name(const chorus_probs *probs, int32_t class_index)
{
    return class_index >= 0 && class_index < probs->n_classes ? probs->class_names[class_index]
                                                              : NULL;
}

int chorus_probs_set_class_name(chorus_probs *probs, int32_t class_index, const char *name)
{
    if (class_index < 0 || class_index >= probs->n_classes)
        return chorus_error_set(CHORUS_EINVAL, "class index %" PRId32 " is outside 0..%" PRId32,
                                class_index, probs->n_classes - 1);
    if (!name || !*name) return chorus_error_set(CHORUS_EINVAL, "class name is empty");
    char *copy = strdup(name);
    if (!copy) return chorus_error_nomem();
    free(probs->class_names[class_index]);
    probs->class_names[class_index] = copy;
    return CHORUS_OK;
}

int64_t chorus_probs_item_id(const chorus_probs *probs, int64_t row)
{
    return probs->item_ids ? probs->item_ids[row] : row;
}

const int64_t *chorus_probs_item_ids(const chorus_probs *probs)
{
    return probs->item_ids;
}

int chorus_probs_set_item_ids(chorus_probs *probs, const int64_t *ids)
{
    int64_t *copy = NULL;
    if (ids) {
        for (int64_t i = 0; i < probs->n_items; i++) {
            if (ids[i] < 0)
                return chorus_error_set(
                    CHORUS_EINVAL, "row %" PRId64 ": item id %" PRId64 " is negative", i, ids[i]);
            if (i > 0 && ids[i] <= ids[i - 1])
                return chorus_error_set(CHORUS_EINVAL,
                                        "row %" PRId64 ": item %" PRId64
                                        " comes after item %" PRId64
                                        "; item ids must be strictly increasing",
                                        i, ids[i], ids[i - 1]);
        }
        copy = malloc((size_t)(probs->n_items ? probs->n_items : 1) * sizeof *copy);
        if (!copy) return chorus_error_nomem();
        if (probs->n_items) memcpy(copy, ids, (size_t)probs->n_items * sizeof *copy);
    }
    free(probs->item_ids);
    probs->item_ids = copy;
    return CHORUS_OK;
}

const char *chorus_probs_item_name(const chorus_probs *probs, int64_t row)
{
    return probs->item_names && row >= 0 && row < probs->n_items ? probs->item_names[row] : NULL;
}

int chorus_probs_set_item_name(chorus_probs *probs, int64_t row, const char *name)
{
    if (row < 0 || row >= probs->n_items)
        return chorus_error_set(CHORUS_EINVAL, "row %" PRId64 " is outside 0..%" PRId64, row,
                                probs->n_items - 1);
    if (!name || !*name) return chorus_error_set(CHORUS_EINVAL, "item name is empty");
    if (!probs->item_names) {
        probs->item_names = calloc((size_t)probs->n_items, sizeof *probs->item_names);
        if (!probs->item_names) return chorus_error_nomem();
    }
    char *copy = strdup(name);
    if (!copy) return chorus_error_nomem();
    free(probs->item_names[row]);
    probs->item_names[row] = copy;
    return CHORUS_OK;
}

int chorus_probs_has_item_names(const chorus_probs *probs)
{
    return probs->item_names != NULL;
}

const uint8_t *chorus_probs_covered(const chorus_probs *probs)
{
    return probs->covered;
}

int chorus_probs_set_covered(chorus_probs *probs, const uint8_t *covered)
{
    uint8_t *copy = NULL;
    if (covered) {
        for (int64_t i = 0; i < probs->n_items; i++)
            if (covered[i] > 1)
                return chorus_error_set(CHORUS_EINVAL,
                                        "row %" PRId64 ": covered flag %u is neither 0 nor 1", i,
                                        (unsigned)covered[i]);
        copy = malloc((size_t)(probs->n_items ? probs->n_items : 1));
        if (!copy) return chorus_error_nomem();
        if (probs->n_items) memcpy(copy, covered, (size_t)probs->n_items);
    }
    free(probs->covered);
    probs->covered = copy;
    return CHORUS_OK;
}

int64_t chorus_probs_n_covered(const chorus_probs *probs)
{
    if (!probs->covered) return -1;
    int64_t n = 0;
    for (int64_t i = 0; i < probs->n_items; i++)
        n += probs->covered[i];
    return n;
}

int chorus_probs_drop_uncovered(chorus_probs *probs)
{
    if (!probs->covered)
        return chorus_error_set(CHORUS_EINVAL, "the probabilities do not say which items are "
                                               "covered, so none can be dropped");
    if (!probs->item_ids) {
        probs->item_ids =
            malloc((size_t)(probs->n_items ? probs->n_items : 1) * sizeof *probs->item_ids);
        if (!probs->item_ids) return chorus_error_nomem();
        for (int64_t i = 0; i < probs->n_items; i++)
            probs->item_ids[i] = i;
    }
    /* Compacting forwards in place: row `kept` is never after row i. */
    const size_t k = (size_t)probs->n_classes;
    int64_t kept = 0;
    for (int64_t i = 0; i < probs->n_items; i++) {
        if (!probs->covered[i]) {
            if (probs->item_names) free(probs->item_names[i]);
            continue;
        }
        if (probs->item_names) probs->item_names[kept] = probs->item_names[i];
        if (kept != i) {
            memmove(probs->data + (size_t)kept * k, probs->data + (size_t)i * k,
                    k * sizeof(double));
            probs->item_ids[kept] = probs->item_ids[i];
            probs->covered[kept] = 1;
        }
        kept++;
    }
    probs->n_items = kept;
    return CHORUS_OK;
}
