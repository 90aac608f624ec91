/* Heuristic labeling functions: every operator and combinator evaluated on real datasets. */
#include <stdio.h>
#include <string.h>

#include "lf/lf_internal.h"
#include "lf/spec_internal.h"
#include "test_util.h"

typedef struct condition_case {
    const char *when;
    const char *expected; /* one character per record: 1 = true, 0 = false */
} condition_case;

/* One heuristic LF per case, applied to a dataset written to a file of the given name. */
static void check_conditions(const char *data_name, const char *data, const condition_case *cases,
                             size_t n)
{
    char spec[8192];
    size_t used = (size_t)snprintf(spec, sizeof spec, "classes: [A, B]\nlfs:\n");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(spec + used, sizeof spec - used,
                                 "  - {name: c%zu, kind: heuristic, vote: B, when: %s}\n", i,
                                 cases[i].when);
    ck_assert_uint_lt(used, sizeof spec);
    const char *spec_path = test_path("h.yaml");
    test_write_file(spec_path, spec, (size_t)-1);
    const char *data_path = test_path(data_name);
    test_write_file(data_path, data, (size_t)-1);
    chorus_lf_set *set;
    chorus_dataset *ds;
    ck_assert_ok(chorus_lf_set_load(&set, spec_path));
    ck_assert_ok(chorus_dataset_read(&ds, data_path, NULL));
    for (size_t i = 0; i < n; i++) {
        lf_def *lf = &set->lfs[i];
        ck_assert_ok(heuristic_bind(lf->u.heuristic, ds, set->path, lf->name));
        ck_assert_int_eq(strlen(cases[i].expected), chorus_dataset_n_records(ds));
        for (int64_t r = 0; r < chorus_dataset_n_records(ds); r++) {
            bool want = cases[i].expected[r] == '1';
            ck_assert_msg(heuristic_eval(lf->u.heuristic, ds, r) == want,
                          "%s on record %lld: expected %s", cases[i].when, (long long)r,
                          want ? "true" : "false");
        }
    }
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}

START_TEST(test_operators_on_csv)
{
    static const char data[] = "id,text,rating,source,author\n"
                               "1,h\xc3\xa9llo w\xc3\xb6rld,4.5,web,Ann\n"
                               "2,,3,app,\n"
                               "3,short,abc,mail,Bob\n"
                               "4,\"a much longer comment here\",10,web,Cy\n";
    static const condition_case cases[] = {
        {"{field: rating, eq: 4.50}", "1000"},
        {"{field: source, eq: web}", "1001"},
        {"{field: source, ne: web}", "0110"},
        {"{field: rating, eq: '3'}", "0100"},
        {"{field: id, eq: '01'}", "1000"}, /* both numbers: compared by value */
        {"{field: rating, ne: 3.0}", "1011"},
        {"{field: rating, lt: 4}", "0100"},
        {"{field: rating, le: 3}", "0100"},
        {"{field: rating, gt: 4}", "1001"},
        {"{field: rating, ge: 10}", "0001"},
        {"{field: rating, ge: -1e3}", "1101"},    /* 'abc' is no number: false either way */
        {"{field: text, length_eq: 11}", "1000"}, /* characters, not bytes */
        {"{field: text, length_lt: 1}", "0100"},
        {"{field: text, length_gt: 11}", "0001"},
        {"{field: text, length_le: 5}", "0110"},
        {"{field: text, length_ge: 26}", "0001"},
        {"{field: source, in: [web, app]}", "1101"},
        {"{field: source, not_in: [web, app]}", "0010"},
        {"{field: text, contains: \"w\xc3\xb6r\"}", "1000"},
        {"{field: text, contains: Short}", "0000"},
        {"{field: author, empty: true}", "0100"},
        {"{field: author, empty: false}", "1011"},
        {"{field: author, missing: false}", "1111"},
        {"{all: [{field: source, eq: web}, {field: rating, gt: 5}]}", "0001"},
        {"{any: [{field: text, contains: short}, {field: author, empty: true}]}", "0110"},
        {"{not: {field: source, in: [web]}}", "0110"},
        {"{not: {not: {any: [{field: id, eq: 2}, {all: [{field: id, ge: 4}]}]}}}", "0101"},
    };
    check_conditions("h.csv", data, cases, sizeof cases / sizeof *cases);
}
END_TEST

