/* Synthetic vote matrices: determinism and the statistics they promise. */
#include <math.h>
#include <omp.h>

#include "test_util.h"

START_TEST(test_same_output_for_any_thread_count)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 5000;
    o.seed = 42;
    chorus_votes *a, *b;
    int32_t *ga, *gb;
    omp_set_num_threads(1);
    ck_assert_ok(chorus_synth(&a, &ga, &o));
    omp_set_num_threads(3);
    ck_assert_ok(chorus_synth(&b, &gb, &o));
    ck_assert_int_eq(chorus_votes_nnz(a), chorus_votes_nnz(b));
    int64_t nnz = chorus_votes_nnz(a);
    ck_assert_int_eq(memcmp(chorus_votes_row_ptr(a), chorus_votes_row_ptr(b),
                            (size_t)(o.n_items + 1) * sizeof(int64_t)),
                     0);
    ck_assert_int_eq(
        memcmp(chorus_votes_lf_index(a), chorus_votes_lf_index(b), (size_t)nnz * sizeof(int32_t)),
        0);
    ck_assert_int_eq(
        memcmp(chorus_votes_labels(a), chorus_votes_labels(b), (size_t)nnz * sizeof(int32_t)), 0);
    ck_assert_int_eq(memcmp(ga, gb, (size_t)o.n_items * sizeof(int32_t)), 0);
    chorus_votes_free(a);
    chorus_votes_free(b);
    chorus_free(ga);
    chorus_free(gb);
}
END_TEST

START_TEST(test_statistics_match_the_options)
{
    /* Fixed accuracy 0.8 and coverage 0.25 (ranges of width 0), 3 classes, 30% class 0. */
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 100000;
    o.n_lfs = 10;
    o.n_classes = 3;
    o.accuracy_min = o.accuracy_max = 0.8;
    o.coverage_min = o.coverage_max = 0.25;
    o.first_class_share = 0.3;
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, &o));
    int64_t class0 = 0, correct = 0;
    for (int64_t i = 0; i < o.n_items; i++) {
        class0 += gold[i] == 0;
        for (int32_t j = 0; j < o.n_lfs; j++) {
            int32_t x = chorus_votes_get(v, i, j);
            correct += x == gold[i];
        }
    }
    double n_votes = (double)chorus_votes_nnz(v);
    double coverage = n_votes / (double)(o.n_items * o.n_lfs);
    /* Binomial standard errors are ~0.0014 (share), ~0.0004 (coverage), ~0.0008 (accuracy);
     * the tolerances are five of them. */
    ck_assert_double_eq_tol((double)class0 / (double)o.n_items, 0.3, 0.007);
    ck_assert_double_eq_tol(coverage, 0.25, 0.002);
    ck_assert_double_eq_tol((double)correct / n_votes, 0.8, 0.004);
    chorus_votes_free(v);
    chorus_free(gold);
}
END_TEST

START_TEST(test_copies_vote_with_their_source)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 2000;
    o.n_lfs = 10;
    o.copy_groups = 2;
    o.copy_group_size = 3;
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, &o));
    int64_t differ = 0, source_votes = 0;
    for (int64_t i = 0; i < o.n_items; i++)
        for (int32_t g = 0; g < 2; g++) {
            int32_t source = chorus_votes_get(v, i, g * 3);
            source_votes += source >= 0;
            for (int32_t c = 1; c < 3; c++)
                differ += chorus_votes_get(v, i, g * 3 + c) != source;
        }
    ck_assert_int_eq(differ, 0);
    ck_assert_int_gt(source_votes, 0);
    chorus_votes_free(v);
    chorus_free(gold);
    o.copy_group_size = 6;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "copy groups");
}
END_TEST

START_TEST(test_options_checked)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    chorus_votes *v;
    int32_t *gold;
    o.accuracy_min = 0.9;
    o.accuracy_max = 0.5;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "accuracy range");
    o = (chorus_synth_options)CHORUS_SYNTH_OPTIONS_INIT;
    o.n_classes = 1;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "number of classes");
    o = (chorus_synth_options)CHORUS_SYNTH_OPTIONS_INIT;
    o.first_class_share = 1;
    ck_assert_error(chorus_synth(&v, &gold, &o), CHORUS_EINVAL, "first class");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("synth");
    TCase *tc = tcase_create("synth");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_same_output_for_any_thread_count);
    tcase_add_test(tc, test_statistics_match_the_options);
    tcase_add_test(tc, test_copies_vote_with_their_source);
    tcase_add_test(tc, test_options_checked);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
