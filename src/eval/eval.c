/*
 * Scores of probabilistic labels against gold labels. Counting is serial and in item
 * order, so every sum is the same whatever the thread count; only the hard labels (whose
 * SHA-1 tie-break is the costly part) are computed in parallel.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "eval/eval_internal.h"

/* Probabilities are accepted this far outside 0..1, to allow for rounding in a model. */
#define PROB_SLACK 1e-6
/* Log loss clips p_y here, as scikit-learn does, so a confident miss costs ~34.5. */
#define LOG_LOSS_EPS 1e-15
#define MAX_BINS 1000000

void chorus_metrics_free(chorus_metrics *metrics)
{
    if (!metrics) return;
    free(metrics->precision);
    free(metrics->recall);
    free(metrics->f1);
    free(metrics->support);
    free(metrics->confusion);
    free(metrics->bin_count);
    free(metrics->bin_confidence);
    free(metrics->bin_accuracy);
    free(metrics->covered_confusion);
    free(metrics);
}

static int check_inputs(const chorus_probs *probs, const int32_t *gold, int64_t n_gold,
                        const chorus_eval_options *opts)
{
    if (!probs || (!gold && n_gold > 0))
        return chorus_error_set(CHORUS_EINVAL, "probabilities or gold labels are NULL");
    if (opts->version != CHORUS_EVAL_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "eval options version %u, this library knows %u",
                                opts->version, (unsigned)CHORUS_EVAL_OPTIONS_VERSION);
    if (opts->tie_break != CHORUS_TIE_BREAK_HASH && opts->tie_break != CHORUS_TIE_BREAK_ABSTAIN)
        return chorus_error_set(CHORUS_EINVAL, "unknown tie-break policy %d", (int)opts->tie_break);
    const int64_t n = chorus_probs_n_items(probs);
    const int32_t k = chorus_probs_n_classes(probs);
    if (opts->positive_class < -1 || opts->positive_class >= k)
        return chorus_error_set(CHORUS_EINVAL,
                                "positive class %" PRId32 " is outside 0..%" PRId32 " (or -1)",
                                opts->positive_class, k - 1);
    if (opts->n_bins < 1 || opts->n_bins > MAX_BINS)
        return chorus_error_set(CHORUS_EINVAL, "number of bins must be 1..%d, got %" PRId32,
                                MAX_BINS, opts->n_bins);
    const int64_t *ids = chorus_probs_item_ids(probs);
    if (!ids && n_gold != n)
        return chorus_error_set(CHORUS_EINVAL,
                                "%" PRId64 " gold labels for %" PRId64 " items; the counts must "
                                "be equal",
                                n_gold, n);
    /* Ids are strictly increasing, so the last row has the largest. */
    if (ids && n > 0 && ids[n - 1] >= n_gold)
        return chorus_error_set(CHORUS_EINVAL,
                                "item %" PRId64 " has no gold label: there are %" PRId64
                                " (items 0..%" PRId64 ")",
                                ids[n - 1], n_gold, n_gold - 1);
    for (int64_t i = 0; i < n_gold; i++)
        if (gold[i] < -1 || gold[i] >= k)
            return chorus_error_set(
                CHORUS_EINVAL, "item %" PRId64 ": gold label %" PRId32 " is outside -1..%" PRId32,
                i, gold[i], k - 1);
    int64_t known = 0;
    for (int64_t r = 0; r < n; r++)
        known += gold[chorus_probs_item_id(probs, r)] != -1;
    if (known == 0)
        return chorus_error_set(CHORUS_EINVAL, ids ? "no row's item has a known gold label"
                                                   : "no item has a known gold label");
    return CHORUS_OK;
}

/* Items with known gold must have probabilities in 0..1; other rows are not scored. */
static int check_range(const chorus_probs *probs, const int32_t *gold)
{
    const int64_t n = chorus_probs_n_items(probs);
    const int32_t k = chorus_probs_n_classes(probs);
    const double *data = chorus_probs_const_data(probs);
    for (int64_t i = 0; i < n; i++) {
        if (gold[chorus_probs_item_id(probs, i)] == -1) continue;
        for (int32_t c = 0; c < k; c++) {
            double p = data[i * k + c];
            if (!(p >= -PROB_SLACK && p <= 1 + PROB_SLACK))
                return chorus_error_set(CHORUS_EINVAL,
                                        "item %" PRId64 ": probability %g of class %" PRId32
                                        " is outside 0..1",
                                        chorus_probs_item_id(probs, i), p, c);
        }
    }
    return CHORUS_OK;
}

