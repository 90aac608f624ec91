/* Applying byte ranges of a data file (chorus/data_range.h, chorus_lf_apply_range) and
 * streaming a whole file (chorus_lf_apply_file): the ranges merged in order, and the stream,
 * give the .chv of the dataset read into memory and applied, byte for byte. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static const char *const spec_text =
    "classes: [neg, pos]\n"
    "data:\n"
    "  text: text\n"
    "%s"
    "lfs:\n"
    "  - {name: kw, kind: keyword, vote: pos, any: [good, great]}\n"
    "  - {name: re, kind: regex, vote: neg, pattern: \"ba+d\"}\n"
    "  - {name: short, kind: heuristic, vote: neg,\n"
    "     when: {field: text, length_lt: 4}}\n";

static chorus_lf_set *load_spec(int with_id)
{
    char text[1024];
    snprintf(text, sizeof text, spec_text, with_id ? "  id: id\n" : "");
    const char *path = test_path(with_id ? "spec_id.yaml" : "spec.yaml");
    test_write_file(path, text, (size_t)-1);
    chorus_lf_set *set = NULL;
    ck_assert_ok(chorus_lf_set_load(&set, path));
    return set;
}

static char *chv_bytes(const chorus_votes *votes, size_t *len)
{
    const char *path = test_path("out.chv");
    ck_assert_ok(chorus_votes_write(votes, path, CHORUS_FORMAT_CHV));
    return test_read_file(path, len);
}

static void assert_same_chv(const chorus_votes *a, const chorus_votes *b, const char *what)
{
    size_t len_a, len_b;
    char *bytes_a = chv_bytes(a, &len_a), *bytes_b = chv_bytes(b, &len_b);
    ck_assert_msg(len_a == len_b && memcmp(bytes_a, bytes_b, len_a) == 0,
                  "%s: the .chv differs from the whole file's", what);
    free(bytes_a);
    free(bytes_b);
}

/* The whole file in memory, the whole file streamed, and its ranges for n = 1..max_n merged:
 * all the same .chv. */
static void check_ranges(const chorus_lf_set *set, const char *data_path,
                         const chorus_data_options *o, int32_t max_n)
{
    char data[4096]; /* test_path's buffers are reused */
    snprintf(data, sizeof data, "%s", data_path);
    chorus_dataset *ds = NULL;
    chorus_votes *whole = NULL, *streamed = NULL;
    ck_assert_ok(chorus_dataset_read(&ds, data, o));
    ck_assert_ok(chorus_lf_apply(&whole, NULL, set, ds, NULL));
    ck_assert_ok(chorus_lf_apply_file(&streamed, NULL, set, data, o, NULL));
    assert_same_chv(whole, streamed, "streamed");
    size_t size;
    free(test_read_file(data, &size));
    for (int32_t n = 1; n <= max_n; n++) {
        chorus_data_range ranges[16];
        chorus_votes *parts[16], *merged = NULL;
        ck_assert_ok(chorus_data_split(ranges, n, data, o));
        ck_assert_int_eq(ranges[0].begin, 0);
        ck_assert_int_eq(ranges[n - 1].end, (int64_t)size);
        for (int32_t r = 0; r < n; r++) {
            if (r > 0) ck_assert_int_eq(ranges[r].begin, ranges[r - 1].end);
            ck_assert_ok(chorus_lf_apply_range(&parts[r], NULL, set, data, o, &ranges[r], NULL));
        }
        ck_assert_ok(chorus_lf_apply_merge(&merged, set, parts, ranges, n));
        char what[64];
        snprintf(what, sizeof what, "%d ranges", n);
        assert_same_chv(whole, merged, what);
        for (int32_t r = 0; r < n; r++)
            chorus_votes_free(parts[r]);
        chorus_votes_free(merged);
    }
    chorus_votes_free(whole);
    chorus_votes_free(streamed);
    chorus_dataset_free(ds);
}