/* JSONL records may lack a field, or hold null: both are missing. */
START_TEST(test_missing_fields_on_jsonl)
{
    static const char data[] = "{\"id\": 1, \"text\": \"hi\", \"meta\": {\"rating\": 5}}\n"
                               "{\"id\": 2, \"meta\": {\"rating\": null}}\n"
                               "{\"id\": 3, \"text\": \"\", \"meta\": {\"rating\": \"5\"}}\n";
    static const condition_case cases[] = {
        {"{field: text, missing: true}", "010"},
        {"{field: text, empty: true}", "011"},
        {"{field: meta.rating, ge: 5}", "101"},
        {"{field: meta.rating, missing: true}", "010"},
        {"{field: text, eq: ''}", "001"}, /* a missing field equals nothing */
        {"{field: text, ne: hi}", "011"},
        {"{field: text, in: [hi, '']}", "101"},
        {"{field: text, not_in: [hi]}", "011"},
        {"{field: text, length_lt: 1}", "011"}, /* a missing field has length 0 */
        {"{field: text, contains: h}", "100"},
        {"{field: meta.rating, lt: 100}", "101"},
    };
    check_conditions("h.jsonl", data, cases, sizeof cases / sizeof *cases);
}
END_TEST

/* Fields are checked against the data only when it is there, naming the condition's line. */
START_TEST(test_unknown_field_at_bind)
{
    const char *spec_path = test_path("bind.yaml");
    test_write_file(spec_path,
                    "classes: [A, B]\n"
                    "lfs:\n"
                    "  - name: short_comment\n"
                    "    kind: heuristic\n"
                    "    vote: A\n"
                    "    when:\n"
                    "      any:\n"
                    "        - {field: text, length_lt: 20}\n"
                    "        - {field: ratin, ge: 4}\n",
                    (size_t)-1);
    const char *data_path = test_path("bind.csv");
    test_write_file(data_path, "id,text,rating\n1,hi,5\n", (size_t)-1);
    chorus_lf_set *set;
    chorus_dataset *ds;
    ck_assert_ok(chorus_lf_set_load(&set, spec_path));
    ck_assert_ok(chorus_dataset_read(&ds, data_path, NULL));
    const lf_def *lf = &set->lfs[0];
    ck_assert_error(heuristic_bind(lf->u.heuristic, ds, set->path, lf->name), CHORUS_EFORMAT,
                    "bind.yaml:9: labeling function 'short_comment': the data has no field "
                    "'ratin' (fields: id, text, rating)");
    /* Applying reports it the same way, before any record is looked at. */
    chorus_votes *votes = NULL;
    ck_assert_error(chorus_lf_apply(&votes, NULL, set, ds, NULL), CHORUS_EFORMAT,
                    "bind.yaml:9: labeling function 'short_comment': the data has no field "
                    "'ratin'");
    ck_assert_ptr_null(votes);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_number_parsing)
{
    double x;
    ck_assert(heuristic_parse_number("4", 1, &x) && x == 4);
    ck_assert(heuristic_parse_number(" -2.5e1 ", 8, &x) && x == -25);
    ck_assert(!heuristic_parse_number("0x10", 4, &x));
    ck_assert(!heuristic_parse_number("nan", 3, &x));
    ck_assert(!heuristic_parse_number("inf", 3, &x));
    ck_assert(!heuristic_parse_number("1e999", 5, &x));
    ck_assert(!heuristic_parse_number("", 0, &x));
    ck_assert(!heuristic_parse_number("4 5", 3, &x));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("heuristic");
    TCase *tc = tcase_create("heuristic");
    tcase_add_test(tc, test_operators_on_csv);
    tcase_add_test(tc, test_missing_fields_on_jsonl);
    tcase_add_test(tc, test_unknown_field_at_bind);
    tcase_add_test(tc, test_number_parsing);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
