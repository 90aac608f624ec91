/* Probabilistic labels: CSV, JSONL and .npy round trips, item ids and coverage, hostile input. */
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
    /* Coverage was never set, so there is an item column but no covered column. */
    ck_assert_ptr_eq(strstr(text, "item,HAM,SPAM\n"), text);
    ck_assert_ptr_nonnull(strstr(text, "\n1,0.5,0.5\n2,0.1,0.9\n"));
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
        {"covered,MAS\n0.1,0.9\n", ":1: column 1: 'covered' names a column of its own"},
        {"item,A,item\n0,0.1,0.9\n", ":1: column 3: 'item' names a column of its own"},
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

/*
 * A hand-made vote matrix with uncovered items, predicted by majority vote (whose prior
 * stays uniform, so an uncovered item gets 0.5 / 0.5):
 *
 *            lf0  lf1     probabilities   covered   hash tie-break of the item id
 *   item 0 [  .    . ]    0.5  0.5         0        sha1("0") % 2 = 0 -> HAM
 *   item 1 [  1    0 ]    0.5  0.5         1        sha1("1") % 2 = 1 -> SPAM
 *   item 2 [  0    . ]    1    0           1
 *   item 3 [  .    . ]    0.5  0.5         0        sha1("3") % 2 = 1 -> SPAM
 *   item 4 [  .    1 ]    0    1           1
 *
 * (sha1 from Python's hashlib, as in test_eval.c's PY_MOD2.) Dropping the uncovered rows
 * leaves items 1, 2, 4; item 1 is then row 0, whose hash (sha1("0") % 2 = 0) would be HAM:
 * the label must follow the item, not the row.
 */
static chorus_probs *predict_hand_made(void)
{
    static const int32_t dense[] = {-1, -1, 1, 0, 0, -1, -1, -1, -1, 1};
    chorus_votes *votes;
    chorus_model *model;
    chorus_probs *probs;
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_MV;
    ck_assert_ok(chorus_votes_from_dense(&votes, 5, 2, 2, dense));
    ck_assert_ok(chorus_votes_set_class_name(votes, 0, "HAM"));
    ck_assert_ok(chorus_votes_set_class_name(votes, 1, "SPAM"));
    ck_assert_ok(chorus_model_fit(&model, votes, &opts));
    ck_assert_ok(chorus_model_predict(&probs, model, votes));
    chorus_model_free(model);
    chorus_votes_free(votes);
    return probs;
}

static void check_file(const char *path, const char *expected)
{
    char *text = test_read_file(path, NULL);
    ck_assert_str_eq(text, expected);
    free(text);
}

