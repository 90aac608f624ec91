/* What the default model (auto) fits, from the votes each LF casts for each class. */
#ifndef CHORUS_MODEL_AUTO_CHOICE_H
#define CHORUS_MODEL_AUTO_CHOICE_H

#include <stdint.h>

#include "chorus/model.h"
#include "model/fit_shard.h"

/* The votes of each LF for each class over the whole matrix (added up over the processes
 * of a shard; NULL: all of it is in `votes`), n_lfs x n_classes, to free(); NULL when out
 * of memory on any process, as they agree in the exchange. */
int64_t *chorus_lf_class_counts(const chorus_votes *votes, const fit_shard *shard);

/* What auto fits from those counts: ds once one-class LFs cast a real share of the votes
 * (class-acc when most votes come from LFs too sparse for a rate per class), else
 * ds-noabstain; ds for NULL counts (out of memory only loses the choice; the fit itself
 * will report it). */
chorus_model_type chorus_auto_choice(const int64_t *counts, int32_t n_lfs, int32_t n_classes);

#endif
