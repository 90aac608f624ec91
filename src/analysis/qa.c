/* The accuracy of final labels from a reviewed random sample, overall and per class. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "chorus/eval.h"
#include "chorus/qa.h"
#include "core/error_internal.h"

void chorus_qa_report_free(chorus_qa_report *report)
{
    if (!report) return;
    free(report->per_class);
    free(report);
}

static int check_options(const chorus_qa_options *o)
{
    if (o->version != CHORUS_QA_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL, "chorus_qa_options version %u; expected %u",
                                o->version, CHORUS_QA_OPTIONS_VERSION);
    if (!(o->confidence > 0) || !(o->confidence < 1))
        return chorus_error_set(CHORUS_EINVAL, "confidence %g is not between 0 and 1",
                                o->confidence);
    if (o->method != CHORUS_INTERVAL_WILSON && o->method != CHORUS_INTERVAL_CLOPPER_PEARSON)
        return chorus_error_set(CHORUS_EINVAL, "unknown interval method %d", (int)o->method);
    if (o->target_width != 0 && !(o->target_width > 0 && o->target_width < 1))
        return chorus_error_set(CHORUS_EINVAL, "target width %g is not between 0 and 1",
                                o->target_width);
    return CHORUS_OK;
}

/* The estimate and interval (and review size) of e's counts. */
static int estimate(chorus_qa_estimate *e, const chorus_qa_options *o)
{
    e->accuracy = e->lower = e->upper = NAN;
    e->further = -1;
    if (e->reviewed == 0) return CHORUS_OK;
    e->accuracy = (double)e->correct / (double)e->reviewed;
    int rc = chorus_binomial_interval(&e->lower, &e->upper, (double)e->correct, (double)e->reviewed,
                                      o->confidence, o->method);
    if (!rc && o->target_width > 0)
        rc = chorus_review_size(&e->further, e->accuracy, e->reviewed, o->target_width,
                                o->confidence, o->method);
    return rc;
}

int chorus_qa_compute(chorus_qa_report **out, const chorus_probs *probs, const int32_t *answers,
                      int64_t n_answers, const chorus_qa_options *opts)
{
    *out = NULL;
    const chorus_qa_options defaults = CHORUS_QA_OPTIONS_INIT;
    const chorus_qa_options *o = opts ? opts : &defaults;
    int rc = check_options(o);
    if (rc) return rc;
    if (!probs || (!answers && n_answers > 0))
        return chorus_error_set(CHORUS_EINVAL, "probabilities or answers are NULL");
    const int64_t n = chorus_probs_n_items(probs);
    const int32_t k = chorus_probs_n_classes(probs);
    const int has_ids = chorus_probs_item_ids(probs) != NULL;
    if (!has_ids && n_answers != n)
        return chorus_error_set(
            CHORUS_EINVAL, "%" PRId64 " answers for %" PRId64 " rows; they must match one to one",
            n_answers, n);
    if (has_ids && n > 0 && chorus_probs_item_id(probs, n - 1) >= n_answers)
        return chorus_error_set(
            CHORUS_EINVAL, "a row for item %" PRId64 " but answers for items 0..%" PRId64 " only",
            chorus_probs_item_id(probs, n - 1), n_answers - 1);
    for (int64_t i = 0; i < n_answers; i++)
        if (answers[i] < -1 || answers[i] >= k)
            return chorus_error_set(CHORUS_EINVAL,
                                    "answer of item %" PRId64 " is %" PRId32
                                    "; expected -1 (not reviewed) or a class in 0..%" PRId32,
                                    i, answers[i], k - 1);
    chorus_qa_report *r = calloc(1, sizeof *r);
    int32_t *labels = malloc((size_t)(n > 0 ? n : 1) * sizeof *labels);
    if (r) r->per_class = calloc((size_t)k, sizeof *r->per_class);
    if (!r || !labels || !r->per_class) {
        rc = chorus_error_nomem();
        goto done;
    }
    r->n_classes = k;
    r->n_items = n;
    if ((rc = chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH))) goto done;
    for (int64_t row = 0; row < n; row++) {
        const int32_t answer = answers[chorus_probs_item_id(probs, row)];
        if (answer < 0) continue;
        const int correct = labels[row] == answer;
        r->all.reviewed++;
        r->all.correct += correct;
        r->per_class[labels[row]].reviewed++;
        r->per_class[labels[row]].correct += correct;
    }
    if (r->all.reviewed == 0) {
        rc = chorus_error_set(CHORUS_EINVAL, "no row has an answer: nothing was reviewed");
        goto done;
    }
    rc = estimate(&r->all, o);
    for (int32_t c = 0; !rc && c < k; c++)
        rc = estimate(&r->per_class[c], o);
done:
    free(labels);
    if (rc) {
        chorus_qa_report_free(r);
        return rc;
    }
    *out = r;
    return CHORUS_OK;
}