START_TEST(test_predict_marks_uncovered_items)
{
    chorus_probs *p = predict_hand_made();
    const uint8_t *covered = chorus_probs_covered(p);
    ck_assert_ptr_nonnull(covered);
    static const uint8_t expected[] = {0, 1, 1, 0, 1};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(covered[i], expected[i]);
    ck_assert_int_eq(chorus_probs_n_covered(p), 3);
    ck_assert_ptr_null(chorus_probs_item_ids(p)); /* row i is item i */
    ck_assert_int_eq(chorus_probs_item_id(p, 3), 3);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_writers_emit_item_and_covered)
{
    chorus_probs *p = predict_hand_made();
    ck_assert_ok(chorus_probs_write(p, test_path("p.csv"), CHORUS_PROBS_AUTO));
    check_file(test_path("p.csv"), "item,covered,HAM,SPAM\n"
                                   "0,0,0.5,0.5\n"
                                   "1,1,0.5,0.5\n"
                                   "2,1,1,0\n"
                                   "3,0,0.5,0.5\n"
                                   "4,1,0,1\n");
    ck_assert_ok(chorus_probs_write(p, test_path("p.jsonl"), CHORUS_PROBS_AUTO));
    check_file(test_path("p.jsonl"),
               "{\"item\": 0, \"covered\": false, \"label\": 0, \"class\": \"HAM\", "
               "\"probs\": [0.5, 0.5]}\n"
               "{\"item\": 1, \"covered\": true, \"label\": 1, \"class\": \"SPAM\", "
               "\"probs\": [0.5, 0.5]}\n"
               "{\"item\": 2, \"covered\": true, \"label\": 0, \"class\": \"HAM\", "
               "\"probs\": [1, 0]}\n"
               "{\"item\": 3, \"covered\": false, \"label\": 1, \"class\": \"SPAM\", "
               "\"probs\": [0.5, 0.5]}\n"
               "{\"item\": 4, \"covered\": true, \"label\": 1, \"class\": \"SPAM\", "
               "\"probs\": [0, 1]}\n");
    /* A .npy of every item needs no items file. */
    ck_assert_ok(chorus_probs_write(p, test_path("p.npy"), CHORUS_PROBS_AUTO));
    ck_assert(!test_file_exists(test_path("p.items.csv")));
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_writers_after_drop_uncovered)
{
    chorus_probs *p = predict_hand_made();
    ck_assert_ok(chorus_probs_drop_uncovered(p));
    ck_assert_int_eq(chorus_probs_n_items(p), 3);
    const int64_t *ids = chorus_probs_item_ids(p);
    ck_assert_ptr_nonnull(ids);
    ck_assert_int_eq(ids[0], 1);
    ck_assert_int_eq(ids[1], 2);
    ck_assert_int_eq(ids[2], 4);
    ck_assert_int_eq(chorus_probs_n_covered(p), 3);
    ck_assert_ok(chorus_probs_write(p, test_path("d.csv"), CHORUS_PROBS_AUTO));
    check_file(test_path("d.csv"), "item,covered,HAM,SPAM\n"
                                   "1,1,0.5,0.5\n"
                                   "2,1,1,0\n"
                                   "4,1,0,1\n");
    ck_assert_ok(chorus_probs_write(p, test_path("d.jsonl"), CHORUS_PROBS_AUTO));
    check_file(test_path("d.jsonl"),
               "{\"item\": 1, \"covered\": true, \"label\": 1, \"class\": \"SPAM\", "
               "\"probs\": [0.5, 0.5]}\n"
               "{\"item\": 2, \"covered\": true, \"label\": 0, \"class\": \"HAM\", "
               "\"probs\": [1, 0]}\n"
               "{\"item\": 4, \"covered\": true, \"label\": 1, \"class\": \"SPAM\", "
               "\"probs\": [0, 1]}\n");

    /* .npy: the matrix alone, the items beside it; both read back together. */
    ck_assert_ok(chorus_probs_write(p, test_path("d.npy"), CHORUS_PROBS_AUTO));
    check_file(test_path("d.items.csv"), "item,covered\n1,1\n2,1\n4,1\n");
    size_t len;
    char *npy = test_read_file(test_path("d.npy"), &len);
    ck_assert_uint_gt(len, 10);
    /* The header dict follows the 10 bytes of magic, version and length (which hold NULs). */
    ck_assert_ptr_nonnull(strstr(npy + 10, "'descr': '<f8'"));
    ck_assert_ptr_nonnull(strstr(npy + 10, "'shape': (3, 2)"));
    free(npy);
    chorus_probs *back;
    ck_assert_ok(chorus_probs_read(&back, test_path("d.npy"), CHORUS_PROBS_AUTO));
    check_same(p, back);
    ck_assert_int_eq(chorus_probs_item_id(back, 2), 4);
    ck_assert_int_eq(chorus_probs_n_covered(back), 3);
    chorus_probs_free(back);

    /* Rewritten with every item, the .npy leaves no stale items file behind. */
    chorus_probs *full = predict_hand_made();
    ck_assert_ok(chorus_probs_write(full, test_path("d.npy"), CHORUS_PROBS_AUTO));
    ck_assert(!test_file_exists(test_path("d.items.csv")));
    chorus_probs_free(full);

    /* Dropping needs coverage. */
    chorus_probs *unknown = make_probs();
    ck_assert_error(chorus_probs_drop_uncovered(unknown), CHORUS_EINVAL, "covered");
    chorus_probs_free(unknown);
    chorus_probs_free(p);
}
END_TEST

START_TEST(test_items_path)
{
    char *path;
    ck_assert_ok(chorus_probs_items_path(&path, "out/probs.npy"));
    ck_assert_str_eq(path, "out/probs.items.csv");
    chorus_free(path);
    ck_assert_ok(chorus_probs_items_path(&path, "probs.bin"));
    ck_assert_str_eq(path, "probs.bin.items.csv");
    chorus_free(path);
}
END_TEST

