/* Model selection on a labelled dev set: the candidates, the choice, ties, errors. */
#include "model/model_internal.h"
#include "test_util.h"

/* Items [begin, end) of v as a matrix of their own. */
static chorus_votes *rows(const chorus_votes *v, int64_t begin, int64_t end)
{
    const int64_t *row_ptr = chorus_votes_row_ptr(v);
    int64_t *ptr = malloc((size_t)(end - begin + 1) * sizeof *ptr);
    ck_assert_ptr_nonnull(ptr);
    for (int64_t i = begin; i <= end; i++)
        ptr[i - begin] = row_ptr[i] - row_ptr[begin];
    chorus_votes *out;
    ck_assert_ok(chorus_votes_from_csr(&out, end - begin, chorus_votes_n_lfs(v),
                                       chorus_votes_n_classes(v), ptr,
                                       chorus_votes_lf_index(v) + row_ptr[begin],
                                       chorus_votes_labels(v) + row_ptr[begin], CHORUS_COPY));
    free(ptr);
    return out;
}

typedef struct split {
    chorus_votes *train, *dev;
    int32_t *dev_gold; /* every 10th dev item unlabelled (-1) */
    int64_t n_dev, n_labelled;
} split;

/* A fixed-seed synthetic matrix, half one-class and half multi-class LFs, cut 4000 / 2000. */
static split make_split(void)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 6000;
    o.n_lfs = 12;
    o.n_classes = 2;
    o.one_class_share = 0.5;
    o.accuracy_min = 0.55;
    o.accuracy_max = 0.85;
    o.imbalance = 3;
    o.seed = 11;
    chorus_votes *all;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&all, &gold, &o));
    split s;
    s.train = rows(all, 0, 4000);
    s.dev = rows(all, 4000, 6000);
    s.n_dev = 2000;
    s.dev_gold = malloc((size_t)s.n_dev * sizeof *s.dev_gold);
    ck_assert_ptr_nonnull(s.dev_gold);
    s.n_labelled = 0;
    for (int64_t i = 0; i < s.n_dev; i++) {
        s.dev_gold[i] = i % 10 == 9 ? -1 : gold[4000 + i];
        s.n_labelled += s.dev_gold[i] >= 0;
    }
    chorus_free(gold);
    chorus_votes_free(all);
    return s;
}

static void free_split(split *s)
{
    chorus_votes_free(s->train);
    chorus_votes_free(s->dev);
    free(s->dev_gold);
}

/* The metric of `model` on the dev set, computed apart from the selection. */
static double dev_score(const chorus_model *model, const split *s, chorus_select_metric metric,
                        int32_t positive)
{
    chorus_probs *p;
    chorus_metrics *mt;
    chorus_eval_options e = CHORUS_EVAL_OPTIONS_INIT;
    e.positive_class = positive;
    ck_assert_ok(chorus_model_predict(&p, model, s->dev));
    ck_assert_ok(chorus_eval(&mt, p, s->dev_gold, s->n_dev, &e));
    ck_assert_int_eq(mt->n_gold, s->n_labelled);
    double score = metric == CHORUS_SELECT_ACCURACY   ? mt->accuracy
                   : metric == CHORUS_SELECT_MACRO_F1 ? mt->macro_f1
                                                      : mt->positive_f1;
    chorus_metrics_free(mt);
    chorus_probs_free(p);
    return score;
}

/*
 * The cross-validated score of the weighted vote fitted on the dev labels, as documented
 * in select.h: labelled dev item number l is in fold l % 5, each fold predicted by the
 * onecoin model fitted on the dev votes with the other folds' labels clamped.
 */
