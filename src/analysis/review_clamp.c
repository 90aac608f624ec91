/* Review answers in predicted probabilities: an answered item's label is its answer. */
#include <inttypes.h>

#include "chorus/review.h"
#include "core/error_internal.h"

int chorus_review_clamp_probs(chorus_probs *probs, const int32_t *answers, int64_t n_items)
{
    const int64_t n = chorus_probs_n_items(probs);
    const int32_t k = chorus_probs_n_classes(probs);
    if (n != n_items || chorus_probs_item_ids(probs))
        return chorus_error_set(CHORUS_EINVAL,
                                "%" PRId64 " answers for %" PRId64
                                " rows of probabilities; they must match one to one",
                                n_items, n);
    for (int64_t i = 0; i < n; i++)
        if (answers[i] < -1 || answers[i] >= k)
            return chorus_error_set(CHORUS_EINVAL,
                                    "the answer of item %" PRId64 " is %" PRId32
                                    ", not a class of 0..%" PRId32,
                                    i, answers[i], k - 1);
    double *p = chorus_probs_data(probs);
    for (int64_t i = 0; i < n; i++) {
        if (answers[i] < 0) continue;
        for (int32_t c = 0; c < k; c++)
            p[i * k + c] = c == answers[i] ? 1.0 : 0.0;
    }
    return CHORUS_OK;
}
