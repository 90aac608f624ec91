/*
 * Confidence intervals for a binomial proportion (Wilson, Clopper-Pearson) and the review
 * size that makes one narrow enough. Clopper-Pearson needs Beta quantiles: the regularized
 * incomplete beta I_x(a, b) by its continued fraction, inverted by bisection, which is
 * slow next to Newton's method but cannot leave [0, 1] or stall where the density is
 * flat, and these intervals are computed a handful of times per run.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "chorus/qa.h"
#include "core/error_internal.h"

/* Bisection steps: 2^-64 of the unit interval is below a double's resolution near 1. */
#define BISECTION_STEPS 64
/* The continued fraction needs about sqrt(max(a, b)) terms; this allows a, b far past
 * CHORUS_QA_MAX_REVIEW. */
#define MAX_FRACTION_TERMS 1000000

int chorus_interval_method_parse(chorus_interval_method *out, const char *name)
{
    if (name && strcmp(name, "wilson") == 0) {
        *out = CHORUS_INTERVAL_WILSON;
        return CHORUS_OK;
    }
    if (name && strcmp(name, "clopper-pearson") == 0) {
        *out = CHORUS_INTERVAL_CLOPPER_PEARSON;
        return CHORUS_OK;
    }
    return chorus_error_set(CHORUS_EINVAL,
                            "unknown interval method '%s' (expected wilson or clopper-pearson)",
                            name ? name : "(null)");
}

/*
 * The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8) by the modified Lentz
 * method; it converges fast for x < (a + 1) / (a + b + 2), which the caller ensures.
 */
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double f = d;
    for (int m = 1; m <= MAX_FRACTION_TERMS; m++) {
        /* The even term d_2m, then the odd term d_2m+1. */
        double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
        for (int odd = 0; odd < 2; odd++) {
            d = 1 + num * d;
            if (fabs(d) < tiny) d = tiny;
            c = 1 + num / c;
            if (fabs(c) < tiny) c = tiny;
            d = 1 / d;
            f *= c * d;
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
        }
        if (fabs(c * d - 1) < 4 * DBL_EPSILON) break;
    }
    return f;
}

double chorus_beta_inc(double a, double b, double x)
{
    if (!(a > 0) || !(b > 0) || isnan(x)) return NAN;
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    /* x^a (1-x)^b / B(a, b), in logs so large a and b do not overflow. */
    const double log_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return exp(log_front) * beta_fraction(a, b, x) / a;
    return 1 - exp(log_front) * beta_fraction(b, a, 1 - x) / b;
}

double chorus_beta_inc_inverse(double a, double b, double p)
{
    if (!(a > 0) || !(b > 0) || isnan(p)) return NAN;
    if (p <= 0) return 0;
    if (p >= 1) return 1;
    double lo = 0, hi = 1;
    for (int step = 0; step < BISECTION_STEPS; step++) {
        const double mid = 0.5 * (lo + hi);
        if (chorus_beta_inc(a, b, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* P(Z <= x), with the lower tail computed directly so small p keep their digits. */
static double normal_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

double chorus_normal_quantile(double p)
{
    if (!(p > 0) || !(p < 1)) return NAN;
    if (p > 0.5) return -chorus_normal_quantile(1 - p);
    /* The lower half: x in [-40, 0]; P(Z <= -40) is far below any double p used here. */
    double lo = -40, hi = 0;
    for (int step = 0; step < 2 * BISECTION_STEPS; step++) {
        const double mid = 0.5 * (lo + hi);
        if (normal_cdf(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static void wilson(double *lower, double *upper, double k, double n, double confidence)
{
    const double z = chorus_normal_quantile(0.5 + confidence / 2);
    const double z2 = z * z, p = k / n;
    const double denom = 1 + z2 / n;
    const double centre = (p + z2 / (2 * n)) / denom;
    const double half = z / denom * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lower = fmax(0, centre - half);
    *upper = fmin(1, centre + half);
}

static void clopper_pearson(double *lower, double *upper, double k, double n, double confidence)
{
    const double alpha = 1 - confidence;
    *lower = k > 0 ? chorus_beta_inc_inverse(k, n - k + 1, alpha / 2) : 0;
    *upper = k < n ? chorus_beta_inc_inverse(k + 1, n - k, 1 - alpha / 2) : 1;
}

int chorus_binomial_interval(double *lower, double *upper, double successes, double trials,
                             double confidence, chorus_interval_method method)
{
    if (!(trials > 0) || !isfinite(trials) || !(successes >= 0) || !(successes <= trials))
        return chorus_error_set(CHORUS_EINVAL,
                                "a binomial interval needs 0 <= successes <= trials and trials "
                                "> 0; got %g of %g",
                                successes, trials);
    if (!(confidence > 0) || !(confidence < 1))
        return chorus_error_set(CHORUS_EINVAL, "confidence %g is not between 0 and 1", confidence);
    if (method == CHORUS_INTERVAL_WILSON)
        wilson(lower, upper, successes, trials, confidence);
    else if (method == CHORUS_INTERVAL_CLOPPER_PEARSON)
        clopper_pearson(lower, upper, successes, trials, confidence);
    else
        return chorus_error_set(CHORUS_EINVAL, "unknown interval method %d", (int)method);
    return CHORUS_OK;
}

/* The width of the interval for n items at accuracy p (method and confidence checked). */
static double width_at(double p, int64_t n, double confidence, chorus_interval_method method)
{
    double lower, upper;
    const double dn = (double)n;
    chorus_binomial_interval(&lower, &upper, p * dn, dn, confidence, method);
    return upper - lower;
}

int chorus_review_size(int64_t *out, double accuracy, int64_t reviewed, double target_width,
                       double confidence, chorus_interval_method method)
{
    *out = -1;
    if (!(accuracy >= 0) || !(accuracy <= 1) || reviewed < 0)
        return chorus_error_set(CHORUS_EINVAL,
                                "a review size needs an accuracy in [0, 1] and a reviewed count "
                                ">= 0; got %g and %lld",
                                accuracy, (long long)reviewed);
    if (!(target_width > 0) || !(target_width < 1))
        return chorus_error_set(CHORUS_EINVAL, "target width %g is not between 0 and 1",
                                target_width);
    double lower, upper;
    int rc = chorus_binomial_interval(&lower, &upper, accuracy, 1, confidence, method);
    if (rc) return rc;
    const int64_t start = reviewed > 0 ? reviewed : 1;
    if (width_at(accuracy, start, confidence, method) <= target_width) {
        *out = start - reviewed;
        return CHORUS_OK;
    }
    /* The width falls as the sample grows: double until it is narrow enough, then bisect
     * between the last size too wide (lo) and the first narrow enough (hi). */
    int64_t lo = start, hi = start;
    while (width_at(accuracy, hi, confidence, method) > target_width) {
        lo = hi;
        if (hi > CHORUS_QA_MAX_REVIEW / 2)
            return chorus_error_set(CHORUS_EINVAL,
                                    "an interval %g wide needs more than %lld reviewed items",
                                    target_width, (long long)CHORUS_QA_MAX_REVIEW);
        hi *= 2;
    }
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (width_at(accuracy, mid, confidence, method) > target_width)
            lo = mid;
        else
            hi = mid;
    }
    *out = hi - reviewed;
    return CHORUS_OK;
}
