/* Prompt sensitivity (chorus_prompt_sensitivity_compute) on a matrix checked by hand. */
#include <math.h>

#include "test_util.h"

/*
 *          v1  v2  v3  kw   gold     v1, v2, v3: one prompt in three wordings (group 0);
 * item 0    1   1   1   1    1       kw: an LF of its own (group -1)
 * item 1    0   0   1   .    0
 * item 2    1   0   .   .    0
 * item 3    0   0   0   .    0
 * item 4    .   1   1   0    1
 * item 5    0   .   .   .    1
 */
static const int32_t dense[] = {1, 1, 1, 1,  0,  0, 1, -1, 1, 0,  -1, -1,
                                0, 0, 0, -1, -1, 1, 1, 0,  0, -1, -1, -1};
static const int32_t gold[] = {1, 0, 0, 0, 1, 1};
static const int32_t groups[] = {0, 0, 0, -1};

#define CLOSE(x, want) ck_assert_double_eq_tol(x, want, 1e-12)

START_TEST(counts_by_hand)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 6, 4, 2, dense));
    chorus_prompt_sensitivity *s;
    ck_assert_ok(chorus_prompt_sensitivity_compute(&s, v, groups, gold, 6));
    ck_assert_int_eq(s->n_groups, 1);
    ck_assert(s->has_gold);
    const chorus_prompt_variants *g = &s->groups[0];
    ck_assert_int_eq(g->n_variants, 3);
    ck_assert_int_eq(g->lfs[0], 0);
    ck_assert_int_eq(g->lfs[2], 2);
    /* Coverage: v1 and v2 vote on 5 of 6 items, v3 on 4. */
    CLOSE(g->coverage[0], 5.0 / 6);
    CLOSE(g->coverage[1], 5.0 / 6);
    CLOSE(g->coverage[2], 4.0 / 6);
    /* v1, v2 both vote on items 0-3 and agree on 0, 1, 3: 3/4. v1 votes 1 on two of them,
     * v2 on one: chance agreement 2/4 * 1/4 + 2/4 * 3/4 = 1/2, kappa (3/4 - 1/2) / (1/2). */
    ck_assert_int_eq(g->n_both[0 * 3 + 1], 4);
    CLOSE(g->agreement[0 * 3 + 1], 0.75);
    CLOSE(g->kappa[0 * 3 + 1], 0.5);
    /* v1, v3 on items 0, 1, 3: alike on 0 and 3; v1 votes 1 once, v3 twice: chance
     * 1/3 * 2/3 + 2/3 * 1/3 = 4/9, kappa (2/3 - 4/9) / (5/9) = 2/5. */
    ck_assert_int_eq(g->n_both[0 * 3 + 2], 3);
    CLOSE(g->agreement[0 * 3 + 2], 2.0 / 3);
    CLOSE(g->kappa[0 * 3 + 2], 0.4);
    /* v2, v3 on items 0, 1, 3, 4: alike on 0, 3, 4; v2 votes 1 twice, v3 three times:
     * chance 2/4 * 3/4 + 2/4 * 1/4 = 1/2, kappa 1/2. */
    ck_assert_int_eq(g->n_both[1 * 3 + 2], 4);
    CLOSE(g->agreement[1 * 3 + 2], 0.75);
    CLOSE(g->kappa[1 * 3 + 2], 0.5);
    /* Symmetric, and each variant agrees with itself. */
    CLOSE(g->kappa[2 * 3 + 0], 0.4);
    CLOSE(g->agreement[1 * 3 + 1], 1.0);
    ck_assert_int_eq(g->n_both[2 * 3 + 2], 4);
    /* Items 0-4 have two or more votes of the group; 1 and 2 get two classes. */
    ck_assert_int_eq(g->n_compared, 5);
    ck_assert_int_eq(g->n_flipped, 2);
    CLOSE(g->flip_rate, 0.4);
    /* v1 right on 0, 1, 3 of its 5 votes; v2 on all 5; v3 on 0, 3, 4 of 4. */
    ck_assert_int_eq(g->n_correct[0], 3);
    CLOSE(g->accuracy[0], 0.6);
    CLOSE(g->accuracy[1], 1.0);
    CLOSE(g->accuracy[2], 0.75);
    chorus_prompt_sensitivity_free(s);
    chorus_votes_free(v);
}
END_TEST

START_TEST(undefined_values_are_nan)
{
    /* Two variants that never vote on one item together, and two that always vote 1. */
    const int32_t m[] = {1, -1, 1, 1, -1, 1, 1, 1};
    const int32_t two_groups[] = {0, 0, 1, 1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 4, 2, m));
    chorus_prompt_sensitivity *s;
    ck_assert_ok(chorus_prompt_sensitivity_compute(&s, v, two_groups, NULL, 0));
    ck_assert_int_eq(s->n_groups, 2);
    ck_assert(!s->has_gold);
    ck_assert_int_eq(s->groups[0].n_both[1], 0);
    ck_assert(isnan(s->groups[0].agreement[1]) && isnan(s->groups[0].kappa[1]));
    ck_assert(isnan(s->groups[0].flip_rate));
    ck_assert(isnan(s->groups[0].accuracy[0]));
    CLOSE(s->groups[1].agreement[1], 1.0);
    ck_assert(isnan(s->groups[1].kappa[1]));
    CLOSE(s->groups[1].flip_rate, 0.0);
    chorus_prompt_sensitivity_free(s);
    chorus_votes_free(v);
}
END_TEST

START_TEST(bad_arguments)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 6, 4, 2, dense));
    chorus_prompt_sensitivity *s = NULL;
    ck_assert_error(chorus_prompt_sensitivity_compute(&s, v, NULL, NULL, 0), CHORUS_EINVAL,
                    "groups are required");
    const int32_t bad_groups[] = {0, 0, 4, -1};
    ck_assert_error(chorus_prompt_sensitivity_compute(&s, v, bad_groups, NULL, 0), CHORUS_EINVAL,
                    "the group of LF 2 is 4");
    ck_assert_error(chorus_prompt_sensitivity_compute(&s, v, groups, gold, 5), CHORUS_EINVAL,
                    "5 gold labels for 6");
    const int32_t bad_gold[] = {1, 0, 2, 0, 1, 1};
    ck_assert_error(chorus_prompt_sensitivity_compute(&s, v, groups, bad_gold, 6), CHORUS_EINVAL,
                    "gold label of item 2 is 2");
    ck_assert_ptr_null(s);
    chorus_votes_free(v);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("prompt_sensitivity");
    TCase *t = tcase_create("compute");
    tcase_add_test(t, counts_by_hand);
    tcase_add_test(t, undefined_values_are_nan);
    tcase_add_test(t, bad_arguments);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
