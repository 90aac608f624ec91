/*
 * Predicting straight to a file: the probabilities of a vote matrix computed and written a
 * chunk of items at a time, so predicting 100M items holds a chunk of rows, never n x K.
 * The file is byte for byte what chorus_model_predict() then chorus_probs_write() give.
 */
#ifndef CHORUS_PREDICT_H
#define CHORUS_PREDICT_H

#include "model.h"
#include "probs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_predict_write_options {
    int version;
    /* 1: leave out the rows of items no labeling function voted on (their ids are kept, as
     * chorus_probs_drop_uncovered() keeps them). */
    int drop_uncovered;
    /* NULL, or one entry per item of the votes: a class that replaces the item's
     * probabilities by certainty (a review answer), or -1 to keep the model's. */
    const int32_t *answers;
} chorus_predict_write_options;

#define CHORUS_PREDICT_WRITE_OPTIONS_VERSION 1
#define CHORUS_PREDICT_WRITE_OPTIONS_INIT                                                          \
    {                                                                                              \
        CHORUS_PREDICT_WRITE_OPTIONS_VERSION, 0, NULL                                              \
    }

/*
 * chorus_model_predict() of `votes` written to `path` in `format` (opts NULL: defaults).
 * Errors as chorus_model_predict() and chorus_probs_write(), CHORUS_EINVAL for an answer
 * outside the model's classes; no file is left on any error.
 */
int chorus_model_predict_write(const chorus_model *model, const chorus_votes *votes,
                               const char *path, chorus_probs_format format,
                               const chorus_predict_write_options *opts);

#ifdef __cplusplus
}
#endif
#endif