static double cv_score(const split *s, chorus_class_prior prior, chorus_select_metric metric,
                       int32_t positive)
{
    const double uniform[2] = {0.5, 0.5};
    int32_t *fold = malloc((size_t)s->n_dev * sizeof *fold);
    int32_t *gold = malloc((size_t)s->n_dev * sizeof *gold);
    ck_assert_ptr_nonnull(fold);
    ck_assert_ptr_nonnull(gold);
    int64_t l = 0;
    for (int64_t i = 0; i < s->n_dev; i++)
        fold[i] = s->dev_gold[i] >= 0 ? (int32_t)(l++ % 5) : -1;
    chorus_probs *pooled;
    ck_assert_ok(chorus_probs_new(&pooled, s->n_dev, 2));
    for (int32_t f = 0; f < 5; f++) {
        for (int64_t i = 0; i < s->n_dev; i++)
            gold[i] = fold[i] == f ? -1 : s->dev_gold[i];
        chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
        o.type = CHORUS_MODEL_ONECOIN;
        o.gold = gold;
        o.n_gold = s->n_dev;
        if (prior == CHORUS_PRIOR_FIXED) {
            o.class_prior = CHORUS_PRIOR_FIXED;
            o.class_balance = uniform;
        }
        chorus_model *m;
        chorus_probs *p;
        ck_assert_ok(chorus_model_fit(&m, s->dev, &o));
        ck_assert_ok(chorus_model_predict(&p, m, s->dev));
        for (int64_t i = 0; i < s->n_dev; i++)
            if (fold[i] == f)
                for (int y = 0; y < 2; y++)
                    chorus_probs_data(pooled)[2 * i + y] = chorus_probs_const_data(p)[2 * i + y];
        chorus_probs_free(p);
        chorus_model_free(m);
    }
    chorus_metrics *mt;
    chorus_eval_options e = CHORUS_EVAL_OPTIONS_INIT;
    e.positive_class = positive;
    ck_assert_ok(chorus_eval(&mt, pooled, s->dev_gold, s->n_dev, &e));
    double score = metric == CHORUS_SELECT_ACCURACY   ? mt->accuracy
                   : metric == CHORUS_SELECT_MACRO_F1 ? mt->macro_f1
                                                      : mt->positive_f1;
    chorus_metrics_free(mt);
    chorus_probs_free(pooled);
    free(fold);
    free(gold);
    return score;
}

/* The score the selection gave the chosen candidate, recomputed apart from it. */
static double chosen_score(const chorus_model *m, const chorus_candidate *c, const split *s,
                           chorus_select_metric metric, int32_t positive)
{
    return c->fit_on_dev ? cv_score(s, c->class_prior, metric, positive)
                         : dev_score(m, s, metric, positive);
}

/* The chosen candidate has the largest score, and every earlier one scores strictly less. */
static void assert_best_and_first(const chorus_candidate *c, int32_t n, int32_t chosen)
{
    ck_assert_int_ge(chosen, 0);
    ck_assert_int_lt(chosen, n);
    for (int32_t i = 0; i < n; i++) {
        ck_assert_msg(c[i].dev_score <= c[chosen].dev_score,
                      "candidate %d scores %.6f, more than the chosen %d (%.6f)", i, c[i].dev_score,
                      chosen, c[chosen].dev_score);
        if (i < chosen)
            ck_assert_msg(c[i].dev_score < c[chosen].dev_score,
                          "candidate %d ties the chosen %d at %.6f but comes first", i, chosen,
                          c[i].dev_score);
        ck_assert(c[i].dev_score >= 0 && c[i].dev_score <= 1);
    }
}

