/*
 * An EM model's posteriors for the items of a vote matrix: the votes rewritten as sources
 * once (groups of correlated LFs become tuples), then any range of items at a time, so a
 * caller can predict a huge matrix through a buffer of a few thousand rows. Each item's
 * row depends on that item's votes alone: the same for any range and thread count.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/em_groups_model.h"
#include "model/em_internal.h"
#include "model/fallback_vote.h"
#include "model/model_internal.h"
#include "model/uncovered_split.h"

/* The group tuple counts of a layout. */
static int group_tuples(const em_groups *groups, int32_t **out)
{
    *out = malloc((size_t)(groups && groups->n_groups ? groups->n_groups : 1) * sizeof **out);
    if (!*out) return chorus_error_nomem();
    for (int32_t g = 0; groups && g < groups->n_groups; g++)
        (*out)[g] = groups->groups[g].n_tuples;
    return CHORUS_OK;
}

int chorus_em_make_sources(em_sources *s, em_groups *groups, const chorus_votes *votes, int32_t m,
                           int32_t k)
{
    memset(s, 0, sizeof *s);
    int32_t *tuples = NULL;
    int rc = CHORUS_OK;
    if (groups) {
        rc = em_groups_transform(groups, votes, &s->row_ptr, &s->source, &s->output);
        if (!rc) rc = em_groups_finish(groups);
    }
    if (!rc) rc = group_tuples(groups, &tuples);
    if (!rc) rc = chorus_em_layout_init(&s->layout, m, k, groups ? groups->n_groups : 0, tuples);
    free(tuples);
    return rc;
}

void chorus_em_free_sources(em_sources *s)
{
    chorus_em_layout_free(&s->layout);
    free(s->row_ptr);
    free(s->source);
    free(s->output);
}

struct em_predictor {
    const chorus_model *model;
    const chorus_votes *votes;
    em_sources sources;
    em_params params;
    /* Per LF, when the check's fallback or its tie rule is in force (fallback_vote.h);
     * else NULL. */
    double *specificity;
    bool ties_to_specific; /* a kept default hands its tied items to the tie rule */
};

/*
 * An item whose LFs all vote one class keeps that class when the model would overrule it.
 * With abstains as evidence, the silence of the many LFs that did not fire (and a drifted
 * class prior) can outweigh the votes that were cast; on real LF sets the model is then
 * wrong more often than the vote (README, "Label model"). The item gets the vote shares,
 * as majority vote would give it.
 */
static void keep_unanimous_vote(const chorus_vote_view *w, int64_t begin, int64_t end, int32_t k,
                                double *q)
{
    if (begin == end) return;
    const int32_t c = chorus_view_label(w, begin);
    for (int64_t v = begin + 1; v < end; v++)
        if (chorus_view_label(w, v) != c) return;
    double top = q[0];
    for (int32_t y = 1; y < k; y++)
        if (q[y] > top) top = q[y];
    if (q[c] < top - CHORUS_TIE_TOLERANCE)
        chorus_vote_shares(w->label, w->label_width, begin, end, k, q);
}

int chorus_em_predictor_new(em_predictor **out, const chorus_model *model,
                            const chorus_votes *votes)
{
    *out = NULL;
    em_predictor *p = calloc(1, sizeof *p);
    if (!p) return chorus_error_nomem();
    p->model = model;
    p->votes = votes;
    /* The model's groups are finished: new tuples go to the unseen bucket, nothing changes. */
    int rc =
        chorus_em_make_sources(&p->sources, model->groups, votes, model->n_lfs, model->n_classes);
    if (!rc)
        rc = chorus_em_params_alloc(&p->params, &p->sources.layout, model->n_lfs, model->n_classes);
    p->ties_to_specific =
        !model->check.fell_back && model->keep_unanimous && model->check.ties_to_specific;
    if (!rc && (model->check.fell_back || p->ties_to_specific))
        rc = chorus_fallback_specificity(model, &p->specificity);
    if (rc) {
        chorus_em_predictor_free(p);
        return rc;
    }
    chorus_em_params_set(&p->params, model->theta, model->prior, model->abstain_informative,
                         model->groups ? model->groups->lf_group : NULL);
    if (model->groups)
        em_groups_set_params(model->groups, model->abstain_informative, model->group_theta,
                             &p->params);
    *out = p;
    return CHORUS_OK;
}

void chorus_em_predictor_run(const em_predictor *p, int64_t begin, int64_t end, int n_threads,
                             double *probs)
{
    const chorus_model *model = p->model;
    const int32_t k = model->n_classes;
    const chorus_vote_view w = chorus_votes_view(p->votes);
    const int64_t *row_ptr = model->groups ? p->sources.row_ptr : w.row_ptr;
    const void *src = model->groups ? (const void *)p->sources.source : w.lf_index;
    const void *out = model->groups ? (const void *)p->sources.output : w.label;
    const int src_width = model->groups ? 4 : w.lf_width;
    const int out_width = model->groups ? 4 : w.label_width;
    const int64_t *vote_ptr = w.row_ptr;
#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (int64_t i = begin; i < end; i++) {
        double z, *q = probs + (i - begin) * k;
        /* After the check's fallback (fit_check.c) an item with votes gets its vote shares,
         * ties leaning to the more specific LFs; the model speaks only for the items
         * without any vote. */
        if (model->check.fell_back && vote_ptr[i + 1] > vote_ptr[i]) {
            chorus_fallback_shares(p->specificity, w.lf_index, w.lf_width, w.label, w.label_width,
                                   vote_ptr[i], vote_ptr[i + 1], k, q);
            continue;
        }
        /* The check found the tie rule closer to the left-out LFs than the model on items
         * whose votes tie (heldout_check.c): those items get the fallback's shares. q holds
         * the vote counts meanwhile. */
        if (p->ties_to_specific &&
            chorus_votes_tied(w.label, w.label_width, vote_ptr[i], vote_ptr[i + 1], k, q)) {
            chorus_fallback_shares(p->specificity, w.lf_index, w.lf_width, w.label, w.label_width,
                                   vote_ptr[i], vote_ptr[i + 1], k, q);
            continue;
        }
        chorus_em_item_posterior_k(&p->params, src, src_width, out, out_width, row_ptr[i],
                                   row_ptr[i + 1], -1, q, &z, k);
        if (vote_ptr[i + 1] == vote_ptr[i]) chorus_uncovered_even(model, q);
        if (model->keep_unanimous) keep_unanimous_vote(&w, vote_ptr[i], vote_ptr[i + 1], k, q);
    }
}

void chorus_em_predictor_free(em_predictor *p)
{
    if (!p) return;
    chorus_em_params_free(&p->params);
    chorus_em_free_sources(&p->sources);
    free(p->specificity);
    free(p);
}

int chorus_em_predict(const chorus_model *model, const chorus_votes *votes, double *probs)
{
    em_predictor *p;
    int rc = chorus_em_predictor_new(&p, model, votes);
    if (rc) return rc;
    chorus_em_predictor_run(p, 0, chorus_votes_n_items(votes), chorus_model_threads(model), probs);
    chorus_em_predictor_free(p);
    return CHORUS_OK;
}