/* Records with quoted fields holding newlines (LF and CRLF), doubled quotes and commas. */
static const char *write_quoted_csv(void)
{
    static char text[16384];
    size_t used = (size_t)snprintf(text, sizeof text, "id,text\r\n");
    for (int i = 0; i < 60; i++) {
        const char *forms[] = {"\"multi\nline bad\"",
                               "\"say \"\"great\"\", ok\"",
                               "ok",
                               "\"a\r\nb\nc\nd great\"",
                               "baaad",
                               "\"\n\n\n\"",
                               "good day"};
        used += (size_t)snprintf(text + used, sizeof text - used, "r%d,%s%s", i, forms[i % 7],
                                 i % 5 == 4 ? "\r\n" : "\n");
    }
    static char path[4096];
    snprintf(path, sizeof path, "%s", test_path("quoted.csv"));
    test_write_file(path, text, used);
    return path;
}

START_TEST(test_csv_with_quoted_newlines)
{
    chorus_lf_set *set = load_spec(0), *with_id = load_spec(1);
    const char *data = write_quoted_csv();
    check_ranges(set, data, NULL, 6);
    check_ranges(with_id, data, NULL, 6);
    chorus_lf_set_free(set);
    chorus_lf_set_free(with_id);
}
END_TEST

/*
 * One long quoted field with newlines in the middle of the file: the middle of the file is
 * inside it, so a range cut at the next newline would start inside the field. The second of
 * two ranges must start at the record after it.
 */
START_TEST(test_split_inside_quoted_field)
{
    chorus_lf_set *set = load_spec(0);
    char text[8192];
    size_t used = (size_t)snprintf(text, sizeof text, "id,text\nr0,good\nr1,bad\nr2,\"");
    const size_t field_start = used;
    for (int i = 0; i < 400; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "x%s", i % 10 ? "" : "\n");
    used += (size_t)snprintf(text + used, sizeof text - used, "\"\n");
    const size_t after = used; /* r3 starts here: line 2 + 3 records + 40 newlines inside */
    used += (size_t)snprintf(text + used, sizeof text - used, "r3,great\nr4,baad\n");
    char data[4096];
    snprintf(data, sizeof data, "%s", test_path("long.csv"));
    test_write_file(data, text, used);
    chorus_data_range ranges[2];
    ck_assert_ok(chorus_data_split(ranges, 2, data, NULL));
    ck_assert(field_start < used / 2 && used / 2 < after); /* the middle is in r2's field */
    ck_assert_int_eq(ranges[1].begin, (int64_t)after);
    ck_assert_int_eq(ranges[1].first_row, 3);
    ck_assert_int_eq(ranges[1].first_line, 1 + 3 + 40 + 1);
    check_ranges(set, data, NULL, 4);

    /* The steps one process each would do give the same ranges. */
    chorus_data_split_counts before = CHORUS_DATA_SPLIT_COUNTS_INIT, chunk;
    chorus_data_range located;
    ck_assert_ok(chorus_data_split_scan(&chunk, data, NULL, 0, 2));
    chorus_data_split_counts_add(&before, &chunk);
    ck_assert_int_eq(before.quotes % 2, 1); /* chunk 0 ends inside the quotes */
    ck_assert_ok(chorus_data_split_locate(&located, data, NULL, 1, 2, &before));
    ck_assert_int_eq(located.begin, ranges[1].begin);
    ck_assert_int_eq(located.first_row, 3);

    /* Cut by hand at the newline inside the field: the first range's record runs past it. */
    chorus_data_range wrong = {0, (int64_t)after - 11, 1, 0};
    chorus_votes *votes = NULL;
    ck_assert_error(chorus_lf_apply_range(&votes, NULL, set, data, NULL, &wrong, NULL),
                    CHORUS_EFORMAT, "long.csv:4: the record at this line runs past byte");
    ck_assert_ptr_null(votes);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_jsonl)
{
    chorus_lf_set *set = load_spec(0), *with_id = load_spec(1);
    char text[16384];
    size_t used = 0;
    for (int i = 0; i < 80; i++) {
        if (i % 9 == 3)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "{\"id\": \"r%d\", \"other\": 1}\n", i);
        else
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "{\"id\": \"r%d\", \"text\": \"%s \\\"q\\\" %d\"}\n", i,
                                     i % 3 ? "good" : "bad", i);
    }
    char data[4096];
    snprintf(data, sizeof data, "%s", test_path("d.jsonl"));
    test_write_file(data, text, used);
    check_ranges(set, data, NULL, 6);
    check_ranges(with_id, data, NULL, 6);
    chorus_lf_set_free(set);
    chorus_lf_set_free(with_id);
}
END_TEST

