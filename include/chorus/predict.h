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
    /* Version 2. chorus_model_predict_write(): NULL, or called after each chunk of items
     * is written (common.h); the file does not depend on it. */
    chorus_progress_fn progress;
    void *progress_ctx;
} chorus_predict_write_options;

/* Version 1 (without progress) is still accepted. */
#define CHORUS_PREDICT_WRITE_OPTIONS_VERSION 2
#define CHORUS_PREDICT_WRITE_OPTIONS_INIT                                                          \
    {                                                                                              \
        CHORUS_PREDICT_WRITE_OPTIONS_VERSION, 0, NULL, NULL, NULL                                  \
    }

/*
 * chorus_model_predict() of `votes` written to `path` in `format` (opts NULL: defaults).
 * Errors as chorus_model_predict() and chorus_probs_write(), CHORUS_EINVAL for an answer
 * outside the model's classes; no file is left on any error.
 */
int chorus_model_predict_write(const chorus_model *model, const chorus_votes *votes,
                               const char *path, chorus_probs_format format,
                               const chorus_predict_write_options *opts);

/*
 * The same rows a run of items at a time, for a caller that writes them itself (several
 * processes, each predicting its part of a matrix, one writing): chorus_predictor_rows()
 * of consecutive runs covering the votes, handed to a chorus_probs_writer opened with
 * chorus_predictor_layout(), gives chorus_model_predict_write()'s file.
 *
 * `first_item` is the id of the votes' item 0: 0, or where this part of a larger matrix
 * starts. The predictor borrows model, votes and opts->answers: they must outlive it.
 * Errors as chorus_model_predict(); *out NULL then.
 */
typedef struct chorus_predictor chorus_predictor;

int chorus_predictor_new(chorus_predictor **out, const chorus_model *model,
                         const chorus_votes *votes, int64_t first_item,
                         const chorus_predict_write_options *opts);
/* The layout of all the votes' rows: n_rows (the covered items' when dropping), the
 * model's classes, covered flags, and an items file when rows are dropped or named. */
void chorus_predictor_layout(const chorus_predictor *predictor, chorus_probs_layout *layout);
/* The rows of items [begin, end) of the votes, ids first_item + begin on, with covered
 * flags, names, answers and (dropping) only the covered ones. CHORUS_EINVAL for a range
 * outside the votes or a bad answer, CHORUS_ENOMEM. */
int chorus_predictor_rows(chorus_probs **out, const chorus_predictor *predictor, int64_t begin,
                          int64_t end);
void chorus_predictor_free(chorus_predictor *predictor);

#ifdef __cplusplus
}
#endif
#endif
