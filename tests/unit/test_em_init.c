/*
 * EM's starts (em_init.c): majority vote's shares, the restarts' perturbed shares, and
 * which run of a fit gets which.
 */
#include <math.h>

#include "model/em_init.h"
#include "test_util.h"

#define A CHORUS_ABSTAIN

/* Three items over 4 LFs and 3 classes: votes 0, 0, 2 / none / 1. */
static chorus_votes *three_items(void)
{
    const int32_t dense[] = {0, 0, A, 2, A, A, A, A, A, 1, A, A};
    chorus_votes *v = NULL;
    ck_assert_ok(chorus_votes_from_dense(&v, 3, 4, 3, dense));
    return v;
}

START_TEST(test_majority_gives_the_vote_shares)
{
    chorus_votes *v = three_items();
    const chorus_vote_view w = chorus_votes_view(v);
    const int64_t *row = chorus_votes_row_ptr(v);
    double q[3];
    chorus_em_init_majority.item_posterior(&w, row[0], row[1], 3, 9, 0, q);
    ck_assert_double_eq_tol(q[0], 2.0 / 3, 1e-15);
    ck_assert_double_eq(q[1], 0);
    ck_assert_double_eq_tol(q[2], 1.0 / 3, 1e-15);
    /* No votes: no weight at all. */
    chorus_em_init_majority.item_posterior(&w, row[1], row[2], 3, 9, 1, q);
    ck_assert(q[0] == 0 && q[1] == 0 && q[2] == 0);
    chorus_em_init_majority.item_posterior(&w, row[2], row[3], 3, 9, 2, q);
    ck_assert(q[0] == 0 && q[1] == 1 && q[2] == 0);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_perturbed_moves_the_shares_reproducibly)
{
    chorus_votes *v = three_items();
    const chorus_vote_view w = chorus_votes_view(v);
    const int64_t *row = chorus_votes_row_ptr(v);
    const double shares[3] = {2.0 / 3, 0, 1.0 / 3};
    double q[3], again[3], other_seed[3], other_item[3];
    chorus_em_init_perturbed.item_posterior(&w, row[0], row[1], 3, 9, 0, q);
    chorus_em_init_perturbed.item_posterior(&w, row[0], row[1], 3, 9, 0, again);
    chorus_em_init_perturbed.item_posterior(&w, row[0], row[1], 3, 10, 0, other_seed);
    /* The same votes under another item's index: another draw. */
    chorus_em_init_perturbed.item_posterior(&w, row[0], row[1], 3, 9, 5, other_item);
    double total = 0;
    for (int32_t y = 0; y < 3; y++) {
        total += q[y];
        ck_assert_double_eq(q[y], again[y]);
        /* (share + 0.5 u) / (1 + 0.5 sum u) with u in [0, 1): within these bounds. */
        ck_assert(q[y] >= shares[y] / 2.5 && q[y] < (shares[y] + 0.5) / 1.0);
    }
    ck_assert_double_eq_tol(total, 1, 1e-12);
    ck_assert(q[0] != other_seed[0] || q[1] != other_seed[1]);
    ck_assert(q[0] != other_item[0] || q[1] != other_item[1]);
    ck_assert(q[1] > 0); /* a class no LF voted gets some mass */
    /* No votes: still no weight. */
    chorus_em_init_perturbed.item_posterior(&w, row[1], row[2], 3, 9, 1, q);
    ck_assert(q[0] == 0 && q[1] == 0 && q[2] == 0);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_the_first_run_starts_from_majority_vote)
{
    ck_assert_ptr_eq(chorus_em_init_for(0), &chorus_em_init_majority);
    for (int start = 1; start < 5; start++)
        ck_assert_ptr_eq(chorus_em_init_for(start), &chorus_em_init_perturbed);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("em_init");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_majority_gives_the_vote_shares);
    tcase_add_test(t, test_perturbed_moves_the_shares_reproducibly);
    tcase_add_test(t, test_the_first_run_starts_from_majority_vote);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
