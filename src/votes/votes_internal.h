/* The vote matrix's layout, shared by the readers that build one in place. */
#ifndef CHORUS_VOTES_INTERNAL_H
#define CHORUS_VOTES_INTERNAL_H

#include <stdbool.h>

#include "chorus/votes.h"

/* Called when a matrix that holds external storage (e.g. a mapped file) is freed. */
typedef void (*chorus_votes_release_fn)(void *storage);

struct chorus_votes {
    int64_t n_items;
    int32_t n_lfs;
    int32_t n_classes;
    int64_t *row_ptr;
    int32_t *lf_index;
    int32_t *label;
    /* false when the arrays belong to the caller or to `storage`. */
    bool owns_arrays;
    int64_t cap_items; /* capacity of row_ptr, minus the leading 0 */
    int64_t cap_votes;
    char **lf_names;    /* n_lfs entries, default "lf<j>" */
    char **class_names; /* n_classes entries, default "<k>" */
    char **item_names;  /* NULL, or cap_items entries (NULL for an unnamed item) */
    bool has_class_names;
    bool has_lf_names;
    void *storage;
    chorus_votes_release_fn release;
};

/*
 * Wraps CSR arrays without copying or validating (the caller has validated them); the
 * matrix takes ownership of `storage`, released with `release` on free.
 */
int chorus_votes_wrap(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                      int64_t *row_ptr, int32_t *lf_index, int32_t *label, void *storage,
                      chorus_votes_release_fn release);

/* Takes ownership of malloc'ed CSR arrays (already validated). */
int chorus_votes_adopt(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                       int64_t *row_ptr, int32_t *lf_index, int32_t *label);

/* Validates CSR arrays; CHORUS_EINVAL naming the first bad entry. */
int chorus_votes_check_csr(int64_t n_items, int32_t n_lfs, int32_t n_classes,
                           const int64_t *row_ptr, const int32_t *lf_index, const int32_t *label);

/* Checks a name given for an LF or class; CHORUS_EINVAL saying what is wrong. */
int chorus_name_check(const char *name, const char *what);

/* CHORUS_EINVAL naming the first duplicate LF name, if any. */
int chorus_votes_check_unique_lf_names(const chorus_votes *votes);

/* CHORUS_EINVAL naming the first class name given twice, if any (only when the classes
 * have names). */
int chorus_votes_check_unique_class_names(const chorus_votes *votes);

/* CHORUS_EINVAL naming the first duplicate among names[0..n), `what` saying what they are
 * ("class", "labeling function"). */
int chorus_names_check_unique(const char *const *names, int32_t n, const char *what);

/*
 * For a matrix whose number of classes was inferred from its largest label: CHORUS_EFORMAT
 * naming `path` when that number is absurd next to the classes that receive a vote (more
 * than 2 x seen + 1, e.g. labels 0 and 900 imply 901 classes, 899 of them never voted),
 * which is a stray value far more often than a real class count.
 */
int chorus_votes_check_inferred_classes(const chorus_votes *votes, const char *path);

#endif
