/*
 * Why only classes with at most one LF, and only items without votes: with two LFs voting
 * a class, how often they fire together (against how often each fires) measures their
 * recall on it, and with it the class's size; with one, nothing does. On synthetic sets
 * with one one-class LF per class (README, "One LF per class") the model's single class for
 * every item without a vote was right about as often as a coin over 80 draws, but on all of
 * those items at once: 26 of the 80 ended more than a point below majority vote, by up to
 * 34 points. An item with a vote for such a class still follows that vote.
 */
#include "model/one_lf_classes.h"

#include <stdlib.h>

#include "core/error_internal.h"
#include "model/model_internal.h"

int chorus_one_lf_classes_find(chorus_model *model, const int64_t *counts)
{
    const int32_t m = model->n_lfs, k = model->n_classes;
    free(model->one_lf_class);
    model->one_lf_class = NULL;
    model->check.n_one_lf_classes = 0;
    bool *marked = calloc((size_t)k, sizeof *marked);
    if (!marked) return chorus_error_nomem();
    int32_t n_marked = 0;
    for (int32_t c = 0; c < k; c++) {
        int32_t voters = 0;
        for (int32_t j = 0; j < m && voters < 2; j++)
            voters += counts[(size_t)j * k + c] > 0;
        marked[c] = voters < 2;
        n_marked += marked[c];
    }
    if (n_marked < 2) {
        free(marked);
        return CHORUS_OK;
    }
    model->one_lf_class = marked;
    model->check.n_one_lf_classes = n_marked;
    return CHORUS_OK;
}

int chorus_model_one_lf_class(const chorus_model *model, int32_t class_index)
{
    return model->one_lf_class && class_index >= 0 && class_index < model->n_classes &&
           model->one_lf_class[class_index];
}
