/* Scoring probabilistic labels against gold labels. */
#ifndef CHORUS_EVAL_H
#define CHORUS_EVAL_H

#include "probs.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * How an item whose top probability is shared by several classes (within 1e-5) gets a
 * hard label. HASH is the WRENCH / Snorkel "random" policy made deterministic: among the
 * tied classes pick tied[int(sha1(str(i)).hexdigest(), 16) % len(tied)], i the item's row.
 * ABSTAIN gives such items no label (CHORUS_ABSTAIN). i is the item's id
 * (chorus_probs_item_id()), so a row keeps its label when other rows are dropped.
 */
typedef enum chorus_tie_break {
    CHORUS_TIE_BREAK_HASH = 0,
    CHORUS_TIE_BREAK_ABSTAIN = 1
} chorus_tie_break;

int chorus_tie_break_parse(chorus_tie_break *out, const char *name);

/* Hard labels: out has chorus_probs_n_items(probs) entries. */
int chorus_probs_to_labels(int32_t *out, const chorus_probs *probs, chorus_tie_break tie_break);

typedef struct chorus_eval_options {
    unsigned version;
    chorus_tie_break tie_break;
    /* The class whose F1 is reported as positive_f1; -1 for none. */
    int32_t positive_class;
    /* Equal-width confidence bins for the expected calibration error. */
    int32_t n_bins;
} chorus_eval_options;

#define CHORUS_EVAL_OPTIONS_VERSION 1
#define CHORUS_EVAL_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CHORUS_EVAL_OPTIONS_VERSION, CHORUS_TIE_BREAK_HASH, -1, 10                                 \
    }

/*
 * Scores of probabilistic labels against gold. Only items with known gold (not -1) are
 * scored. An item that gets no hard label (ABSTAIN tie-break) counts against label
 * coverage, not against accuracy, and as a miss in the recall of its gold class.
 *
 * Rows are matched to gold labels by item id when the probabilities have ids (a file
 * that names its items, or rows left by chorus_probs_drop_uncovered()): row r is scored
 * against gold[chorus_probs_item_id(probs, r)], and items with known gold but no row are
 * counted (n_unpredicted), not scored. Without ids row i is scored against gold[i].
 *
 * Two coverages, not to be confused:
 *   vote_coverage  share of the items with known gold that at least one labeling function
 *                  voted on, from the probabilities' covered flags; an item without a row
 *                  counts as not covered (chorus drops only uncovered items). NaN when the
 *                  probabilities do not say which items are covered.
 *   label_coverage share of the scored items that got a hard label: below 1 only with the
 *                  ABSTAIN tie-break (Snorkel's "coverage").
 *
 * A ratio whose denominator is zero is reported as 0: the precision of a class nothing was
 * labelled as, the recall of a class with no gold items, the F1 of a class that is neither
 * predicted nor present (F1 = 2 TP / (2 TP + FP + FN)), the accuracy when no item got a
 * label. macro_f1 averages over all n_classes classes, absent ones included.
 *
 * The ECE bins the top-class probability into n_bins equal-width bins [b/n, (b+1)/n) (a
 * probability of 1 falls in the last bin) and averages |accuracy - mean confidence| over
 * the non-empty bins, weighted by their share of the scored items; correctness there is
 * always judged by the HASH hard label, whatever the tie-break option.
 */
typedef struct chorus_metrics {
    int32_t n_classes;
    int64_t n_items;       /* rows of the probabilities */
    int64_t n_gold;        /* rows with known gold: the scored items */
    int64_t n_unpredicted; /* items with known gold and no row (matched by item id) */
    int64_t n_covered;     /* scored items some LF voted on; -1 if coverage is unknown */
    int64_t n_labeled;     /* scored items that got a hard label */
    int64_t n_correct;     /* of those, items whose hard label equals gold */
    int64_t n_tied;        /* scored items whose top probability is tied */
    double accuracy;       /* n_correct / n_labeled */
    double vote_coverage;  /* n_covered / (n_gold + n_unpredicted), or NaN */
    double label_coverage; /* n_labeled / n_gold */
    double macro_f1;       /* mean of the per-class F1 */
    int32_t positive_class;
    double positive_f1; /* F1 of positive_class, 0 if none was given */
    double brier;       /* mean over gold items of sum_k (p_k - [y = k])^2 */
    double ece;         /* expected calibration error of the top-class probability */
    double log_loss;    /* mean -log p_y (p clipped at 1e-15) */
    /* Per class (n_classes entries): */
    double *precision;
    double *recall;
    double *f1;
    int64_t *support; /* gold items of the class */
    /* n_classes x (n_classes + 1), row = gold class, column = hard label, the last column
     * counting items left without a label. */
    int64_t *confusion;
    /* The bins behind the ECE (n_bins entries each): bin b holds the scored items whose
     * top-class probability is in [b/n_bins, (b+1)/n_bins), 1 in the last bin. Their mean
     * top-class probability and the share whose hash label is the gold label; both 0 for
     * an empty bin. ece = sum_b bin_count[b] / n_gold * |bin_accuracy[b] - bin_confidence[b]|. */
    int32_t n_bins;
    int64_t *bin_count;
    double *bin_confidence;
    double *bin_accuracy;
    /* The same scores on the scored items some labeling function voted on (n_covered of
     * them), so that what the votes decide is seen apart from the guesses on items without
     * any (which get the model's class prior). covered_confusion is laid out as confusion;
     * NULL, and the three scores NaN, when coverage is unknown; the scores are 0 when no
     * scored item is covered. */
    int64_t *covered_confusion;
    int64_t covered_correct; /* covered scored items whose hard label equals gold */
    double covered_accuracy; /* covered_correct / covered items that got a hard label */
    double covered_macro_f1;
    double covered_positive_f1; /* 0 if no positive class was given */
} chorus_metrics;

/*
 * Scores probs against gold (n_gold entries: one per item, -1 unknown). Without item ids
 * n_gold must equal the number of rows; with ids it must exceed the largest id. Gold
 * labels must be -1 or below the number of classes. opts may be NULL.
 * Errors: CHORUS_EINVAL (sizes differ, an item without a gold line, bad label, no row with
 * known gold), CHORUS_ENOMEM.
 */
int chorus_eval(chorus_metrics **out, const chorus_probs *probs, const int32_t *gold,
                int64_t n_gold, const chorus_eval_options *opts);

void chorus_metrics_free(chorus_metrics *metrics);

#ifdef __cplusplus
}
#endif
#endif
