/*
 * Active learning: which items a person should label next. Each strategy gives the items
 * that qualify a score; the best come first, and equal scores are ordered by a hash of
 * (seed, item), so a run is repeatable and no item is favoured for its position.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "chorus/review.h"
#include "core/error_internal.h"
#include "core/random.h"
#include "votes/votes_internal.h"

static const char *const strategy_names[] = {"entropy",   "margin",      "disagreement",
                                             "uncovered", "model-vs-mv", "random"};
enum { N_STRATEGIES = sizeof strategy_names / sizeof *strategy_names };

int chorus_review_strategy_parse(chorus_review_strategy *out, const char *name)
{
    for (int s = 0; s < N_STRATEGIES; s++)
        if (strcmp(name, strategy_names[s]) == 0) {
            *out = (chorus_review_strategy)s;
            return CHORUS_OK;
        }
    return chorus_error_set(CHORUS_EINVAL,
                            "unknown strategy '%s' (entropy, margin, disagreement, uncovered, "
                            "model-vs-mv or random)",
                            name);
}

const char *chorus_review_strategy_name(chorus_review_strategy strategy)
{
    return (unsigned)strategy < N_STRATEGIES ? strategy_names[strategy] : "?";
}

typedef struct candidate {
    double key; /* ascending = best first */
    uint64_t tie;
    int64_t item;
    double score;
} candidate;

static int by_key(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->tie != b->tie) return a->tie < b->tie ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

static uint64_t item_hash(uint64_t seed, int64_t item)
{
    return chorus_mix64(seed ^ chorus_mix64((uint64_t)item));
}

static double entropy(const double *p, int32_t k)
{
    double h = 0;
    for (int32_t c = 0; c < k; c++)
        if (p[c] > 0) h -= p[c] * log(p[c]);
    return h;
}

static double margin(const double *p, int32_t k)
{
    double first = -1, second = 0;
    for (int32_t c = 0; c < k; c++) {
        if (p[c] > first) {
            second = first < 0 ? 0 : first;
            first = p[c];
        } else if (p[c] > second) {
            second = p[c];
        }
    }
    return first - second;
}

/* Votes per class of one item into counts (k entries); returns the item's votes. */
static int64_t count_votes(const chorus_votes *votes, int64_t item, int32_t k, int64_t *counts)
{
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    memset(counts, 0, (size_t)k * sizeof *counts);
    for (int64_t v = row_ptr[item]; v < row_ptr[item + 1]; v++)
        if (chorus_view_label(&w, v) < k) counts[chorus_view_label(&w, v)]++;
    return row_ptr[item + 1] - row_ptr[item];
}

/*
 * The score of an item under a ranking strategy; 0 and *qualifies = 0 when the item is not
 * a candidate. label is the model's label, counts the item's votes per class.
 */
static double score_item(chorus_review_strategy s, const double *p, int32_t k, int32_t label,
                         const int64_t *counts, int64_t n_votes, int *qualifies)
{
    *qualifies = s == CHORUS_REVIEW_UNCOVERED ? n_votes == 0 : n_votes > 0;
    if (!*qualifies) return 0;
    int64_t top = 0;
    for (int32_t c = 0; c < k; c++)
        if (counts[c] > top) top = counts[c];
    switch (s) {
    case CHORUS_REVIEW_ENTROPY:
        return entropy(p, k);
    case CHORUS_REVIEW_MARGIN:
        return margin(p, k);
    case CHORUS_REVIEW_DISAGREEMENT:
        *qualifies = top < n_votes;
        return (double)(n_votes - top) / (double)n_votes;
    case CHORUS_REVIEW_MODEL_VS_MV: {
        /* A tie for the most votes makes each tied class a majority-vote label. */
        double best_mv = -1;
        for (int32_t c = 0; c < k; c++)
            if (counts[c] == top && p[c] > best_mv) best_mv = p[c];
        *qualifies = label >= 0 && counts[label] != top;
        return *qualifies ? p[label] - best_mv : 0;
    }
    default:
        return 0;
    }
}

/* The n largest-remainder quotas of the class sizes (k entries) into quota. */
static void share_out(int64_t *quota, const int64_t *sizes, int32_t k, int64_t total, int64_t n,
                      double *remainder)
{
    int64_t given = 0;
    for (int32_t c = 0; c < k; c++)
        quota[c] = 0;
    /* No candidates left (all reviewed): nothing to share, and n / 0 is not a quota. */
    if (total <= 0) return;
    if (n > total) n = total;
    for (int32_t c = 0; c < k; c++) {
        const double exact = (double)n * (double)sizes[c] / (double)total;
        quota[c] = (int64_t)floor(exact);
        if (quota[c] > sizes[c]) quota[c] = sizes[c];
        remainder[c] = exact - (double)quota[c];
        given += quota[c];
    }
    while (given < n) {
        int32_t best = -1;
        for (int32_t c = 0; c < k; c++)
            if (quota[c] < sizes[c] && (best < 0 || remainder[c] > remainder[best])) best = c;
        if (best < 0) break;
        quota[best]++;
        remainder[best] = -1;
        given++;
    }
}

/* Random, stratified by the model's label: keeps each class's quota of the candidates
 * (sorted by draw) and returns how many are kept, or -1 when out of memory. */