START_TEST(test_40_candidates_and_the_best_is_chosen)
{
    split s = make_split();
    chorus_model *m;
    ck_assert_ok(chorus_model_select(&m, s.train, NULL, s.dev, s.dev_gold, s.n_dev, NULL));
    int32_t n, chosen;
    const chorus_candidate *c = chorus_model_candidates(m, &n, &chosen);
    ck_assert_ptr_nonnull(c);
    /* Majority vote, the default, then 4 EM models x 3 smoothings x {learned, fixed
     * uniform} priors, and the two with abstains as evidence (ds, class-acc) each without
     * and with keeping unanimous votes: 2 + (2 * 2 + 2) * 3 * 2 = 38; then the weighted vote
     * fitted on the dev labels with a learned and a uniform prior: 40. */
    ck_assert_int_eq(n, 40);
    for (int32_t i = 0; i < 38; i++)
        ck_assert_int_eq(c[i].fit_on_dev, 0);
    for (int32_t i = 38; i < 40; i++) {
        ck_assert_int_eq(c[i].fit_on_dev, 1);
        ck_assert_int_eq(c[i].type, CHORUS_MODEL_ONECOIN);
        ck_assert_int_eq(c[i].class_prior, i == 38 ? CHORUS_PRIOR_LEARNED : CHORUS_PRIOR_FIXED);
        ck_assert_double_eq(c[i].dev_score,
                            cv_score(&s, c[i].class_prior, CHORUS_SELECT_ACCURACY, -1));
    }
    ck_assert_int_eq(c[0].type, CHORUS_MODEL_MV);
    ck_assert_double_eq(c[0].smoothing, -1);
    ck_assert_int_eq(c[0].is_default, 0);
    ck_assert_int_eq(c[1].is_default, 1);
    ck_assert_int_eq(c[1].type, chorus_model_auto_choice(s.train));
    const chorus_model_type types[] = {CHORUS_MODEL_DS, CHORUS_MODEL_DS_NOABSTAIN,
                                       CHORUS_MODEL_CLASS_ACC, CHORUS_MODEL_ONECOIN};
    const double smoothings[] = {1, 0.1, 10};
    for (int t = 0, i = 2; t < 4; t++)
        for (int sm = 0; sm < 3; sm++)
            for (int p = 0; p < 2; p++)
                for (int k = 0; k < (t == 0 || t == 2 ? 2 : 1); k++, i++) {
                    ck_assert_int_eq(c[i].type, types[t]);
                    ck_assert_double_eq(c[i].smoothing, smoothings[sm]);
                    ck_assert_int_eq(c[i].class_prior,
                                     p ? CHORUS_PRIOR_FIXED : CHORUS_PRIOR_LEARNED);
                    ck_assert_int_eq(c[i].keep_unanimous, k);
                    ck_assert_int_eq(c[i].is_default, 0);
                }
    assert_best_and_first(c, n, chosen);
    ck_assert_int_eq(chorus_model_get_type(m), c[chosen].type);
    ck_assert_str_eq(chorus_model_selection_metric(m), "accuracy");
    ck_assert_int_eq(chorus_model_selection_dev_items(m), s.n_labelled);
    /* It was fitted on the dev items or on the training items, and says which. */
    ck_assert_int_eq(chorus_model_fit_n_items(m),
                     chorus_votes_n_items(c[chosen].fit_on_dev ? s.dev : s.train));
    /* The returned model scores what the selection said, recomputed from its predictions. */
    ck_assert_double_eq(chosen_score(m, &c[chosen], &s, CHORUS_SELECT_ACCURACY, -1),
                        c[chosen].dev_score);
    /* And a fit with the chosen settings is that model: the same dev score (for a model
     * fitted on the dev labels: on every one of them). Majority vote's score is reproduced
     * the same way. */
    chorus_fit_options f = CHORUS_FIT_OPTIONS_INIT;
    if (c[chosen].fit_on_dev) {
        f.gold = s.dev_gold;
        f.n_gold = s.n_dev;
    }
    if (!c[chosen].is_default) {
        f.type = c[chosen].type;
        f.smoothing = c[chosen].smoothing;
    }
    const double uniform[2] = {0.5, 0.5};
    if (c[chosen].class_prior == CHORUS_PRIOR_FIXED) {
        f.class_prior = CHORUS_PRIOR_FIXED;
        f.class_balance = uniform;
    }
    chorus_model *refit;
    ck_assert_ok(chorus_model_fit(&refit, c[chosen].fit_on_dev ? s.dev : s.train, &f));
    if (!c[chosen].is_default) refit->keep_unanimous = c[chosen].keep_unanimous;
    ck_assert_double_eq(dev_score(refit, &s, CHORUS_SELECT_ACCURACY, -1),
                        dev_score(m, &s, CHORUS_SELECT_ACCURACY, -1));
    chorus_model_free(refit);
    chorus_fit_options mv = CHORUS_FIT_OPTIONS_INIT;
    mv.type = CHORUS_MODEL_MV;
    ck_assert_ok(chorus_model_fit(&refit, s.train, &mv));
    ck_assert_double_eq(dev_score(refit, &s, CHORUS_SELECT_ACCURACY, -1), c[0].dev_score);
    chorus_model_free(refit);
    chorus_model_free(m);
    free_split(&s);
}
END_TEST

