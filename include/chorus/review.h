/*
 * Review files: items a person is asked to label, and the labels they gave. A review file
 * is a CSV (RFC 4180) or JSONL file, by its extension (.csv, .jsonl), with a row per item:
 *
 *     item,text,label,confidence,votes,strategy,score,answer
 *     17,"win a prize now",SPAM,0.5120,kw_free=SPAM;re_win=SPAM,entropy,0.6929,HAM
 *     4,"see you at 5",HAM,0.5533,kw_free=SPAM,entropy,0.6871,
 *
 * Two columns (JSONL keys) are required: `item`, the item's id as predict writes it (the
 * votes' item name when the item has one, else its row number from 0; in JSONL a string or
 * an integer), and `answer`, the person's label: a class name or index, or empty (CSV) /
 * null or absent (JSONL) while the item is not reviewed yet. Readers ignore every other
 * column. The answers become gold labels clamped in the next fit (chorus_fit_options.gold).
 *
 * The active-learning side chooses the items worth a person's time (chorus_review_select)
 * and lays them out as such a file (chorus_review_from_selection).
 */
#ifndef CHORUS_REVIEW_H
#define CHORUS_REVIEW_H

#include "data.h"
#include "lf.h"
#include "model.h"
#include "probs.h"
#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_review chorus_review;

/* Most columns a review file or a chorus_review may have besides item and answer. */
#define CHORUS_REVIEW_MAX_COLUMNS 10000

/*
 * An empty review with n_columns extra columns, written between `item` and `answer` in
 * the order given (names copied; none may be "item" or "answer", or repeat). numeric (NULL
 * for none) flags the columns whose values the JSONL writer writes as numbers. Errors:
 * CHORUS_EINVAL (a bad or repeated column name), CHORUS_ENOMEM.
 */
int chorus_review_new(chorus_review **out, int32_t n_columns, const char *const *columns,
                      const unsigned char *numeric);

/*
 * Appends a row: the item's id (non-empty), the answer (NULL or "" = not reviewed) and
 * n_columns values (values may be NULL when there are no columns; a NULL value is empty).
 * Strings are copied. Errors: CHORUS_EINVAL, CHORUS_ENOMEM.
 */
int chorus_review_add(chorus_review *review, const char *item, const char *answer,
                      const char *const *values);

/*
 * Reads a review file (.csv or .jsonl, by the name), keeping each row's item, answer,
 * file and line; other columns are not kept. Errors, all naming the file and line:
 * CHORUS_EIO (cannot open), CHORUS_EFORMAT for an empty file (no header), a header
 * without `item` or `answer` or with either twice, a row with another number of fields
 * than the header, bad quotes, an empty item, invalid JSON, a line that is not an object,
 * an item that is not a string or an integer, an answer that is not a string, an integer
 * or null; CHORUS_EINVAL for a name that is neither .csv nor .jsonl; CHORUS_ENOMEM.
 */
int chorus_review_read(chorus_review **out, const char *path);

/*
 * Writes the review (.csv or .jsonl, by the name) atomically: a header item,<columns>,answer
 * and a row per entry; in JSONL one object per line, the answer null when there is none, an
 * item that is a plain number (no sign, no leading zero) as an integer. Errors:
 * CHORUS_EINVAL (neither .csv nor .jsonl), CHORUS_EWRITE, CHORUS_ENOMEM.
 */
int chorus_review_write(const chorus_review *review, const char *path);

/*
 * Appends the rows of `from` to `into`, each keeping its file and line (extra columns are
 * not copied). Conflicting answers are found by chorus_review_resolve(). CHORUS_ENOMEM.
 */
int chorus_review_merge(chorus_review *into, const chorus_review *from);

void chorus_review_free(chorus_review *review);

int64_t chorus_review_n_rows(const chorus_review *review);
/* Rows with an answer. */
int64_t chorus_review_n_answered(const chorus_review *review);
const char *chorus_review_item(const chorus_review *review, int64_t row);
/* The answer as written, or NULL when the row is not reviewed. */
const char *chorus_review_answer(const chorus_review *review, int64_t row);
/* The file a row was read from (NULL for rows added with chorus_review_add) and its line. */
const char *chorus_review_path(const chorus_review *review, int64_t row);
int64_t chorus_review_line(const chorus_review *review, int64_t row);

