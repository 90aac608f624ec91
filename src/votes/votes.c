#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/utf8.h"
#include "votes/votes_internal.h"

#define MAX_NAME_BYTES 4096

static int check_sizes(int64_t n_items, int32_t n_lfs, int32_t n_classes)
{
    if (n_items < 0)
        return chorus_error_set(CHORUS_EINVAL, "number of items must be >= 0, got %" PRId64,
                                n_items);
    if (n_lfs < 1 || n_lfs > CHORUS_MAX_LFS)
        return chorus_error_set(CHORUS_EINVAL,
                                "number of labeling functions must be 1..%d, got %" PRId32,
                                CHORUS_MAX_LFS, n_lfs);
    if (n_classes < 2 || n_classes > CHORUS_MAX_CLASSES)
        return chorus_error_set(CHORUS_EINVAL, "number of classes must be 2..%d, got %" PRId32,
                                CHORUS_MAX_CLASSES, n_classes);
    return CHORUS_OK;
}

static int default_names(char ***out, int32_t n, const char *prefix)
{
    *out = calloc((size_t)n, sizeof **out);
    if (!*out) return chorus_error_nomem();
    for (int32_t i = 0; i < n; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%s%" PRId32, prefix, i);
        (*out)[i] = strdup(buf);
        if (!(*out)[i]) return chorus_error_nomem();
    }
    return CHORUS_OK;
}

/* Every LF and class has a name from the start, so the getters never build one. */
static int init_names(chorus_votes *v)
{
    int rc = default_names(&v->lf_names, v->n_lfs, "lf");
    if (!rc) rc = default_names(&v->class_names, v->n_classes, "");
    return rc;
}

int chorus_votes_new(chorus_votes **out, int32_t n_lfs, int32_t n_classes)
{
    *out = NULL;
    int rc = check_sizes(0, n_lfs, n_classes);
    if (rc) return rc;
    chorus_votes *v = calloc(1, sizeof *v);
    if (!v) return chorus_error_nomem();
    v->n_lfs = n_lfs;
    v->n_classes = n_classes;
    v->owns_arrays = true;
    v->lf_width = (uint8_t)chorus_votes_lf_width(n_lfs);
    v->label_width = (uint8_t)chorus_votes_label_width(n_classes);
    v->row_ptr = calloc(1, sizeof *v->row_ptr);
    if (!v->row_ptr || init_names(v)) {
        chorus_votes_free(v);
        return chorus_error_nomem();
    }
    *out = v;
    return CHORUS_OK;
}

int chorus_votes_wrap_view(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                           const chorus_vote_view *arrays, void *storage,
                           chorus_votes_release_fn release)
{
    *out = NULL;
    chorus_votes *v = calloc(1, sizeof *v);
    if (!v) return chorus_error_nomem();
    v->n_items = n_items;
    v->n_lfs = n_lfs;
    v->n_classes = n_classes;
    v->row_ptr = (int64_t *)arrays->row_ptr;
    v->lf_index = (void *)arrays->lf_index;
    v->label = (void *)arrays->label;
    v->lf_width = (uint8_t)arrays->lf_width;
    v->label_width = (uint8_t)arrays->label_width;
    if (init_names(v)) {
        chorus_votes_free(v);
        return chorus_error_nomem();
    }
    v->storage = storage;
    v->release = release;
    *out = v;
    return CHORUS_OK;
}

int chorus_votes_wrap(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                      int64_t *row_ptr, int32_t *lf_index, int32_t *label, void *storage,
                      chorus_votes_release_fn release)
{
    const chorus_vote_view arrays = {row_ptr, lf_index, label, 4, 4};
    return chorus_votes_wrap_view(out, n_items, n_lfs, n_classes, &arrays, storage, release);
}

int chorus_votes_adopt_view(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                            const chorus_vote_view *arrays)
{
    int rc = chorus_votes_wrap_view(out, n_items, n_lfs, n_classes, arrays, NULL, NULL);
    if (rc) return rc;
    (*out)->owns_arrays = true;
    (*out)->cap_items = n_items;
    (*out)->cap_votes = arrays->row_ptr[n_items];
    return CHORUS_OK;
}

