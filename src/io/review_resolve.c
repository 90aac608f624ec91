/* Review rows to items and classes: the answers as gold labels, and the items listed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "core/error_internal.h"
#include "core/hash.h"
#include "io/review_internal.h"

/* The items of a vote matrix by id: its item names in an open-addressing table, and the
 * row number for items without a name. */
typedef struct item_index {
    const chorus_votes *votes;
    int64_t *slots; /* item + 1, 0 = empty */
    uint64_t mask;
} item_index;

static int item_index_init(item_index *index, const chorus_votes *votes)
{
    *index = (item_index){votes, NULL, 0};
    if (!chorus_votes_has_item_names(votes)) return CHORUS_OK;
    const int64_t n = chorus_votes_n_items(votes);
    uint64_t size = 16;
    while (size < 2 * (uint64_t)n)
        size *= 2;
    if (!(index->slots = calloc(size, sizeof *index->slots))) return chorus_error_nomem();
    index->mask = size - 1;
    for (int64_t i = 0; i < n; i++) {
        const char *name = chorus_votes_item_name(votes, i);
        if (!name) continue;
        uint64_t h = chorus_fnv1a(name, strlen(name)) & index->mask;
        while (index->slots[h])
            h = (h + 1) & index->mask;
        index->slots[h] = i + 1;
    }
    return CHORUS_OK;
}

/* The item with this id, or -1. */
static int64_t item_index_find(const item_index *index, const char *id)
{
    if (index->slots) {
        uint64_t h = chorus_fnv1a(id, strlen(id)) & index->mask;
        for (; index->slots[h]; h = (h + 1) & index->mask) {
            const int64_t i = index->slots[h] - 1;
            if (strcmp(chorus_votes_item_name(index->votes, i), id) == 0) return i;
        }
    }
    /* A row number, as writers name an item without a name: digits, no leading zero. */
    const size_t len = strlen(id);
    if (len == 0 || len > 18 || (id[0] == '0' && len > 1)) return -1;
    int64_t i = 0;
    for (size_t k = 0; k < len; k++) {
        if (id[k] < '0' || id[k] > '9') return -1;
        i = 10 * i + (id[k] - '0');
    }
    if (i >= chorus_votes_n_items(index->votes) || chorus_votes_item_name(index->votes, i))
        return -1;
    return i;
}

static int not_in_votes(const chorus_review *review, int64_t row, const chorus_votes *votes)
{
    char where[4200];
    review_where(where, sizeof where, review, row);
    const int64_t n = chorus_votes_n_items(votes);
    if (chorus_votes_has_item_names(votes))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item '%.200s' is not in the data (its items are named by "
                                "their ids, %" PRId64 " of them)",
                                where, chorus_review_item(review, row), n);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: item '%.200s' is not in the data (its items are the row "
                            "numbers 0..%" PRId64 ")",
                            where, chorus_review_item(review, row), n - 1);
}

int chorus_review_resolve(int32_t **out, const chorus_review *review, const chorus_votes *votes,
                          const int32_t *known)
{
    *out = NULL;
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t k = chorus_votes_n_classes(votes);
    item_index index;
    int32_t *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    int64_t *source = malloc((size_t)(n ? n : 1) * sizeof *source); /* row that answered */
    const char **names =
        chorus_votes_has_class_names(votes) ? calloc((size_t)k, sizeof *names) : NULL;
    int rc = item_index_init(&index, votes);
    if (!rc && (!gold || !source || (chorus_votes_has_class_names(votes) && !names)))
        rc = chorus_error_nomem();
    for (int64_t i = 0; !rc && i < n; i++) {
        gold[i] = -1;
        source[i] = -1;
    }
    for (int32_t c = 0; names && c < k; c++)
        names[c] = chorus_votes_class_name(votes, c);
    char where[4200], other[4200];
    for (int64_t r = 0; !rc && r < review->n_rows; r++) {
        const review_row *row = &review->rows[r];
        const int64_t item = item_index_find(&index, row->item);
        if (item < 0) {
            rc = not_in_votes(review, r, votes);
            break;
        }
        if (!row->answer) continue;
        int32_t label;
        review_where(where, sizeof where, review, r);
        const size_t len = strlen(row->answer);
        const int parsed = chorus_gold_parse(&label, row->answer, len, k, names) == 0;
        if (!parsed || label < 0) {
            char why[512];
            if (parsed)
                snprintf(why, sizeof why, "-1 is no class; leave the answer empty instead");
            else
                chorus_gold_describe(why, sizeof why, row->answer, len, k, names);
            rc = chorus_error_set(CHORUS_EFORMAT, "%s: item '%.200s': answer '%.200s': %s", where,
                                  row->item, row->answer, why);
            break;
        }
        if (source[item] >= 0 && gold[item] != label) {
            review_where(other, sizeof other, review, source[item]);
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: item '%.200s' is answered '%.200s' here but '%.200s' at "
                                  "%s",
                                  where, row->item, row->answer, review->rows[source[item]].answer,
                                  other);
            break;
        }
        if (known && known[item] >= 0 && known[item] != label) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: item '%.200s' is answered '%.200s' but its gold label is "
                                  "'%s'",
                                  where, row->item, chorus_votes_class_name(votes, label),
                                  chorus_votes_class_name(votes, known[item]));
            break;
        }
        if (source[item] < 0) source[item] = r;
        gold[item] = label;
    }
    free(index.slots);
    free(source);
    free(names);
    if (rc) {
        free(gold);
        return rc;
    }
    *out = gold;
    return CHORUS_OK;
}

int chorus_review_listed(unsigned char **out, const chorus_review *review,
                         const chorus_votes *votes)
{
    *out = NULL;
    const int64_t n = chorus_votes_n_items(votes);
    item_index index;
    unsigned char *listed = calloc((size_t)(n ? n : 1), 1);
    int rc = item_index_init(&index, votes);
    if (!rc && !listed) rc = chorus_error_nomem();
    for (int64_t r = 0; !rc && r < review->n_rows; r++) {
        const int64_t item = item_index_find(&index, review->rows[r].item);
        if (item < 0)
            rc = not_in_votes(review, r, votes);
        else
            listed[item] = 1;
    }
    free(index.slots);
    if (rc) {
        free(listed);
        return rc;
    }
    *out = listed;
    return CHORUS_OK;
}
