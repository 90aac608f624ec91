/* The item selection of chorus inspect, on a matrix small enough to check by eye. */
#include "test_util.h"

/*
 *          lf0  lf1  lf2   gold  model
 * item 0    1    1    .     1     1
 * item 1    1    .    0     0     0     lf0 and lf2 conflict (a 1:1 tie)
 * item 2    .    .    .     0     1     uncovered
 * item 3    .    0    .     0     0
 * item 4    0    1    1     1     0     conflict; the majority is 1, the model says 0
 * item 5    .    .    1    -1     1
 */
static const int32_t dense[] = {1, 1, -1, 1, -1, 0, -1, -1, -1, -1, 0, -1, 0, 1, 1, -1, -1, 1};
static const int32_t gold[] = {1, 0, 0, 0, 1, -1};
static const int32_t model[] = {1, 0, 1, 0, 0, 1};

static chorus_votes *six_items(void)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 6, 3, 2, dense));
    return v;
}

/* Selects with lf and filters (no limit) and checks the items are exactly `want`. */
static void expect_items(int32_t lf, unsigned filters, const int64_t *want, int64_t n_want)
{
    chorus_votes *v = six_items();
    chorus_inspect_options o = CHORUS_INSPECT_OPTIONS_INIT;
    o.lf = lf;
    o.filters = filters;
    o.limit = 100;
    int64_t *items, n, matching;
    ck_assert_ok(chorus_inspect_select(&items, &n, &matching, v, gold, 6, model, &o));
    ck_assert_int_eq(n, n_want);
    ck_assert_int_eq(matching, n_want);
    for (int64_t i = 0; i < n; i++)
        ck_assert_int_eq(items[i], want[i]);
    chorus_free(items);
    chorus_votes_free(v);
}

START_TEST(filters_pick_the_items)
{
    expect_items(0, 0, (const int64_t[]){0, 1, 4}, 3); /* where lf0 fires */
    expect_items(0, CHORUS_INSPECT_WRONG, (const int64_t[]){1, 4}, 2);
    expect_items(0, CHORUS_INSPECT_CONFLICTS, (const int64_t[]){1, 4}, 2);
    expect_items(1, CHORUS_INSPECT_CONFLICTS, (const int64_t[]){4}, 1);
    /* lf2 votes right on 1 and 4 and on 5 gold is unknown. */
    expect_items(2, CHORUS_INSPECT_WRONG, NULL, 0);
    expect_items(-1, 0, (const int64_t[]){0, 1, 2, 3, 4, 5}, 6);
    expect_items(-1, CHORUS_INSPECT_UNCOVERED, (const int64_t[]){2}, 1);
    expect_items(-1, CHORUS_INSPECT_CONFLICTS, (const int64_t[]){1, 4}, 2);
    /* Item 1's tie is broken by the model towards one of the tied classes: agreement. */
    expect_items(-1, CHORUS_INSPECT_DISAGREE, (const int64_t[]){4}, 1);
    /* Without an LF, wrong is the model's label against gold. */
    expect_items(-1, CHORUS_INSPECT_WRONG, (const int64_t[]){2, 4}, 2);
    /* Flags combine: both wrong and conflicting for lf0; disagreeing where lf2 fires. */
    expect_items(0, CHORUS_INSPECT_WRONG | CHORUS_INSPECT_CONFLICTS, (const int64_t[]){1, 4}, 2);
    expect_items(2, CHORUS_INSPECT_DISAGREE, (const int64_t[]){4}, 1);
}
END_TEST

START_TEST(limit_keeps_the_first)
{
    chorus_votes *v = six_items();
    chorus_inspect_options o = CHORUS_INSPECT_OPTIONS_INIT;
    o.limit = 3;
    int64_t *items, n, matching;
    ck_assert_ok(chorus_inspect_select(&items, &n, &matching, v, NULL, 0, NULL, &o));
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(matching, 6);
    ck_assert_int_eq(items[0], 0);
    ck_assert_int_eq(items[2], 2);
    chorus_free(items);
    o.limit = 0;
    ck_assert_ok(chorus_inspect_select(&items, &n, &matching, v, NULL, 0, NULL, &o));
    ck_assert_int_eq(n, 0);
    ck_assert_ptr_null(items);
    ck_assert_int_eq(matching, 6);
    chorus_votes_free(v);
}
END_TEST