int chorus_votes_adopt(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                       int64_t *row_ptr, int32_t *lf_index, int32_t *label)
{
    int rc =
        chorus_votes_wrap(out, n_items, n_lfs, n_classes, row_ptr, lf_index, label, NULL, NULL);
    if (rc) return rc;
    (*out)->owns_arrays = true;
    (*out)->cap_items = n_items;
    chorus_votes_narrow_storage(*out);
    return CHORUS_OK;
}

static int copy_array(void **out, const void *src, size_t count, size_t size)
{
    *out = malloc(count ? count * size : 1);
    if (!*out) return chorus_error_nomem();
    if (count) memcpy(*out, src, count * size);
    return CHORUS_OK;
}

int chorus_votes_from_csr(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                          const int64_t *row_ptr, const int32_t *lf_index, const int32_t *label,
                          chorus_ownership ownership)
{
    *out = NULL;
    int rc = check_sizes(n_items, n_lfs, n_classes);
    if (!rc) rc = chorus_votes_check_csr(n_items, n_lfs, n_classes, row_ptr, lf_index, label);
    if (rc) return rc;
    if (ownership == CHORUS_BORROW)
        return chorus_votes_wrap(out, n_items, n_lfs, n_classes, (int64_t *)row_ptr,
                                 (int32_t *)lf_index, (int32_t *)label, NULL, NULL);
    /* Copied straight into the narrow storage: the copy never holds int32 arrays. */
    const int64_t nnz = row_ptr[n_items];
    const int lw = chorus_votes_lf_width(n_lfs), bw = chorus_votes_label_width(n_classes);
    void *rp = NULL;
    void *li = malloc(nnz ? (size_t)nnz * (size_t)lw : 1);
    void *lb = malloc(nnz ? (size_t)nnz * (size_t)bw : 1);
    rc = li && lb ? copy_array(&rp, row_ptr, (size_t)n_items + 1, sizeof *row_ptr)
                  : chorus_error_nomem();
    if (!rc) {
        chorus_votes_convert(li, lw, lf_index, 4, nnz);
        chorus_votes_convert(lb, bw, label, 4, nnz);
        const chorus_vote_view arrays = {rp, li, lb, lw, bw};
        rc = chorus_votes_adopt_view(out, n_items, n_lfs, n_classes, &arrays);
    }
    if (rc) {
        free(rp);
        free(li);
        free(lb);
    }
    return rc;
}

int chorus_votes_from_dense(chorus_votes **out, int64_t n_items, int32_t n_lfs, int32_t n_classes,
                            const int32_t *dense)
{
    *out = NULL;
    int rc = check_sizes(n_items, n_lfs, n_classes);
    if (rc) return rc;
    if (n_items > 0 && !dense) return chorus_error_set(CHORUS_EINVAL, "dense matrix is NULL");
    int64_t nnz = 0;
    for (int64_t i = 0; i < n_items; i++) {
        for (int32_t j = 0; j < n_lfs; j++) {
            int32_t x = dense[i * n_lfs + j];
            if (x == CHORUS_ABSTAIN) continue;
            if (x < 0 || x >= n_classes)
                return chorus_error_set(CHORUS_EINVAL,
                                        "item %" PRId64 ", labeling function %" PRId32
                                        ": vote %" PRId32 " is neither -1 nor in 0..%" PRId32,
                                        i, j, x, n_classes - 1);
            nnz++;
        }
    }
    int64_t *rp = malloc(((size_t)n_items + 1) * sizeof *rp);
    int32_t *li = malloc(nnz ? (size_t)nnz * sizeof *li : 1);
    int32_t *lb = malloc(nnz ? (size_t)nnz * sizeof *lb : 1);
    if (!rp || !li || !lb) {
        free(rp);
        free(li);
        free(lb);
        return chorus_error_nomem();
    }
    int64_t p = 0;
    rp[0] = 0;
    for (int64_t i = 0; i < n_items; i++) {
        for (int32_t j = 0; j < n_lfs; j++) {
            int32_t x = dense[i * n_lfs + j];
            if (x == CHORUS_ABSTAIN) continue;
            li[p] = j;
            lb[p] = x;
            p++;
        }
        rp[i + 1] = p;
    }
    rc = chorus_votes_adopt(out, n_items, n_lfs, n_classes, rp, li, lb);
    if (rc) {
        free(rp);
        free(li);
        free(lb);
    }
    return rc;
}

