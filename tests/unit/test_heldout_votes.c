/*
 * The held-out-vote choice of the default model for LFs that vote several classes
 * (heldout_votes.c): when it runs, the rule it switches by, that it is the same for any
 * number of threads, and its model.json field.
 */
#include <jansson.h>
#include <string.h>

#include "test_util.h"

/* Crowd workers with a few hundred answers each over five classes, each worker with an
 * accuracy per class (regime 64 of bench/regimes.sh). */
static chorus_votes *sparse_workers(int32_t **gold)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 4000;
    o.n_lfs = 200;
    o.n_classes = 5;
    o.coverage_min = 0.01;
    o.coverage_max = 0.04;
    o.accuracy_min = 0.3;
    o.accuracy_max = 0.95;
    o.class_accuracy = 1;
    o.seed = 121;
    chorus_votes *v;
    ck_assert_ok(chorus_synth(&v, gold, &o));
    return v;
}

static chorus_model *fit(const chorus_votes *v, chorus_model_type type, int threads)
{
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.type = type;
    o.n_threads = threads;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    return m;
}

static double accuracy(const chorus_model *m, const chorus_votes *v, const int32_t *gold)
{
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    const double a = test_accuracy(p, gold);
    chorus_probs_free(p);
    return a;
}

static int32_t candidate_index(chorus_model_type type)
{
    for (int32_t i = 0; i < CHORUS_HELDOUT_VOTES_MODELS; i++)
        if (chorus_heldout_votes_model(i) == type) return i;
    ck_abort_msg("%s is not a candidate", chorus_model_type_name(type));
    return -1;
}

START_TEST(test_the_candidates)
{
    ck_assert_int_eq(chorus_heldout_votes_model(0), CHORUS_MODEL_DS_NOABSTAIN);
    ck_assert_int_eq(chorus_heldout_votes_model(1), CHORUS_MODEL_POOLED);
    ck_assert_int_eq(chorus_heldout_votes_model(2), CHORUS_MODEL_ONECOIN);
    ck_assert_int_eq(chorus_heldout_votes_model(3), CHORUS_MODEL_AUTO);
    ck_assert_int_eq(chorus_heldout_votes_model(-1), CHORUS_MODEL_AUTO);
}
END_TEST