START_TEST(sample_is_seeded_and_uniform)
{
    chorus_votes *v = six_items();
    chorus_inspect_options o = CHORUS_INSPECT_OPTIONS_INIT;
    o.limit = 3;
    o.sample = 1;
    /* Each item is in a sample of 3 of 6 with chance 1/2: over 600 seeds about 300 times,
     * with a standard deviation of sqrt(600 / 4) = 12.2; 250..350 is more than 4 of them. */
    int64_t seen[6] = {0};
    for (uint64_t seed = 0; seed < 600; seed++) {
        o.seed = seed;
        int64_t *a, *b, n, m;
        ck_assert_ok(chorus_inspect_select(&a, &n, &m, v, NULL, 0, NULL, &o));
        ck_assert_int_eq(n, 3);
        ck_assert_int_eq(m, 6);
        ck_assert(a[0] < a[1] && a[1] < a[2]);
        ck_assert_ok(chorus_inspect_select(&b, &n, &m, v, NULL, 0, NULL, &o));
        ck_assert_mem_eq(a, b, 3 * sizeof *a);
        for (int i = 0; i < 3; i++)
            seen[a[i]]++;
        chorus_free(a);
        chorus_free(b);
    }
    for (int i = 0; i < 6; i++) {
        ck_assert_int_ge(seen[i], 250);
        ck_assert_int_le(seen[i], 350);
    }
    /* Fewer matches than the limit: all of them. */
    o.lf = 0;
    int64_t *items, n, m;
    ck_assert_ok(chorus_inspect_select(&items, &n, &m, v, NULL, 0, NULL, &o));
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(items[0], 0);
    ck_assert_int_eq(items[1], 1);
    ck_assert_int_eq(items[2], 4);
    chorus_free(items);
    chorus_votes_free(v);
}
END_TEST

START_TEST(bad_requests)
{
    chorus_votes *v = six_items();
    chorus_inspect_options o = CHORUS_INSPECT_OPTIONS_INIT;
    int64_t *items = NULL, n;
    o.lf = 0;
    o.filters = CHORUS_INSPECT_UNCOVERED;
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, gold, 6, model, &o), CHORUS_EINVAL,
                    "'lf0' never fires");
    o.filters = CHORUS_INSPECT_WRONG;
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, NULL, 0, model, &o), CHORUS_EINVAL,
                    "needs gold");
    o.lf = -1;
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, gold, 6, NULL, &o), CHORUS_EINVAL,
                    "model's labels");
    o.filters = CHORUS_INSPECT_DISAGREE;
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, gold, 6, NULL, &o), CHORUS_EINVAL,
                    "majority vote");
    o.filters = 0;
    o.lf = 3;
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, NULL, 0, NULL, &o), CHORUS_EINVAL,
                    "labeling function 3 of 3");
    o.lf = -1;
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, gold, 5, NULL, &o), CHORUS_EINVAL,
                    "5 gold labels for 6");
    const int32_t bad_model[] = {1, 0, 2, 0, 0, 1};
    ck_assert_error(chorus_inspect_select(&items, &n, NULL, v, NULL, 0, bad_model, &o),
                    CHORUS_EINVAL, "model label of item 2 is 2");
    ck_assert_ptr_null(items);
    chorus_votes_free(v);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("inspect");
    TCase *t = tcase_create("select");
    tcase_add_test(t, filters_pick_the_items);
    tcase_add_test(t, limit_keeps_the_first);
    tcase_add_test(t, sample_is_seeded_and_uniform);
    tcase_add_test(t, bad_requests);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