START_TEST(test_f1_and_macro_f1)
{
    split s = make_split();
    const chorus_select_metric metrics[] = {CHORUS_SELECT_F1, CHORUS_SELECT_MACRO_F1};
    for (int t = 0; t < 2; t++) {
        chorus_select_options so = CHORUS_SELECT_OPTIONS_INIT;
        so.metric = metrics[t];
        so.positive_class = 1;
        chorus_model *m;
        ck_assert_ok(chorus_model_select(&m, s.train, NULL, s.dev, s.dev_gold, s.n_dev, &so));
        int32_t n, chosen;
        const chorus_candidate *c = chorus_model_candidates(m, &n, &chosen);
        ck_assert_int_eq(n, 40);
        assert_best_and_first(c, n, chosen);
        ck_assert_str_eq(chorus_model_selection_metric(m), t ? "macro-f1" : "f1");
        ck_assert_double_eq(chosen_score(m, &c[chosen], &s, metrics[t], 1), c[chosen].dev_score);
        chorus_model_free(m);
    }
    free_split(&s);
}
END_TEST

START_TEST(test_fixed_base_prior_gives_21_candidates)
{
    /* With the prior given, it is kept for every candidate: no learned/uniform variants, so
     * 2 + (4 models + 2 keeping unanimous votes) x 3 smoothings = 20, and the weighted vote
     * fitted on the dev labels: 21. */
    split s = make_split();
    const double balance[2] = {0.3, 0.7};
    chorus_fit_options base = CHORUS_FIT_OPTIONS_INIT;
    base.class_prior = CHORUS_PRIOR_FIXED;
    base.class_balance = balance;
    chorus_model *m;
    ck_assert_ok(chorus_model_select(&m, s.train, &base, s.dev, s.dev_gold, s.n_dev, NULL));
    int32_t n, chosen;
    const chorus_candidate *c = chorus_model_candidates(m, &n, &chosen);
    ck_assert_int_eq(n, 21);
    /* mv, the default, ds x 3 x 2, ds-noabstain x 3, class-acc x 3 x 2, onecoin x 3, and
     * onecoin on the dev labels. */
    const chorus_model_type want[] = {CHORUS_MODEL_MV,           chorus_model_auto_choice(s.train),
                                      CHORUS_MODEL_DS,           CHORUS_MODEL_DS,
                                      CHORUS_MODEL_DS,           CHORUS_MODEL_DS,
                                      CHORUS_MODEL_DS,           CHORUS_MODEL_DS,
                                      CHORUS_MODEL_DS_NOABSTAIN, CHORUS_MODEL_DS_NOABSTAIN,
                                      CHORUS_MODEL_DS_NOABSTAIN, CHORUS_MODEL_CLASS_ACC,
                                      CHORUS_MODEL_CLASS_ACC,    CHORUS_MODEL_CLASS_ACC,
                                      CHORUS_MODEL_CLASS_ACC,    CHORUS_MODEL_CLASS_ACC,
                                      CHORUS_MODEL_CLASS_ACC,    CHORUS_MODEL_ONECOIN,
                                      CHORUS_MODEL_ONECOIN,      CHORUS_MODEL_ONECOIN,
                                      CHORUS_MODEL_ONECOIN};
    for (int32_t i = 0; i < n; i++) {
        ck_assert_int_eq(c[i].class_prior, CHORUS_PRIOR_FIXED);
        ck_assert_int_eq(c[i].type, want[i]);
        ck_assert_int_eq(c[i].fit_on_dev, i == 20);
    }
    assert_best_and_first(c, n, chosen);
    if (!c[chosen].fit_on_dev)
        ck_assert_double_eq(dev_score(m, &s, CHORUS_SELECT_ACCURACY, -1), c[chosen].dev_score);
    if (c[chosen].type != CHORUS_MODEL_MV) {
        ck_assert_double_eq(chorus_model_prior(m)[0], 0.3);
        ck_assert_double_eq(chorus_model_prior(m)[1], 0.7);
    }
    chorus_model_free(m);
    free_split(&s);
}
END_TEST

