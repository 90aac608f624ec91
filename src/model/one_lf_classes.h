/*
 * Classes that at most one labeling function votes for (the default model's check). With
 * one LF for a class, "the class is common and its LF rarely fires" and "the class is rare
 * and its LF fires on most of it" give the same votes, so nothing in them says how the
 * items without a vote split among two such classes: the model's split there comes from
 * its starting point and its priors. Predict gives those classes equal shares there
 * (chorus_uncovered_even, uncovered_split.h).
 */
#ifndef CHORUS_MODEL_ONE_LF_CLASSES_H
#define CHORUS_MODEL_ONE_LF_CLASSES_H

#include <stdint.h>

#include "chorus/model.h"

/*
 * From counts[j * n_classes + c], the votes of LF j for class c over the whole matrix,
 * marks the classes at most one LF voted for, when there are two or more of them (else
 * none): model->one_lf_class and model->check.n_one_lf_classes. CHORUS_ENOMEM.
 */
int chorus_one_lf_classes_find(chorus_model *model, const int64_t *counts);

#endif
