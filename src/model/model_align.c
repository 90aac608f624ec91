/* Matching a vote matrix to a fitted model by the names of its LFs and classes. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/model_internal.h"
#include "votes/votes_internal.h"

static int compare_named(const void *a, const void *b)
{
    return strcmp(((const chorus_named *)a)->name, ((const chorus_named *)b)->name);
}

int32_t chorus_named_lookup(const chorus_named *sorted, int32_t n, const char *name)
{
    const chorus_named key = {name, 0};
    const chorus_named *hit =
        name ? bsearch(&key, sorted, (size_t)n, sizeof *sorted, compare_named) : NULL;
    return hit ? hit->index : -1;
}

chorus_named *chorus_named_sort(const char *(*get)(const void *, int32_t), const void *owner,
                                int32_t n)
{
    chorus_named *t = malloc((size_t)(n > 0 ? n : 1) * sizeof *t);
    if (!t) return NULL;
    for (int32_t i = 0; i < n; i++)
        t[i] = (chorus_named){get(owner, i), i};
    qsort(t, (size_t)n, sizeof *t, compare_named);
    return t;
}

static const char *votes_lf(const void *v, int32_t i)
{
    return chorus_votes_lf_name(v, i);
}

static const char *votes_class(const void *v, int32_t i)
{
    return chorus_votes_class_name(v, i);
}

static const char *model_lf(const void *m, int32_t i)
{
    return ((const chorus_model *)m)->lf_names[i];
}

static const char *model_class(const void *m, int32_t i)
{
    return ((const chorus_model *)m)->class_names[i];
}

/* Names shown in a message; the rest are counted. */
#define LISTED 5

/* Appends `"name"` to a list of `count` so far (the first LISTED of them). */
static void list_name(char *buf, size_t cap, int32_t count, const char *name)
{
    size_t n = strlen(buf);
    if (count < LISTED)
        snprintf(buf + n, cap - n, "%s\"%.80s\"", count ? ", " : "", name);
    else if (count == LISTED)
        snprintf(buf + n, cap - n, ", ...");
}

/*
 * to_model[i] = the index in the model of the votes' entry i (an LF, or a class), by name.
 * CHORUS_EINVAL naming the entries the votes have and the model lacks and, for LFs, the
 * other way round (votes may lack a class: no LF voted it).
 */
static int match(int32_t *to_model, const chorus_votes *votes, const chorus_model *model,
                 int32_t n_votes, int32_t n_model, bool classes)
{
    chorus_named *in_model = chorus_named_sort(classes ? model_class : model_lf, model, n_model);
    chorus_named *in_votes = chorus_named_sort(classes ? votes_class : votes_lf, votes, n_votes);
    bool *matched = calloc((size_t)(n_model > 0 ? n_model : 1), sizeof *matched);
    char missing[LISTED * 90 + 16] = "", extra[LISTED * 90 + 16] = "";
    int32_t n_missing = 0, n_extra = 0;
    int rc = CHORUS_OK;
    if (!in_model || !in_votes || !matched) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t i = 0; i < n_votes; i++) {
        const char *name =
            classes ? chorus_votes_class_name(votes, i) : chorus_votes_lf_name(votes, i);
        to_model[i] = chorus_named_lookup(in_model, n_model, name);
        if (to_model[i] < 0)
            list_name(extra, sizeof extra, n_extra++, name);
        else
            matched[to_model[i]] = true;
    }
    for (int32_t j = 0; !classes && j < n_model; j++)
        if (!matched[j]) list_name(missing, sizeof missing, n_missing++, model->lf_names[j]);
    if (n_missing || n_extra) {
        const char *what = classes ? "class" : "labeling function";
        char lack[sizeof missing + 128] = "", more[sizeof extra + 128] = "";
        if (n_missing)
            snprintf(lack, sizeof lack, "lack %" PRId32 " of the model's %ss: %s", n_missing, what,
                     missing);
        if (n_extra)
            snprintf(more, sizeof more, "%shave %" PRId32 " %s%s the model does not know: %s",
                     n_missing ? "; and " : "", n_extra, what, n_extra == 1 ? "" : "s", extra);
        char counts[160] = "";
        if (!classes && n_votes != n_model)
            snprintf(counts, sizeof counts,
                     "the model was fitted on %" PRId32 " labeling functions but the votes have "
                     "%" PRId32 ": ",
                     n_model, n_votes);
        rc = chorus_error_set(CHORUS_EINVAL,
                              "%sthe votes %s%s (%ss are matched to the model's by name)", counts,
                              lack, more, what);
    }
done:
    free(in_model);
    free(in_votes);
    free(matched);
    return rc;
}

/* True if the model's class names are its indices ("0", "1", ...): it has no names. */
static bool default_class_names(const chorus_model *model)
{
    for (int32_t k = 0; k < model->n_classes; k++) {
        char index[16];
        snprintf(index, sizeof index, "%" PRId32, k);
        if (strcmp(model->class_names[k], index) != 0) return false;
    }
    return true;
}

static bool identity(const int32_t *map, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        if (map[i] != i) return false;
    return true;
}

int chorus_model_align_votes(chorus_votes **out, const chorus_model *model,
                             const chorus_votes *votes)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    const bool by_lf_name = model->lf_names_given && chorus_votes_has_lf_names(votes);
    const bool by_class_name = chorus_votes_has_class_names(votes) && !default_class_names(model);
    if (!by_lf_name && m != model->n_lfs)
        return chorus_error_set(CHORUS_EINVAL,
                                "the model was fitted on %" PRId32 " labeling functions but the "
                                "votes have %" PRId32,
                                model->n_lfs, m);
    int32_t *lf_map = malloc((size_t)m * sizeof *lf_map);
    int32_t *class_map = malloc((size_t)k * sizeof *class_map);
    chorus_votes *aligned = NULL;
    int rc = CHORUS_OK;
    if (!lf_map || !class_map) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t j = 0; j < m; j++)
        lf_map[j] = j;
    for (int32_t c = 0; c < k; c++)
        class_map[c] = c;
    if (by_lf_name && (rc = match(lf_map, votes, model, m, model->n_lfs, false))) goto done;
    if (by_class_name && (rc = match(class_map, votes, model, k, model->n_classes, true)))
        goto done;
    if (identity(lf_map, m) && identity(class_map, k)) goto done; /* nothing to move */
    rc = chorus_votes_remap(&aligned, votes, lf_map, model->n_lfs, class_map,
                            k > model->n_classes ? k : model->n_classes);
    for (int32_t j = 0; !rc && by_lf_name && j < model->n_lfs; j++)
        rc = chorus_votes_set_lf_name(aligned, j, model->lf_names[j]);
    for (int32_t c = 0; !rc && by_class_name && c < model->n_classes; c++)
        rc = chorus_votes_set_class_name(aligned, c, model->class_names[c]);
    if (!rc) {
        *out = aligned;
        aligned = NULL;
    }
done:
    chorus_votes_free(aligned);
    free(lf_map);
    free(class_map);
    return rc;
}
