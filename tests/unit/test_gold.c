/* Gold label files: one integer per line, -1 for unknown. */
#include "test_util.h"

START_TEST(test_reads_labels)
{
    const char *path = test_path("gold.csv");
    test_write_file(path, "0\n1\n-1\r\n2\n", (size_t)-1);
    int32_t *gold;
    int64_t n;
    ck_assert_ok(chorus_gold_read(&gold, &n, path, 3));
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(gold[0], 0);
    ck_assert_int_eq(gold[2], -1);
    ck_assert_int_eq(gold[3], 2);
    chorus_free(gold);
}
END_TEST

START_TEST(test_round_trip)
{
    int32_t gold[] = {1, -1, 0, 4};
    const char *path = test_path("rt_gold.csv");
    ck_assert_ok(chorus_gold_write(gold, 4, path));
    int32_t *back;
    int64_t n;
    ck_assert_ok(chorus_gold_read(&back, &n, path, 0));
    ck_assert_int_eq(n, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(back[i], gold[i]);
    chorus_free(back);
}
END_TEST

START_TEST(test_bad_input)
{
    static const struct {
        const char *text;
        int32_t n_classes;
        const char *needle;
    } cases[] = {
        {"", 0, "the file is empty"},
        {"0\nyes\n", 0, ":2: 'yes' is not a gold label"},
        {"0\n2\n", 2, ":2: '2' is not a gold label; expected -1 (unknown) or a class in 0..1"},
        {"0\n-2\n", 0, "'-2' is not a gold label"},
        {"0\n\n1\n", 0, ":2: empty line"},
        {"0,1\n", 0, "'0,1' is not a gold label"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = test_path("bad_gold.csv");
        test_write_file(path, cases[i].text, (size_t)-1);
        int32_t *gold;
        int64_t n;
        ck_assert_error(chorus_gold_read(&gold, &n, path, cases[i].n_classes), CHORUS_EFORMAT,
                        cases[i].needle);
        ck_assert_ptr_null(gold);
    }
}
END_TEST

START_TEST(test_trailing_blank_line_is_fine)
{
    const char *path = test_path("blank_gold.csv");
    test_write_file(path, "1\n0\n\n", (size_t)-1);
    int32_t *gold;
    int64_t n;
    ck_assert_ok(chorus_gold_read(&gold, &n, path, 2));
    ck_assert_int_eq(n, 2);
    chorus_free(gold);
}
END_TEST

START_TEST(test_names_and_integral_floats)
{
    const char *path = test_path("named_gold.csv");
    /* np.savetxt's default format, a plain float, class names, and -1. */
    test_write_file(path, "0.000000000000000000e+00\n1.0\nspam\n ham \n-1\n-1.0\n", (size_t)-1);
    const char *names[] = {"ham", "spam"};
    int32_t *gold;
    int64_t n;
    ck_assert_ok(chorus_gold_read_named(&gold, &n, path, 2, names));
    ck_assert_int_eq(n, 6);
    const int32_t expected[] = {0, 1, 1, 0, -1, -1};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(gold[i], expected[i]);
    chorus_free(gold);
    test_write_file(path, "ham\n0.5\n", (size_t)-1);
    ck_assert_error(chorus_gold_read_named(&gold, &n, path, 2, names), CHORUS_EFORMAT,
                    "named_gold.csv:2: '0.5' is not a gold label; expected -1 (unknown) or a "
                    "class in 0..1 or a class name: ham, spam");
    test_write_file(path, "ham\neggs\n", (size_t)-1);
    ck_assert_error(chorus_gold_read_named(&gold, &n, path, 2, names), CHORUS_EFORMAT,
                    "named_gold.csv:2: 'eggs' is not a gold label");
    /* A name that is also the index of another class is refused, not guessed. */
    const char *digits[] = {"1", "2", "3"};
    test_write_file(path, "1\n", (size_t)-1);
    ck_assert_error(chorus_gold_read_named(&gold, &n, path, 3, digits), CHORUS_EFORMAT,
                    "named_gold.csv:1: '1' names class 0 but is the index of class 1");
    int32_t y;
    ck_assert_int_eq(chorus_gold_parse(&y, "spam", 4, 2, names), 0);
    ck_assert_int_eq(y, 1);
    ck_assert_int_eq(chorus_gold_parse(&y, "2", 1, 2, names), -1);
}
END_TEST

START_TEST(test_hostile_files)
{
    int32_t *gold;
    int64_t n;
    ck_assert_error(chorus_gold_read(&gold, &n, "/dev/zero", 2), CHORUS_EFORMAT,
                    "/dev/zero:1: contains a NUL byte (byte offset 0)");
    ck_assert_ptr_null(gold);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gold");
    TCase *tc = tcase_create("gold");
    tcase_add_test(tc, test_reads_labels);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_trailing_blank_line_is_fine);
    tcase_add_test(tc, test_names_and_integral_floats);
    tcase_add_test(tc, test_hostile_files);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
