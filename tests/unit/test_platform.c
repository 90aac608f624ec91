/* Labeling platforms: the shape of each export, the review file each documented platform
 * export becomes, and the bad inputs of both directions. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* Three items: texts and ids, and probabilities whose argmax is SPAM, HAM, SPAM. */
static const char data_csv[] = "id,text,lang\n"
                               "m1,win a free phone,en\n"
                               "m2,\"see you, at lunch\",en\n"
                               "m3,cheap pills,\n";

static chorus_probs *three_probs(void)
{
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 3, 2));
    const double rows[6] = {0.25, 0.75, 0.9, 0.1, 0.4, 0.6};
    memcpy(chorus_probs_data(p), rows, sizeof rows);
    ck_assert_ok(chorus_probs_set_class_name(p, 0, "HAM"));
    ck_assert_ok(chorus_probs_set_class_name(p, 1, "SPAM"));
    return p;
}

/* The probabilities as predict writes them for data with ids: rows named by the ids. */
static chorus_probs *three_named_probs(void)
{
    chorus_probs *p = three_probs();
    const char *names[3] = {"m1", "m2", "m3"};
    for (int64_t i = 0; i < 3; i++)
        ck_assert_ok(chorus_probs_set_item_name(p, i, names[i]));
    return p;
}

static chorus_dataset *three_items(void)
{
    const char *path = test_path("items.csv");
    test_write_file(path, data_csv, (size_t)-1);
    chorus_dataset *ds;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    return ds;
}

static json_t *load_json(const char *path)
{
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    ck_assert_msg(root != NULL, "%s: %s", path, error.text);
    return root;
}

/* Line `line` (from 0) of a JSONL file. */
static json_t *load_line(const char *path, int line)
{
    size_t len;
    char *text = test_read_file(path, &len);
    char *start = text;
    for (int i = 0; i < line; i++) {
        start = strchr(start, '\n');
        ck_assert_ptr_nonnull(start);
        start++;
    }
    json_error_t error;
    json_t *root = json_loadb(start, strcspn(start, "\n"), 0, &error);
    ck_assert_msg(root != NULL, "%s:%d: %s", path, line + 1, error.text);
    free(text);
    return root;
}

START_TEST(label_studio_tasks)
{
    chorus_probs *p = three_probs();
    chorus_dataset *ds = three_items();
    const char *out = test_path("ls.json");
    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    const char *fields[] = {"text"};
    opts.text_fields = fields;
    opts.n_text_fields = 1;
    opts.from_name = "sentiment";
    ck_assert_ok(chorus_platform_export(p, ds, out, CHORUS_PLATFORM_LABEL_STUDIO, &opts));
    json_t *root = load_json(out);
    ck_assert_uint_eq(json_array_size(root), 3);
    json_t *task = json_array_get(root, 1);
    json_t *data = json_object_get(task, "data");
    ck_assert_str_eq(json_string_value(json_object_get(data, "text")), "see you, at lunch");
    ck_assert_int_eq(json_integer_value(json_object_get(data, "chorus_item")), 1);
    ck_assert_ptr_null(json_object_get(data, "lang")); /* only the fields asked for */
    json_t *pred = json_array_get(json_object_get(task, "predictions"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(pred, "model_version")), "chorus");
    ck_assert_double_eq_tol(json_real_value(json_object_get(pred, "score")), 0.9, 1e-12);
    json_t *result = json_array_get(json_object_get(pred, "result"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(result, "from_name")), "sentiment");
    ck_assert_str_eq(json_string_value(json_object_get(result, "to_name")), "text");
    ck_assert_str_eq(json_string_value(json_object_get(result, "type")), "choices");
    json_t *choices = json_object_get(json_object_get(result, "value"), "choices");
    ck_assert_str_eq(json_string_value(json_array_get(choices, 0)), "HAM");
    json_decref(root);
    chorus_probs_free(p);
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(argilla_and_prodigy_records_keep_the_data_id)
{
    chorus_probs *p = three_named_probs();
    chorus_dataset *ds = three_items();
    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    opts.id_field = "id";
    const char *ar = test_path("ar.jsonl"), *pr = test_path("pr.jsonl");
    ck_assert_ok(chorus_platform_export(p, ds, ar, CHORUS_PLATFORM_ARGILLA, &opts));
    json_t *rec = load_line(ar, 2);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "m3");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(rec, "metadata"), "chorus_item")), "m3");
    json_t *fields = json_object_get(rec, "fields");
    ck_assert_str_eq(json_string_value(json_object_get(fields, "text")), "cheap pills");
    ck_assert_str_eq(json_string_value(json_object_get(fields, "lang")), ""); /* empty cell */
    json_t *s = json_array_get(json_object_get(rec, "suggestions"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(s, "question_name")), "label");
    ck_assert_str_eq(json_string_value(json_object_get(s, "value")), "SPAM");
    ck_assert_double_eq_tol(json_real_value(json_object_get(s, "score")), 0.6, 1e-12);
    json_decref(rec);

    ck_assert_ok(chorus_platform_export(p, ds, pr, CHORUS_PLATFORM_PRODIGY, &opts));
    rec = load_line(pr, 0);
    /* the first field (id) is the text, the others go to meta */
    ck_assert_str_eq(json_string_value(json_object_get(rec, "text")), "m1");
    ck_assert_str_eq(json_string_value(json_object_get(rec, "label")), "SPAM");
    json_t *meta = json_object_get(rec, "meta");
    ck_assert_str_eq(json_string_value(json_object_get(meta, "chorus_item")), "m1");
    ck_assert_str_eq(json_string_value(json_object_get(meta, "text")), "win a free phone");
    ck_assert_double_eq_tol(json_real_value(json_object_get(meta, "score")), 0.75, 1e-12);
    json_decref(rec);
    chorus_probs_free(p);
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(export_refuses_what_it_cannot_match)
{
    chorus_probs *p = three_probs();
    chorus_dataset *ds = three_items();
    const char *out = test_path("bad.json");
    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    const char *fields[] = {"text", "body"};
    opts.text_fields = fields;
    opts.n_text_fields = 2;
    ck_assert_error(chorus_platform_export(p, ds, out, CHORUS_PLATFORM_PRODIGY, &opts),
                    CHORUS_EINVAL, "no field 'body'");
    opts.n_text_fields = 1;
    opts.id_field = "lang"; /* "en" twice */
    ck_assert_error(chorus_platform_export(p, ds, out, CHORUS_PLATFORM_PRODIGY, &opts),
                    CHORUS_EINVAL, "data lines 2 and 3");
    opts.id_field = NULL;
    const int64_t ids[3] = {0, 1, 7};
    ck_assert_ok(chorus_probs_set_item_ids(p, ids));
    ck_assert_error(chorus_platform_export(p, ds, out, CHORUS_PLATFORM_PRODIGY, &opts),
                    CHORUS_EINVAL, "item 7 is beyond the data's 3 records");
    ck_assert_ok(chorus_probs_set_item_name(p, 0, "m1"));
    ck_assert_error(chorus_platform_export(p, ds, out, CHORUS_PLATFORM_PRODIGY, &opts),
                    CHORUS_EINVAL, "--id FIELD");
    ck_assert(!test_file_exists(out));
    chorus_probs_free(p);
    chorus_dataset_free(ds);
}
END_TEST

