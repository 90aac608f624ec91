/*
 * The uncovered-split check (uncovered_split.c): which classes the default leaves
 * unsettled on the items without votes, what predict gives those items, and the model.json
 * field. Whether a set is unsettled is established here from fits with a fixed prior
 * through the public API, not from the check.
 */
#include <jansson.h>
#include <math.h>

#include "chorus/synth.h"
#include "model/model_internal.h"
#include "test_util.h"

#define N_ITEMS 4000

/* Sparse one-class LFs, two classes: three LFs, two of them for class 1. */
static chorus_votes *two_class_rules(uint64_t seed, double imbalance)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = N_ITEMS;
    o.n_lfs = 3;
    o.n_classes = 2;
    o.one_class_share = 1;
    o.coverage_min = 0.03;
    o.coverage_max = 0.25;
    o.accuracy_min = 0.55;
    o.accuracy_max = 0.9;
    o.imbalance = imbalance;
    o.seed = seed;
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, &o));
    chorus_free(gold);
    return v;
}

static chorus_model *fit_with(const chorus_votes *v, chorus_model_type type, const double *balance,
                              int32_t n_threads)
{
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.type = type;
    o.n_threads = n_threads;
    if (balance) {
        o.class_prior = CHORUS_PRIOR_FIXED;
        o.class_balance = balance;
    }
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    return m;
}

/* The class an item without votes gets under m, from its public parameters. */
static int32_t uncovered_winner(const chorus_model *m)
{
    const int32_t k = chorus_model_n_classes(m);
    const double *prior = chorus_model_prior(m);
    int32_t best = 0;
    double best_score = -HUGE_VAL;
    for (int32_t y = 0; y < k; y++) {
        double s = log(prior[y]);
        for (int32_t j = 0; j < chorus_model_n_lfs(m); j++)
            s += log(chorus_model_confusion(m, j)[y * (k + 1) + k]);
        if (s > best_score) {
            best_score = s;
            best = y;
        }
    }
    return best;
}

/* The last log-posterior, with the learned prior's Dirichlet(1) term for a fixed prior. */
static double objective(const chorus_model *m, const double *fixed)
{
    int32_t n;
    const double *trace = chorus_model_trace(m, &n);
    ck_assert_int_gt(n, 0);
    double o = trace[n - 1];
    for (int32_t y = 0; fixed && y < chorus_model_n_classes(m); y++)
        o += log(fixed[y]);
    return o;
}

START_TEST(test_a_flat_prior_leaves_the_uncovered_items_unsettled)
{
    chorus_votes *v = two_class_rules(201, 0);
    chorus_model *m = fit_with(v, CHORUS_MODEL_AUTO, NULL, 1);
    ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_DS);
    /* The premise, from two fits the check does not make: with the prior fixed at 1/2 the
     * other class wins the items without votes, and the votes are as likely. */
    const double half[] = {0.5, 0.5};
    chorus_model *fixed = fit_with(v, CHORUS_MODEL_DS, half, 1);
    ck_assert_int_ne(uncovered_winner(fixed), uncovered_winner(m));
    ck_assert(objective(fixed, half) >= objective(m, NULL) - CHORUS_UNCOVERED_SPLIT_MARGIN);
    chorus_model_free(fixed);

    ck_assert_int_eq(chorus_model_check(m)->n_uncovered_unsettled, 2);
    ck_assert_int_eq(chorus_model_uncovered_unsettled_class(m, 0), 1);
    ck_assert_int_eq(chorus_model_uncovered_unsettled_class(m, 1), 1);
    ck_assert_int_eq(chorus_model_uncovered_unsettled_class(m, 2), 0);
    ck_assert_int_eq(chorus_model_uncovered_unsettled_class(m, -1), 0);
    /* Items without votes: a tie to the last bit. Items with votes: the model's rows. */
    chorus_probs *p, *raw;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    bool *saved = m->uncovered_unsettled;
    m->uncovered_unsettled = NULL;
    ck_assert_ok(chorus_model_predict(&raw, m, v));
    m->uncovered_unsettled = saved;
    const double *a = chorus_probs_const_data(p), *b = chorus_probs_const_data(raw);
    const uint8_t *covered = chorus_probs_covered(p);
    int64_t n_uncovered = 0;
    for (int64_t i = 0; i < N_ITEMS; i++) {
        if (covered[i]) {
            ck_assert_mem_eq(a + 2 * i, b + 2 * i, 2 * sizeof *a);
            continue;
        }
        n_uncovered++;
        ck_assert(a[2 * i] == 0.5 && a[2 * i + 1] == 0.5);
        ck_assert(b[2 * i] != b[2 * i + 1]);
    }
    ck_assert_int_gt(n_uncovered, N_ITEMS / 3);
    chorus_probs_free(p);
    chorus_probs_free(raw);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_a_prior_that_keeps_the_class_keeps_the_models_class)
{
    /* 5:1: along the prior the votes leave open, the same class wins the items without
     * votes. */
    chorus_votes *v = two_class_rules(101, 5);
    chorus_model *m = fit_with(v, CHORUS_MODEL_AUTO, NULL, 1);
    const int32_t c0 = uncovered_winner(m);
    /* The premise, on a grid of fixed priors: several are about as likely as the fit, and
     * at none of those does the other class win. (A fit whose classes were renamed to agree
     * with the votes is not at the prior it was given.) */
    int as_likely = 0;
    for (int step = 1; step < 20; step++) {
        const double balance[] = {step / 20.0, 1 - step / 20.0};
        chorus_model *fixed = fit_with(v, CHORUS_MODEL_DS, balance, 1);
        if (!chorus_model_classes_permuted(fixed) &&
            objective(fixed, balance) >= objective(m, NULL) - CHORUS_UNCOVERED_SPLIT_MARGIN) {
            as_likely++;
            ck_assert_int_eq(uncovered_winner(fixed), c0);
        }
        chorus_model_free(fixed);
    }
    ck_assert_int_gt(as_likely, 2);
    ck_assert_int_eq(chorus_model_check(m)->n_uncovered_unsettled, 0);
    ck_assert_ptr_null(m->uncovered_unsettled);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_only_the_default_with_a_learned_prior_and_items_without_votes)
{
    chorus_votes *v = two_class_rules(201, 0);
    chorus_model *m = fit_with(v, CHORUS_MODEL_DS, NULL, 1);
    ck_assert_int_eq(chorus_model_check(m)->n_uncovered_unsettled, 0);
    chorus_model_free(m);
    const double balance[] = {0.6, 0.4};
    m = fit_with(v, CHORUS_MODEL_AUTO, balance, 1);
    ck_assert_int_eq(chorus_model_check(m)->n_uncovered_unsettled, 0);
    chorus_model_free(m);
    chorus_votes_free(v);
    /* Every item voted on: nothing to settle. */
    enum { N = 300 };
    int32_t dense[N * 3];
    for (int32_t i = 0; i < N; i++)
        for (int32_t j = 0; j < 3; j++)
            dense[i * 3 + j] = (i + j) % 4 == 0 ? CHORUS_ABSTAIN : (i % 5 == j ? 1 - i % 2 : i % 2);
    ck_assert_ok(chorus_votes_from_dense(&v, N, 3, 2, dense));
    m = fit_with(v, CHORUS_MODEL_AUTO, NULL, 1);
    ck_assert_int_eq(chorus_model_check(m)->n_covered, N);
    ck_assert_int_eq(chorus_model_check(m)->n_uncovered_unsettled, 0);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_the_same_for_any_thread_count)
{
    chorus_votes *v = two_class_rules(202, 0);
    chorus_model *one = fit_with(v, CHORUS_MODEL_AUTO, NULL, 1);
    chorus_model *two = fit_with(v, CHORUS_MODEL_AUTO, NULL, 2);
    ck_assert_int_eq(chorus_model_check(one)->n_uncovered_unsettled,
                     chorus_model_check(two)->n_uncovered_unsettled);
    chorus_probs *a, *b;
    ck_assert_ok(chorus_model_predict(&a, one, v));
    ck_assert_ok(chorus_model_predict(&b, two, v));
    ck_assert_mem_eq(chorus_probs_const_data(a), chorus_probs_const_data(b),
                     sizeof(double) * N_ITEMS * 2);
    chorus_probs_free(a);
    chorus_probs_free(b);
    chorus_model_free(one);
    chorus_model_free(two);
    chorus_votes_free(v);
}
END_TEST

