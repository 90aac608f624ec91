/* What a fitted model says of itself: the public accessors of chorus/model.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "chorus/model.h"
#include "core/error_internal.h"
#include "model/em_groups.h"
#include "model/model_internal.h"

chorus_model_type chorus_model_get_type(const chorus_model *model)
{
    return model->type;
}

int chorus_model_set_review_answers(chorus_model *model, int64_t n)
{
    if (n < 0)
        return chorus_error_set(CHORUS_EINVAL, "%" PRId64 " review answers is not a count", n);
    model->n_review_answers = n;
    return CHORUS_OK;
}

int64_t chorus_model_review_answers(const chorus_model *model)
{
    return model->n_review_answers;
}

int32_t chorus_model_n_classes(const chorus_model *model)
{
    return model->n_classes;
}

int32_t chorus_model_n_lfs(const chorus_model *model)
{
    return model->n_lfs;
}

int64_t chorus_model_fit_n_items(const chorus_model *model)
{
    return model->fit_n_items;
}

const char *chorus_model_class_name(const chorus_model *model, int32_t class_index)
{
    return class_index >= 0 && class_index < model->n_classes ? model->class_names[class_index]
                                                              : NULL;
}

const char *chorus_model_lf_name(const chorus_model *model, int32_t lf)
{
    return lf >= 0 && lf < model->n_lfs ? model->lf_names[lf] : NULL;
}

const double *chorus_model_prior(const chorus_model *model)
{
    return model->prior;
}

int chorus_model_alloc_theta(chorus_model *model)
{
    const size_t k = (size_t)model->n_classes;
    free(model->theta);
    model->theta = calloc((size_t)model->n_lfs * k * (k + 1), sizeof *model->theta);
    return model->theta ? CHORUS_OK : chorus_error_nomem();
}

const double *chorus_model_confusion(const chorus_model *model, int32_t lf)
{
    if (!model->theta || lf < 0 || lf >= model->n_lfs) return NULL;
    const size_t k = (size_t)model->n_classes;
    return model->theta + (size_t)lf * k * (k + 1);
}

const chorus_dependency *chorus_model_dependencies(const chorus_model *model, int32_t *n)
{
    *n = model->n_dependencies;
    return model->dependencies;
}

int32_t chorus_model_n_groups(const chorus_model *model)
{
    return model->groups ? model->groups->n_groups : 0;
}

int32_t chorus_model_lf_group(const chorus_model *model, int32_t lf)
{
    if (!model->groups || lf < 0 || lf >= model->n_lfs) return -1;
    return model->groups->lf_group[lf];
}

int32_t chorus_model_lf_copy_of(const chorus_model *model, int32_t lf)
{
    if (!model->copy_of || lf < 0 || lf >= model->n_lfs) return -1;
    return model->copy_of[lf];
}

int32_t chorus_model_n_copies(const chorus_model *model)
{
    int32_t n = 0;
    for (int32_t j = 0; model->copy_of && j < model->n_lfs; j++)
        n += model->copy_of[j] >= 0;
    return n;
}

double chorus_model_lf_accuracy(const chorus_model *model, int32_t lf)
{
    /* A copy's votes are its original's, and so is the accuracy of them. */
    if (chorus_model_lf_copy_of(model, lf) >= 0) lf = chorus_model_lf_copy_of(model, lf);
    const double *theta = chorus_model_confusion(model, lf);
    if (!theta || chorus_model_lf_group(model, lf) >= 0) return NAN;
    const int32_t k = model->n_classes;
    double right = 0, cast = 0;
    for (int32_t y = 0; y < k; y++) {
        const double *row = theta + (size_t)y * (k + 1);
        for (int32_t o = 0; o < k; o++) {
            cast += model->prior[y] * row[o];
            if (o == y) right += model->prior[y] * row[o];
        }
    }
    return cast > 0 ? right / cast : NAN;
}

int chorus_model_abstain_informative(const chorus_model *model)
{
    return model->abstain_informative;
}

const double *chorus_model_trace(const chorus_model *model, int32_t *n)
{
    *n = model->n_trace;
    return model->trace;
}

int chorus_model_converged(const chorus_model *model)
{
    return model->converged;
}

int chorus_model_classes_permuted(const chorus_model *model)
{
    return model->classes_permuted;
}

int chorus_model_keeps_unanimous(const chorus_model *model)
{
    return model->keep_unanimous;
}

const chorus_candidate *chorus_model_candidates(const chorus_model *model, int32_t *n,
                                                int32_t *chosen)
{
    *n = model->n_candidates;
    *chosen = model->chosen_candidate;
    return model->candidates;
}

const char *chorus_model_selection_metric(const chorus_model *model)
{
    return model->candidates ? model->selection_metric : NULL;
}

int64_t chorus_model_selection_dev_items(const chorus_model *model)
{
    return model->selection_dev_items;
}
