/* Probabilistic labels: CSV and JSONL round trips, hostile input. */
#include <math.h>

#include "test_util.h"

static chorus_probs *make_probs(void)
{
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 3, 2));
    double *d = chorus_probs_data(p);
    /* 1/3 and 0.1 do not have short exact decimal forms: they test round-tripping. */
    double values[] = {1.0 / 3, 2.0 / 3, 0.5, 0.5, 0.1, 0.9};
    for (int i = 0; i < 6; i++)
        d[i] = values[i];
    ck_assert_ok(chorus_probs_set_class_name(p, 0, "HAM"));
    ck_assert_ok(chorus_probs_set_class_name(p, 1, "SPAM"));
    return p;
}

static void check_same(const chorus_probs *a, const chorus_probs *b)
{
    ck_assert_int_eq(chorus_probs_n_items(a), chorus_probs_n_items(b));
    ck_assert_int_eq(chorus_probs_n_classes(a), chorus_probs_n_classes(b));
    int64_t cells = chorus_probs_n_items(a) * chorus_probs_n_classes(a);
    for (int64_t i = 0; i < cells; i++)
        ck_assert_msg(chorus_probs_const_data(a)[i] == chorus_probs_const_data(b)[i],
                      "cell %lld differs", (long long)i);
}

START_TEST(test_csv_round_trip_is_exact)
{
    chorus_probs *p = make_probs(), *back;
    const char *path = test_path("p.csv");
    ck_assert_ok(chorus_probs_write(p, path, CHORUS_PROBS_AUTO));
    char *text = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "HAM,SPAM\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n0.5,0.5\n0.1,0.9\n"));
    free(text);
    ck_assert_ok(chorus_probs_read(&back, path, CHORUS_PROBS_AUTO));
    check_same(p, back);
    ck_assert_str_eq(chorus_probs_class_name(back, 1), "SPAM");
    chorus_probs_free(back);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_jsonl_round_trip)
{
    chorus_probs *p = make_probs(), *back;
    const char *path = test_path("p.jsonl");
    ck_assert_ok(chorus_probs_write(p, path, CHORUS_PROBS_AUTO));
    char *text = test_read_file(path, NULL);
    /* Row 2 has a clear winner (0.9), so its hard label does not depend on the tie-break. */
    ck_assert_ptr_nonnull(strstr(text, "{\"item\": 2, \"label\": 1, \"class\": \"SPAM\", "
                                       "\"probs\": [0.1, 0.9]}\n"));
    free(text);
    ck_assert_ok(chorus_probs_read(&back, path, CHORUS_PROBS_AUTO));
    check_same(p, back);
    chorus_probs_free(back);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_npy_round_trip)
{
    chorus_probs *p = make_probs(), *back;
    const char *path = test_path("p.npy");
    ck_assert_ok(chorus_probs_write(p, path, CHORUS_PROBS_AUTO));
    ck_assert_ok(chorus_probs_read(&back, path, CHORUS_PROBS_AUTO));
    check_same(p, back);
    chorus_probs_free(back);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_bad_csv)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        {"", "the file is empty"},
        {"A\n1\n", ":1: 1 columns; expected a header of 2 or more class names"},
        {"A,B\n", "only a header"},
        {"A,B\n0.5,0.5\n0.2\n", ":3: 1 fields, expected 2"},
        {"A,B\n0.5,x\n", ":2: column 2: 'x' is not a number"},
        {"A,B\n0.5,0.6\n", ":2: probabilities sum to 1.1"},
        {"A,B\n-0.5,1.5\n", ":2: column 1: -0.5 is not a probability"},
        {"A,B\nnan,1\n", "'nan' is not a number"},
        {"A,B\ninf,0\n", "'inf' is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = test_path("bad_p.csv");
        test_write_file(path, cases[i].text, (size_t)-1);
        chorus_probs *p;
        ck_assert_error(chorus_probs_read(&p, path, CHORUS_PROBS_AUTO), CHORUS_EFORMAT,
                        cases[i].needle);
        ck_assert_ptr_null(p);
    }
}
END_TEST

START_TEST(test_bad_jsonl)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        {"", "no lines"},
        {"{\"probs\": [0.5, 0.5]}\n{\"probs\": [0.5\n", ":2: column"},
        {"{\"probs\": [0.5, 0.5]}\n{\"probs\": [0.2, 0.3, 0.5]}\n", ":2: expected an object"},
        {"{\"p\": [0.5, 0.5]}\n", ":1: expected an object with \"probs\""},
        {"{\"probs\": [0.5, \"x\"]}\n", "is not a probability"},
        {"[1, 2]\n", ":1: expected an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = test_path("bad_p.jsonl");
        test_write_file(path, cases[i].text, (size_t)-1);
        chorus_probs *p;
        ck_assert_error(chorus_probs_read(&p, path, CHORUS_PROBS_AUTO), CHORUS_EFORMAT,
                        cases[i].needle);
    }
}
END_TEST

START_TEST(test_formats_parse)
{
    chorus_probs_format f;
    ck_assert_ok(chorus_probs_format_parse(&f, "jsonl"));
    ck_assert_int_eq(f, CHORUS_PROBS_JSONL);
    ck_assert_error(chorus_probs_format_parse(&f, "xml"), CHORUS_EINVAL, "unknown probabilities");
    ck_assert_int_eq(chorus_probs_format_from_path("x.NPY"), CHORUS_PROBS_NPY);
    ck_assert_int_eq(chorus_probs_format_from_path("x.txt"), CHORUS_PROBS_CSV);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("probs");
    TCase *tc = tcase_create("probs");
    tcase_add_test(tc, test_csv_round_trip_is_exact);
    tcase_add_test(tc, test_jsonl_round_trip);
    tcase_add_test(tc, test_npy_round_trip);
    tcase_add_test(tc, test_bad_csv);
    tcase_add_test(tc, test_bad_jsonl);
    tcase_add_test(tc, test_formats_parse);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
