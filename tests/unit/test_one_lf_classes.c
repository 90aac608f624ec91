/*
 * Classes at most one LF votes for (one_lf_classes.c): which the default marks, what
 * predict gives the items without votes, and the model.json field.
 */
#include <jansson.h>
#include <math.h>

#include "model/model_internal.h"
#include "test_util.h"

#define A CHORUS_ABSTAIN
#define N_ITEMS 600

/*
 * A K-class matrix of N_ITEMS items whose LF j votes only class lf_class[j]: LF j fires on
 * item i when (i + 3 j) % period[j] == 0, so some items get two votes and most get none.
 */
static chorus_votes *one_class_votes(int32_t k, int32_t m, const int32_t *lf_class,
                                     const int32_t *period)
{
    int32_t *dense = malloc((size_t)N_ITEMS * m * sizeof *dense);
    ck_assert_ptr_nonnull(dense);
    for (int32_t i = 0; i < N_ITEMS; i++)
        for (int32_t j = 0; j < m; j++)
            dense[(size_t)i * m + j] = (i + 3 * j) % period[j] == 0 ? lf_class[j] : A;
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, N_ITEMS, m, k, dense));
    free(dense);
    return v;
}

static chorus_model *fit(const chorus_votes *v, chorus_model_type type)
{
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.type = type;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    return m;
}

static chorus_probs *predict(const chorus_model *m, const chorus_votes *v)
{
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    return p;
}

/*
 * The default's rows against the same model's with the marks taken away: covered rows are
 * the same, and an uncovered row gives each marked class the mean of what the model gives
 * them, the other classes what the model gives them.
 */
static void expect_even_split(chorus_model *m, const chorus_votes *v, const int *marked)
{
    const int32_t k = m->n_classes;
    chorus_probs *p = predict(m, v);
    bool *saved = m->one_lf_class;
    m->one_lf_class = NULL;
    chorus_probs *raw = predict(m, v);
    m->one_lf_class = saved;
    const double *a = chorus_probs_const_data(p), *b = chorus_probs_const_data(raw);
    const uint8_t *covered = chorus_probs_covered(p);
    int64_t uncovered = 0;
    for (int64_t i = 0; i < N_ITEMS; i++) {
        const double *x = a + i * k, *y = b + i * k;
        if (covered[i]) {
            for (int32_t c = 0; c < k; c++)
                ck_assert_double_eq(x[c], y[c]);
            continue;
        }
        uncovered++;
        double mass = 0, total = 0;
        int n = 0;
        for (int32_t c = 0; c < k; c++) {
            total += x[c];
            if (marked[c]) {
                mass += y[c];
                n++;
            } else {
                ck_assert_double_eq(x[c], y[c]);
            }
        }
        ck_assert_double_eq_tol(total, 1, 1e-12);
        for (int32_t c = 0; c < k; c++)
            if (marked[c]) ck_assert_double_eq_tol(x[c], mass / n, 1e-15);
        /* Equal to the last bit, so a tie-break sees a tie. */
        int32_t first = -1;
        for (int32_t c = 0; c < k; c++)
            if (marked[c]) {
                if (first < 0) first = c;
                ck_assert(x[c] == x[first]);
            }
    }
    ck_assert_int_gt(uncovered, 100);
    chorus_probs_free(p);
    chorus_probs_free(raw);
}