START_TEST(test_ties_go_to_the_earlier_candidate)
{
    /* Every dev label is class 0 and the metric is the F1 of class 1: no candidate can have
     * a true positive, so every one scores 0, and majority vote (index 0) must win. */
    split s = make_split();
    for (int64_t i = 0; i < s.n_dev; i++)
        if (s.dev_gold[i] >= 0) s.dev_gold[i] = 0;
    chorus_select_options so = CHORUS_SELECT_OPTIONS_INIT;
    so.metric = CHORUS_SELECT_F1;
    so.positive_class = 1;
    chorus_model *m;
    ck_assert_ok(chorus_model_select(&m, s.train, NULL, s.dev, s.dev_gold, s.n_dev, &so));
    int32_t n, chosen;
    const chorus_candidate *c = chorus_model_candidates(m, &n, &chosen);
    ck_assert_int_eq(n, 40);
    for (int32_t i = 0; i < n; i++)
        ck_assert_double_eq(c[i].dev_score, 0);
    ck_assert_int_eq(chosen, 0);
    ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_MV);
    chorus_model_free(m);
    free_split(&s);
}
END_TEST

/* Under 20 labelled dev items the dev labels fit nothing: 38 candidates, none on them. */
START_TEST(test_few_dev_labels_fit_nothing_on_them)
{
    split s = make_split();
    int64_t kept = 0;
    for (int64_t i = 0; i < s.n_dev; i++)
        if (s.dev_gold[i] >= 0 && ++kept > 19) s.dev_gold[i] = -1;
    chorus_model *m;
    ck_assert_ok(chorus_model_select(&m, s.train, NULL, s.dev, s.dev_gold, s.n_dev, NULL));
    int32_t n, chosen;
    const chorus_candidate *c = chorus_model_candidates(m, &n, &chosen);
    ck_assert_int_eq(n, 38);
    for (int32_t i = 0; i < n; i++)
        ck_assert_int_eq(c[i].fit_on_dev, 0);
    chorus_model_free(m);
    free_split(&s);
}
END_TEST

/* Expects CHORUS_EINVAL mentioning `needle`, and *out set to NULL. */
#define expect_select_error(needle, train, dev, gold, n_gold, opts)                                \
    do {                                                                                           \
        chorus_model *m_ = (chorus_model *)&m_;                                                    \
        ck_assert_error(chorus_model_select(&m_, (train), NULL, (dev), (gold), (n_gold), (opts)),  \
                        CHORUS_EINVAL, (needle));                                                  \
        ck_assert_ptr_null(m_);                                                                    \
    } while (0)