static void expect_load_error(json_t *root, json_t *value)
{
    json_object_set_new(json_object_get(root, "check"), "uncovered_unsettled_classes", value);
    test_expect_model_load_error(root, "\"check.uncovered_unsettled_classes\"");
}

START_TEST(test_model_json_round_trip_and_bad_fields)
{
    chorus_votes *v = two_class_rules(201, 0);
    chorus_model *m = fit_with(v, CHORUS_MODEL_AUTO, NULL, 1);
    const char *path = test_path("unsettled.json");
    ck_assert_ok(chorus_model_save(m, path));
    chorus_model *back;
    ck_assert_ok(chorus_model_load(&back, path));
    ck_assert_int_eq(chorus_model_check(back)->n_uncovered_unsettled, 2);
    chorus_probs *a, *b;
    ck_assert_ok(chorus_model_predict(&a, m, v));
    ck_assert_ok(chorus_model_predict(&b, back, v));
    ck_assert_mem_eq(chorus_probs_const_data(a), chorus_probs_const_data(b),
                     sizeof(double) * N_ITEMS * 2);
    chorus_probs_free(a);
    chorus_probs_free(b);
    chorus_model_free(back);
    chorus_model_free(m);
    chorus_votes_free(v);

    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    ck_assert_ptr_nonnull(root);
    expect_load_error(root, json_pack("[i]", 1));
    expect_load_error(root, json_pack("[i,i]", 1, 1));
    expect_load_error(root, json_pack("[i,i]", 0, 2));
    expect_load_error(root, json_pack("[s,s]", "0", "1"));
    expect_load_error(root, json_string("0,1"));
    /* Files written before the field: no class is marked, and the items without votes
     * get the model's estimate. */
    json_object_del(json_object_get(root, "check"), "uncovered_unsettled_classes");
    const char *old = test_path("old.json");
    ck_assert_int_eq(json_dump_file(root, old, JSON_INDENT(2)), 0);
    ck_assert_ok(chorus_model_load(&m, old));
    ck_assert_int_eq(chorus_model_check(m)->n_uncovered_unsettled, 0);
    ck_assert_ptr_null(m->uncovered_unsettled);
    chorus_model_free(m);
    json_decref(root);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uncovered_split");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_a_flat_prior_leaves_the_uncovered_items_unsettled);
    tcase_add_test(tc, test_a_prior_that_keeps_the_class_keeps_the_models_class);
    tcase_add_test(tc, test_only_the_default_with_a_learned_prior_and_items_without_votes);
    tcase_add_test(tc, test_the_same_for_any_thread_count);
    tcase_add_test(tc, test_model_json_round_trip_and_bad_fields);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