/*
 * The answers as gold labels for the items of `votes`: *out (chorus_free it) has
 * chorus_votes_n_items(votes) entries, a class index where an item was answered, -1
 * elsewhere. Items are found by the votes' item names (an item without a name by its row
 * number); answers are class names or indices (chorus_gold_parse rules). known (NULL, or
 * n_items labels with -1 for unknown, e.g. --gold) is checked against the answers.
 * Errors, CHORUS_EFORMAT naming the file and line: an item not in the votes, an answer
 * that is no class, the same item answered differently on two rows (naming both files and
 * lines), an answer that contradicts known; CHORUS_ENOMEM.
 */
int chorus_review_resolve(int32_t **out, const chorus_review *review, const chorus_votes *votes,
                          const int32_t *known);

/*
 * The answers for the rows of probabilities (e.g. predict's output read back), for
 * checking final labels: *out (chorus_free it) has chorus_probs_n_items(probs) entries, a
 * class index where the row's item was answered, -1 elsewhere. A row's item is its item
 * name when it has one, else its item id (chorus_probs_item_id); answers are class names
 * or indices of the probabilities' classes. Errors, CHORUS_EFORMAT naming the file and
 * line: an item not in the probabilities, an answer that is no class, the same item
 * answered differently on two rows (naming both); CHORUS_ENOMEM.
 */
int chorus_review_resolve_probs(int32_t **out, const chorus_review *review,
                                const chorus_probs *probs);

/*
 * The items the review lists, answered or not: *out (chorus_free it) has n_items flags,
 * 1 for a listed item. CHORUS_EFORMAT for an item not in the votes; CHORUS_ENOMEM.
 */
int chorus_review_listed(unsigned char **out, const chorus_review *review,
                         const chorus_votes *votes);

/* How chorus_review_select() ranks the items. */
typedef enum chorus_review_strategy {
    CHORUS_REVIEW_ENTROPY = 0,      /* highest entropy of the model's probabilities */
    CHORUS_REVIEW_MARGIN = 1,       /* lowest gap between the two most probable classes */
    CHORUS_REVIEW_DISAGREEMENT = 2, /* highest share of votes against the majority */
    CHORUS_REVIEW_UNCOVERED = 3,    /* items no labeling function voted on */
    CHORUS_REVIEW_MODEL_VS_MV = 4,  /* the model's label is not a majority-vote class */
    CHORUS_REVIEW_RANDOM = 5        /* a random sample stratified by predicted class */
} chorus_review_strategy;

/* Parses entropy, margin, disagreement, uncovered, model-vs-mv, random; else EINVAL. */
int chorus_review_strategy_parse(chorus_review_strategy *out, const char *name);
const char *chorus_review_strategy_name(chorus_review_strategy strategy);

typedef struct chorus_review_select_options {
    unsigned version;
    chorus_review_strategy strategy;
    int64_t n;     /* items to select, at least 1 */
    uint64_t seed; /* orders items of equal score, and the random draw */
    /* n_items flags (NULL for none): items never selected, e.g. already in a review file. */
    const unsigned char *exclude;
} chorus_review_select_options;

#define CHORUS_REVIEW_SELECT_OPTIONS_VERSION 1
#define CHORUS_REVIEW_SELECT_OPTIONS_INIT                                                          \
    {                                                                                              \
        CHORUS_REVIEW_SELECT_OPTIONS_VERSION, CHORUS_REVIEW_ENTROPY, 10, 0, NULL                   \
    }

