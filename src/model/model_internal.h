/* The fitted label model's parameters, shared by the estimators and model.json I/O. */
#ifndef CHORUS_MODEL_INTERNAL_H
#define CHORUS_MODEL_INTERNAL_H

#include <stdbool.h>

#include "chorus/model.h"

struct chorus_model {
    chorus_model_type type;
    int32_t n_classes;
    int32_t n_lfs;
    char **class_names;  /* n_classes */
    char **lf_names;     /* n_lfs */
    bool lf_names_given; /* false when fitted on unnamed votes (e.g. .npy) */
    double *prior;       /* n_classes */
    chorus_fit_options settings;
    int64_t fit_n_items;
    int64_t fit_nnz;
};

/* Allocates a model with the votes' shape and names, the prior set to uniform. */
int chorus_model_alloc(chorus_model **out, chorus_model_type type, const chorus_votes *votes);

/* Allocates a model of the given shape with default names and a uniform prior. */
int chorus_model_alloc_shape(chorus_model **out, chorus_model_type type, int32_t n_lfs,
                             int32_t n_classes);

/* Majority vote: probabilities are the shares of the item's votes, uncovered items the prior. */
void chorus_mv_predict(const chorus_model *model, const chorus_votes *votes, double *probs);

#endif
