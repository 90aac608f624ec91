/* Majority vote, model.json, and the checks predict makes before applying a model. */
#include <math.h>
#include <omp.h>

#include "test_util.h"

static chorus_votes *tiny_votes(void)
{
    /* 4 items x 3 LFs, 3 classes:
     *   item 0: 1 1 0   -> 2/3 for class 1, 1/3 for class 0
     *   item 1: . . .   -> uncovered: the prior (uniform)
     *   item 2: 2 . 0   -> tie between 0 and 2
     *   item 3: . 2 .   -> class 2 */
    int32_t dense[] = {1, 1, 0, -1, -1, -1, 2, -1, 0, -1, 2, -1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 4, 3, 3, dense));
    ck_assert_ok(chorus_votes_set_lf_name(v, 0, "a"));
    ck_assert_ok(chorus_votes_set_lf_name(v, 1, "b"));
    ck_assert_ok(chorus_votes_set_lf_name(v, 2, "c"));
    return v;
}

static chorus_model *fit_mv(const chorus_votes *v)
{
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_MV;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    return m;
}

START_TEST(test_mv_probabilities_by_hand)
{
    chorus_votes *v = tiny_votes();
    chorus_model *m = fit_mv(v);
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    const double *d = chorus_probs_const_data(p);
    const double expected[] = {1.0 / 3, 2.0 / 3, 0,   1.0 / 3, 1.0 / 3, 1.0 / 3,
                               0.5,     0,       0.5, 0,       0,       1};
    for (int i = 0; i < 12; i++)
        ck_assert_double_eq_tol(d[i], expected[i], 1e-15);
    chorus_probs_free(p);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_model_json_round_trip)
{
    chorus_votes *v = tiny_votes();
    ck_assert_ok(chorus_votes_set_class_name(v, 2, "other"));
    chorus_model *m = fit_mv(v), *back;
    const char *path = test_path("model.json");
    ck_assert_ok(chorus_model_save(m, path));
    ck_assert_ok(chorus_model_load(&back, path));
    ck_assert_int_eq(chorus_model_get_type(back), CHORUS_MODEL_MV);
    ck_assert_int_eq(chorus_model_n_classes(back), 3);
    ck_assert_int_eq(chorus_model_n_lfs(back), 3);
    ck_assert_str_eq(chorus_model_lf_name(back, 2), "c");
    ck_assert_str_eq(chorus_model_class_name(back, 2), "other");
    ck_assert_double_eq(chorus_model_prior(back)[1], 1.0 / 3);
    char *text = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\"model\": \"mv\""));
    free(text);
    chorus_model_free(back);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

/* Whether EM converged: 0 for majority vote and for a fit cut off by max_iter, 1 for one
 * whose log-posterior settled; model.json keeps it. */
