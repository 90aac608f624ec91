/* The vote matrix's layout, shared by the readers that build one in place. */
#ifndef CHORUS_VOTES_INTERNAL_H
#define CHORUS_VOTES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "chorus/votes.h"

/* Called when a matrix that holds external storage (e.g. a mapped file) is freed. */
typedef void (*chorus_votes_release_fn)(void *storage);

struct chorus_votes {
    int64_t n_items;
    int32_t n_lfs;
    int32_t n_classes;
    int64_t *row_ptr;
    /* The votes in the narrowest types that hold them (chorus_votes_lf_width() and
     * chorus_votes_label_width()): lf_index is uint8_t, uint16_t or int32_t, label uint8_t
     * or int32_t, as lf_width and label_width say. */
    void *lf_index;
    void *label;
    uint8_t lf_width, label_width;
    /* int32 copies made on demand by chorus_votes_lf_index() / chorus_votes_labels() when
     * the storage is narrower; NULL until asked for, dropped when an item is appended. */
    int32_t *wide_lf_index;
    int32_t *wide_label;
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

/* Bytes per LF index a matrix of n_lfs LFs stores: 1 up to 256 LFs, 2 up to 65536, else 4. */
static inline int chorus_votes_lf_width(int32_t n_lfs)
{
    return n_lfs <= 256 ? 1 : n_lfs <= 65536 ? 2 : 4;
}

/* Bytes per label a matrix of n_classes classes stores: 1 up to 256 classes, else 4. */
static inline int chorus_votes_label_width(int32_t n_classes)
{
    return n_classes <= 256 ? 1 : 4;
}

/* Entry p of an array of `width`-byte entries (uint8_t, uint16_t or int32_t). Inline, so a
 * loop with a constant width compiles to plain narrow loads. */
static inline __attribute__((always_inline)) int32_t chorus_narrow_at(const void *array, int width,
                                                                      int64_t p)
{
    if (width == 1) return ((const uint8_t *)array)[p];
    if (width == 2) return ((const uint16_t *)array)[p];
    return ((const int32_t *)array)[p];
}

/* The vote matrix's arrays as stored, for the library's own loops (no widened copy). */
typedef struct chorus_vote_view {
    const int64_t *row_ptr;
    const void *lf_index;
    const void *label;
    int lf_width, label_width;
} chorus_vote_view;

static inline chorus_vote_view chorus_votes_view(const chorus_votes *v)
{
    chorus_vote_view w = {v->row_ptr, v->lf_index, v->label, v->lf_width, v->label_width};
    return w;
}

static inline int32_t chorus_view_lf(const chorus_vote_view *w, int64_t p)
{
    return chorus_narrow_at(w->lf_index, w->lf_width, p);
}

static inline int32_t chorus_view_label(const chorus_vote_view *w, int64_t p)
{
    return chorus_narrow_at(w->label, w->label_width, p);
}

/*
 * Wraps stored arrays of the given widths without copying or validating (the caller has
 * validated them, e.g. chorus_votes_check_view()); the matrix takes ownership of `storage`,
 * released with `release` on free.
 */
int chorus_votes_wrap_view(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                           const chorus_vote_view *arrays, void *storage,
                           chorus_votes_release_fn release);

/*
 * Wraps CSR arrays without copying or validating (the caller has validated them); the
 * matrix takes ownership of `storage`, released with `release` on free.
 */
int chorus_votes_wrap(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                      int64_t *row_ptr, int32_t *lf_index, int32_t *label, void *storage,
                      chorus_votes_release_fn release);

/* Takes ownership of malloc'ed arrays of the given widths (already validated). */
int chorus_votes_adopt_view(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                            const chorus_vote_view *arrays);

/* Takes ownership of malloc'ed int32 CSR arrays (already validated) and narrows them in
 * place to the widths n_lfs and n_classes allow, giving the memory saved back. */
int chorus_votes_adopt(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                       int64_t *row_ptr, int32_t *lf_index, int32_t *label);

/* Validates CSR arrays; CHORUS_EINVAL naming the first bad entry. */
int chorus_votes_check_csr(int64_t n_items, int32_t n_lfs, int32_t n_classes,
                           const int64_t *row_ptr, const int32_t *lf_index, const int32_t *label);

/*
 * Gold labels for the items of `v` (NULL: none): one per item, each -1 (unknown) or a class.
 * CHORUS_EINVAL naming the count or the first bad item.
 */
int chorus_votes_check_gold(const chorus_votes *v, const int32_t *gold, int64_t n_gold);

/* The same checks for arrays of any stored widths. */
int chorus_votes_check_view(int64_t n_items, int32_t n_lfs, int32_t n_classes,
                            const chorus_vote_view *arrays);

/* Copies count entries between arrays of any widths (dst and src may be the same buffer
 * when dst_width <= src_width). */
void chorus_votes_convert(void *dst, int dst_width, const void *src, int src_width, int64_t count);

/* Entry p of a stored array, and setting it (the value must fit the width). */
int32_t chorus_votes_entry(const void *array, int width, int64_t p);
void chorus_votes_set_entry(void *array, int width, int64_t p, int32_t value);

/* Narrows a matrix's owned int32 arrays in place to the widths its sizes allow. */
void chorus_votes_narrow_storage(chorus_votes *v);

/* Widens a matrix's owned arrays where they are narrower than its sizes call for (the
 * classes were raised past 256, or a .chv file stored narrower entries than the sizes
 * allow), so that any vote the matrix accepts fits. */
int chorus_votes_widen_for_sizes(chorus_votes *v);

/* Frees the int32 copies handed out by the public getters (they go stale on append). */
void chorus_votes_drop_wide_copies(chorus_votes *v);

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

/*
 * The same items in a new n_lfs x n_classes matrix, each vote of LF j as LF lf_map[j]
 * (dropped where that is -1) and of class c as class_map[c] (c itself for class_map NULL),
 * with the items' names; LF and class names are the caller's to set. Errors: CHORUS_EINVAL
 * for a map outside the new shape (chorus_votes_append_item), CHORUS_ENOMEM.
 */
int chorus_votes_remap(chorus_votes **out, const chorus_votes *votes, const int32_t *lf_map,
                       int32_t n_lfs, const int32_t *class_map, int32_t n_classes);

#endif
