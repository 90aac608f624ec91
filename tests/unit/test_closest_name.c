/* chorus_closest_name: the "did you mean" of spec keys, CLI options and commands. */
#include "test_util.h"

static const char *const options[] = {"model", "seed", "classes", "help", NULL};

START_TEST(test_typos_find_their_name)
{
    /* A swapped pair of letters is two substitutions. */
    ck_assert_str_eq(chorus_closest_name("modle", options, 2), "model");
    ck_assert_ptr_null(chorus_closest_name("modle", options, 1));
    /* One deletion, one insertion, one substitution. */
    ck_assert_str_eq(chorus_closest_name("clases", options, 1), "classes");
    ck_assert_str_eq(chorus_closest_name("seeed", options, 1), "seed");
    ck_assert_str_eq(chorus_closest_name("hekp", options, 1), "help");
    /* An exact name is distance 0. */
    ck_assert_str_eq(chorus_closest_name("seed", options, 0), "seed");
}
END_TEST

START_TEST(test_closest_and_first_win)
{
    /* "beads" is 2 from "seeds" (b/s, a/e), "seed" 1 (a deletion): the closer one wins
     * although it comes later. */
    static const char *const names[] = {"beads", "seed", NULL};
    ck_assert_str_eq(chorus_closest_name("seeds", names, 2), "seed");
    /* Equally close: the first. */
    static const char *const ties[] = {"ax", "ay", NULL};
    ck_assert_str_eq(chorus_closest_name("az", ties, 1), "ax");
}
END_TEST

START_TEST(test_nothing_close)
{
    ck_assert_ptr_null(chorus_closest_name("frobnicate", options, 2));
    static const char *const none[] = {NULL};
    ck_assert_ptr_null(chorus_closest_name("model", none, 2));
    /* Names longer than 40 characters are never close, not even to themselves. */
    static const char *const long_names[] = {"abcdefghijabcdefghijabcdefghijabcdefghijX", NULL};
    ck_assert_ptr_null(chorus_closest_name(long_names[0], long_names, 2));
    static const char *const forty[] = {"abcdefghijabcdefghijabcdefghijabcdefghij", NULL};
    ck_assert_str_eq(chorus_closest_name("abcdefghijabcdefghijabcdefghijabcdefghiX", forty, 1),
                     forty[0]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("closest_name");
    TCase *tc = tcase_create("closest_name");
    tcase_add_test(tc, test_typos_find_their_name);
    tcase_add_test(tc, test_closest_and_first_win);
    tcase_add_test(tc, test_nothing_close);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