START_TEST(test_sparse_workers_over_five_classes_switch)
{
    int32_t *gold;
    chorus_votes *v = sparse_workers(&gold);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO, 0);
    const chorus_fit_check *c = chorus_model_check(m);
    ck_assert_int_eq(c->heldout_votes_ran, 1);
    ck_assert_int_eq(c->heldout_votes_switched, 1);
    ck_assert_int_eq(c->heldout_votes_first, CHORUS_MODEL_DS_NOABSTAIN);
    const chorus_model_type chosen = chorus_model_get_type(m);
    ck_assert_int_ne(chosen, CHORUS_MODEL_DS_NOABSTAIN);
    /* The rule: the model switched to names more hidden votes by more than the margin. */
    const double *a = c->heldout_votes_agreement;
    ck_assert(a[candidate_index(chosen)] > a[0] + CHORUS_CHECK_HELDOUT_MARGIN);
    for (int32_t i = 0; i < CHORUS_HELDOUT_VOTES_MODELS; i++) {
        ck_assert(a[i] > 0 && a[i] < 1);
        ck_assert(a[candidate_index(chosen)] >= a[i]);
    }
    /* Every vote of an item with two or more votes is scored once (an item keeps another
     * vote unless all its votes fall in the hidden fold). */
    ck_assert(c->heldout_votes_scored > chorus_votes_nnz(v) / 2);
    ck_assert(c->heldout_votes_scored <= chorus_votes_nnz(v));
    /* Measured on this seed (regime 64): majority vote 81.5, ds-noabstain 80.3. */
    chorus_model *table = fit(v, CHORUS_MODEL_DS_NOABSTAIN, 0);
    chorus_model *mv = fit(v, CHORUS_MODEL_MV, 0);
    const double chosen_acc = accuracy(m, v, gold), table_acc = accuracy(table, v, gold);
    const double mv_acc = accuracy(mv, v, gold);
    ck_assert_msg(chosen_acc > table_acc && chosen_acc > mv_acc,
                  "default %.4f, ds-noabstain %.4f, majority vote %.4f", chosen_acc, table_acc,
                  mv_acc);
    chorus_model_free(mv);
    chorus_model_free(table);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_well_supported_tables_are_kept)
{
    /* 30 workers answering 10-30% of 5000 items each: thousands of answers per table. */
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 5000;
    o.n_lfs = 30;
    o.n_classes = 3;
    o.class_accuracy = 1;
    o.seed = 12;
    int32_t *gold;
    chorus_votes *v;
    ck_assert_ok(chorus_synth(&v, &gold, &o));
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO, 0);
    const chorus_fit_check *c = chorus_model_check(m);
    ck_assert_int_eq(c->heldout_votes_ran, 1);
    ck_assert_int_eq(c->heldout_votes_switched, 0);
    ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_DS_NOABSTAIN);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_only_for_the_default_of_multi_class_voters)
{
    int32_t *gold;
    chorus_votes *v = sparse_workers(&gold);
    /* A model asked for by name is fitted as asked. */
    chorus_model *m = fit(v, CHORUS_MODEL_DS_NOABSTAIN, 0);
    ck_assert_int_eq(chorus_model_check(m)->heldout_votes_ran, 0);
    ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_DS_NOABSTAIN);
    chorus_model_free(m);
    /* Gold labels clamped: the fit follows them, and the folds would have to as well. */
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.gold = gold;
    o.n_gold = chorus_votes_n_items(v);
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    ck_assert_int_eq(chorus_model_check(m)->heldout_votes_ran, 0);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
    /* One-class LFs: the default fits ds, with abstains as evidence, and its own checks. */
    chorus_synth_options s = CHORUS_SYNTH_OPTIONS_INIT;
    s.n_items = 3000;
    s.one_class_share = 1;
    s.seed = 31;
    ck_assert_ok(chorus_synth(&v, &gold, &s));
    m = fit(v, CHORUS_MODEL_AUTO, 0);
    ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_DS);
    ck_assert_int_eq(chorus_model_check(m)->heldout_votes_ran, 0);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_same_for_any_thread_count)
{
    int32_t *gold;
    chorus_votes *v = sparse_workers(&gold);
    chorus_model *one = fit(v, CHORUS_MODEL_AUTO, 1);
    chorus_probs *p1;
    ck_assert_ok(chorus_model_predict(&p1, one, v));
    for (int threads = 2; threads <= 4; threads++) {
        chorus_model *m = fit(v, CHORUS_MODEL_AUTO, threads);
        const chorus_fit_check *a = chorus_model_check(one), *b = chorus_model_check(m);
        ck_assert_mem_eq(a->heldout_votes_agreement, b->heldout_votes_agreement,
                         sizeof a->heldout_votes_agreement);
        ck_assert_int_eq(a->heldout_votes_scored, b->heldout_votes_scored);
        ck_assert_int_eq(chorus_model_get_type(one), chorus_model_get_type(m));
        chorus_probs *p;
        ck_assert_ok(chorus_model_predict(&p, m, v));
        ck_assert_mem_eq(chorus_probs_const_data(p1), chorus_probs_const_data(p),
                         sizeof(double) * (size_t)chorus_votes_n_items(v) * 5);
        chorus_probs_free(p);
        chorus_model_free(m);
    }
    chorus_probs_free(p1);
    chorus_model_free(one);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_model_json_round_trip_and_bad_fields)
{
    int32_t *gold;
    chorus_votes *v = sparse_workers(&gold);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO, 0);
    const char *path = test_path("heldout_votes.json");
    ck_assert_ok(chorus_model_save(m, path));
    chorus_model *back;
    ck_assert_ok(chorus_model_load(&back, path));
    const chorus_fit_check *a = chorus_model_check(m), *b = chorus_model_check(back);
    ck_assert_int_eq(b->heldout_votes_ran, 1);
    ck_assert_int_eq(b->heldout_votes_switched, a->heldout_votes_switched);
    ck_assert_int_eq(b->heldout_votes_first, a->heldout_votes_first);
    ck_assert_int_eq(b->heldout_votes_scored, a->heldout_votes_scored);
    for (int32_t i = 0; i < CHORUS_HELDOUT_VOTES_MODELS; i++)
        ck_assert_double_eq(b->heldout_votes_agreement[i], a->heldout_votes_agreement[i]);
    chorus_model_free(back);

    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    ck_assert_ptr_nonnull(root);
    json_t *check = json_object_get(root, "check");
    json_t *good = json_deep_copy(json_object_get(check, "heldout_votes"));
    json_t *h = json_deep_copy(good);
    const char *field = "\"check.heldout_votes\"";
    json_object_set_new(check, "heldout_votes", json_string("pooled"));
    test_expect_model_load_error(root, field);
    json_object_set_new(h, "votes", json_integer(-1));
    json_object_set(check, "heldout_votes", h);
    test_expect_model_load_error(root, field);
    json_object_set(h, "votes", json_object_get(good, "votes"));
    json_object_set_new(json_object_get(h, "agreement"), "onecoin", json_real(1.5));
    test_expect_model_load_error(root, field);
    json_object_del(json_object_get(h, "agreement"), "onecoin");
    test_expect_model_load_error(root, field);
    json_object_set(h, "agreement", json_object_get(good, "agreement"));
    json_object_set_new(h, "first_model", json_string("onecoin")); /* never fitted first */
    test_expect_model_load_error(root, field);
    json_object_set_new(h, "first_model", json_string("no-such-model"));
    test_expect_model_load_error(root, field);
    json_decref(h);
    /* Files written before the field: the choice did not run. */
    json_object_del(check, "heldout_votes");
    ck_assert_int_eq(json_dump_file(root, path, JSON_INDENT(2)), 0);
    ck_assert_ok(chorus_model_load(&back, path));
    ck_assert_int_eq(chorus_model_check(back)->heldout_votes_ran, 0);
    chorus_model_free(back);
    json_decref(good);
    json_decref(root);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("heldout_votes");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_the_candidates);
    tcase_add_test(t, test_sparse_workers_over_five_classes_switch);
    tcase_add_test(t, test_well_supported_tables_are_kept);
    tcase_add_test(t, test_only_for_the_default_of_multi_class_voters);
    tcase_add_test(t, test_same_for_any_thread_count);
    tcase_add_test(t, test_model_json_round_trip_and_bad_fields);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