START_TEST(test_errors)
{
    split s = make_split();
    /* Dev votes with another number of LFs. */
    int32_t dense[3 * 4] = {0, 1, -1, -1, 1, 1, 0, -1, -1, -1, -1, 0};
    chorus_votes *narrow;
    ck_assert_ok(chorus_votes_from_dense(&narrow, 3, 4, 2, dense));
    int32_t gold3[3] = {0, 1, 0};
    expect_select_error("the dev votes have 4 labeling functions but the training votes have 12",
                        s.train, narrow, gold3, 3, NULL);
    chorus_votes_free(narrow);
    /* Fewer or more labels than dev items. */
    expect_select_error("the dev set has 2000 items but 1999 dev labels", s.train, s.dev,
                        s.dev_gold, s.n_dev - 1, NULL);
    int32_t *more = calloc((size_t)s.n_dev + 1, sizeof *more);
    expect_select_error("the dev set has 2000 items but 2001 dev labels", s.train, s.dev, more,
                        s.n_dev + 1, NULL);
    free(more);
    /* No dev item with a label. */
    int32_t *none = malloc((size_t)s.n_dev * sizeof *none);
    for (int64_t i = 0; i < s.n_dev; i++)
        none[i] = -1;
    expect_select_error("no dev item has a label", s.train, s.dev, none, s.n_dev, NULL);
    free(none);
    /* No dev set at all. */
    expect_select_error("needs dev votes and dev labels", s.train, NULL, s.dev_gold, s.n_dev, NULL);
    expect_select_error("needs dev votes and dev labels", s.train, s.dev, NULL, s.n_dev, NULL);
    /* A metric out of the enum, an unknown options version. */
    chorus_select_options so = CHORUS_SELECT_OPTIONS_INIT;
    so.metric = (chorus_select_metric)3;
    expect_select_error("unknown metric 3", s.train, s.dev, s.dev_gold, s.n_dev, &so);
    so.metric = (chorus_select_metric)-1;
    expect_select_error("unknown metric -1", s.train, s.dev, s.dev_gold, s.n_dev, &so);
    so = (chorus_select_options)CHORUS_SELECT_OPTIONS_INIT;
    so.version = 99;
    expect_select_error("version 99", s.train, s.dev, s.dev_gold, s.n_dev, &so);
    /* F1 of a class that does not exist (K = 2). */
    so = (chorus_select_options)CHORUS_SELECT_OPTIONS_INIT;
    so.metric = CHORUS_SELECT_F1;
    so.positive_class = 2;
    expect_select_error("positive class for the dev F1 must be in 0..1, got 2", s.train, s.dev,
                        s.dev_gold, s.n_dev, &so);
    so.positive_class = -1;
    expect_select_error("must be in 0..1, got -1", s.train, s.dev, s.dev_gold, s.n_dev, &so);
    /* The positive class matters only for F1. */
    so.metric = CHORUS_SELECT_ACCURACY;
    chorus_model *m;
    ck_assert_ok(chorus_model_select(&m, s.train, NULL, s.dev, s.dev_gold, s.n_dev, &so));
    chorus_model_free(m);
    free_split(&s);
}
END_TEST

START_TEST(test_metric_names)
{
    chorus_select_metric m;
    ck_assert_ok(chorus_select_metric_parse(&m, "accuracy"));
    ck_assert_int_eq(m, CHORUS_SELECT_ACCURACY);
    ck_assert_ok(chorus_select_metric_parse(&m, "macro-f1"));
    ck_assert_int_eq(m, CHORUS_SELECT_MACRO_F1);
    ck_assert_ok(chorus_select_metric_parse(&m, "f1"));
    ck_assert_int_eq(m, CHORUS_SELECT_F1);
    ck_assert_error(chorus_select_metric_parse(&m, "auc"), CHORUS_EINVAL,
                    "unknown dev metric \"auc\"");
    ck_assert_error(chorus_select_metric_parse(&m, "F1"), CHORUS_EINVAL, "expected accuracy");
    ck_assert_str_eq(chorus_select_metric_name(CHORUS_SELECT_MACRO_F1), "macro-f1");
    ck_assert_str_eq(chorus_select_metric_name((chorus_select_metric)9), "?");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("select");
    TCase *t = tcase_create("select");
    tcase_set_timeout(t, 240);
    tcase_add_test(t, test_metric_names);
    tcase_add_test(t, test_40_candidates_and_the_best_is_chosen);
    tcase_add_test(t, test_few_dev_labels_fit_nothing_on_them);
    tcase_add_test(t, test_f1_and_macro_f1);
    tcase_add_test(t, test_fixed_base_prior_gives_21_candidates);
    tcase_add_test(t, test_ties_go_to_the_earlier_candidate);
    tcase_add_test(t, test_errors);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