START_TEST(test_one_lf_per_class_gives_uncovered_items_uniform)
{
    const int32_t lf_class[] = {0, 1, 2}, period[] = {5, 4, 7};
    chorus_votes *v = one_class_votes(3, 3, lf_class, period);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO);
    const chorus_fit_check *c = chorus_model_check(m);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->n_one_lf_classes, 3);
    for (int32_t k = 0; k < 3; k++)
        ck_assert_int_eq(chorus_model_one_lf_class(m, k), 1);
    ck_assert_int_eq(chorus_model_one_lf_class(m, 3), 0);
    ck_assert_int_eq(chorus_model_one_lf_class(m, -1), 0);
    const int marked[] = {1, 1, 1};
    expect_even_split(m, v, marked);
    /* Every class marked: the uncovered rows are uniform. */
    chorus_probs *p = predict(m, v);
    const double *x = chorus_probs_const_data(p);
    const uint8_t *covered = chorus_probs_covered(p);
    for (int64_t i = 0; i < N_ITEMS; i++)
        for (int32_t k = 0; !covered[i] && k < 3; k++)
            ck_assert_double_eq_tol(x[i * 3 + k], 1.0 / 3, 1e-15);
    chorus_probs_free(p);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_a_class_with_two_lfs_keeps_its_share)
{
    /* Class 0 has two LFs (0 and 3), classes 1 and 2 one each. */
    const int32_t lf_class[] = {0, 1, 2, 0}, period[] = {5, 4, 7, 6};
    chorus_votes *v = one_class_votes(3, 4, lf_class, period);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO);
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 2);
    const int marked[] = {0, 1, 1};
    for (int32_t k = 0; k < 3; k++)
        ck_assert_int_eq(chorus_model_one_lf_class(m, k), marked[k]);
    expect_even_split(m, v, marked);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_a_class_no_lf_votes_for_is_marked)
{
    /* Two LFs for class 0; nothing votes 1 or 2. */
    const int32_t lf_class[] = {0, 0}, period[] = {3, 5};
    chorus_votes *v = one_class_votes(3, 2, lf_class, period);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO);
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 2);
    const int marked[] = {0, 1, 1};
    expect_even_split(m, v, marked);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_one_such_class_marks_none)
{
    /* K = 2: class 0 has two LFs, class 1 one. A single class needs no sharing. */
    const int32_t lf_class[] = {0, 0, 1}, period[] = {5, 4, 7};
    chorus_votes *v = one_class_votes(2, 3, lf_class, period);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO);
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 0);
    ck_assert_ptr_null(m->one_lf_class);
    ck_assert_int_eq(chorus_model_one_lf_class(m, 1), 0);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_only_the_default_with_a_learned_prior)
{
    const int32_t lf_class[] = {0, 1, 2}, period[] = {5, 4, 7};
    chorus_votes *v = one_class_votes(3, 3, lf_class, period);
    /* A model asked for by name is that model, nothing added. */
    chorus_model *m = fit(v, CHORUS_MODEL_DS);
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 0);
    chorus_model_free(m);
    /* A given class prior sizes the classes. */
    const double balance[] = {0.5, 0.25, 0.25};
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    o.class_prior = CHORUS_PRIOR_FIXED;
    o.class_balance = balance;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 0);
    chorus_model_free(m);
    /* So do gold labels. */
    int32_t gold[N_ITEMS];
    for (int32_t i = 0; i < N_ITEMS; i++)
        gold[i] = i < 30 ? i % 3 : -1;
    o = (chorus_fit_options)CHORUS_FIT_OPTIONS_INIT;
    o.gold = gold;
    o.n_gold = N_ITEMS;
    ck_assert_ok(chorus_model_fit(&m, v, &o));
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 0);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_model_json_round_trip)
{
    const int32_t lf_class[] = {0, 1, 2, 0}, period[] = {5, 4, 7, 6};
    chorus_votes *v = one_class_votes(3, 4, lf_class, period);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO);
    const char *path = test_path("one_lf.json");
    ck_assert_ok(chorus_model_save(m, path));
    chorus_model *back;
    ck_assert_ok(chorus_model_load(&back, path));
    ck_assert_int_eq(chorus_model_check(back)->n_one_lf_classes, 2);
    for (int32_t k = 0; k < 3; k++)
        ck_assert_int_eq(chorus_model_one_lf_class(back, k), chorus_model_one_lf_class(m, k));
    chorus_probs *a = predict(m, v), *b = predict(back, v);
    ck_assert_mem_eq(chorus_probs_const_data(a), chorus_probs_const_data(b),
                     sizeof(double) * N_ITEMS * 3);
    chorus_probs_free(a);
    chorus_probs_free(b);
    chorus_model_free(back);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

static void expect_load_error(json_t *root, json_t *value)
{
    json_object_set_new(json_object_get(root, "check"), "one_lf_classes", value);
    test_expect_model_load_error(root, "\"check.one_lf_classes\"");
}

START_TEST(test_bad_one_lf_classes_in_model_json)
{
    const int32_t lf_class[] = {0, 1, 2}, period[] = {5, 4, 7};
    chorus_votes *v = one_class_votes(3, 3, lf_class, period);
    chorus_model *m = fit(v, CHORUS_MODEL_AUTO);
    const char *good = test_path("good.json");
    ck_assert_ok(chorus_model_save(m, good));
    chorus_model_free(m);
    chorus_votes_free(v);
    json_error_t err;
    json_t *root = json_load_file(good, 0, &err);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(
        json_array_size(json_object_get(json_object_get(root, "check"), "one_lf_classes")), 3);
    expect_load_error(root, json_pack("[i]", 1));          /* one class shares with nothing */
    expect_load_error(root, json_pack("[i,i]", 0, 0));     /* the same class twice */
    expect_load_error(root, json_pack("[i,i]", 0, 3));     /* no class 3 of 3 */
    expect_load_error(root, json_pack("[i,i]", -1, 0));    /* nor -1 */
    expect_load_error(root, json_pack("[s,s]", "0", "1")); /* indices, not names */
    expect_load_error(root, json_pack("[i,i,i,i]", 0, 1, 2, 0));
    expect_load_error(root, json_string("0,1"));
    /* Files written before the field: no class is marked. */
    json_object_del(json_object_get(root, "check"), "one_lf_classes");
    const char *old = test_path("old.json");
    ck_assert_int_eq(json_dump_file(root, old, JSON_INDENT(2)), 0);
    ck_assert_ok(chorus_model_load(&m, old));
    ck_assert_int_eq(chorus_model_check(m)->n_one_lf_classes, 0);
    ck_assert_ptr_null(m->one_lf_class);
    chorus_model_free(m);
    /* An empty list is none. */
    json_object_set_new(json_object_get(root, "check"), "one_lf_classes", json_array());
    ck_assert_int_eq(json_dump_file(root, old, JSON_INDENT(2)), 0);
    ck_assert_ok(chorus_model_load(&m, old));
    ck_assert_ptr_null(m->one_lf_class);
    chorus_model_free(m);
    json_decref(root);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("one_lf_classes");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_one_lf_per_class_gives_uncovered_items_uniform);
    tcase_add_test(t, test_a_class_with_two_lfs_keeps_its_share);
    tcase_add_test(t, test_a_class_no_lf_votes_for_is_marked);
    tcase_add_test(t, test_one_such_class_marks_none);
    tcase_add_test(t, test_only_the_default_with_a_learned_prior);
    tcase_add_test(t, test_model_json_round_trip);
    tcase_add_test(t, test_bad_one_lf_classes_in_model_json);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