/*
 * Chooses up to opts->n items to review, best first: *items (item indices) and *scores
 * (chorus_free both) have *n_selected entries, fewer than n when fewer items qualify.
 * probs are the model's probabilities for the items of votes (row i = item i, as
 * chorus_model_predict gives them). Scores: entropy in nats; margin = p1 - p2 (lowest
 * first); disagreement = votes not for the most-voted class / votes; uncovered = 0;
 * model-vs-mv = p(model's label) - p(best majority-vote class); random = the item's
 * uniform draw. Entropy, margin, disagreement and model-vs-mv consider covered items only
 * (uncovered ones all carry the prior; the uncovered strategy is for them). Equal scores
 * are ordered by a hash of (seed, item), so the order is the same on every run.
 * Random: the n items are shared among the predicted classes in proportion to their
 * sizes (largest remainders), drawn uniformly within each, listed by draw.
 * Errors: CHORUS_EINVAL (sizes differ, n < 1, bad version), CHORUS_ENOMEM.
 */
int chorus_review_select(int64_t **items, double **scores, int64_t *n_selected,
                         const chorus_probs *probs, const chorus_votes *votes,
                         const chorus_review_select_options *opts);

/*
 * The fields of the data worth showing a reviewer: with a spec, its text field (data.text)
 * and the fields its labeling functions read; without one, every field holding text (a
 * value that is not a number or a boolean). Either way fields named like a review column
 * (item, label, confidence, votes, strategy, score, answer), and the spec's id and gold
 * fields, are left out. *out (chorus_free it, NULL when there are none) has *n entries, in
 * field order. CHORUS_ENOMEM.
 */
int chorus_review_text_fields(int32_t **out, int32_t *n, const chorus_dataset *data,
                              const chorus_lf_set *spec);

/* What chorus_review_from_selection() shows of each item's data. */
typedef struct chorus_review_text {
    const chorus_dataset *data; /* NULL: no text columns; else one record per item */
    const int32_t *fields;      /* the fields shown, n_fields of them */
    int32_t n_fields;
    /* Longest text kept per field, in bytes (cut at a character, "..." appended); 0 for
     * the default, 300. Line breaks and tabs become spaces so every row is one line. */
    size_t max_bytes;
} chorus_review_text;

/*
 * A review of the selected items, ready for chorus_review_write(): columns item, the text
 * fields, label (the model's label, a class name), confidence (its probability), votes
 * ("lf=CLASS;..." for the LFs that voted), strategy, score, answer (empty). Errors:
 * CHORUS_EINVAL (sizes differ, an item out of range), CHORUS_ENOMEM.
 */
int chorus_review_from_selection(chorus_review **out, const int64_t *items, const double *scores,
                                 int64_t n, const chorus_probs *probs, const chorus_votes *votes,
                                 chorus_review_strategy strategy, const chorus_review_text *text);

/*
 * Gives every answered item (answers: n_items entries, -1 = none) its answer with
 * probability 1: a person's label is the item's label, whatever the model says. Errors:
 * CHORUS_EINVAL (sizes differ, an answer beyond the classes).
 */
int chorus_review_clamp_probs(chorus_probs *probs, const int32_t *answers, int64_t n_items);

/* Held-out scores of a fit on review answers, from chorus_review_holdout(). */
typedef struct chorus_review_holdout_result {
    int64_t n_answers;      /* answered items */
    int32_t n_folds;        /* folds used; 0 when there were fewer than 2 answers */
    int64_t n_correct;      /* held-out items whose label equals the answer */
    double accuracy;        /* n_correct / n_answers (NaN without folds) */
    int32_t positive_class; /* 1 for two classes, else -1 */
    double positive_f1;     /* F1 of positive_class over the held-out items, NaN if none */
} chorus_review_holdout_result;

/*
 * k-fold cross-validation over the answers (n_items entries, -1 = none): the answered
 * items are shuffled (opts->seed) and dealt into min(n_folds, answers) folds; each fold is
 * scored by a fit with the other folds' answers (and opts->gold, if any) clamped. opts are
 * the fit options (NULL: defaults); their gold must not contradict the answers. Errors
 * as chorus_model_fit, CHORUS_EINVAL for n_folds < 2, CHORUS_ENOMEM.
 */
int chorus_review_holdout(chorus_review_holdout_result *out, const chorus_votes *votes,
                          const int32_t *answers, const chorus_fit_options *opts, int32_t n_folds);

#ifdef __cplusplus
}
#endif
#endif
