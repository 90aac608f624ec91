/*
 * Quality assurance of final labels: a person reviews a random sample of the items, and
 * the share of the sample whose hard label matches the person's answer estimates the
 * accuracy of all the labels, with a binomial confidence interval around it; per class
 * (of the predicted label) the same estimates that class's precision. The interval is
 * only honest when the reviewed items were drawn at random from the labelled items.
 */
#ifndef CHORUS_QA_H
#define CHORUS_QA_H

#include "probs.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * WILSON: the score interval, never outside [0, 1], close to the nominal coverage on
 * average (sometimes a little below it). CLOPPER_PEARSON: the exact interval, from Beta
 * quantiles; its coverage is at least the nominal one for every accuracy, at the price of
 * a wider interval.
 */
typedef enum chorus_interval_method {
    CHORUS_INTERVAL_WILSON = 0,
    CHORUS_INTERVAL_CLOPPER_PEARSON = 1
} chorus_interval_method;

/* "wilson" or "clopper-pearson"; CHORUS_EINVAL for anything else. */
int chorus_interval_method_parse(chorus_interval_method *out, const char *name);

/*
 * The two-sided interval for a binomial proportion from `successes` of `trials` at the
 * given confidence (0 < confidence < 1). successes need not be an integer (the review
 * size search below evaluates intervals at an estimated accuracy), 0 <= successes <=
 * trials, trials > 0. Errors: CHORUS_EINVAL for arguments out of range.
 */
int chorus_binomial_interval(double *lower, double *upper, double successes, double trials,
                             double confidence, chorus_interval_method method);

/*
 * How many more items to review for the interval to be at most target_width wide,
 * assuming the accuracy stays at `accuracy` (the current estimate): the smallest m >= 0
 * with width(accuracy * (reviewed + m), reviewed + m) <= target_width. Errors:
 * CHORUS_EINVAL for arguments out of range (0 < target_width < 1), or when more than
 * CHORUS_QA_MAX_REVIEW items would be needed.
 */
#define CHORUS_QA_MAX_REVIEW ((int64_t)1 << 30)
int chorus_review_size(int64_t *out, double accuracy, int64_t reviewed, double target_width,
                       double confidence, chorus_interval_method method);

/* I_x(a, b), the regularized incomplete beta function, and its inverse in x; a, b > 0. */
double chorus_beta_inc(double a, double b, double x);
double chorus_beta_inc_inverse(double a, double b, double p);

/* The standard normal quantile: x with P(Z <= x) = p, 0 < p < 1. */
double chorus_normal_quantile(double p);

typedef struct chorus_qa_options {
    unsigned version;
    double confidence;             /* default 0.95 */
    chorus_interval_method method; /* default Wilson */
    double target_width;           /* 0: no review size */
} chorus_qa_options;

#define CHORUS_QA_OPTIONS_VERSION 1
#define CHORUS_QA_OPTIONS_INIT                                                                     \
    {                                                                                              \
        CHORUS_QA_OPTIONS_VERSION, 0.95, CHORUS_INTERVAL_WILSON, 0                                 \
    }

/* One estimate: correct of reviewed, the point estimate and its interval (NaN when
 * nothing was reviewed), and with a target width the further items to review (-1 without
 * a target or an estimate). */
typedef struct chorus_qa_estimate {
    int64_t reviewed;
    int64_t correct;
    double accuracy;
    double lower;
    double upper;
    int64_t further;
} chorus_qa_estimate;

typedef struct chorus_qa_report {
    int32_t n_classes;
    int64_t n_items;               /* rows of the probabilities */
    chorus_qa_estimate all;        /* over every reviewed item */
    chorus_qa_estimate *per_class; /* n_classes: the reviewed items predicted as the class */
} chorus_qa_report;

/*
 * Compares the hash tie-break hard labels of probs (as chorus_eval computes them) with
 * the answers (one per item, -1 = not reviewed), matched to rows as chorus_eval matches
 * gold: by item id when the probabilities have ids, else row i to answers[i]. Errors:
 * CHORUS_EINVAL (options out of range, sizes that do not match, an answer that is no
 * class, no reviewed item), CHORUS_ENOMEM.
 */
int chorus_qa_compute(chorus_qa_report **out, const chorus_probs *probs, const int32_t *answers,
                      int64_t n_answers, const chorus_qa_options *opts);

void chorus_qa_report_free(chorus_qa_report *report);

#ifdef __cplusplus
}
#endif
#endif
