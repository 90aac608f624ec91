/* Checks of the classes a vote matrix actually uses (never-voted and phantom classes), and of
 * gold labels against them. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "votes/votes_internal.h"

/* Marks in voted[0..n_classes) the classes some LF votes; returns how many there are. */
static int32_t mark_voted(const chorus_votes *v, bool *voted)
{
    int32_t seen = 0;
    const int64_t nnz = v->row_ptr[v->n_items];
    const chorus_vote_view w = chorus_votes_view(v);
    for (int64_t p = 0; p < nnz && seen < v->n_classes; p++) {
        const int32_t label = chorus_view_label(&w, p);
        if (!voted[label]) {
            voted[label] = true;
            seen++;
        }
    }
    return seen;
}

/* Names of the classes shown in one warning; the rest are counted. */
#define LISTED_CLASSES 5

/* A matrix this small may well be complete; a larger one without a single abstain is
 * more likely coding its abstains as a class. */
#define MIN_VOTES_FOR_ABSTAIN_HINT 100

int32_t chorus_votes_warn_class_coding(const chorus_votes *votes)
{
    const int64_t nnz = votes->row_ptr[votes->n_items];
    if (votes->n_classes >= 3 && nnz >= MIN_VOTES_FOR_ABSTAIN_HINT &&
        nnz == votes->n_items * votes->n_lfs)
        chorus_log(CHORUS_LOG_WARN,
                   "no labeling function ever abstains (every one of the %" PRId64
                   " votes is a class); if a value such as 0 means abstain in this file, use "
                   "--abstain 0 (classes 1..K become 0..K-1)",
                   nnz);
    bool *voted = calloc((size_t)votes->n_classes, sizeof *voted);
    if (!voted) return 0; /* a warning is not worth failing for */
    const int32_t k = votes->n_classes;
    const int32_t unvoted = k - mark_voted(votes, voted);
    if (unvoted == 0 || votes->row_ptr[votes->n_items] == 0) {
        free(voted);
        return votes->row_ptr[votes->n_items] == 0 ? 0 : unvoted;
    }
    char list[LISTED_CLASSES * 80 + 64];
    size_t n = 0;
    int32_t listed = 0;
    for (int32_t c = 0; c < k && listed < LISTED_CLASSES; c++) {
        if (voted[c]) continue;
        const char *name = votes->class_names[c];
        char index[16];
        snprintf(index, sizeof index, "%" PRId32, c);
        if (votes->has_class_names && strcmp(name, index) != 0)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%" PRId32 " (%.60s)",
                                  listed ? ", " : "", c, name);
        else
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%" PRId32, listed ? ", " : "", c);
        listed++;
    }
    if (unvoted > listed)
        snprintf(list + n, sizeof list - n, " and %" PRId32 " more", unvoted - listed);
    const char *hint = "";
    if (!voted[0] && !votes->has_class_names)
        hint = "; if 0 means abstain in this file, or its classes are coded 1..K, use --abstain 0 "
               "(classes 1..K become 0..K-1)";
    chorus_log(CHORUS_LOG_WARN, "%s %s never receive%s a vote (a model has no evidence for %s)%s",
               unvoted == 1 ? "class" : "classes", list, unvoted == 1 ? "s" : "",
               unvoted == 1 ? "it" : "them", hint);
    free(voted);
    return unvoted;
}

int chorus_votes_check_inferred_classes(const chorus_votes *votes, const char *path)
{
    const int32_t k = votes->n_classes;
    if (k <= 2) return CHORUS_OK;
    bool *voted = calloc((size_t)k, sizeof *voted);
    if (!voted) return chorus_error_nomem();
    const int32_t seen = mark_voted(votes, voted);
    free(voted);
    if (k <= 2 * seen + 1) return CHORUS_OK;
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: the largest vote, %" PRId32 ", implies %" PRId32
                            " classes, but only %" PRId32 " of them receive a vote; give the "
                            "number of classes (--classes %" PRId32
                            ") if that many are meant, or check how the file codes abstains "
                            "(--abstain)",
                            path, k - 1, k, seen, k);
}

int chorus_votes_check_gold(const chorus_votes *v, const int32_t *gold, int64_t n_gold)
{
    if (!gold) return CHORUS_OK;
    if (n_gold != v->n_items)
        return chorus_error_set(CHORUS_EINVAL,
                                "%" PRId64 " gold labels for %" PRId64
                                " items; they must match one to one",
                                n_gold, v->n_items);
    for (int64_t i = 0; i < n_gold; i++)
        if (gold[i] < -1 || gold[i] >= v->n_classes)
            return chorus_error_set(CHORUS_EINVAL,
                                    "gold label of item %" PRId64 " is %" PRId32
                                    "; expected -1 or a class in 0..%" PRId32,
                                    i, gold[i], v->n_classes - 1);
    return CHORUS_OK;
}
