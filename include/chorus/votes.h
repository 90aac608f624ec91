/*
 * The vote matrix: items x labeling functions, each entry a class index or an abstain,
 * stored as compressed sparse rows (only the votes that are not abstains).
 *
 *              lf0  lf1  lf2            row_ptr  = [0, 2, 2, 3]
 *     item 0 [  1    .    0 ]           lf_index = [0, 2, 1]
 *     item 1 [  .    .    . ]   --->    label    = [1, 0, 1]
 *     item 2 [  .    1    . ]
 *
 * Within a row the LF indices are strictly increasing.
 */
#ifndef CHORUS_VOTES_H
#define CHORUS_VOTES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_votes chorus_votes;

/* Largest number of classes and of labeling functions a vote matrix may have. The class
 * limit keeps a model's K x (K + 1) table per LF in memory, and a stray large label in a
 * file from turning into thousands of phantom classes. */
#define CHORUS_MAX_CLASSES 1000
#define CHORUS_MAX_LFS 16777216

/*
 * Creates an empty matrix with n_lfs labeling functions and n_classes classes, to be
 * filled row by row with chorus_votes_append_item(). Errors: CHORUS_EINVAL for sizes out
 * of range, CHORUS_ENOMEM.
 */
int chorus_votes_new(chorus_votes **out, int32_t n_lfs, int32_t n_classes);

/*
 * Appends one item with `count` votes: lf_index[i] voted label[i]. The pairs may come in
 * any order; abstains (CHORUS_ABSTAIN) are skipped. Errors: CHORUS_EINVAL for an LF index
 * or class out of range, an LF voting twice on the item, or a matrix that borrows its
 * arrays; CHORUS_ENOMEM.
 */
int chorus_votes_append_item(chorus_votes *votes, const int32_t *lf_index, const int32_t *label,
                             size_t count);

/* How chorus_votes_from_csr() treats the caller's arrays. */
typedef enum chorus_ownership {
    CHORUS_COPY = 0,  /* copy them; the caller may free its arrays at once */
    CHORUS_BORROW = 1 /* use them in place; they must outlive the matrix and not change */
} chorus_ownership;

/*
 * Makes a matrix from raw CSR arrays (row_ptr has n_items + 1 entries, the others
 * row_ptr[n_items]). Everything is validated first: row_ptr starts at 0 and never
 * decreases, LF indices are in range and strictly increasing within a row, labels are in
 * 0..n_classes-1. Errors: CHORUS_EINVAL naming the first offending entry, CHORUS_ENOMEM.
 */
int chorus_votes_from_csr(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                          const int64_t *row_ptr, const int32_t *lf_index, const int32_t *label,
                          chorus_ownership ownership);

/*
 * Makes a matrix from a dense row-major n_items x n_lfs array of votes (CHORUS_ABSTAIN
 * or 0..n_classes-1), Snorkel's `L` convention. Errors: CHORUS_EINVAL naming the first
 * bad cell, CHORUS_ENOMEM.
 */
int chorus_votes_from_dense(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                            const int32_t *dense);

void chorus_votes_free(chorus_votes *votes);

int64_t chorus_votes_n_items(const chorus_votes *votes);
int32_t chorus_votes_n_lfs(const chorus_votes *votes);
int32_t chorus_votes_n_classes(const chorus_votes *votes);
/* Number of votes that are not abstains. */
int64_t chorus_votes_nnz(const chorus_votes *votes);

/*
 * The CSR arrays; valid while the matrix lives and is not appended to. A matrix stores each
 * LF index and label in the narrowest type its sizes allow (LF index: 1 byte up to 256 LFs,
 * 2 up to 65536, else 4; label: 1 byte up to 256 classes, else 4), so a typical matrix
 * takes 2 bytes per vote instead of 8. chorus_votes_lf_index() and chorus_votes_labels()
 * still return int32 arrays: for narrow storage the first call makes an int32 copy (4
 * bytes per vote each), which the matrix keeps until it is freed or appended to. The
 * library's own fits, predictions and writers read the narrow arrays and never make that
 * copy. The first call is not thread-safe; a matrix from chorus_votes_from_csr() with
 * CHORUS_BORROW returns the caller's arrays. NULL (with chorus_error_last() set) when the
 * copy cannot be allocated.
 */
const int64_t *chorus_votes_row_ptr(const chorus_votes *votes);
const int32_t *chorus_votes_lf_index(const chorus_votes *votes);
const int32_t *chorus_votes_labels(const chorus_votes *votes);

/* The vote of LF `lf` on `item`, or CHORUS_ABSTAIN (binary search in the row). */
int32_t chorus_votes_get(const chorus_votes *votes, int64_t item, int32_t lf);

/*
 * Names of the labeling functions and classes. Unnamed LFs read as "lf<j>", unnamed
 * classes as their index ("0", "1", ...). Setting copies the name; names are non-empty,
 * at most 4096 bytes and without control characters (readers also reject duplicate LF names).
 */
const char *chorus_votes_lf_name(const chorus_votes *votes, int32_t lf);
const char *chorus_votes_class_name(const chorus_votes *votes, int32_t class_index);
int chorus_votes_set_lf_name(chorus_votes *votes, int32_t lf, const char *name);
int chorus_votes_set_class_name(chorus_votes *votes, int32_t class_index, const char *name);
/* 1 if any labeling function was given a name (as opposed to its default "lf<j>"). */
int chorus_votes_has_lf_names(const chorus_votes *votes);
/* 1 if any class was given a name (as opposed to reading as its index). */
int chorus_votes_has_class_names(const chorus_votes *votes);

/*
 * Names of the items (e.g. a crowd file's task ids). Items have no name unless one is set:
 * chorus_votes_item_name() is then NULL, and writers use the item's index. Same rules as
 * for LF names; readers reject duplicate item names. Setting copies the name. The .chv
 * format (since 1.1) and the triples CSV store item names; .npy and the dense CSV do not.
 */
const char *chorus_votes_item_name(const chorus_votes *votes, int64_t item);
int chorus_votes_set_item_name(chorus_votes *votes, int64_t item, const char *name);
/* 1 if any item was given a name. */
int chorus_votes_has_item_names(const chorus_votes *votes);

/*
 * Raises the number of classes (e.g. when the file did not say, and the labels seen so
 * far only reached a lower class). Lowering it is CHORUS_EINVAL.
 */
int chorus_votes_set_n_classes(chorus_votes *votes, int32_t n_classes);

/* Finds an LF by name: its index, or -1. */
int32_t chorus_votes_find_lf(const chorus_votes *votes, const char *name);

/*
 * Logs a CHORUS_LOG_WARN for votes that look miscoded: naming the classes no labeling
 * function ever votes for (a model learns nothing about such a class; often the file codes
 * its classes 1..K), and when no LF ever abstains although there are 3 or more classes
 * (often 0 is meant as the abstain). Returns how many classes are never voted.
 */
int32_t chorus_votes_warn_class_coding(const chorus_votes *votes);

#ifdef __cplusplus
}
#endif
#endif