START_TEST(test_fewer_records_than_ranges)
{
    chorus_lf_set *set = load_spec(1);
    char csv[4096], jsonl[4096];
    snprintf(csv, sizeof csv, "%s", test_path("two.csv"));
    snprintf(jsonl, sizeof jsonl, "%s", test_path("two.jsonl"));
    test_write_file(csv, "id,text\na,good\nb,bad\n", (size_t)-1);
    test_write_file(jsonl, "{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\", \"text\": \"bad\"}",
                    (size_t)-1);
    check_ranges(set, csv, NULL, 8);
    check_ranges(set, jsonl, NULL, 8);
    chorus_lf_set_free(set);
}
END_TEST

/* Rows skipped in a later range only: the whole file names every item by its row number, so
 * the merge does too, for the ranges that skipped nothing. Blank lines count as rows. */
START_TEST(test_skipped_rows_name_items)
{
    chorus_lf_set *set = load_spec(0);
    char text[16384];
    size_t used = (size_t)snprintf(text, sizeof text, "id,text\n");
    for (int i = 0; i < 60; i++) {
        const char *row = i == 45 ? "r,ragged,row" : i == 50 ? "" : i % 2 ? "x,good" : "y,\"bad\"";
        used += (size_t)snprintf(text + used, sizeof text - used, "%s\n", row);
    }
    used += (size_t)snprintf(text + used, sizeof text - used, "\n\n");
    char data[4096];
    snprintf(data, sizeof data, "%s", test_path("skip.csv"));
    test_write_file(data, text, used);
    chorus_data_options o = CHORUS_DATA_OPTIONS_INIT;
    o.skip_bad_rows = 1;
    check_ranges(set, data, &o, 6);
    chorus_votes *votes = NULL;
    ck_assert_ok(chorus_lf_apply_file(&votes, NULL, set, data, &o, NULL));
    ck_assert_int_eq(chorus_votes_n_items(votes), 58);
    ck_assert_str_eq(chorus_votes_item_name(votes, 0), "0");
    ck_assert_str_eq(chorus_votes_item_name(votes, 45), "46"); /* row 45 was skipped */
    ck_assert_str_eq(chorus_votes_item_name(votes, 49), "51"); /* and the blank row 50 */
    chorus_votes_free(votes);
    chorus_lf_set_free(set);
}
END_TEST

/* An id given twice, in two different ranges: found by the merge. */
START_TEST(test_duplicate_id_across_ranges)
{
    chorus_lf_set *set = load_spec(1);
    char data[4096];
    snprintf(data, sizeof data, "%s", test_path("dup.csv"));
    test_write_file(data, "id,text\na,good\nb,bad\nc,ok\na,good\n", (size_t)-1);
    chorus_votes *votes = NULL;
    ck_assert_error(chorus_lf_apply_file(&votes, NULL, set, data, NULL, NULL), CHORUS_EFORMAT,
                    "dup.csv:5: id 'a' (field 'id') is already the id of line 2");
    chorus_data_range ranges[2];
    chorus_votes *parts[2];
    ck_assert_ok(chorus_data_split(ranges, 2, data, NULL));
    ck_assert_int_gt(ranges[1].first_row, 0);
    for (int r = 0; r < 2; r++)
        ck_assert_ok(chorus_lf_apply_range(&parts[r], NULL, set, data, NULL, &ranges[r], NULL));
    ck_assert_error(chorus_lf_apply_merge(&votes, set, parts, ranges, 2), CHORUS_EFORMAT,
                    "id 'a' (field 'id'");
    ck_assert_ptr_null(votes);
    chorus_votes_free(parts[0]);
    chorus_votes_free(parts[1]);
    chorus_lf_set_free(set);
}
END_TEST