static int alloc_metrics(chorus_metrics **out, int32_t k, int32_t n_bins)
{
    chorus_metrics *m = calloc(1, sizeof *m);
    if (!m) return chorus_error_nomem();
    m->n_classes = k;
    m->precision = calloc((size_t)k, sizeof *m->precision);
    m->recall = calloc((size_t)k, sizeof *m->recall);
    m->f1 = calloc((size_t)k, sizeof *m->f1);
    m->support = calloc((size_t)k, sizeof *m->support);
    m->confusion = calloc((size_t)k * ((size_t)k + 1), sizeof *m->confusion);
    m->n_bins = n_bins;
    m->bin_count = calloc((size_t)n_bins, sizeof *m->bin_count);
    m->bin_confidence = calloc((size_t)n_bins, sizeof *m->bin_confidence);
    m->bin_accuracy = calloc((size_t)n_bins, sizeof *m->bin_accuracy);
    if (!m->precision || !m->recall || !m->f1 || !m->support || !m->confusion || !m->bin_count ||
        !m->bin_confidence || !m->bin_accuracy) {
        chorus_metrics_free(m);
        return chorus_error_nomem();
    }
    *out = m;
    return CHORUS_OK;
}

/* Of a k x (k + 1) confusion matrix (rows gold, the last column unlabelled): the items
 * labelled c, those whose gold is c, and the hits. */
static void class_counts(const int64_t *confusion, int32_t k, int32_t c, int64_t *predicted,
                         int64_t *support, int64_t *tp)
{
    *tp = confusion[(size_t)c * (size_t)(k + 1) + (size_t)c];
    *predicted = 0;
    *support = 0;
    for (int32_t g = 0; g < k; g++)
        *predicted += confusion[(size_t)g * (size_t)(k + 1) + (size_t)c];
    for (int32_t j = 0; j <= k; j++)
        *support += confusion[(size_t)c * (size_t)(k + 1) + (size_t)j];
}

/* 2 TP / (2 TP + FP + FN), which is 2PR / (P + R) whenever that is defined; 0 for a class
 * neither predicted nor present. */
static double class_f1(int64_t predicted, int64_t support, int64_t tp)
{
    const int64_t denom = predicted + support;
    return denom ? 2.0 * (double)tp / (double)denom : 0.0;
}

/* Per-class scores from the confusion matrix; 0 wherever a ratio has a zero denominator. */
static void class_scores(chorus_metrics *m)
{
    const int32_t k = m->n_classes;
    double f1_sum = 0;
    for (int32_t c = 0; c < k; c++) {
        int64_t predicted, support, tp;
        class_counts(m->confusion, k, c, &predicted, &support, &tp);
        m->precision[c] = predicted ? (double)tp / (double)predicted : 0.0;
        m->recall[c] = m->support[c] ? (double)tp / (double)m->support[c] : 0.0;
        m->f1[c] = class_f1(predicted, support, tp);
        f1_sum += m->f1[c];
    }
    m->macro_f1 = f1_sum / k;
    m->positive_f1 = m->positive_class >= 0 ? m->f1[m->positive_class] : 0.0;
}

/* The accuracy and F1s of the covered items, from covered_confusion. */
static void covered_scores(chorus_metrics *m)
{
    const int32_t k = m->n_classes;
    if (!m->covered_confusion) {
        m->covered_accuracy = m->covered_macro_f1 = m->covered_positive_f1 = NAN;
        return;
    }
    int64_t labelled = 0;
    double f1_sum = 0;
    for (int32_t c = 0; c < k; c++) {
        int64_t predicted, support, tp;
        class_counts(m->covered_confusion, k, c, &predicted, &support, &tp);
        labelled += predicted;
        const double f1 = class_f1(predicted, support, tp);
        f1_sum += f1;
        if (c == m->positive_class) m->covered_positive_f1 = f1;
    }
    m->covered_accuracy = labelled ? (double)m->covered_correct / (double)labelled : 0.0;
    m->covered_macro_f1 = f1_sum / k;
}

