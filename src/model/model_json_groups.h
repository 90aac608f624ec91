/* The dependency groups of a model in model.json. */
#ifndef CHORUS_MODEL_JSON_GROUPS_H
#define CHORUS_MODEL_JSON_GROUPS_H

#include <jansson.h>

#include "model/model_internal.h"

/*
 * [{"labeling_functions": [names], "tuples": [[outputs]...], "confusion": [[P(tuple|y)]..]}]
 * A tuple lists each member's output by class name, null for an abstain; the first tuple
 * is all abstains and the last, written as null, is the bucket of tuples never seen.
 */
json_t *chorus_groups_to_json(const chorus_model *model);

/* Reads that array back into model->groups and model->group_theta. */
int chorus_groups_from_json(chorus_model *model, json_t *groups, const char *path);

#endif
