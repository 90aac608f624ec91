/* WRENCH's dataset JSON files: votes, item ids, class names from label.json, gold labels. */
#include <sys/stat.h>

#include "test_util.h"

/* The shipped WRENCH youtube test split, as WRENCH wrote it, against the same split as CSV. */
START_TEST(test_reads_shipped_file)
{
    chorus_votes *json = NULL, *csv = NULL;
    ck_assert_ok(
        chorus_votes_read(&json, test_dataset("wrench_youtube/wrench_json/test.json"), NULL));
    ck_assert_ok(chorus_votes_read(&csv, test_dataset("wrench_youtube/test/votes.csv"), NULL));
    ck_assert_int_eq(chorus_votes_n_items(json), 250);
    ck_assert_int_eq(chorus_votes_n_lfs(json), 10);
    ck_assert_int_eq(chorus_votes_n_classes(json), 2);
    ck_assert_int_eq(chorus_votes_nnz(json), 460);
    ck_assert_str_eq(chorus_votes_class_name(json, 0), "HAM");
    ck_assert_str_eq(chorus_votes_class_name(json, 1), "SPAM");
    ck_assert_str_eq(chorus_votes_lf_name(json, 9), "lf9");
    ck_assert(chorus_votes_has_item_names(json));
    ck_assert_str_eq(chorus_votes_item_name(json, 0), "0");
    ck_assert_str_eq(chorus_votes_item_name(json, 249), "249");
    for (int64_t i = 0; i < 250; i++)
        for (int32_t j = 0; j < 10; j++)
            ck_assert_int_eq(chorus_votes_get(json, i, j), chorus_votes_get(csv, i, j));
    chorus_votes_free(json);
    chorus_votes_free(csv);

    int32_t *gold = NULL, *expected = NULL;
    int64_t n = 0, n_expected = 0;
    ck_assert_ok(
        chorus_gold_read(&gold, &n, test_dataset("wrench_youtube/wrench_json/test.json"), 2));
    ck_assert_ok(
        chorus_gold_read(&expected, &n_expected, test_dataset("wrench_youtube/test/gold.csv"), 2));
    ck_assert_int_eq(n, 250);
    ck_assert_int_eq(n, n_expected);
    ck_assert_mem_eq(gold, expected, (size_t)n * sizeof *gold);
    chorus_free(gold);
    chorus_free(expected);
}
END_TEST

/* Item ids keep the file's order, whatever they are; labels null or missing are unknown. */
START_TEST(test_order_ids_and_unknown_labels)
{
    const char *path = test_path("ids.json");
    test_write_file(path,
                    "{\"10\": {\"weak_labels\": [1, -1, 0], \"label\": 1},\n"
                    " \"2\": {\"weak_labels\": [-1, -1, -1], \"label\": null},\n"
                    " \"x\": {\"weak_labels\": [0, 0, 2]}}\n",
                    (size_t)-1);
    chorus_votes *v = NULL;
    ck_assert_ok(chorus_votes_read(&v, path, NULL));
    ck_assert_int_eq(chorus_votes_n_items(v), 3);
    ck_assert_int_eq(chorus_votes_n_classes(v), 3);
    ck_assert_str_eq(chorus_votes_item_name(v, 0), "10");
    ck_assert_str_eq(chorus_votes_item_name(v, 1), "2");
    ck_assert_str_eq(chorus_votes_item_name(v, 2), "x");
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
    ck_assert_int_eq(chorus_votes_get(v, 0, 1), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 2, 2), 2);
    ck_assert_int_eq(chorus_votes_nnz(v), 5);
    chorus_votes_free(v);
    int32_t *gold = NULL;
    int64_t n = 0;
    ck_assert_ok(chorus_gold_read(&gold, &n, path, 3));
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(gold[0], 1);
    ck_assert_int_eq(gold[1], -1);
    ck_assert_int_eq(gold[2], -1);
    chorus_free(gold);

    /* --abstain 0, as for CSV: 0 abstains and 1..K are the classes. */
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.abstain_value = 0;
    test_write_file(path, "{\"0\": {\"weak_labels\": [0, 1, 2]}}", (size_t)-1);
    ck_assert_ok(chorus_votes_read(&v, path, &opts));
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), 1);
    chorus_votes_free(v);
}
END_TEST

/* The classes of a label.json beside the file: names, their number, and a check on it. */
START_TEST(test_label_json)
{
    const char *dir = test_path("with_labels");
    mkdir(dir, 0700);
    char votes[512], labels[512];
    snprintf(votes, sizeof votes, "%s/train.json", dir);
    snprintf(labels, sizeof labels, "%s/label.json", dir);
    test_write_file(labels, "{\"0\": \"business\", \"1\": \"sport\", \"2\": \"world\"}",
                    (size_t)-1);
    test_write_file(votes, "{\"0\": {\"weak_labels\": [0, -1]}, \"1\": {\"weak_labels\": [1, 0]}}",
                    (size_t)-1);
    chorus_votes *v = NULL;
    ck_assert_ok(chorus_votes_read(&v, votes, NULL));
    ck_assert_int_eq(chorus_votes_n_classes(v), 3);
    ck_assert_str_eq(chorus_votes_class_name(v, 2), "world");
    chorus_votes_free(v);

    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.n_classes = 4;
    ck_assert_error(chorus_votes_read(&v, votes, &opts), CHORUS_EINVAL,
                    "label.json beside it names 3 classes, but 4 were asked for");
    ck_assert_ptr_null(v);

    test_write_file(votes, "{\"0\": {\"weak_labels\": [0, 3]}}", (size_t)-1);
    ck_assert_error(chorus_votes_read(&v, votes, NULL), CHORUS_EFORMAT,
                    "train.json: item \"0\": \"weak_labels\"[1]: 3 is not a vote; expected -1 "
                    "(abstain) or a class in 0..2");
    static const char *const bad_labels[] = {"{\"0\": \"a\", \"2\": \"b\"}", "{\"0\": \"a\"}",
                                             "[\"a\", \"b\"]", "{\"0\": \"a\", \"1\": 7}",
                                             "{\"0\": \"a\", \"1\": \"\"}"};
    for (size_t i = 0; i < sizeof bad_labels / sizeof *bad_labels; i++) {
        test_write_file(labels, bad_labels[i], (size_t)-1);
        ck_assert_error(chorus_votes_read(&v, votes, NULL), CHORUS_EFORMAT, "label.json");
        ck_assert_ptr_null(v);
    }
    /* A FIFO named label.json is refused, not opened (which would wait for a writer). */
    remove(labels);
    ck_assert_int_eq(mkfifo(labels, 0600), 0);
    ck_assert_error(chorus_votes_read(&v, votes, NULL), CHORUS_EIO, "label.json: is a FIFO");
    ck_assert_ptr_null(v);
    remove(labels);
}
END_TEST