int chorus_eval(chorus_metrics **out, const chorus_probs *probs, const int32_t *gold,
                int64_t n_gold, const chorus_eval_options *opts)
{
    static const chorus_eval_options defaults = CHORUS_EVAL_OPTIONS_INIT;
    chorus_metrics *m = NULL;
    int32_t *hash_labels = NULL;
    uint8_t *tied = NULL;
    int64_t *bin_correct = NULL;
    int rc;

    *out = NULL;
    if (!opts) opts = &defaults;
    rc = check_inputs(probs, gold, n_gold, opts);
    if (!rc) rc = check_range(probs, gold);
    if (rc) goto done;

    const int64_t n = chorus_probs_n_items(probs);
    const int32_t k = chorus_probs_n_classes(probs);
    const int32_t n_bins = opts->n_bins;
    const double *data = chorus_probs_const_data(probs);
    rc = alloc_metrics(&m, k, n_bins);
    if (rc) goto done;
    hash_labels = malloc((size_t)n * sizeof *hash_labels + 1);
    tied = malloc((size_t)n + 1);
    bin_correct = calloc((size_t)n_bins, sizeof *bin_correct);
    int64_t *const bin_count = m->bin_count;
    double *const bin_confidence = m->bin_confidence;
    if (!hash_labels || !tied || !bin_correct) {
        rc = chorus_error_nomem();
        goto done;
    }
    /* The hash labels always drive the ECE; the policy only decides what counts as labelled. */
    rc = chorus_eval_hard_labels(hash_labels, tied, probs, CHORUS_TIE_BREAK_HASH);
    if (rc) goto done;

    m->n_items = n;
    m->positive_class = opts->positive_class;
    const uint8_t *covered = chorus_probs_covered(probs);
    m->n_covered = covered ? 0 : -1;
    if (covered && !(m->covered_confusion =
                         calloc((size_t)k * ((size_t)k + 1), sizeof *m->covered_confusion))) {
        rc = chorus_error_nomem();
        goto done;
    }
    double brier = 0, log_loss = 0;
    for (int64_t i = 0; i < n; i++) {
        const int32_t y = gold[chorus_probs_item_id(probs, i)];
        if (y == -1) continue;
        if (covered) m->n_covered += covered[i];
        const double *row = data + i * k;
        const int32_t hash = hash_labels[i];
        const int32_t pred =
            tied[i] && opts->tie_break == CHORUS_TIE_BREAK_ABSTAIN ? CHORUS_ABSTAIN : hash;
        m->n_gold++;
        m->n_tied += tied[i];
        m->support[y]++;
        const size_t cell = (size_t)y * (size_t)(k + 1) + (size_t)(pred < 0 ? k : pred);
        m->confusion[cell]++;
        if (pred >= 0) {
            m->n_labeled++;
            m->n_correct += pred == y;
        }
        if (covered && covered[i]) {
            m->covered_confusion[cell]++;
            m->covered_correct += pred == y;
        }
        for (int32_t c = 0; c < k; c++) {
            double d = row[c] - (c == y);
            brier += d * d;
        }
        log_loss -= log(fmax(row[y], LOG_LOSS_EPS));
        /* Bins are [b/n, (b+1)/n); a confidence of exactly 1 belongs to the last one. */
        double confidence = row[0];
        for (int32_t c = 1; c < k; c++)
            confidence = fmax(confidence, row[c]);
        int64_t b = (int64_t)(confidence * n_bins);
        if (b >= n_bins) b = n_bins - 1;
        if (b < 0) b = 0;
        bin_count[b]++;
        bin_correct[b] += hash == y;
        bin_confidence[b] += confidence;
    }
    const double n_scored = (double)m->n_gold;
    m->accuracy = m->n_labeled ? (double)m->n_correct / (double)m->n_labeled : 0.0;
    m->label_coverage = (double)m->n_labeled / n_scored;
    /* Every item with known gold is scored or unpredicted: ids are unique. */
    for (int64_t i = 0; i < n_gold; i++)
        m->n_unpredicted += gold[i] != -1;
    m->n_unpredicted -= m->n_gold;
    m->vote_coverage =
        covered ? (double)m->n_covered / (double)(m->n_gold + m->n_unpredicted) : NAN;
    m->brier = brier / n_scored;
    m->log_loss = log_loss / n_scored;
    double ece = 0;
    for (int32_t b = 0; b < n_bins; b++) {
        if (!bin_count[b]) continue;
        double count = (double)bin_count[b];
        /* The sums become means: what a reliability diagram plots. */
        bin_confidence[b] /= count;
        m->bin_accuracy[b] = (double)bin_correct[b] / count;
        ece += count / n_scored * fabs(m->bin_accuracy[b] - bin_confidence[b]);
    }
    m->ece = ece;
    class_scores(m);
    covered_scores(m);
    *out = m;
    m = NULL;

done:
    chorus_metrics_free(m);
    free(hash_labels);
    free(tied);
    free(bin_correct);
    return rc;
}
