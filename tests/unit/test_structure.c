/* Correlated LFs: declared groups, learned structure, and their model.json round trip. */
#include <math.h>

#include "test_util.h"

/* 40k items, 30 LFs, K = 2; the first 12 LFs form 4 groups of 3 exact copies. */
static chorus_votes *planted(int32_t copy_groups, int32_t **gold)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 40000;
    o.n_lfs = 30;
    o.accuracy_min = 0.55;
    o.accuracy_max = 0.85;
    o.copy_groups = copy_groups;
    o.copy_group_size = 3;
    o.seed = 77;
    chorus_votes *v;
    ck_assert_ok(chorus_synth(&v, gold, &o));
    return v;
}

static double accuracy_of(const chorus_votes *v, const int32_t *gold,
                          const chorus_fit_options *opts, chorus_model **keep)
{
    chorus_model *m;
    chorus_probs *p;
    ck_assert_ok(chorus_model_fit(&m, v, opts));
    ck_assert_ok(chorus_model_predict(&p, m, v));
    double accuracy = test_accuracy(p, gold);
    chorus_probs_free(p);
    if (keep)
        *keep = m;
    else
        chorus_model_free(m);
    return accuracy;
}

START_TEST(test_learned_structure_recovers_planted_copies)
{
    int32_t *gold;
    chorus_votes *v = planted(4, &gold);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_MV;
    double mv = accuracy_of(v, gold, &opts, NULL);
    opts.type = CHORUS_MODEL_AUTO;
    /* The planted copies vote alike on every item, which the default fits as one source
     * (lf_copies.h); kept apart, they are what structure learning has to find. */
    double merged = accuracy_of(v, gold, &opts, NULL);
    opts.keep_copies = 1;
    double independent = accuracy_of(v, gold, &opts, NULL);
    opts.learn_structure = 1;
    chorus_model *m;
    double learned = accuracy_of(v, gold, &opts, &m);
    ck_assert_msg(merged >= independent + 0.03, "merged %.4f, independent %.4f", merged,
                  independent);
    /* The planted pairs: the 3 pairs inside each of the 4 groups of LFs 0-11. */
    int32_t n_deps, true_found = 0;
    const chorus_dependency *deps = chorus_model_dependencies(m, &n_deps);
    for (int32_t d = 0; d < n_deps; d++)
        true_found += deps[d].lf_a < 12 && deps[d].lf_a / 3 == deps[d].lf_b / 3;
    double precision = n_deps ? (double)true_found / n_deps : 0, recall = true_found / 12.0;
    ck_assert_msg(precision >= 0.9 && recall >= 0.9, "precision %.2f, recall %.2f (%d pairs)",
                  precision, recall, n_deps);
    ck_assert_int_eq(chorus_model_n_groups(m), 4);
    for (int32_t j = 0; j < 12; j++)
        ck_assert_int_eq(chorus_model_lf_group(m, j), j / 3);
    /* Stated margins: joint modelling beats the independent model by 3 points and majority
     * vote by 1 point on this data. */
    ck_assert_msg(learned >= independent + 0.03, "learned %.4f, independent %.4f", learned,
                  independent);
    ck_assert_msg(learned >= mv + 0.01, "learned %.4f, majority vote %.4f", learned, mv);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_no_false_groups_on_independent_lfs)
{
    int32_t *gold;
    chorus_votes *v = planted(0, &gold);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    double independent = accuracy_of(v, gold, &opts, NULL);
    opts.learn_structure = 1;
    chorus_model *m;
    double learned = accuracy_of(v, gold, &opts, &m);
    int32_t n_deps;
    chorus_model_dependencies(m, &n_deps);
    /* At most 1% of the 435 pairs may be flagged; then the fit loses nothing. */
    ck_assert_int_le(n_deps, 4);
    ck_assert_double_ge(learned, independent - 0.002);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_declared_groups_and_round_trip)
{
    int32_t *gold;
    chorus_votes *v = planted(4, &gold);
    int32_t lf_group[30];
    for (int32_t j = 0; j < 30; j++)
        lf_group[j] = j < 12 ? j / 3 : -1;
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.keep_copies = 1; /* the copies as independent LFs, not one source */
    double independent = accuracy_of(v, gold, &opts, NULL);
    opts.lf_group = lf_group;
    chorus_model *m, *back;
    double declared = accuracy_of(v, gold, &opts, &m);
    ck_assert_msg(declared >= independent + 0.03, "declared %.4f, independent %.4f", declared,
                  independent);
    ck_assert(isnan(chorus_model_lf_accuracy(m, 0)));
    const char *path = test_path("grouped.json");
    ck_assert_ok(chorus_model_save(m, path));
    ck_assert_ok(chorus_model_load(&back, path));
    ck_assert_int_eq(chorus_model_n_groups(back), 4);
    chorus_probs *p1, *p2;
    ck_assert_ok(chorus_model_predict(&p1, m, v));
    ck_assert_ok(chorus_model_predict(&p2, back, v));
    ck_assert_int_eq(memcmp(chorus_probs_const_data(p1), chorus_probs_const_data(p2),
                            (size_t)40000 * 2 * sizeof(double)),
                     0);
    chorus_probs_free(p1);
    chorus_probs_free(p2);
    chorus_model_free(back);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_group_checks)
{
    int32_t dense[] = {0, 1, 1, 1, 0, -1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 3, 2, dense));
    int32_t lone[3] = {0, -1, -1};
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.lf_group = lone;
    chorus_model *m;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "a group needs 2 or more");
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("structure");
    TCase *tc = tcase_create("structure");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_learned_structure_recovers_planted_copies);
    tcase_add_test(tc, test_no_false_groups_on_independent_lfs);
    tcase_add_test(tc, test_declared_groups_and_round_trip);
    tcase_add_test(tc, test_group_checks);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