START_TEST(test_bad_input)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        {"", "bad.json:1:0: "},
        {"[1, 2]", "bad.json: expected a JSON object of items"},
        {"{}", "bad.json: expected a JSON object of items"},
        {"{\"0\": 5}", "item \"0\": expected an object"},
        {"{\"0\": {\"label\": 1}}", "item \"0\": expected \"weak_labels\", an array"},
        {"{\"0\": {\"weak_labels\": []}}", "item \"0\": 0 votes in \"weak_labels\"; expected 1"},
        {"{\"0\": {\"weak_labels\": [0, 1]}, \"1\": {\"weak_labels\": [1]}}",
         "item \"1\": 1 vote in \"weak_labels\", expected 2 as in item \"0\""},
        {"{\"0\": {\"weak_labels\": [0, 1.5]}}", "\"weak_labels\"[1]: 1.5 is not a vote"},
        {"{\"0\": {\"weak_labels\": [0, \"spam\"]}}", "\"weak_labels\"[1]: \"spam\" is not a vote"},
        {"{\"0\": {\"weak_labels\": [-2]}}", "\"weak_labels\"[0]: -2 is not a vote"},
        {"{\"0\": {\"weak_labels\": [1000]}}", "\"weak_labels\"[0]: 1000 is not a vote"},
        {"{\"0\": {\"weak_labels\": [0]}, \"0\": {\"weak_labels\": [1]}}",
         "bad.json:1:31: duplicate object key"},
        {"{\"0\": {\"weak_labels\": [0]}", "bad.json:1:26: '}' expected"},
        {"{\"a\": {\"weak_labels\": [0]}, \"x\\ny\": {\"weak_labels\": [1]}}",
         "bad.json: item 1 (counting from 0): item name \"x\ny\" contains a control character"},
        {"{\"a\": {\"weak_labels\": [0]}, \"\": {\"weak_labels\": [1]}}",
         "bad.json: item 1 (counting from 0): item name is empty"},
    };
    const char *path = test_path("bad.json");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_write_file(path, cases[i].text, (size_t)-1);
        chorus_votes *v = NULL;
        ck_assert_error(chorus_votes_read(&v, path, NULL), CHORUS_EFORMAT, cases[i].needle);
        ck_assert_ptr_null(v);
    }
    static const struct {
        const char *text;
        const char *needle;
    } bad_gold[] = {
        {"{\"0\": {\"weak_labels\": [0], \"label\": 2}}",
         "item \"0\": \"label\" is not a gold label; expected -1 or null (unknown) or a class "
         "in 0..1"},
        {"{\"0\": {\"weak_labels\": [0], \"label\": \"1\"}}", "\"label\" is not a gold label"},
        {"[]", "bad.json: expected a JSON object of items"},
    };
    for (size_t i = 0; i < sizeof bad_gold / sizeof *bad_gold; i++) {
        test_write_file(path, bad_gold[i].text, (size_t)-1);
        int32_t *gold = NULL;
        int64_t n = 0;
        ck_assert_error(chorus_gold_read(&gold, &n, path, 2), CHORUS_EFORMAT, bad_gold[i].needle);
        ck_assert_ptr_null(gold);
    }
    chorus_votes *v = NULL;
    ck_assert_error(chorus_votes_read(&v, test_path("missing.json"), NULL), CHORUS_EIO,
                    "missing.json: cannot open");
}
END_TEST

START_TEST(test_format_names_and_no_writer)
{
    ck_assert_int_eq(chorus_format_from_path("data/train.JSON"), CHORUS_FORMAT_WRENCH);
    chorus_votes_format f;
    ck_assert_ok(chorus_format_parse(&f, "wrench"));
    ck_assert_int_eq(f, CHORUS_FORMAT_WRENCH);
    ck_assert_str_eq(chorus_format_name(CHORUS_FORMAT_WRENCH), "wrench");
    chorus_votes *v = NULL;
    ck_assert_ok(
        chorus_votes_read(&v, test_dataset("wrench_youtube/wrench_json/valid.json"), NULL));
    const char *out = test_path("out.json");
    ck_assert_error(chorus_votes_write(v, out, CHORUS_FORMAT_AUTO), CHORUS_EINVAL,
                    "chorus reads WRENCH's .json files but does not write them");
    ck_assert(!test_file_exists(out));
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wrench_json");
    TCase *tc = tcase_create("wrench_json");
    tcase_add_test(tc, test_reads_shipped_file);
    tcase_add_test(tc, test_order_ids_and_unknown_labels);
    tcase_add_test(tc, test_label_json);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_format_names_and_no_writer);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
