/*
 * Probabilistic labels: an n_items x n_classes row-major matrix of probabilities, each row
 * summing to 1, plus the class names. What chorus_model_predict() produces and what
 * downstream trainers read.
 */
#ifndef CHORUS_PROBS_H
#define CHORUS_PROBS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_probs chorus_probs;

typedef enum chorus_probs_format {
    CHORUS_PROBS_AUTO = 0,  /* from the file name: .jsonl, .npy, else CSV */
    CHORUS_PROBS_CSV = 1,   /* header of class names, one row of probabilities per item */
    CHORUS_PROBS_JSONL = 2, /* one {"item": i, "label": k, "probs": [...]} object per line */
    CHORUS_PROBS_NPY = 3    /* float64 n x K C-order .npy */
} chorus_probs_format;

/* Allocates an n_items x n_classes matrix of zeros. */
int chorus_probs_new(chorus_probs **out, int64_t n_items, int32_t n_classes);
void chorus_probs_free(chorus_probs *probs);

int64_t chorus_probs_n_items(const chorus_probs *probs);
int32_t chorus_probs_n_classes(const chorus_probs *probs);
/* Row-major data: item i, class k is at [i * n_classes + k]. */
double *chorus_probs_data(chorus_probs *probs);
const double *chorus_probs_const_data(const chorus_probs *probs);

/* Class names default to "0", "1", ...; setting copies the name. */
const char *chorus_probs_class_name(const chorus_probs *probs, int32_t class_index);
int chorus_probs_set_class_name(chorus_probs *probs, int32_t class_index, const char *name);

int chorus_probs_format_parse(chorus_probs_format *out, const char *name);
chorus_probs_format chorus_probs_format_from_path(const char *path);

/*
 * Writes probabilities (shortest decimal that reads back to the same double). The JSONL
 * "label" is the hash tie-break hard label. Written to a temporary file, then renamed.
 */
int chorus_probs_write(const chorus_probs *probs, const char *path, chorus_probs_format format);

/*
 * Reads probabilities written by chorus_probs_write() (or any tool writing the same
 * format). Rows must be non-negative and sum to 1 within 1e-6. Errors: CHORUS_EIO,
 * CHORUS_EFORMAT with file and line, CHORUS_ENOMEM.
 */
int chorus_probs_read(chorus_probs **out, const char *path, chorus_probs_format format);

#ifdef __cplusplus
}
#endif
#endif