static void assert_import(const char *file, chorus_platform platform, const char *expected)
{
    const char *out = test_path("review.csv");
    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    const char *classes[] = {"HAM", "SPAM"};
    opts.class_names = classes;
    opts.n_classes = 2;
    chorus_platform_import_stats stats;
    ck_assert_ok(chorus_platform_import(test_data(file), platform, out, &opts, &stats));
    size_t len;
    char *text = test_read_file(out, &len);
    ck_assert_str_eq(text, expected);
    free(text);
}

/* The answers of tests/data/platforms/README.md, worked out by hand. */
START_TEST(documented_exports_become_review_files)
{
    assert_import("platforms/label_studio_export.json", CHORUS_PLATFORM_LABEL_STUDIO,
                  "item,answer\n0,SPAM\n1,HAM\n2,\n3,\n4,SPAM\n");
    assert_import("platforms/argilla_v1.jsonl", CHORUS_PLATFORM_ARGILLA,
                  "item,answer\nm1,SPAM\nm2,HAM\nm3,\nm4,HAM\n");
    assert_import("platforms/argilla_v2.jsonl", CHORUS_PLATFORM_ARGILLA,
                  "item,answer\na,HAM\nb,\nc,SPAM\n");
    assert_import("platforms/prodigy_db_out.jsonl", CHORUS_PLATFORM_PRODIGY,
                  "item,answer\n0,SPAM\n1,\n2,\n3,HAM\n4,\n");
}
END_TEST

START_TEST(import_stats_and_jsonl_review)
{
    const char *out = test_path("review.jsonl");
    chorus_platform_import_stats stats;
    ck_assert_ok(chorus_platform_import(test_data("platforms/prodigy_db_out.jsonl"),
                                        CHORUS_PLATFORM_PRODIGY, out, NULL, &stats));
    ck_assert_int_eq(stats.n_tasks, 7);
    ck_assert_int_eq(stats.n_items, 5);
    ck_assert_int_eq(stats.n_answered, 2);
    ck_assert_int_eq(stats.n_ties, 1);
    size_t len;
    char *text = test_read_file(out, &len);
    ck_assert_str_eq(text, "{\"item\":0,\"answer\":\"SPAM\"}\n{\"item\":1,\"answer\":null}\n"
                           "{\"item\":2,\"answer\":null}\n{\"item\":3,\"answer\":\"HAM\"}\n"
                           "{\"item\":4,\"answer\":null}\n");
    free(text);
}
END_TEST

