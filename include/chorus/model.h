/*
 * Label models: fitted from a vote matrix without gold labels, they turn votes into
 * probabilistic labels. A model is saved as human-readable JSON (model.json) and applied
 * to new vote matrices with the same labeling functions.
 */
#ifndef CHORUS_MODEL_H
#define CHORUS_MODEL_H

#include "probs.h"
#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_model chorus_model;

typedef enum chorus_model_type {
    CHORUS_MODEL_MV = 0 /* majority vote: P(y=k) = share of the item's votes for k */
} chorus_model_type;

typedef struct chorus_fit_options {
    unsigned version;
    chorus_model_type type;
    /* OpenMP threads; 0 = the OpenMP default. Results do not depend on it. */
    int n_threads;
    uint64_t seed;
} chorus_fit_options;

#define CHORUS_FIT_OPTIONS_VERSION 1
#define CHORUS_FIT_OPTIONS_INIT {CHORUS_FIT_OPTIONS_VERSION, CHORUS_MODEL_MV, 0, 0}

/* Parses a model name ("mv"); CHORUS_EINVAL listing the known names otherwise. */
int chorus_model_type_parse(chorus_model_type *out, const char *name);
const char *chorus_model_type_name(chorus_model_type type);

/*
 * Checks options before any work: returns CHORUS_OK, or CHORUS_EINVAL with a message
 * saying what is wrong. chorus_model_fit() calls it too.
 */
int chorus_fit_options_check(const chorus_fit_options *opts);

/* Fits a model to the votes. opts may be NULL for the defaults. */
int chorus_model_fit(chorus_model **out, const chorus_votes *votes, const chorus_fit_options *opts);

/*
 * Probabilistic labels for every item of `votes`. The votes must have the model's
 * labeling functions, in the same order (checked by name when both have names), and no
 * class beyond the model's. Items without any vote get the class prior.
 */
int chorus_model_predict(chorus_probs **out, const chorus_model *model, const chorus_votes *votes);

/* Saves / loads model.json (written to a temporary file, then renamed). */
int chorus_model_save(const chorus_model *model, const char *path);
int chorus_model_load(chorus_model **out, const char *path);

void chorus_model_free(chorus_model *model);

chorus_model_type chorus_model_get_type(const chorus_model *model);
int32_t chorus_model_n_classes(const chorus_model *model);
int32_t chorus_model_n_lfs(const chorus_model *model);
const char *chorus_model_class_name(const chorus_model *model, int32_t class_index);
const char *chorus_model_lf_name(const chorus_model *model, int32_t lf);
/* The class prior used for items without votes (n_classes entries). */
const double *chorus_model_prior(const chorus_model *model);

#ifdef __cplusplus
}
#endif
#endif