static int64_t pick_random(candidate *cands, int64_t n_cands, const int32_t *labels, int32_t k,
                           int64_t n)
{
    /* An item left without a label (never with the hash tie-break) is a class of its own. */
    int64_t *sizes = calloc((size_t)k + 1, sizeof *sizes);
    int64_t *quota = calloc((size_t)k + 1, sizeof *quota);
    double *remainder = calloc((size_t)k + 1, sizeof *remainder);
    int64_t kept = -1;
    if (!sizes || !quota || !remainder) goto done;
    for (int64_t c = 0; c < n_cands; c++)
        sizes[labels[cands[c].item] >= 0 ? labels[cands[c].item] : k]++;
    share_out(quota, sizes, k + 1, n_cands, n, remainder);
    kept = 0;
    for (int64_t c = 0; c < n_cands; c++) {
        const int32_t y = labels[cands[c].item] >= 0 ? labels[cands[c].item] : k;
        if (quota[y] > 0) {
            quota[y]--;
            cands[kept++] = cands[c];
        }
    }
done:
    free(sizes);
    free(quota);
    free(remainder);
    return kept;
}

static int check_inputs(const chorus_probs *probs, const chorus_votes *votes,
                        const chorus_review_select_options *opts)
{
    if (opts->version != CHORUS_REVIEW_SELECT_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "select options version %u is not supported (%d is)",
                                opts->version, CHORUS_REVIEW_SELECT_OPTIONS_VERSION);
    if ((unsigned)opts->strategy >= N_STRATEGIES)
        return chorus_error_set(CHORUS_EINVAL, "unknown strategy %d", (int)opts->strategy);
    if (opts->n < 1)
        return chorus_error_set(CHORUS_EINVAL, "select at least 1 item, not %" PRId64, opts->n);
    if (chorus_probs_n_items(probs) != chorus_votes_n_items(votes) || chorus_probs_item_ids(probs))
        return chorus_error_set(CHORUS_EINVAL,
                                "the probabilities have %" PRId64 " rows for %" PRId64
                                " items; select needs one row per item, in order",
                                chorus_probs_n_items(probs), chorus_votes_n_items(votes));
    if (chorus_votes_n_classes(votes) > chorus_probs_n_classes(probs))
        return chorus_error_set(CHORUS_EINVAL,
                                "the votes have %" PRId32 " classes, the probabilities %" PRId32,
                                chorus_votes_n_classes(votes), chorus_probs_n_classes(probs));
    return CHORUS_OK;
}

int chorus_review_select(int64_t **items, double **scores, int64_t *n_selected,
                         const chorus_probs *probs, const chorus_votes *votes,
                         const chorus_review_select_options *opts)
{
    *items = NULL;
    *scores = NULL;
    *n_selected = 0;
    chorus_review_select_options defaults = CHORUS_REVIEW_SELECT_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    int rc = check_inputs(probs, votes, opts);
    if (rc) return rc;
    const int64_t n_items = chorus_votes_n_items(votes);
    const int32_t k = chorus_probs_n_classes(probs);
    const double *p = chorus_probs_const_data(probs);
    const chorus_review_strategy s = opts->strategy;
    candidate *cands = malloc((size_t)(n_items ? n_items : 1) * sizeof *cands);
    int32_t *labels = malloc((size_t)(n_items ? n_items : 1) * sizeof *labels);
    int64_t *work = malloc((size_t)k * sizeof *work); /* votes per class of an item */
    int64_t *out_items = NULL;
    double *out_scores = NULL;
    if (!cands || !labels || !work) {
        rc = chorus_error_nomem();
        goto done;
    }
    if ((rc = chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH))) goto done;
    int64_t n_cands = 0;
    for (int64_t i = 0; i < n_items; i++) {
        if (opts->exclude && opts->exclude[i]) continue;
        const uint64_t tie = item_hash(opts->seed, i);
        int qualifies = 1;
        double score = 0;
        if (s == CHORUS_REVIEW_RANDOM) {
            score = (double)(tie >> 11) * 0x1.0p-53;
        } else {
            const int64_t n_votes = count_votes(votes, i, k, work);
            score = score_item(s, p + i * k, k, labels[i], work, n_votes, &qualifies);
        }
        if (!qualifies) continue;
        /* Margin: the lowest first; random: by draw; the rest: the highest first. */
        const double key = s == CHORUS_REVIEW_MARGIN || s == CHORUS_REVIEW_RANDOM ? score : -score;
        cands[n_cands++] = (candidate){key, tie, i, score};
    }
    qsort(cands, (size_t)n_cands, sizeof *cands, by_key);
    int64_t n = n_cands < opts->n ? n_cands : opts->n;
    if (s == CHORUS_REVIEW_RANDOM && (n = pick_random(cands, n_cands, labels, k, n)) < 0) {
        rc = chorus_error_nomem();
        goto done;
    }
    out_items = malloc((size_t)(n ? n : 1) * sizeof *out_items);
    out_scores = malloc((size_t)(n ? n : 1) * sizeof *out_scores);
    if (!out_items || !out_scores) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int64_t c = 0; c < n; c++) {
        out_items[c] = cands[c].item;
        out_scores[c] = cands[c].score;
    }
    *items = out_items;
    *scores = out_scores;
    *n_selected = n;
    out_items = NULL;
    out_scores = NULL;
done:
    free(out_items);
    free(out_scores);
    free(cands);
    free(labels);
    free(work);
    return rc;
}
