/* Review rows to items and classes: the answers as gold labels, and the items listed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "core/error_internal.h"
#include "core/hash.h"
#include "io/review_internal.h"

/* The items of a vote matrix or of probabilities by id: their names in an open-addressing
 * table, and the item number (the row, or the probabilities' item id) for unnamed ones. */
typedef struct item_index {
    int64_t n;                                        /* rows */
    const char *(*name)(const void *of, int64_t row); /* NULL when the row has no name */
    const void *of;
    const int64_t *ids; /* the rows' item numbers, increasing; NULL: row i is item i */
    int64_t *slots;     /* row + 1, 0 = empty */
    uint64_t mask;
} item_index;

static const char *votes_name(const void *of, int64_t row)
{
    return chorus_votes_item_name(of, row);
}

static const char *probs_name(const void *of, int64_t row)
{
    return chorus_probs_item_name(of, row);
}

static int item_index_init(item_index *index, int64_t n, int named,
                           const char *(*name)(const void *, int64_t), const void *of,
                           const int64_t *ids)
{
    *index = (item_index){n, name, of, ids, NULL, 0};
    if (!named) return CHORUS_OK;
    uint64_t size = 16;
    while (size < 2 * (uint64_t)n)
        size *= 2;
    if (!(index->slots = calloc(size, sizeof *index->slots))) return chorus_error_nomem();
    index->mask = size - 1;
    for (int64_t i = 0; i < n; i++) {
        const char *id = name(of, i);
        if (!id) continue;
        uint64_t h = chorus_fnv1a(id, strlen(id)) & index->mask;
        while (index->slots[h])
            h = (h + 1) & index->mask;
        index->slots[h] = i + 1;
    }
    return CHORUS_OK;
}

static int votes_index_init(item_index *index, const chorus_votes *votes)
{
    return item_index_init(index, chorus_votes_n_items(votes), chorus_votes_has_item_names(votes),
                           votes_name, votes, NULL);
}

/* The row of the item with this id, or -1. */
static int64_t item_index_find(const item_index *index, const char *id)
{
    if (index->slots) {
        uint64_t h = chorus_fnv1a(id, strlen(id)) & index->mask;
        for (; index->slots[h]; h = (h + 1) & index->mask) {
            const int64_t i = index->slots[h] - 1;
            if (strcmp(index->name(index->of, i), id) == 0) return i;
        }
    }
    /* An item number, as writers name an item without a name: digits, no leading zero. */
    const size_t len = strlen(id);
    if (len == 0 || len > 18 || (id[0] == '0' && len > 1)) return -1;
    int64_t item = 0;
    for (size_t k = 0; k < len; k++) {
        if (id[k] < '0' || id[k] > '9') return -1;
        item = 10 * item + (id[k] - '0');
    }
    int64_t row = item;
    if (index->ids) { /* ids increase: bisect */
        int64_t lo = 0, hi = index->n;
        while (lo < hi) {
            const int64_t mid = lo + (hi - lo) / 2;
            if (index->ids[mid] < item)
                lo = mid + 1;
            else
                hi = mid;
        }
        row = lo < index->n && index->ids[lo] == item ? lo : -1;
    }
    if (row < 0 || row >= index->n || index->name(index->of, row)) return -1;
    return row;
}

static int not_listed(const chorus_review *review, int64_t row, const item_index *index,
                      const char *what)
{
    char where[4200];
    review_where(where, sizeof where, review, row);
    if (index->slots)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item '%.200s' is not in the %s (its items are named by "
                                "their ids, %" PRId64 " of them)",
                                where, chorus_review_item(review, row), what, index->n);
    if (index->ids && index->n > 0) {
        const int64_t first = index->ids[0], last = index->ids[index->n - 1];
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item '%.200s' is not in the %s (its %" PRId64
                                " items are numbered %" PRId64 "..%" PRId64 "%s)",
                                where, chorus_review_item(review, row), what, index->n, first, last,
                                last - first + 1 == index->n ? "" : ", with gaps");
    }
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: item '%.200s' is not in the %s (its items are the row "
                            "numbers 0..%" PRId64 ")",
                            where, chorus_review_item(review, row), what, index->n - 1);
}