/* Round trip: what export writes, once annotated, imports under the same ids. */
START_TEST(exported_ids_come_back)
{
    chorus_probs *p = three_named_probs();
    chorus_dataset *ds = three_items();
    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    opts.id_field = "id";
    const char *ls = test_path("rt.json"), *out = test_path("rt.csv");
    ck_assert_ok(chorus_platform_export(p, ds, ls, CHORUS_PLATFORM_LABEL_STUDIO, &opts));
    ck_assert_ok(chorus_platform_import(ls, CHORUS_PLATFORM_LABEL_STUDIO, out, &opts, NULL));
    size_t len;
    char *text = test_read_file(out, &len);
    ck_assert_str_eq(text, "item,answer\nm1,\nm2,\nm3,\n"); /* predictions are not answers */
    free(text);
    chorus_probs_free(p);
    chorus_dataset_free(ds);
}
END_TEST

static void assert_bad(const char *name, const char *text, chorus_platform platform,
                       const char *needle)
{
    const char *in = test_path(name), *out = test_path("never.csv");
    test_write_file(in, text, (size_t)-1);
    ck_assert_error(chorus_platform_import(in, platform, out, NULL, NULL), CHORUS_EFORMAT, needle);
    ck_assert(!test_file_exists(out));
}

START_TEST(bad_imports_name_the_place)
{
    assert_bad("a.json", "[\n{\"data\": {\"chorus_item\": 0}},\n{\"data\": {\"t\": 1},}\n]\n",
               CHORUS_PLATFORM_LABEL_STUDIO, "a.json:3: column 19: invalid JSON"); /* the last } */
    assert_bad("b.json", "[{\"data\": {\"chorus_item\": 0}}, {\"data\": {}}]",
               CHORUS_PLATFORM_LABEL_STUDIO, "b.json: task 1 (from 0): no \"chorus_item\"");
    assert_bad("c.json", "{\"data\": {}}", CHORUS_PLATFORM_LABEL_STUDIO, "expected a JSON array");
    assert_bad("d.json", "[{\"data\": {\"chorus_item\": -1}}]", CHORUS_PLATFORM_LABEL_STUDIO,
               "must be an integer >= 0 or a non-empty string");
    assert_bad("e.json",
               "[{\"data\": {\"chorus_item\": 0}, \"annotations\": [{\"result\": [{\"type\": "
               "\"choices\", \"from_name\": \"label\", \"value\": {\"choices\": [\"A\", "
               "\"B\"]}}]}]}]",
               CHORUS_PLATFORM_LABEL_STUDIO,
               "task 0 (from 0), annotation 0, result 0: expected "
               "one class");
    assert_bad("f.jsonl", "{\"meta\": {\"chorus_item\": 0}}\n{\"meta\": {\"chorus_item\": 1}\n",
               CHORUS_PLATFORM_PRODIGY, "f.jsonl:2: column");
    assert_bad("g.jsonl", "{\"meta\": {\"chorus_item\": 0}, \"answer\": \"maybe\"}\n",
               CHORUS_PLATFORM_PRODIGY, "g.jsonl:1: \"answer\" must be");
    assert_bad("h.jsonl", "\n{\"fields\": {}, \"metadata\": {}}\n", CHORUS_PLATFORM_ARGILLA,
               "h.jsonl:2: no \"chorus_item\" in \"metadata\"");
    assert_bad("i.jsonl", "", CHORUS_PLATFORM_ARGILLA, "no tasks");

    /* an answer outside --classes names the place and the value */
    chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
    const char *classes[] = {"ham", "spam"};
    opts.class_names = classes;
    opts.n_classes = 2;
    const char *out = test_path("never.csv");
    ck_assert_error(chorus_platform_import(test_data("platforms/argilla_v1.jsonl"),
                                           CHORUS_PLATFORM_ARGILLA, out, &opts, NULL),
                    CHORUS_EFORMAT,
                    "argilla_v1.jsonl:1, response 0: the answer 'SPAM' is not a "
                    "class (ham, spam)");
    ck_assert(!test_file_exists(out));
}
END_TEST

START_TEST(platform_names)
{
    chorus_platform p;
    ck_assert_ok(chorus_platform_parse(&p, "argilla"));
    ck_assert_int_eq(p, CHORUS_PLATFORM_ARGILLA);
    ck_assert_str_eq(chorus_platform_name(CHORUS_PLATFORM_LABEL_STUDIO), "label-studio");
    ck_assert_error(chorus_platform_parse(&p, "doccano"), CHORUS_EINVAL, "label-studio, argilla");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("platform");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, label_studio_tasks);
    tcase_add_test(tc, argilla_and_prodigy_records_keep_the_data_id);
    tcase_add_test(tc, export_refuses_what_it_cannot_match);
    tcase_add_test(tc, documented_exports_become_review_files);
    tcase_add_test(tc, import_stats_and_jsonl_review);
    tcase_add_test(tc, exported_ids_come_back);
    tcase_add_test(tc, bad_imports_name_the_place);
    tcase_add_test(tc, platform_names);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
