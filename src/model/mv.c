/* Majority vote, the baseline every label model is measured against. */
#include "model/model_internal.h"

void chorus_mv_predict_range(const chorus_model *model, const chorus_votes *votes, int64_t begin,
                             int64_t end, int n_threads, double *probs)
{
    const int32_t k = model->n_classes;
    const chorus_vote_view w = chorus_votes_view(votes);
    const int64_t *row_ptr = w.row_ptr;
    /* Each item writes only its own row, so the result is the same for any thread count. */
#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (int64_t i = begin; i < end; i++) {
        double *row = probs + (i - begin) * k;
        int64_t first = row_ptr[i], last = row_ptr[i + 1];
        if (first == last) {
            for (int32_t c = 0; c < k; c++)
                row[c] = model->prior[c];
            continue;
        }
        chorus_vote_shares(w.label, w.label_width, first, last, k, row);
    }
}

void chorus_mv_predict(const chorus_model *model, const chorus_votes *votes, double *probs)
{
    chorus_mv_predict_range(model, votes, 0, chorus_votes_n_items(votes),
                            chorus_model_threads(model), probs);
}