START_TEST(test_converged_round_trip)
{
    enum { N = 400 };
    int32_t dense[N * 3];
    for (int32_t i = 0; i < N; i++)
        for (int32_t j = 0; j < 3; j++)
            dense[i * 3 + j] = (i + j) % 3 == 0 ? -1 : (i * 7 + j) % 10 < 8 ? i % 2 : 1 - i % 2;
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, N, 3, 2, dense));
    chorus_model *mv = fit_mv(v);
    ck_assert_int_eq(chorus_model_converged(mv), 0);
    chorus_model_free(mv);
    const int max_iter[] = {2, 500};
    for (int c = 0; c < 2; c++) {
        chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
        o.type = CHORUS_MODEL_DS;
        o.max_iter = max_iter[c];
        chorus_model *m, *back;
        ck_assert_ok(chorus_model_fit(&m, v, &o));
        int32_t n;
        chorus_model_trace(m, &n);
        ck_assert_int_eq(chorus_model_converged(m), c == 1);
        ck_assert(c == 1 ? n < 500 : n == 2);
        ck_assert_ok(chorus_model_save(m, test_path("converged.json")));
        ck_assert_ok(chorus_model_load(&back, test_path("converged.json")));
        ck_assert_int_eq(chorus_model_converged(back), c == 1);
        chorus_model_free(back);
        chorus_model_free(m);
    }
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_predict_checks_lfs)
{
    chorus_votes *v = tiny_votes();
    chorus_model *m = fit_mv(v);
    chorus_probs *p;
    chorus_votes *fewer;
    ck_assert_ok(chorus_votes_new(&fewer, 2, 2));
    ck_assert_error(chorus_model_predict(&p, m, fewer), CHORUS_EINVAL,
                    "fitted on 3 labeling functions but the votes have 2");
    chorus_votes *renamed = tiny_votes();
    ck_assert_ok(chorus_votes_set_lf_name(renamed, 1, "z"));
    ck_assert_error(chorus_model_predict(&p, m, renamed), CHORUS_EINVAL,
                    "the votes lack 1 of the model's labeling functions: \"b\"; and have 1 "
                    "labeling function the model does not know: \"z\"");
    chorus_votes *more_classes;
    ck_assert_ok(chorus_votes_new(&more_classes, 3, 4));
    ck_assert_error(chorus_model_predict(&p, m, more_classes), CHORUS_EINVAL,
                    "the votes have 4 classes but the model knows 3");
    /* Unnamed votes (e.g. from .npy) are matched by position only. */
    chorus_votes *unnamed;
    int32_t dense[] = {0, 1, 2};
    ck_assert_ok(chorus_votes_from_dense(&unnamed, 1, 3, 3, dense));
    ck_assert_ok(chorus_model_predict(&p, m, unnamed));
    chorus_probs_free(p);
    chorus_votes_free(unnamed);
    chorus_votes_free(more_classes);
    chorus_votes_free(renamed);
    chorus_votes_free(fewer);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

/* Votes with the model's LFs (and classes) in another order are matched by name. */
START_TEST(test_predict_matches_names)
{
    chorus_votes *v = tiny_votes();
    for (int32_t k = 0; k < 3; k++)
        ck_assert_ok(chorus_votes_set_class_name(v, k, (const char *[]){"x", "y", "w"}[k]));
    chorus_model *m = fit_mv(v);
    chorus_probs *want, *got;
    ck_assert_ok(chorus_model_predict(&want, m, v));
    /* LFs c, a, b and classes w, x, y: item 0 of tiny_votes (a=1 b=1 c=0, i.e. y y x)
     * becomes c=x a=y b=y, written 1 2 2. */
    int32_t dense[] = {1, 2, 2, -1, -1, -1, 1, 0, -1, -1, -1, 0};
    chorus_votes *shuffled;
    ck_assert_ok(chorus_votes_from_dense(&shuffled, 4, 3, 3, dense));
    for (int32_t j = 0; j < 3; j++)
        ck_assert_ok(chorus_votes_set_lf_name(shuffled, j, (const char *[]){"c", "a", "b"}[j]));
    for (int32_t k = 0; k < 3; k++)
        ck_assert_ok(chorus_votes_set_class_name(shuffled, k, (const char *[]){"w", "x", "y"}[k]));
    ck_assert_ok(chorus_model_predict(&got, m, shuffled));
    ck_assert_mem_eq(chorus_probs_data(got), chorus_probs_data(want), 4 * 3 * sizeof(double));
    chorus_votes *aligned;
    ck_assert_ok(chorus_model_align_votes(&aligned, m, shuffled));
    ck_assert_str_eq(chorus_votes_lf_name(aligned, 0), "a");
    ck_assert_int_eq(chorus_votes_get(aligned, 2, 0), 2); /* a voted "w", class 2 */
    chorus_votes_free(aligned);
    ck_assert_ok(chorus_model_align_votes(&aligned, m, v));
    ck_assert_ptr_null(aligned); /* already in the model's layout */
    ck_assert_ok(chorus_votes_set_class_name(shuffled, 0, "v"));
    ck_assert_error(chorus_model_align_votes(&aligned, m, shuffled), CHORUS_EINVAL,
                    "have 1 class the model does not know: \"v\"");
    chorus_probs_free(want);
    chorus_probs_free(got);
    chorus_votes_free(shuffled);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_bad_model_json)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        {"", "model.json:"},
        {"{\"format\": \"chorus-model\",", "model.json:1:"},
        {"[]", "field \"format\""},
        {"{\"format\": \"other\"}", "is this a chorus model.json?"},
        {"{\"format\": \"chorus-model\", \"format_version\": 99}", "written by a newer chorus"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"x\"}",
         "field \"model\""},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"mv\", \"classes\": "
         "[\"a\"], \"labeling_functions\": [\"x\"]}",
         "field \"classes\""},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"mv\", \"classes\": "
         "[\"a\", \"b\"], \"labeling_functions\": [\"x\"], \"class_prior\": [0.5, 0.6]}",
         "probabilities summing to 1"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"mv\", \"classes\": "
         "[\"a\", 3], \"labeling_functions\": [\"x\"], \"class_prior\": [0.5, 0.5]}",
         "non-empty strings"},
        {"{\"format\": \"chorus-model\", \"format\": \"chorus-model\"}", "duplicate"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"ds\", \"classes\": "
         "[\"a\", \"b\"], \"labeling_functions\": [{\"name\": \"x\", \"confusion\": [[0.5, 0.5, "
         "0.5], "
         "[0.2, 0.3, 0.5]]}], \"class_prior\": [0.5, 0.5]}",
         "confusion row 1: expected 3 probabilities"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"ds\", \"classes\": "
         "[\"a\", \"b\"], \"labeling_functions\": [{\"name\": \"x\", \"confusion\": [[0, 0.5, "
         "0.5], "
         "[0.2, 0.3, 0.5]]}], \"class_prior\": [0.5, 0.5]}",
         "confusion row 1"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"ds\", \"classes\": "
         "[\"a\", \"b\"], \"labeling_functions\": [{\"name\": \"x\"}], \"class_prior\": [0.5, "
         "0.5]}",
         "\"confusion\" must have one row per class"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"auto\"}",
         "field \"model\""},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"mv\", \"classes\": "
         "[\"a\", \"b\"], \"labeling_functions\": [\"x\", \"y\", \"x\"], \"class_prior\": [0.5, "
         "0.5]}",
         "field \"labeling_functions\": labeling function name \"x\" appears twice"},
        {"{\"format\": \"chorus-model\", \"format_version\": 1, \"model\": \"ds\", \"classes\": "
         "[\"a\", \"b\"], \"labeling_functions\": [{\"name\": \"x\", \"group\": 1}], "
         "\"class_prior\": [0.5, 0.5]}",
         "1 labeling functions say they are in a group, but the \"groups\" list only 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = test_path("model.json");
        test_write_file(path, cases[i].text, (size_t)-1);
        chorus_model *m;
        ck_assert_error(chorus_model_load(&m, path), CHORUS_EFORMAT, cases[i].needle);
        ck_assert_ptr_null(m);
    }
    chorus_model *m;
    ck_assert_error(chorus_model_load(&m, test_path("missing.json")), CHORUS_EIO, "missing.json");
}
END_TEST