/* Reads text written as `name` and checks its shape, ids (NULL: none) and coverage. */
static chorus_probs *read_text(const char *name, const char *text, int64_t n, const int64_t *ids,
                               const uint8_t *covered)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    chorus_probs *p;
    ck_assert_ok(chorus_probs_read(&p, path, CHORUS_PROBS_AUTO));
    ck_assert_int_eq(chorus_probs_n_items(p), n);
    ck_assert_int_eq(chorus_probs_n_classes(p), 2);
    if (ids) {
        ck_assert_ptr_nonnull(chorus_probs_item_ids(p));
        for (int64_t i = 0; i < n; i++)
            ck_assert_int_eq(chorus_probs_item_id(p, i), ids[i]);
    } else {
        ck_assert_ptr_null(chorus_probs_item_ids(p));
    }
    if (covered) {
        ck_assert_ptr_nonnull(chorus_probs_covered(p));
        for (int64_t i = 0; i < n; i++)
            ck_assert_int_eq(chorus_probs_covered(p)[i], covered[i]);
    } else {
        ck_assert_ptr_null(chorus_probs_covered(p));
    }
    return p;
}

START_TEST(test_readers_old_and_new_formats)
{
    static const int64_t ids[] = {3, 7};
    static const uint8_t covered[] = {1, 0};
    chorus_probs *p;
    /* The older CSV: class names only. */
    p = read_text("old.csv", "A,B\n0.25,0.75\n0.5,0.5\n", 2, NULL, NULL);
    ck_assert_str_eq(chorus_probs_class_name(p, 1), "B");
    ck_assert(chorus_probs_const_data(p)[1] == 0.75);
    chorus_probs_free(p);
    p = read_text("new.csv", "item,covered,A,B\n3,1,0.25,0.75\n7,0,0.5,0.5\n", 2, ids, covered);
    ck_assert_str_eq(chorus_probs_class_name(p, 0), "A");
    ck_assert(chorus_probs_const_data(p)[1] == 0.75);
    chorus_probs_free(p);
    p = read_text("ids.csv", "item,A,B\n3,0.25,0.75\n7,0.5,0.5\n", 2, ids, NULL);
    chorus_probs_free(p);

    /* The older JSONL had "item" (the row) but no "covered"; other tools may have neither. */
    static const int64_t rows[] = {0, 1};
    p = read_text("old.jsonl",
                  "{\"item\": 0, \"label\": 1, \"class\": \"B\", \"probs\": [0.25, 0.75]}\n"
                  "{\"item\": 1, \"label\": 0, \"class\": \"A\", \"probs\": [0.5, 0.5]}\n",
                  2, rows, NULL);
    chorus_probs_free(p);
    p = read_text("new.jsonl",
                  "{\"item\": 3, \"covered\": true, \"label\": 1, \"class\": \"B\", "
                  "\"probs\": [0.25, 0.75]}\n"
                  "{\"item\": 7, \"covered\": false, \"label\": 0, \"class\": \"A\", "
                  "\"probs\": [0.5, 0.5]}\n",
                  2, ids, covered);
    chorus_probs_free(p);
    p = read_text("bare.jsonl", "{\"probs\": [0.25, 0.75]}\n{\"probs\": [0.5, 0.5]}\n", 2, NULL,
                  NULL);
    chorus_probs_free(p);

    /* A .npy with an items file beside it, and one without. */
    chorus_probs *m;
    ck_assert_ok(chorus_probs_new(&m, 2, 2));
    for (int c = 0; c < 4; c++)
        chorus_probs_data(m)[c] = 0.5;
    ck_assert_ok(chorus_probs_write(m, test_path("bare.npy"), CHORUS_PROBS_AUTO));
    ck_assert_ok(chorus_probs_read(&p, test_path("bare.npy"), CHORUS_PROBS_AUTO));
    ck_assert_ptr_null(chorus_probs_item_ids(p));
    ck_assert_ptr_null(chorus_probs_covered(p));
    chorus_probs_free(p);
    test_write_file(test_path("bare.items.csv"), "item,covered\n3,1\n7,0\n", (size_t)-1);
    ck_assert_ok(chorus_probs_read(&p, test_path("bare.npy"), CHORUS_PROBS_AUTO));
    ck_assert_int_eq(chorus_probs_item_id(p, 1), 7);
    ck_assert_int_eq(chorus_probs_covered(p)[1], 0);
    chorus_probs_free(p);
    chorus_probs_free(m);
}
END_TEST