static int grow(void **array, int64_t *cap, int64_t need, size_t size)
{
    if (need <= *cap) return CHORUS_OK;
    int64_t cap2 = *cap ? *cap : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*array, (size_t)cap2 * size);
    if (!p) return chorus_error_nomem();
    *array = p;
    *cap = cap2;
    return CHORUS_OK;
}

int chorus_votes_append_item(chorus_votes *votes, const int32_t *lf_index, const int32_t *label,
                             size_t count)
{
    if (!votes->owns_arrays || votes->storage)
        return chorus_error_set(CHORUS_EINVAL,
                                "cannot append to a vote matrix whose arrays it does not own");
    chorus_votes_drop_wide_copies(votes);
    /* The classes may have grown past what the labels' width holds. */
    int rc = chorus_votes_widen_for_sizes(votes);
    if (rc) return rc;
    int64_t start = votes->row_ptr[votes->n_items];
    int64_t cap_rows = votes->cap_items + 1;
    rc = grow((void **)&votes->row_ptr, &cap_rows, votes->n_items + 2, sizeof(int64_t));
    if (rc) return rc;
    if (votes->item_names && cap_rows - 1 > votes->cap_items) {
        char **names = realloc(votes->item_names, (size_t)(cap_rows - 1) * sizeof *names);
        if (!names) return chorus_error_nomem();
        votes->item_names = names;
    }
    votes->cap_items = cap_rows - 1;
    const int lw = votes->lf_width, bw = votes->label_width;
    int64_t cap_lf = votes->cap_votes, cap_label = votes->cap_votes;
    rc = grow(&votes->lf_index, &cap_lf, start + (int64_t)count, (size_t)lw);
    if (!rc) rc = grow(&votes->label, &cap_label, start + (int64_t)count, (size_t)bw);
    if (rc) return rc;
    votes->cap_votes = cap_lf < cap_label ? cap_lf : cap_label;

    /* Insertion sort by LF index: rows are short (at most n_lfs) and usually sorted. */
    void *lfs = votes->lf_index, *labels = votes->label;
    int64_t end = start;
    for (size_t c = 0; c < count; c++) {
        int32_t j = lf_index[c], y = label[c];
        if (y == CHORUS_ABSTAIN) continue;
        if (j < 0 || j >= votes->n_lfs)
            return chorus_error_set(CHORUS_EINVAL,
                                    "labeling function index %" PRId32 " is outside 0..%" PRId32, j,
                                    votes->n_lfs - 1);
        if (y < 0 || y >= votes->n_classes)
            return chorus_error_set(CHORUS_EINVAL,
                                    "labeling function %" PRId32 ": vote %" PRId32
                                    " is neither -1 nor in 0..%" PRId32,
                                    j, y, votes->n_classes - 1);
        int64_t p = end;
        while (p > start && chorus_votes_entry(lfs, lw, p - 1) > j) {
            chorus_votes_set_entry(lfs, lw, p, chorus_votes_entry(lfs, lw, p - 1));
            chorus_votes_set_entry(labels, bw, p, chorus_votes_entry(labels, bw, p - 1));
            p--;
        }
        if (p > start && chorus_votes_entry(lfs, lw, p - 1) == j) {
            /* Undo the shift so the matrix is left as it was. */
            for (int64_t q = p; q < end; q++) {
                chorus_votes_set_entry(lfs, lw, q, chorus_votes_entry(lfs, lw, q + 1));
                chorus_votes_set_entry(labels, bw, q, chorus_votes_entry(labels, bw, q + 1));
            }
            return chorus_error_set(CHORUS_EINVAL,
                                    "labeling function %" PRId32 " votes twice on item %" PRId64, j,
                                    votes->n_items);
        }
        chorus_votes_set_entry(lfs, lw, p, j);
        chorus_votes_set_entry(labels, bw, p, y);
        end++;
    }
    if (votes->item_names) votes->item_names[votes->n_items] = NULL;
    votes->n_items++;
    votes->row_ptr[votes->n_items] = end;
    return CHORUS_OK;
}