/* Streaming JSONL: a field no record has is an error only once the whole file is read. */
START_TEST(test_stream_jsonl_missing_field)
{
    chorus_lf_set *set = load_spec(0);
    const char *data = test_path("nofield.jsonl");
    test_write_file(data, "{\"body\": \"good\"}\n{\"body\": \"bad\", \"n\": null}\n", (size_t)-1);
    chorus_votes *votes = NULL;
    ck_assert_error(chorus_lf_apply_file(&votes, NULL, set, data, NULL, NULL), CHORUS_EFORMAT,
                    "the data has no field 'text' (fields: body)");
    ck_assert_ptr_null(votes);
    chorus_lf_set_free(set);
}
END_TEST

/* Ranges of JSONL: each keeps the fields its records had; joined, they are checked as one
 * process checks the whole file. A field only the second range has is the file's. */
START_TEST(test_ranges_jsonl_fields_checked_joined)
{
    chorus_lf_set *set = load_spec(0);
    const char *data = test_path("fields.jsonl");
    test_write_file(data, "{\"body\": \"good\"}\n{\"body\": \"bad\", \"n\": null}\n", (size_t)-1);
    char path[4096];
    snprintf(path, sizeof path, "%s", data);
    chorus_data_range ranges[2];
    ck_assert_ok(chorus_data_split(ranges, 2, path, NULL));
    const char *joined[8];
    int32_t n_joined = 0;
    chorus_apply_report *reports[2];
    for (int r = 0; r < 2; r++) {
        chorus_votes *part = NULL;
        ck_assert_ok(chorus_lf_apply_range(&part, &reports[r], set, path, NULL, &ranges[r], NULL));
        /* "n" is null, so no record has it; a range may hold no record at all. */
        ck_assert_ptr_nonnull(reports[r]->fields_seen);
        ck_assert_int_le(reports[r]->n_fields_seen, 1);
        for (int32_t f = 0; f < reports[r]->n_fields_seen; f++) {
            ck_assert_str_eq(reports[r]->fields_seen[f], "body");
            joined[n_joined++] = reports[r]->fields_seen[f];
        }
        chorus_votes_free(part);
    }
    ck_assert_int_ge(n_joined, 1);
    ck_assert_error(chorus_lf_apply_check_fields(set, joined, n_joined), CHORUS_EFORMAT,
                    "the data has no field 'text' (fields: body)");
    joined[n_joined++] = "text";
    ck_assert_ok(chorus_lf_apply_check_fields(set, joined, n_joined));
    for (int r = 0; r < 2; r++)
        chorus_apply_report_free(reports[r]);
    /* A CSV range keeps none: every range has the header's fields. */
    const char *csv = test_path("fields.csv");
    test_write_file(csv, "text\ngood\nbad\n", (size_t)-1);
    snprintf(path, sizeof path, "%s", csv);
    ck_assert_ok(chorus_data_split(ranges, 2, path, NULL));
    chorus_votes *part = NULL;
    ck_assert_ok(chorus_lf_apply_range(&part, &reports[0], set, path, NULL, &ranges[1], NULL));
    ck_assert_ptr_null(reports[0]->fields_seen);
    ck_assert_int_eq(reports[0]->n_fields_seen, 0);
    chorus_apply_report_free(reports[0]);
    chorus_votes_free(part);
    chorus_lf_set_free(set);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apply_range");
    TCase *tc = tcase_create("ranges");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_csv_with_quoted_newlines);
    tcase_add_test(tc, test_split_inside_quoted_field);
    tcase_add_test(tc, test_jsonl);
    tcase_add_test(tc, test_fewer_records_than_ranges);
    tcase_add_test(tc, test_skipped_rows_name_items);
    tcase_add_test(tc, test_duplicate_id_across_ranges);
    tcase_add_test(tc, test_stream_jsonl_missing_field);
    tcase_add_test(tc, test_ranges_jsonl_fields_checked_joined);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