/*
 * The answers of the review for the rows of index, in k classes: *out has index->n
 * entries, -1 where unanswered. names (NULL for none) are the class names answers may
 * use; shown names every class in messages. known: as in chorus_review_resolve.
 */
static int resolve_rows(int32_t **out, const chorus_review *review, const item_index *index,
                        const char *what, int32_t k, const char *const *names,
                        const char *const *shown, const int32_t *known)
{
    *out = NULL;
    const int64_t n = index->n;
    int32_t *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    int64_t *source = malloc((size_t)(n ? n : 1) * sizeof *source); /* row that answered */
    int rc = !gold || !source ? chorus_error_nomem() : CHORUS_OK;
    for (int64_t i = 0; !rc && i < n; i++) {
        gold[i] = -1;
        source[i] = -1;
    }
    char where[4200], other[4200];
    for (int64_t r = 0; !rc && r < review->n_rows; r++) {
        const review_row *row = &review->rows[r];
        const int64_t item = item_index_find(index, row->item);
        if (item < 0) {
            rc = not_listed(review, r, index, what);
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
                                  where, row->item, shown[label], shown[known[item]]);
            break;
        }
        if (source[item] < 0) source[item] = r;
        gold[item] = label;
    }
    free(source);
    if (rc) {
        free(gold);
        return rc;
    }
    *out = gold;
    return CHORUS_OK;
}

int chorus_review_resolve(int32_t **out, const chorus_review *review, const chorus_votes *votes,
                          const int32_t *known)
{
    *out = NULL;
    const int32_t k = chorus_votes_n_classes(votes);
    item_index index;
    const char **names = calloc((size_t)(k ? k : 1), sizeof *names);
    int rc = votes_index_init(&index, votes);
    if (!rc && !names) rc = chorus_error_nomem();
    for (int32_t c = 0; names && c < k; c++)
        names[c] = chorus_votes_class_name(votes, c);
    if (!rc)
        rc = resolve_rows(out, review, &index, "data", k,
                          chorus_votes_has_class_names(votes) ? names : NULL, names, known);
    free(index.slots);
    free(names);
    return rc;
}

int chorus_review_resolve_probs(int32_t **out, const chorus_review *review,
                                const chorus_probs *probs)
{
    *out = NULL;
    const int32_t k = chorus_probs_n_classes(probs);
    item_index index;
    const char **names = calloc((size_t)(k ? k : 1), sizeof *names);
    int rc =
        item_index_init(&index, chorus_probs_n_items(probs), chorus_probs_has_item_names(probs),
                        probs_name, probs, chorus_probs_item_ids(probs));
    if (!rc && !names) rc = chorus_error_nomem();
    for (int32_t c = 0; names && c < k; c++)
        names[c] = chorus_probs_class_name(probs, c);
    if (!rc) rc = resolve_rows(out, review, &index, "probabilities", k, names, names, NULL);
    free(index.slots);
    free(names);
    return rc;
}

int chorus_review_listed(unsigned char **out, const chorus_review *review,
                         const chorus_votes *votes)
{
    *out = NULL;
    const int64_t n = chorus_votes_n_items(votes);
    item_index index;
    unsigned char *listed = calloc((size_t)(n ? n : 1), 1);
    int rc = votes_index_init(&index, votes);
    if (!rc && !listed) rc = chorus_error_nomem();
    for (int64_t r = 0; !rc && r < review->n_rows; r++) {
        const int64_t item = item_index_find(&index, review->rows[r].item);
        if (item < 0)
            rc = not_listed(review, r, &index, "data");
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
