/* The gold-free check of a fit in model.json. */
#ifndef CHORUS_MODEL_JSON_CHECK_H
#define CHORUS_MODEL_JSON_CHECK_H

#include <jansson.h>

#include "model/model_internal.h"

/*
 * {"checked_model": name, "covered_items", "unanimous_items", "unanimous_overruled",
 *  "clear_majority_items", "majority_overruled", "prior_distance_to_vote_shares",
 *  "lfs_disagreeing", "worse_than_majority_vote", "fell_back_to_majority_vote",
 *  "lf_agreement": [share or null per LF]}
 */
json_t *chorus_check_to_json(const chorus_model *model);

/* Reads that object back into model->check and model->lf_agreement. */
int chorus_check_from_json(chorus_model *model, json_t *check, const char *path);

/* {"metric", "dev_items", "chosen", "candidates": [{"model", "smoothing", "class_prior",
 * "dev_score"}]}: what a dev-set selection tried (select.h). */
json_t *chorus_selection_to_json(const chorus_model *model);

/* Reads that object back into model->candidates and the selection fields. */
int chorus_selection_from_json(chorus_model *model, json_t *selection, const char *path);

#endif