START_TEST(test_bad_items_and_coverage)
{
    static const struct {
        const char *name;
        const char *text;
        const char *needle;
    } cases[] = {
        {"ragged.csv", "item,covered,A,B\n0,1,0.5,0.5\n1,1,0.5\n",
         "ragged.csv:3: 3 fields, expected 4"},
        {"cov2.csv", "item,covered,A,B\n0,2,0.5,0.5\n",
         "cov2.csv:2: column 2 (covered): '2' is neither 1"},
        {"covyes.csv", "item,covered,A,B\n0,yes,0.5,0.5\n",
         "covyes.csv:2: column 2 (covered): 'yes' is neither 1"},
        {"covempty.csv", "item,covered,A,B\n0,,0.5,0.5\n", "covempty.csv:2: column 2 (covered)"},
        {"emptyid.csv", "item,covered,A,B\n,1,0.5,0.5\n",
         "emptyid.csv:2: column 1 (item) is empty"},
        {"order.csv", "item,covered,A,B\n5,1,0.5,0.5\n5,1,0.5,0.5\n",
         "order.csv:3: item 5 comes after item 5"},
        {"noclass.csv", "item,covered,A\n0,1,1\n", "noclass.csv:1: 1 columns; expected a header"},
        {"sum.csv", "item,covered,A,B\n0,1,0.5,0.6\n", "sum.csv:2: probabilities sum to 1.1"},
        {"column.csv", "item,covered,A,B\n0,1,-0.5,1.5\n",
         "column.csv:2: column 3: -0.5 is not a probability"},
        {"cov.jsonl", "{\"item\": 0, \"covered\": 1, \"probs\": [0.5, 0.5]}\n",
         "cov.jsonl:1: \"covered\" must be true or false"},
        {"id.jsonl", "{\"item\": 1.5, \"probs\": [0.5, 0.5]}\n",
         "id.jsonl:1: \"item\" must be an integer >= 0 (the item's row in the votes) or a name"},
        {"negid.jsonl", "{\"item\": -1, \"probs\": [0.5, 0.5]}\n", "negid.jsonl:1: \"item\" must"},
        {"mixed.jsonl",
         "{\"item\": 0, \"covered\": true, \"probs\": [0.5, 0.5]}\n{\"item\": 1, \"probs\": [0.5, "
         "0.5]}\n",
         "mixed.jsonl:2: \"covered\" is missing here but given on the first line"},
        {"down.jsonl",
         "{\"item\": 4, \"probs\": [0.5, 0.5]}\n{\"item\": 2, \"probs\": [0.5, 0.5]}\n",
         "down.jsonl:2: item 2 comes after item 4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = test_path(cases[i].name);
        test_write_file(path, cases[i].text, (size_t)-1);
        chorus_probs *p;
        ck_assert_error(chorus_probs_read(&p, path, CHORUS_PROBS_AUTO), CHORUS_EFORMAT,
                        cases[i].needle);
        ck_assert_ptr_null(p);
    }

    /* A broken items file makes its .npy unreadable rather than silently unnamed. */
    chorus_probs *m, *p;
    ck_assert_ok(chorus_probs_new(&m, 2, 2));
    for (int c = 0; c < 4; c++)
        chorus_probs_data(m)[c] = 0.5;
    ck_assert_ok(chorus_probs_write(m, test_path("m.npy"), CHORUS_PROBS_AUTO));
    static const struct {
        const char *text;
        const char *needle;
    } items[] = {
        {"item,covered\n0,1\n", "m.items.csv: 1 items for 2 rows of probabilities"},
        {"item,covered\n0,1\n1,x\n", "m.items.csv:3: column 2 (covered): 'x'"},
        {"id,covered\n0,1\n1,1\n", "m.items.csv:1: expected a header \"item,covered\""},
        {"item,covered\n0,1\n1\n", "m.items.csv:3: 1 fields, expected 2"},
    };
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        test_write_file(test_path("m.items.csv"), items[i].text, (size_t)-1);
        ck_assert_error(chorus_probs_read(&p, test_path("m.npy"), CHORUS_PROBS_AUTO),
                        CHORUS_EFORMAT, items[i].needle);
        ck_assert_ptr_null(p);
    }
    chorus_probs_free(m);
}
END_TEST

