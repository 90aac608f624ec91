/*
 * Choosing the label model with a labelled dev set, as the WRENCH protocol does with its
 * valid split: every candidate (majority vote, the default model, and each EM model with
 * smoothing 1, 0.1 and 10, a learned or uniform class prior, and for the models with
 * abstains as evidence with and without keeping unanimous votes) is fitted on the training votes
 * without gold, scored on the dev votes against the dev labels, and the best one is kept. The
 * fitted model records every candidate and its dev score (chorus_model_candidates, model.json
 * "selection").
 */
#ifndef CHORUS_SELECT_H
#define CHORUS_SELECT_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum chorus_select_metric {
    CHORUS_SELECT_ACCURACY = 0, /* hash tie-break, as chorus eval */
    CHORUS_SELECT_MACRO_F1 = 1,
    CHORUS_SELECT_F1 = 2 /* F1 of the positive class */
} chorus_select_metric;

typedef struct chorus_select_options {
    unsigned version;
    chorus_select_metric metric;
    int32_t positive_class; /* for CHORUS_SELECT_F1 */
} chorus_select_options;

#define CHORUS_SELECT_OPTIONS_VERSION 1
#define CHORUS_SELECT_OPTIONS_INIT                                                                 \
    {                                                                                              \
        CHORUS_SELECT_OPTIONS_VERSION, CHORUS_SELECT_ACCURACY, 1                                   \
    }

/* Parses accuracy, macro-f1 or f1; CHORUS_EINVAL otherwise. */
int chorus_select_metric_parse(chorus_select_metric *out, const char *name);
const char *chorus_select_metric_name(chorus_select_metric metric);

/*
 * Fits every candidate on `votes` with the settings of `base` (NULL: defaults; its model
 * type is ignored, its class prior kept when it is not the learned one), scores each on
 * dev_votes against dev_gold (n_dev_gold entries, one per dev item, -1 unknown), and
 * returns the best; ties go to the earlier candidate (majority vote first, then the
 * simpler models and the default settings). The dev votes must have the training votes'
 * LFs. Errors: CHORUS_EINVAL (options, sizes, no dev item with a label), CHORUS_ENOMEM.
 */
int chorus_model_select(chorus_model **out, const chorus_votes *votes,
                        const chorus_fit_options *base, const chorus_votes *dev_votes,
                        const int32_t *dev_gold, int64_t n_dev_gold,
                        const chorus_select_options *opts);

#ifdef __cplusplus
}
#endif
#endif
