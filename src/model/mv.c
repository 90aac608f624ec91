/* Majority vote, the baseline every label model is measured against. */
#include <omp.h>

#include "model/model_internal.h"

void chorus_mv_predict(const chorus_model *model, const chorus_votes *votes, double *probs)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t k = model->n_classes;
    const chorus_vote_view w = chorus_votes_view(votes);
    const int64_t *row_ptr = w.row_ptr;
    /* Each item writes only its own row, so the result is the same for any thread count. */
    const int n_threads =
        model->settings.n_threads > 0 ? model->settings.n_threads : omp_get_max_threads();
#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (int64_t i = 0; i < n; i++) {
        double *row = probs + i * k;
        int64_t begin = row_ptr[i], end = row_ptr[i + 1];
        if (begin == end) {
            for (int32_t c = 0; c < k; c++)
                row[c] = model->prior[c];
            continue;
        }
        chorus_vote_shares(w.label, w.label_width, begin, end, k, row);
    }
}
