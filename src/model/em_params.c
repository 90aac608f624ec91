/* The E-step's view of the parameters, and the posterior of one item. */
#include <math.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "model/em_internal.h"

int chorus_em_layout_init(em_layout *layout, int32_t n_lfs, int32_t n_classes, int32_t n_groups,
                          const int32_t *group_tuples)
{
    layout->n_sources = n_lfs + n_groups;
    layout->offset = malloc(((size_t)layout->n_sources + 1) * sizeof *layout->offset);
    layout->n_outputs = malloc(((size_t)layout->n_sources + 1) * sizeof *layout->n_outputs);
    if (!layout->offset || !layout->n_outputs) {
        chorus_em_layout_free(layout);
        return chorus_error_nomem();
    }
    int64_t at = 0;
    for (int32_t s = 0; s < layout->n_sources; s++) {
        layout->offset[s] = at;
        layout->n_outputs[s] = s < n_lfs ? n_classes : group_tuples[s - n_lfs];
        at += (int64_t)layout->n_outputs[s] * n_classes;
    }
    layout->offset[layout->n_sources] = at;
    return CHORUS_OK;
}

void chorus_em_layout_free(em_layout *layout)
{
    free(layout->offset);
    free(layout->n_outputs);
    layout->offset = NULL;
    layout->n_outputs = NULL;
}

int chorus_em_params_alloc(em_params *p, const em_layout *layout, int32_t n_lfs, int32_t n_classes)
{
    p->n_lfs = n_lfs;
    p->n_classes = n_classes;
    p->offset = layout->offset;
    size_t k = (size_t)n_classes;
    p->delta =
        malloc((size_t)(layout->offset[layout->n_sources] ? layout->offset[layout->n_sources] : 1) *
               sizeof *p->delta);
    p->base = malloc(k * sizeof *p->base);
    if (!p->delta || !p->base) {
        chorus_em_params_free(p);
        return chorus_error_nomem();
    }
    return CHORUS_OK;
}

void chorus_em_params_free(em_params *p)
{
    free(p->delta);
    free(p->base);
    p->delta = p->base = NULL;
}

void chorus_em_params_set(em_params *p, const double *theta, const double *prior,
                          bool abstain_informative, const int32_t *lf_group)
{
    const int32_t m = p->n_lfs, k = p->n_classes, o_count = k + 1;
    for (int32_t y = 0; y < k; y++)
        p->base[y] = log(prior[y]);
    for (int32_t j = 0; j < m; j++) {
        if (lf_group && lf_group[j] >= 0) continue;
        for (int32_t y = 0; y < k; y++) {
            const double *row = theta + ((size_t)j * k + y) * o_count;
            double log_abstain = abstain_informative ? log(row[k]) : 0.0;
            p->base[y] += log_abstain;
            for (int32_t o = 0; o < k; o++)
                p->delta[p->offset[j] + (size_t)o * k + y] = log(row[o]) - log_abstain;
        }
    }
}

void chorus_em_output_shape(const int64_t *vote_counts, int64_t n_items, int32_t n_lfs,
                            int32_t n_classes, double *shape)
{
    const int32_t k = n_classes, o_count = k + 1;
    for (int32_t j = 0; j < n_lfs; j++) {
        double *s = shape + (size_t)j * o_count;
        int64_t cast = 0;
        for (int32_t o = 0; o < k; o++)
            cast += vote_counts[(size_t)j * k + o];
        double total = 0;
        for (int32_t o = 0; o <= k; o++) {
            int64_t c = o < k ? vote_counts[(size_t)j * k + o] : n_items - cast;
            s[o] = n_items > 0 ? (double)c / (double)n_items : 1.0 / o_count;
            if (s[o] < CHORUS_EM_SHAPE_FLOOR) s[o] = CHORUS_EM_SHAPE_FLOOR;
            total += s[o];
        }
        for (int32_t o = 0; o <= k; o++)
            s[o] /= total;
    }
}