START_TEST(test_fit_options_checked)
{
    chorus_votes *v = tiny_votes();
    chorus_model *m;
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.n_threads = -1;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "threads");
    opts = (chorus_fit_options)CHORUS_FIT_OPTIONS_INIT;
    opts.version = 99;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "version 99");
    chorus_model_type t;
    ck_assert_error(chorus_model_type_parse(&t, "snorkel"), CHORUS_EINVAL, "known models");
    chorus_votes_free(v);
}
END_TEST

/* EM learns nothing from no items and says so; majority vote still predicts (nothing). */
START_TEST(test_fit_needs_items)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 3, 2));
    chorus_model *m = NULL;
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "no items: nothing to fit");
    ck_assert_ptr_null(m);
    opts.type = CHORUS_MODEL_MV;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    ck_assert_int_eq(chorus_probs_n_items(p), 0);
    chorus_probs_free(p);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_mv_same_for_any_thread_count)
{
    chorus_synth_options so = CHORUS_SYNTH_OPTIONS_INIT;
    so.n_items = 20000;
    so.n_classes = 4;
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, &so));
    chorus_probs *reference = NULL;
    for (int threads = 1; threads <= 4; threads++) {
        chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
        opts.type = CHORUS_MODEL_MV;
        opts.n_threads = threads;
        chorus_model *m;
        chorus_probs *p;
        ck_assert_ok(chorus_model_fit(&m, v, &opts));
        ck_assert_ok(chorus_model_predict(&p, m, v));
        if (!reference) {
            reference = p;
        } else {
            size_t bytes = (size_t)so.n_items * 4 * sizeof(double);
            ck_assert_int_eq(
                memcmp(chorus_probs_const_data(p), chorus_probs_const_data(reference), bytes), 0);
            chorus_probs_free(p);
        }
        chorus_model_free(m);
    }
    chorus_probs_free(reference);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("mv");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_mv_probabilities_by_hand);
    tcase_add_test(tc, test_model_json_round_trip);
    tcase_add_test(tc, test_fit_needs_items);
    tcase_add_test(tc, test_predict_checks_lfs);
    tcase_add_test(tc, test_bad_model_json);
    tcase_add_test(tc, test_predict_matches_names);
    tcase_add_test(tc, test_fit_options_checked);
    tcase_add_test(tc, test_mv_same_for_any_thread_count);
    tcase_add_test(tc, test_converged_round_trip);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