static void free_names(char **names, int32_t n)
{
    if (!names) return;
    for (int32_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void chorus_votes_free(chorus_votes *votes)
{
    if (!votes) return;
    if (votes->owns_arrays) {
        free(votes->row_ptr);
        free(votes->lf_index);
        free(votes->label);
    }
    chorus_votes_drop_wide_copies(votes);
    if (votes->release) votes->release(votes->storage);
    free_names(votes->lf_names, votes->n_lfs);
    free_names(votes->class_names, votes->n_classes);
    if (votes->item_names)
        for (int64_t i = 0; i < votes->n_items; i++)
            free(votes->item_names[i]);
    free(votes->item_names);
    free(votes);
}

int64_t chorus_votes_n_items(const chorus_votes *votes)
{
    return votes->n_items;
}

int32_t chorus_votes_n_lfs(const chorus_votes *votes)
{
    return votes->n_lfs;
}

int32_t chorus_votes_n_classes(const chorus_votes *votes)
{
    return votes->n_classes;
}

int64_t chorus_votes_nnz(const chorus_votes *votes)
{
    return votes->row_ptr[votes->n_items];
}

const int64_t *chorus_votes_row_ptr(const chorus_votes *votes)
{
    return votes->row_ptr;
}

int32_t chorus_votes_get(const chorus_votes *votes, int64_t item, int32_t lf)
{
    if (item < 0 || item >= votes->n_items) return CHORUS_ABSTAIN;
    const chorus_vote_view w = chorus_votes_view(votes);
    int64_t lo = votes->row_ptr[item], hi = votes->row_ptr[item + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (chorus_view_lf(&w, mid) < lf)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < votes->row_ptr[item + 1] && chorus_view_lf(&w, lo) == lf ? chorus_view_label(&w, lo)
                                                                         : CHORUS_ABSTAIN;
}

int chorus_name_check(const char *name, const char *what)
{
    if (!name || !*name) return chorus_error_set(CHORUS_EINVAL, "%s name is empty", what);
    size_t len = strlen(name);
    if (len > MAX_NAME_BYTES)
        return chorus_error_set(CHORUS_EINVAL, "%s name is %zu bytes long, at most %d allowed",
                                what, len, MAX_NAME_BYTES);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return chorus_error_set(CHORUS_EINVAL,
                                    "%s name \"%.40s\" contains a control character at byte %zu",
                                    what, name, i);
    size_t bad = chorus_utf8_valid_prefix(name, len);
    /* The name is not quoted back: its bytes would garble the terminal. */
    if (bad != len)
        return chorus_error_set(CHORUS_EINVAL, "%s name is not valid UTF-8 (byte %zu)", what, bad);
    return CHORUS_OK;
}

static int set_name(char ***names, int32_t n, int32_t i, const char *name, const char *what)
{
    if (i < 0 || i >= n)
        return chorus_error_set(CHORUS_EINVAL, "%s index %" PRId32 " is outside 0..%" PRId32, what,
                                i, n - 1);
    int rc = chorus_name_check(name, what);
    if (rc) return rc;
    char *copy = strdup(name);
    if (!copy) return chorus_error_nomem();
    free((*names)[i]);
    (*names)[i] = copy;
    return CHORUS_OK;
}

const char *chorus_votes_lf_name(const chorus_votes *votes, int32_t lf)
{
    return lf >= 0 && lf < votes->n_lfs ? votes->lf_names[lf] : NULL;
}

const char *chorus_votes_class_name(const chorus_votes *votes, int32_t class_index)
{
    return class_index >= 0 && class_index < votes->n_classes ? votes->class_names[class_index]
                                                              : NULL;
}

int chorus_votes_set_lf_name(chorus_votes *votes, int32_t lf, const char *name)
{
    int rc = set_name(&votes->lf_names, votes->n_lfs, lf, name, "labeling function");
    if (!rc) votes->has_lf_names = true;
    return rc;
}

int chorus_votes_has_lf_names(const chorus_votes *votes)
{
    return votes->has_lf_names;
}

int chorus_votes_set_class_name(chorus_votes *votes, int32_t class_index, const char *name)
{
    int rc = set_name(&votes->class_names, votes->n_classes, class_index, name, "class");
    if (!rc) votes->has_class_names = true;
    return rc;
}

int chorus_votes_has_class_names(const chorus_votes *votes)
{
    return votes->has_class_names;
}

const char *chorus_votes_item_name(const chorus_votes *votes, int64_t item)
{
    return votes->item_names && item >= 0 && item < votes->n_items ? votes->item_names[item] : NULL;
}

int chorus_votes_set_item_name(chorus_votes *votes, int64_t item, const char *name)
{
    if (item < 0 || item >= votes->n_items)
        return chorus_error_set(CHORUS_EINVAL, "item index %" PRId64 " is outside 0..%" PRId64,
                                item, votes->n_items - 1);
    int rc = chorus_name_check(name, "item");
    if (rc) return rc;
    if (!votes->item_names) {
        int64_t cap = votes->cap_items > votes->n_items ? votes->cap_items : votes->n_items;
        votes->item_names = calloc((size_t)(cap ? cap : 1), sizeof *votes->item_names);
        if (!votes->item_names) return chorus_error_nomem();
    }
    char *copy = strdup(name);
    if (!copy) return chorus_error_nomem();
    free(votes->item_names[item]);
    votes->item_names[item] = copy;
    return CHORUS_OK;
}

int chorus_votes_has_item_names(const chorus_votes *votes)
{
    return votes->item_names != NULL;
}

int chorus_votes_set_n_classes(chorus_votes *votes, int32_t n_classes)
{
    if (n_classes < votes->n_classes || n_classes > CHORUS_MAX_CLASSES)
        return chorus_error_set(CHORUS_EINVAL,
                                "number of classes can only grow, up to %d (have %" PRId32
                                ", asked for %" PRId32 ")",
                                CHORUS_MAX_CLASSES, votes->n_classes, n_classes);
    char **names = realloc(votes->class_names, (size_t)n_classes * sizeof *names);
    if (!names) return chorus_error_nomem();
    votes->class_names = names;
    for (int32_t k = votes->n_classes; k < n_classes; k++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRId32, k);
        names[k] = strdup(buf);
        if (!names[k]) return chorus_error_nomem();
        votes->n_classes = k + 1;
    }
    return CHORUS_OK;
}

int32_t chorus_votes_find_lf(const chorus_votes *votes, const char *name)
{
    for (int32_t j = 0; j < votes->n_lfs; j++)
        if (strcmp(chorus_votes_lf_name(votes, j), name) == 0) return j;
    return -1;
}

static int compare_name_ptrs(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int chorus_names_check_unique(const char *const *names, int32_t n, const char *what)
{
    const char **sorted = malloc((size_t)(n > 0 ? n : 1) * sizeof *sorted);
    if (!sorted) return chorus_error_nomem();
    for (int32_t j = 0; j < n; j++)
        sorted[j] = names[j];
    qsort(sorted, (size_t)n, sizeof *sorted, compare_name_ptrs);
    int rc = CHORUS_OK;
    for (int32_t j = 1; j < n && !rc; j++)
        if (strcmp(sorted[j], sorted[j - 1]) == 0)
            rc = chorus_error_set(CHORUS_EINVAL, "%s name \"%s\" appears twice", what, sorted[j]);
    free(sorted);
    return rc;
}

int chorus_votes_check_unique_lf_names(const chorus_votes *votes)
{
    return chorus_names_check_unique((const char *const *)votes->lf_names, votes->n_lfs,
                                     "labeling function");
}

int chorus_votes_check_unique_class_names(const chorus_votes *votes)
{
    if (!votes->has_class_names) return CHORUS_OK;
    return chorus_names_check_unique((const char *const *)votes->class_names, votes->n_classes,
                                     "class");
}