START_TEST(test_set_item_ids_and_covered)
{
    chorus_probs *p = make_probs();
    const int64_t down[] = {0, 2, 1}, good[] = {4, 5, 9};
    ck_assert_error(chorus_probs_set_item_ids(p, down), CHORUS_EINVAL,
                    "row 2: item 1 comes after item 2");
    ck_assert_ok(chorus_probs_set_item_ids(p, good));
    ck_assert_int_eq(chorus_probs_item_id(p, 2), 9);
    ck_assert_ok(chorus_probs_set_item_ids(p, NULL));
    ck_assert_int_eq(chorus_probs_item_id(p, 2), 2);
    const uint8_t bad[] = {1, 0, 3}, flags[] = {1, 0, 1};
    ck_assert_error(chorus_probs_set_covered(p, bad), CHORUS_EINVAL, "row 2: covered flag 3");
    ck_assert_int_eq(chorus_probs_n_covered(p), -1);
    ck_assert_ok(chorus_probs_set_covered(p, flags));
    ck_assert_int_eq(chorus_probs_n_covered(p), 2);
    chorus_probs_free(p);
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

START_TEST(test_item_names_written_and_read)
{
    /* Three items named by a crowd file's task ids; the middle one has no vote. */
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 3, 2));
    double *d = chorus_probs_data(p);
    for (int i = 0; i < 6; i++)
        d[i] = 0.5;
    const char *names[] = {"t1", "t,2", "t3"};
    for (int i = 0; i < 3; i++)
        ck_assert_ok(chorus_probs_set_item_name(p, i, names[i]));
    const uint8_t covered[] = {1, 0, 1};
    ck_assert_ok(chorus_probs_set_covered(p, covered));
    const char *csv = test_path("named.csv"), *jsonl = test_path("named.jsonl");
    ck_assert_ok(chorus_probs_write(p, csv, CHORUS_PROBS_CSV));
    char *text = test_read_file(csv, NULL);
    ck_assert_str_eq(text, "item,covered,0,1\nt1,1,0.5,0.5\n\"t,2\",0,0.5,0.5\nt3,1,0.5,0.5\n");
    free(text);
    ck_assert_ok(chorus_probs_write(p, jsonl, CHORUS_PROBS_JSONL));
    text = test_read_file(jsonl, NULL);
    ck_assert(strstr(text, "{\"item\": \"t1\", \"covered\": true") == text);
    free(text);
    for (int f = 0; f < 2; f++) {
        chorus_probs *back;
        ck_assert_ok(chorus_probs_read(&back, f ? jsonl : csv, CHORUS_PROBS_AUTO));
        ck_assert(chorus_probs_has_item_names(back));
        ck_assert_ptr_null(chorus_probs_item_ids(back));
        ck_assert_str_eq(chorus_probs_item_name(back, 1), "t,2");
        chorus_probs_free(back);
    }
    /* Dropping uncovered rows keeps the names of the others. */
    ck_assert_ok(chorus_probs_drop_uncovered(p));
    ck_assert_int_eq(chorus_probs_n_items(p), 2);
    ck_assert_str_eq(chorus_probs_item_name(p, 1), "t3");
    chorus_probs_free(p);
    /* A column of integers and names is names throughout, even a decreasing one. */
    test_write_file(csv, "item,A,B\n10,0.5,0.5\n9,0.5,0.5\nx,0.5,0.5\n", (size_t)-1);
    ck_assert_ok(chorus_probs_read(&p, csv, CHORUS_PROBS_CSV));
    ck_assert_str_eq(chorus_probs_item_name(p, 1), "9");
    chorus_probs_free(p);
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
    tcase_add_test(tc, test_item_names_written_and_read);
    tcase_add_test(tc, test_predict_marks_uncovered_items);
    tcase_add_test(tc, test_writers_emit_item_and_covered);
    tcase_add_test(tc, test_writers_after_drop_uncovered);
    tcase_add_test(tc, test_items_path);
    tcase_add_test(tc, test_readers_old_and_new_formats);
    tcase_add_test(tc, test_bad_items_and_coverage);
    tcase_add_test(tc, test_set_item_ids_and_covered);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
