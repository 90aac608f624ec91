/* Labeling-function specs: a full spec parsed into its structures, every validation error
 * with its line, column LFs and gold labels. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lf/lf_internal.h"
#include "test_util.h"

/* Writes text to <tmp>/<name> and loads it. */
static int load_text(chorus_lf_set **set, const char *name, const char *text)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    return chorus_lf_set_load(set, path);
}

static chorus_dataset *read_data(const char *path)
{
    chorus_dataset *ds = NULL;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    return ds;
}

START_TEST(test_full_spec_structures)
{
    chorus_lf_set *set;
    ck_assert_ok(chorus_lf_set_load(&set, test_data("lf/full.yaml")));
    ck_assert_str_eq(chorus_lf_set_task(set), "youtube_spam");
    ck_assert_int_eq(chorus_lf_set_n_classes(set), 2);
    ck_assert_str_eq(chorus_lf_set_class_name(set, 1), "SPAM");
    ck_assert_ptr_null(chorus_lf_set_class_name(set, 2));
    ck_assert_str_eq(chorus_lf_set_id_field(set), "COMMENT_ID");
    ck_assert_str_eq(chorus_lf_set_gold_field(set), "CLASS");
    ck_assert_str_eq(set->text_field, "CONTENT");
    ck_assert_int_eq(chorus_lf_set_n_lfs(set), 7);
    static const char *const kinds[] = {"keyword", "keyword", "regex", "heuristic",
                                        "lookup",  "column",  "column"};
    for (int32_t j = 0; j < 7; j++)
        ck_assert_str_eq(chorus_lf_set_lf_kind(set, j), kinds[j]);
    ck_assert_ptr_null(chorus_lf_set_lf_name(set, 7));

    const lf_def *lf = &set->lfs[0];
    ck_assert_str_eq(lf->name, "keyword_my");
    ck_assert_int_eq(lf->line, 10);
    ck_assert_int_eq(lf->vote, 1);
    ck_assert_ptr_null(lf->field);
    ck_assert_str_eq(lf_def_field(set, lf), "CONTENT");
    ck_assert_str_eq(lf->group, "self_promotion");
    ck_assert_int_eq(lf->u.keyword.n_terms, 2);
    ck_assert_str_eq(lf->u.keyword.terms[1], "my video");
    ck_assert(!lf->u.keyword.match_all && !lf->u.keyword.case_sensitive);
    ck_assert(lf->u.keyword.whole_word);

    lf = &set->lfs[1];
    ck_assert(lf->u.keyword.match_all && lf->u.keyword.case_sensitive);
    ck_assert(!lf->u.keyword.whole_word);
    ck_assert_str_eq(lf->field, "CONTENT");

    lf = &set->lfs[2];
    ck_assert_str_eq(lf->u.regex.pattern, "check.*out");
    ck_assert_str_eq(lf->u.regex.flags, "i");
    ck_assert_ptr_nonnull(lf->u.regex.re);
    ck_assert_ptr_null(lf->group);

    lf = &set->lfs[3];
    ck_assert_int_eq(lf->vote, 0);
    const heuristic_node *h = lf->u.heuristic;
    ck_assert_int_eq(h->op, H_ALL);
    ck_assert_int_eq(h->n_children, 3);
    ck_assert_int_eq(h->children[0]->op, H_LEN_LT);
    ck_assert_str_eq(h->children[0]->field, "CONTENT");
    ck_assert_double_eq(h->children[0]->number, 20);
    ck_assert_int_eq(h->children[0]->line, 37);
    ck_assert_int_eq(h->children[1]->op, H_NOT);
    ck_assert_int_eq(h->children[1]->children[0]->op, H_EMPTY);
    ck_assert(h->children[1]->children[0]->flag);
    const heuristic_node *any = h->children[2];
    ck_assert_int_eq(any->op, H_ANY);
    ck_assert_int_eq(any->children[0]->op, H_GE);
    ck_assert_double_eq(any->children[0]->number, 4);
    ck_assert_int_eq(any->children[1]->op, H_IN);
    ck_assert_int_eq(any->children[1]->n_values, 2);
    ck_assert_str_eq(any->children[1]->values[1], "app");

    lf = &set->lfs[4];
    ck_assert_int_eq(lf->vote, 1); /* "vote: 1" names SPAM by index */
    ck_assert_str_eq(lf->field, "AUTHOR");
    ck_assert_ptr_nonnull(strstr(lf->u.lookup.list_path, "tests/data/lf/lists/spam_authors.txt"));
    ck_assert_uint_eq(lf->u.lookup.normalize,
                      NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE);
    ck_assert_int_eq(chorus_string_set_size(lf->u.lookup.set), 3);

    lf = &set->lfs[5];
    ck_assert_int_eq(lf->vote, CHORUS_ABSTAIN);
    ck_assert(!lf->u.column.by_class_name);
    ck_assert_int_eq(lf->u.column.n, 4);
    ck_assert_str_eq(lf->u.column.values[2], "1");
    ck_assert_int_eq(lf->u.column.classes[2], 1);
    ck_assert_int_eq(lf->u.column.classes[3], 0);
    ck_assert(set->lfs[6].u.column.by_class_name);
    chorus_lf_set_free(set);
}
END_TEST

/* The LF sets shipped in labeling_functions/ load as they are. */
START_TEST(test_shipped_sets)
{
    static const struct {
        const char *file, *task;
        int32_t n_lfs;
    } sets[] = {{"../labeling_functions/youtube_spam.yaml", "youtube_spam", 10},
                {"../labeling_functions/sms_spam.yaml", "sms_spam", 73}};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        chorus_lf_set *set;
        ck_assert_ok(chorus_lf_set_load(&set, test_dataset(sets[i].file)));
        ck_assert_str_eq(chorus_lf_set_task(set), sets[i].task);
        ck_assert_int_eq(chorus_lf_set_n_lfs(set), sets[i].n_lfs);
        chorus_lf_set_free(set);
    }
}
END_TEST

START_TEST(test_defaults_and_task_from_file_name)
{
    chorus_lf_set *set;
    test_write_file(test_path("lists.txt"), "x\n", (size_t)-1);
    ck_assert_ok(load_text(&set, "my_task.v2.yml",
                           "classes: [neg, pos, '2']\n"
                           "lfs:\n"
                           "  - {name: kw, kind: keyword, vote: 2, any: single phrase, "
                           "field: body}\n"
                           "  - {name: re.1#x-y, kind: regex, vote: pos, pattern: 'a+', flags: , "
                           "field: body}\n"
                           "  - {name: look, kind: lookup, vote: neg, field: who, "
                           "list: lists.txt, normalize: []}\n"));
    ck_assert_str_eq(chorus_lf_set_task(set), "my_task.v2");
    ck_assert_ptr_null(chorus_lf_set_id_field(set));
    ck_assert_ptr_null(chorus_lf_set_gold_field(set));
    ck_assert_int_eq(set->lfs[0].vote, 2);
    ck_assert_int_eq(set->lfs[0].u.keyword.n_terms, 1);
    ck_assert_str_eq(set->lfs[0].u.keyword.terms[0], "single phrase");
    ck_assert(set->lfs[0].u.keyword.whole_word && !set->lfs[0].u.keyword.case_sensitive);
    ck_assert_ptr_null(set->lfs[1].u.regex.flags);
    ck_assert_uint_eq(set->lfs[2].u.lookup.normalize, 0);
    chorus_lf_set_free(set);
}
END_TEST

#define HEAD "classes: [A, B]\nlfs:\n"

/* Each broken spec fails before any data is read, naming the file, line and LF. */
START_TEST(test_validation_errors)
{
    static const struct {
        const char *text;
        int code;
        const char *needle;
    } cases[] = {
        {"classes: [A, B\n", CHORUS_EFORMAT, "bad.yaml:2: YAML syntax error: did not find "},
        {"classes: [A, B]\nlfs: x\n  y: 1\n", CHORUS_EFORMAT, "bad.yaml:3: YAML syntax error"},
        {"- a\n- b\n", CHORUS_EFORMAT, "bad.yaml:1: the spec is a list; expected a mapping"},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: [x]}\nextra: 1\n", CHORUS_EFORMAT,
         "bad.yaml:4: unknown key 'extra' in the spec; expected one of task, classes, data, lfs"},
        {"clases: [A, B]\n", CHORUS_EFORMAT,
         "bad.yaml:1: unknown key 'clases' (did you mean 'classes'?)"},
        {"task: t\n", CHORUS_EFORMAT, "bad.yaml:1: no classes; expected classes: [NAME"},
        {"classes: A\n", CHORUS_EFORMAT, "bad.yaml:1: classes is a single value; expected a list"},
        {"classes: [A]\nlfs: []\n", CHORUS_EFORMAT,
         "bad.yaml:1: 1 class given; expected 2 or more"},
        {"classes:\n  - A\n  - B\n  - A\n", CHORUS_EFORMAT,
         "bad.yaml:4: class 'A' appears twice (lines 2 and 4)"},
        {"classes: [A, '']\n", CHORUS_EFORMAT, "bad.yaml:1: a class name is empty"},
        {"classes: [1, 0]\n", CHORUS_EFORMAT,
         "bad.yaml:1: class '1' is a number other than its position 0"},
        {"classes: [A, B]\n", CHORUS_EFORMAT, "bad.yaml:1: no lfs; expected lfs: a list"},
        {"classes: [A, B]\nlfs: []\n", CHORUS_EFORMAT, "bad.yaml:2: lfs is empty"},
        {"classes: [A, B]\ndata: {txt: x}\n", CHORUS_EFORMAT,
         "bad.yaml:2: unknown key 'txt' (did you mean 'text'?) in data"},
        {HEAD "  - just_a_name\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function #1: a labeling function is a single value; expected a "
         "mapping"},
        {HEAD "  - kind: keyword\n    vote: A\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function #1: no name; expected name:"},
        {HEAD "  - {name: 'a b', kind: keyword, vote: A, any: [x]}\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function #1: name 'a b' has characters other than"},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: [x], field: t}\n"
              "  - {name: b, kind: keyword, vote: A, any: [x], field: t}\n"
              "  - {name: a, kind: keyword, vote: A, any: [y], field: t}\n",
         CHORUS_EFORMAT,
         "bad.yaml:5: labeling function 'a': defined twice (lines 3 and 5); expected unique "
         "names"},
        {HEAD "  - name: a\n    vote: A\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function 'a': no kind; expected kind: one of keyword"},
        {HEAD "  - name: a\n    kind: gpt\n", CHORUS_EFORMAT,
         "bad.yaml:4: labeling function 'a': kind 'gpt' is not supported by this version of "
         "chorus; expected one of keyword, regex"},
        {HEAD "  - name: a\n    kind: keyword\n    vote: A\n    any: [x]\n    pattern: x\n",
         CHORUS_EFORMAT,
         "bad.yaml:7: labeling function 'a': key 'pattern' belongs to regex labeling functions, "
         "not keyword"},
        {HEAD "  - name: a\n    kind: keyword\n    vot: A\n    any: [x]\n", CHORUS_EFORMAT,
         "bad.yaml:5: labeling function 'a': unknown key 'vot' (did you mean 'vote'?) in a "
         "keyword labeling function; expected one of name, kind, vote, any, all"},
        {HEAD "  - name: a\n    kind: keyword\n    vote: A\n    vote: B\n    any: [x]\n",
         CHORUS_EFORMAT,
         "bad.yaml:6: labeling function 'a': key 'vote' appears twice (lines 5 "
         "and 6)"},
        {HEAD "  - name: a\n    kind: keyword\n    any: [x]\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function 'a': no vote; expected vote: <the class it votes when "
         "it fires>, one of A, B"},
        {HEAD "  - name: a\n    kind: keyword\n    vote: C\n    any: [x]\n", CHORUS_EFORMAT,
         "bad.yaml:5: labeling function 'a': vote: 'C' is not a class; expected one of A, B "
         "(or an index 0..1)"},
        {HEAD "  - name: a\n    kind: keyword\n    vote: 2\n    any: [x]\n", CHORUS_EFORMAT,
         "bad.yaml:5: labeling function 'a': vote: '2' is not a class"},
        {HEAD "  - name: a\n    kind: column\n    field: f\n    vote: A\n", CHORUS_EFORMAT,
         "bad.yaml:6: labeling function 'a': a column labeling function takes its vote from the "
         "data (see map), so 'vote' does not apply"},
        {HEAD "  - name: a\n    kind: plugin\n    vote: A\n", CHORUS_EFORMAT,
         "bad.yaml:5: labeling function 'a': a plugin labeling function takes its vote from the "
         "plugin"},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: [x], all: [y]}\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function 'a': both any and all; expected one of them"},
        {HEAD "  - {name: a, kind: keyword, vote: A}\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function 'a': no terms; expected any: [terms] or all: [terms]"},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: []}\n", CHORUS_EFORMAT,
         "labeling function 'a': any is an empty list"},
        {HEAD "  - name: a\n    kind: keyword\n    vote: A\n    any:\n      - x\n      - ''\n",
         CHORUS_EFORMAT, "bad.yaml:8: labeling function 'a': item 2 of any is empty"},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: [x], whole_word: maybe}\n",
         CHORUS_EFORMAT, "labeling function 'a': whole_word is 'maybe'; expected true or false"},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: [x]}\n", CHORUS_EFORMAT,
         "bad.yaml:3: labeling function 'a': no field to read; expected field: <name> here, or "
         "data: {text: <name>}"},
        {HEAD "  - {name: a, kind: regex, vote: A, field: t}\n", CHORUS_EFORMAT,
         "labeling function 'a': no pattern; expected pattern:"},
        {HEAD "  - name: a\n    kind: regex\n    vote: A\n    field: t\n    pattern: 'check('\n",
         CHORUS_EFORMAT,
         "bad.yaml:7: labeling function 'a': the pattern 'check(' does not compile: missing "
         "closing parenthesis (at offset 6)"},
        {HEAD "  - {name: a, kind: regex, vote: A, field: t, pattern: x, flags: ig}\n",
         CHORUS_EFORMAT,
         "labeling function 'a': flags 'ig': 'g' is not a flag; expected "
         "letters from imsxu"},
        {HEAD "  - {name: a, kind: regex, vote: A, field: t, pattern: x, flags: ii}\n",
         CHORUS_EFORMAT, "flags 'ii': 'i' is repeated"},
        {HEAD "  - {name: a, kind: heuristic, vote: A}\n", CHORUS_EFORMAT,
         "labeling function 'a': no condition; expected when:"},
        {HEAD "  - name: a\n    kind: heuristic\n    vote: A\n    when: {field: x, gte: 3}\n",
         CHORUS_EFORMAT,
         "bad.yaml:6: labeling function 'a': unknown operator 'gte' (did you mean 'ge'?) in a "
         "condition; expected one of field, all, any, not, eq"},
        {HEAD "  - name: a\n    kind: heuristic\n    vote: A\n    when:\n      all:\n"
              "        - {field: x, eq: 1}\n        - {field: x, lt: 1, gt: 0}\n",
         CHORUS_EFORMAT,
         "bad.yaml:9: labeling function 'a': two operators (lt and gt) in one condition; "
         "expected one"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {field: x, lt: abc}}\n",
         CHORUS_EFORMAT, "bad.yaml:3: labeling function 'a': lt needs a number, got 'abc'"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {field: x, length_gt: [1]}}\n",
         CHORUS_EFORMAT, "length_gt needs a number, got '[...]'"},
        {HEAD "  - name: a\n    kind: heuristic\n    vote: A\n    when:\n"
              "      not:\n        - {field: x, empty: true}\n",
         CHORUS_EFORMAT,
         "bad.yaml:8: labeling function 'a': not takes one condition, not a list; expected "
         "not: {condition}"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {all: {field: x, eq: 1}}}\n",
         CHORUS_EFORMAT, "all takes a list of conditions"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {any: []}}\n", CHORUS_EFORMAT,
         "any is an empty list; expected 1 or more conditions"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {field: x}}\n", CHORUS_EFORMAT,
         "no operator for field 'x'; expected one of eq, ne"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {lt: 3}}\n", CHORUS_EFORMAT,
         "operator 'lt' has no field"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {all: [], field: x}}\n",
         CHORUS_EFORMAT, "'all' must be alone in its condition, but 'field' is beside it"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {field: x, in: web}}\n",
         CHORUS_EFORMAT, "in takes a list"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: [{field: x, eq: 1}]}\n",
         CHORUS_EFORMAT, "a condition is a list; expected {field"},
        {HEAD "  - {name: a, kind: heuristic, vote: A, when: {field: x, missing: 1}}\n",
         CHORUS_EFORMAT, "missing is '1'; expected true or false"},
        {HEAD "  - {name: a, kind: lookup, vote: A, field: f}\n", CHORUS_EFORMAT,
         "labeling function 'a': no list; expected list:"},
        {HEAD "  - {name: a, kind: lookup, vote: A, field: f, list: l.txt, normalize: [upper]}\n",
         CHORUS_EFORMAT, "normalize step 'upper' is unknown; expected any of lower, strip"},
        {HEAD "  - name: a\n    kind: lookup\n    vote: A\n    field: f\n"
              "    list: lists/none.txt\n",
         CHORUS_EIO, "bad.yaml:7: labeling function 'a': cannot read the list: "},
        {HEAD "  - {name: a, kind: column}\n", CHORUS_EFORMAT,
         "labeling function 'a': no field; expected field: <the field that holds the votes>"},
        {HEAD "  - name: a\n    kind: column\n    field: f\n    map:\n      yes: A\n"
              "      no: C\n",
         CHORUS_EFORMAT,
         "bad.yaml:8: labeling function 'a': map 'no': 'C' is not a class; expected one of A, B"},
        {HEAD "  - {name: a, kind: column, field: f, map: {}}\n", CHORUS_EFORMAT, "map is empty"},
        {HEAD "  - {name: a, kind: plugin, symbol: f}\n", CHORUS_EFORMAT,
         "labeling function 'a': no library; expected library:"},
        {HEAD "  - {name: a, kind: plugin, library: x.so}\n", CHORUS_EFORMAT,
         "labeling function 'a': no symbol; expected symbol:"},
        {HEAD "  - {name: a, kind: plugin, library: x.so, symbol: 'f()'}\n", CHORUS_EFORMAT,
         "symbol 'f()' is not a C function name"},
        {HEAD "  - name: a\n    kind: plugin\n    library: plugins/none.so\n    symbol: f\n",
         CHORUS_EIO, "bad.yaml:5: labeling function 'a': cannot load the plugin library: "},
        {HEAD "  - {name: a, kind: keyword, vote: A, any: [x], field: t, group: [g]}\n",
         CHORUS_EFORMAT, "labeling function 'a': group is a list; expected a single value"},
        {"classes: [A, B]\nlfs:\n  - {name: a, kind: keyword, vote: A, any: [x], field: t}\n"
         "---\nclasses: [A, B]\n",
         CHORUS_EFORMAT, "bad.yaml:4: a second YAML document; expected one spec per file"},
        {"", CHORUS_EFORMAT, "bad.yaml: the file is empty"},
        {"classes: [A, \xff]\n", CHORUS_EFORMAT,
         "bad.yaml:1: column 14: invalid UTF-8 (byte 0xFF at offset 13)"},
        {HEAD "  - {name: caf\xc3\x28, kind: keyword, vote: A, any: [x], field: t}\n",
         CHORUS_EFORMAT, "bad.yaml:3: column 15: invalid UTF-8 (byte 0xC3 at offset 35)"},
        {HEAD "  - {name: a\xed\xa0\x80, kind: keyword, vote: A, any: [x], field: t}\n",
         CHORUS_EFORMAT, "bad.yaml:3: column 13: invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        chorus_lf_set *set = (chorus_lf_set *)&set; /* must be reset to NULL on failure */
        int rc = load_text(&set, "bad.yaml", cases[i].text);
        ck_assert_msg(rc == cases[i].code, "case %zu: expected %d, got %d (%s)", i, cases[i].code,
                      rc, chorus_error_last());
        ck_assert_msg(strstr(chorus_error_last(), cases[i].needle) != NULL,
                      "case %zu: \"%s\" does not mention \"%s\"", i, chorus_error_last(),
                      cases[i].needle);
        ck_assert_ptr_null(set);
    }
}
END_TEST

START_TEST(test_lookup_error_names_list_path)
{
    chorus_lf_set *set;
    int rc = load_text(&set, "list.yaml",
                       HEAD "  - {name: a, kind: lookup, vote: A, field: f, list: gone.txt}\n");
    ck_assert_error(rc, CHORUS_EIO, "list.yaml:3: labeling function 'a': cannot read the list: ");
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), "/gone.txt: cannot open: No such file"));
}
END_TEST

START_TEST(test_file_errors)
{
    chorus_lf_set *set;
    ck_assert_error(chorus_lf_set_load(&set, test_path("nope.yaml")), CHORUS_EIO,
                    "nope.yaml: cannot open: No such file");
    ck_assert_error(chorus_lf_set_load(&set, test_tmpdir()), CHORUS_EIO, "is a directory");
}
END_TEST

/* A tree nested past the limit, and aliases that would expand to millions of nodes. */
START_TEST(test_hostile_condition_trees)
{
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text,
                                HEAD "  - {name: a, kind: heuristic, "
                                     "vote: A, when: ");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "{not: ");
    n += (size_t)snprintf(text + n, sizeof text - n, "{field: x, empty: true}");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "}");
    snprintf(text + n, sizeof text - n, "}\n");
    chorus_lf_set *set;
    ck_assert_error(load_text(&set, "deep.yaml", text), CHORUS_EFORMAT,
                    "conditions nested more than 64 deep");

    n = (size_t)snprintf(text, sizeof text,
                         HEAD "  - name: a\n    kind: heuristic\n    vote: A\n    when:\n"
                              "      any:\n        - &a0 {field: x, empty: true}\n");
    for (int i = 1; i <= 30; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "        - &a%d {all: [*a%d, *a%d]}\n", i,
                              i - 1, i - 1);
    ck_assert_error(load_text(&set, "alias.yaml", text), CHORUS_EFORMAT,
                    "more than 100000 conditions in the spec");
}
END_TEST

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* Opens <tmp>/<name> for writing a generated spec. */
static FILE *create(const char *name)
{
    FILE *f = fopen(test_path(name), "wb");
    ck_assert_ptr_nonnull(f);
    return f;
}

static int load_written(chorus_lf_set **set, const char *name, FILE *f)
{
    ck_assert_int_eq(fclose(f), 0);
    return chorus_lf_set_load(set, test_path(name));
}

/* 100,000 nested lists: libyaml takes half a minute to fail on this; the nesting limit is
 * checked while it reads events, so it fails at depth 257 at once. */
START_TEST(test_hostile_nesting)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FILE *f = create("nest.yaml");
    fputs(HEAD "  - {name: a, kind: keyword, vote: A, any: ", f);
    for (int i = 0; i < 100000; i++)
        fputc('[', f);
    for (int i = 0; i < 100000; i++)
        fputc(']', f);
    fputs("}\n", f);
    chorus_lf_set *set;
    ck_assert_error(load_written(&set, "nest.yaml", f), CHORUS_EFORMAT,
                    "nest.yaml:3: lists and mappings nested more than 256 deep");
    ck_assert_double_lt(seconds_since(&t0), 10.0);
}
END_TEST

/* A 1 MiB keyword list aliased 10,000 times would be 10 GB of copies. */
START_TEST(test_hostile_alias_expansion)
{
    FILE *f = create("alias.yaml");
    fputs(HEAD "  - {name: lf0, kind: keyword, vote: A, field: t, any: &w [", f);
    for (int i = 0; i < 1 << 17; i++)
        fprintf(f, "%sw%06d", i ? ", " : "", i); /* 9 bytes a term in the file: 1.1 MiB */
    fputs("]}\n", f);
    for (int i = 1; i < 10000; i++)
        fprintf(f, "  - {name: lf%d, kind: keyword, vote: A, field: t, any: *w}\n", i);
    chorus_lf_set *set;
    ck_assert_error(load_written(&set, "alias.yaml", f), CHORUS_EFORMAT,
                    "the spec expands to more than 64 MiB of values");
    /* Each use counts, 7 + 16 bytes a term, 2.9 MiB a use: the 64 MiB run out in the 23rd
     * LF. The line is the list's (where the anchor is). */
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), "alias.yaml:3: labeling function 'lf22'"));

    /* The same for a mapping aliased many times: a column map. */
    f = create("alias_map.yaml");
    fputs(HEAD "  - {name: c0, kind: column, field: f, map: &m {", f);
    for (int i = 0; i < 1 << 16; i++)
        fprintf(f, "%sv%06d: A", i ? ", " : "", i);
    fputs("}}\n", f);
    for (int i = 1; i < 10000; i++)
        fprintf(f, "  - {name: c%d, kind: column, field: f, map: *m}\n", i);
    ck_assert_error(load_written(&set, "alias_map.yaml", f), CHORUS_EFORMAT,
                    "the spec expands to more than 64 MiB of values");

    /* Reuse within the limit is fine. */
    ck_assert_ok(load_text(&set, "reuse.yaml",
                           HEAD "  - {name: a, kind: keyword, vote: A, any: &w [x, y], field: t}\n"
                                "  - {name: b, kind: keyword, vote: B, any: *w, field: u}\n"));
    ck_assert_int_eq(set->lfs[1].u.keyword.n_terms, 2);
    chorus_lf_set_free(set);
}
END_TEST

/* Many LFs: names are checked for repeats through a hash (an all-pairs check of 300,000
 * names took minutes), and past the LF limit the spec fails while it is being read. */
START_TEST(test_many_lfs)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FILE *f = create("many.yaml");
    fputs(HEAD, f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "- {name: a%d, kind: keyword, vote: A, any: x, field: t}\n", i);
    chorus_lf_set *set;
    ck_assert_ok(load_written(&set, "many.yaml", f));
    ck_assert_int_eq(chorus_lf_set_n_lfs(set), 100000);
    chorus_lf_set_free(set);

    f = create("twice.yaml");
    fputs(HEAD, f);
    for (int i = 0; i < 50000; i++)
        fprintf(f, "- {name: a%d, kind: keyword, vote: A, any: x, field: t}\n", i);
    fputs("- {name: a7, kind: keyword, vote: A, any: x, field: t}\n", f);
    /* a7 is on line 3 + 7; the repeat on line 3 + 50000 */
    ck_assert_error(load_written(&set, "twice.yaml", f), CHORUS_EFORMAT,
                    "twice.yaml:50003: labeling function 'a7': defined twice (lines 10 and "
                    "50003)");

    f = create("over.yaml");
    fputs(HEAD, f);
    for (int i = 0; i < 300000; i++) /* counted before they are read as LFs */
        fprintf(f, "- {name: a%d}\n", i);
    /* The 100001st LF is on line 2 + 100001. */
    ck_assert_error(load_written(&set, "over.yaml", f), CHORUS_EFORMAT,
                    "over.yaml:100003: more than 100000 labeling functions; expected at most "
                    "100000");
    ck_assert_double_lt(seconds_since(&t0), 60.0);

    /* A mapping with many keys, one of them twice. */
    f = create("keys.yaml");
    fputs(HEAD "  - {name: c, kind: column, field: f, map: {", f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "v%d: A, ", i);
    fputs("v99: B}}\n", f);
    ck_assert_error(load_written(&set, "keys.yaml", f), CHORUS_EFORMAT,
                    "keys.yaml:3: labeling function 'c': key 'v99' appears twice");
}
END_TEST

START_TEST(test_spec_file_must_be_regular)
{
    chorus_lf_set *set;
    ck_assert_error(chorus_lf_set_load(&set, "/dev/zero"), CHORUS_EIO,
                    "/dev/zero: is a character device; expected a YAML spec in a regular file");
    const char *fifo = test_path("spec.fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_error(chorus_lf_set_load(&set, fifo), CHORUS_EIO, "spec.fifo: is a FIFO");
}
END_TEST

static int n_warnings;
static char warnings[4096];

static void keep_warning(chorus_log_level level, const char *message, void *ctx)
{
    (void)ctx;
    if (level != CHORUS_LOG_WARN) return;
    n_warnings++;
    size_t used = strlen(warnings);
    snprintf(warnings + used, sizeof warnings - used, "%s\n", message);
}

static void start_warnings(void)
{
    n_warnings = 0;
    warnings[0] = '\0';
    chorus_log_set_callback(keep_warning, NULL);
}

/* In double quotes YAML reads "\b" as a backspace: the regex then matches nothing, so the
 * load warns, naming the LF and line; single quotes keep the backslash and do not warn. */
START_TEST(test_control_characters_warn)
{
    chorus_lf_set *set;
    start_warnings();
    int rc =
        load_text(&set, "quotes.yaml",
                  HEAD "  - {name: r, kind: regex, vote: A, pattern: \"\\bwin\\b\", "
                       "field: t}\n"
                       "  - {name: k, kind: keyword, vote: B, any: [ok, \"a\\fb\"], field: t}\n"
                       "  - {name: s, kind: regex, vote: A, pattern: '\\bwin\\b', field: t}\n"
                       "  - {name: t, kind: regex, vote: A, pattern: \"a\\tb\", field: t}\n");
    chorus_log_set_callback(NULL, NULL);
    ck_assert_ok(rc);
    ck_assert_str_eq(set->lfs[0].u.regex.pattern, "\bwin\b");
    ck_assert_str_eq(set->lfs[2].u.regex.pattern, "\\bwin\\b");
    chorus_lf_set_free(set);
    ck_assert_int_eq(n_warnings, 2);
    ck_assert_ptr_nonnull(strstr(warnings, "quotes.yaml:3: labeling function 'r': the pattern "
                                           "contains a backspace (U+0008), which is what \\b "
                                           "means inside double quotes; write it in single "
                                           "quotes"));
    ck_assert_ptr_nonnull(strstr(warnings, "quotes.yaml:4: labeling function 'k': a keyword "
                                           "contains a form feed (U+000C)"));
}
END_TEST

/* After an apply, LFs that never vote, and rules that vote on every item, are named. */
START_TEST(test_coverage_warnings)
{
    chorus_lf_set *set;
    ck_assert_ok(load_text(&set, "cover.yaml",
                           HEAD "  - {name: never, kind: keyword, vote: A, any: [zzz], field: t}\n"
                                "  - {name: always, kind: heuristic, vote: B, when: {field: t, "
                                "missing: false}}\n"
                                "  - {name: some, kind: keyword, vote: A, any: [x], field: t}\n"
                                "  - {name: model, kind: column, field: m}\n"));
    const char *data = test_path("cover.csv");
    test_write_file(data, "t,m\nx,A\ny,B\nz,A\n", (size_t)-1);
    chorus_dataset *ds = read_data(data);
    chorus_votes *votes;
    start_warnings();
    int rc = chorus_lf_apply(&votes, NULL, set, ds, NULL);
    chorus_log_set_callback(NULL, NULL);
    ck_assert_ok(rc);
    /* The column LF votes on every item too, as a model's predictions do: no warning. */
    ck_assert_int_eq(n_warnings, 2);
    ck_assert_ptr_nonnull(strstr(warnings, "1 labeling function voted on none of the 3 items: "
                                           "never;"));
    ck_assert_ptr_nonnull(strstr(warnings, "1 labeling function voted on every one of the 3 "
                                           "items: always;"));
    chorus_votes_free(votes);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_column_vote)
{
    chorus_lf_set *set;
    ck_assert_ok(chorus_lf_set_load(&set, test_data("lf/full.yaml")));
    const lf_column *mapped = &set->lfs[5].u.column;
    const lf_column *by_name = &set->lfs[6].u.column;
    ck_assert_int_eq(lf_column_vote(mapped, set, "spam", 4), 1);
    ck_assert_int_eq(lf_column_vote(mapped, set, "ham", 3), 0);
    ck_assert_int_eq(lf_column_vote(mapped, set, "1", 1), 1);
    ck_assert_int_eq(lf_column_vote(mapped, set, "0", 1), 0);
    /* A map is exact: other spellings, class names not in the map and prefixes abstain. */
    ck_assert_int_eq(lf_column_vote(mapped, set, "SPAM", 4), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(mapped, set, "spa", 3), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(mapped, set, "", 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(mapped, set, NULL, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(by_name, set, "HAM", 3), 0);
    ck_assert_int_eq(lf_column_vote(by_name, set, "SPAM", 4), 1);
    ck_assert_int_eq(lf_column_vote(by_name, set, "1", 1), 1);
    ck_assert_int_eq(lf_column_vote(by_name, set, "2", 1), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(by_name, set, "-1", 2), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(by_name, set, "ham", 3), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(by_name, set, "", 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_column_vote(by_name, set, NULL, 0), CHORUS_ABSTAIN);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_gold)
{
    chorus_lf_set *set;
    ck_assert_ok(chorus_lf_set_load(&set, test_data("lf/full.yaml")));
    chorus_dataset *ds = read_data(test_data("lf/comments.csv"));
    int32_t *gold;
    ck_assert_ok(chorus_lf_set_gold(&gold, set, ds));
    static const int32_t expected[] = {0, 1, 0, 1, -1};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(gold[i], expected[i]);
    chorus_free(gold);
    chorus_dataset_free(ds);

    /* By index, -1 and empty are unknown, anything else names its line. */
    const char *path = test_path("gold.csv");
    test_write_file(path, "CLASS,CONTENT\n1,a\n-1,b\n,c\n0,d\n", (size_t)-1);
    ds = read_data(path);
    ck_assert_ok(chorus_lf_set_gold(&gold, set, ds));
    ck_assert_int_eq(gold[0], 1);
    ck_assert_int_eq(gold[1], -1);
    ck_assert_int_eq(gold[2], -1);
    ck_assert_int_eq(gold[3], 0);
    chorus_free(gold);
    chorus_dataset_free(ds);

    test_write_file(path, "CLASS,CONTENT\nHAM,a\nSPAM,\"multi\nline\"\nspam,c\n", (size_t)-1);
    ds = read_data(path);
    gold = (int32_t *)&gold;
    ck_assert_error(chorus_lf_set_gold(&gold, set, ds), CHORUS_EFORMAT,
                    "line 5 of the data: gold label 'spam' (field CLASS) is not a class; "
                    "expected one of HAM, SPAM, an index 0..1, or empty for unknown");
    ck_assert_ptr_null(gold);
    chorus_dataset_free(ds);

    test_write_file(path, "LABEL,CONTENT\n1,a\n", (size_t)-1);
    ds = read_data(path);
    ck_assert_error(chorus_lf_set_gold(&gold, set, ds), CHORUS_EINVAL,
                    "the data has no gold field 'CLASS'");
    chorus_lf_set_free(set);

    ck_assert_ok(load_text(&set, "nogold.yaml",
                           HEAD "  - {name: a, kind: keyword, vote: A, any: [x], field: t}\n"));
    ck_assert_error(chorus_lf_set_gold(&gold, set, ds), CHORUS_EINVAL, "names no gold field");
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

/* The parsed structures drive the apply engine: every kind votes as designed. */
START_TEST(test_apply_full_spec)
{
    chorus_lf_set *set;
    ck_assert_ok(chorus_lf_set_load(&set, test_data("lf/full.yaml")));
    chorus_dataset *ds = read_data(test_data("lf/comments.csv"));
    chorus_votes *votes;
    ck_assert_ok(chorus_lf_apply(&votes, NULL, set, ds, NULL));
    ck_assert_int_eq(chorus_votes_n_items(votes), 5);
    ck_assert_str_eq(chorus_votes_lf_name(votes, 4), "known_spammer");
    const int A = CHORUS_ABSTAIN;
    static const int32_t expected[5][7] = {
        {-1, -1, -1, 0, -1, 0, 0},   /* c1: short, rated 5 */
        {1, -1, 1, -1, 1, 1, 1},     /* c2: my channel, check out, spam king */
        {-1, -1, -1, -1, -1, 1, -1}, /* c3: no author; model says "1" */
        {-1, 1, -1, -1, -1, -1, 1},  /* c4: please + subscribe; model unsure */
        {-1, -1, -1, 0, 1, 0, 0},    /* c5: DEAL   FINDER collapses to a listed author */
    };
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 7; j++)
            ck_assert_msg(chorus_votes_get(votes, i, j) ==
                              (expected[i][j] < 0 ? A : expected[i][j]),
                          "item %d lf %d: %d", i, j, chorus_votes_get(votes, i, j));
    chorus_votes_free(votes);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spec");
    TCase *load = tcase_create("load");
    tcase_add_test(load, test_full_spec_structures);
    tcase_add_test(load, test_shipped_sets);
    tcase_add_test(load, test_defaults_and_task_from_file_name);
    tcase_add_test(load, test_validation_errors);
    tcase_add_test(load, test_lookup_error_names_list_path);
    tcase_add_test(load, test_file_errors);
    tcase_add_test(load, test_hostile_condition_trees);
    tcase_add_test(load, test_spec_file_must_be_regular);
    tcase_add_test(load, test_control_characters_warn);
    suite_add_tcase(s, load);
    TCase *hostile = tcase_create("hostile");
    tcase_set_timeout(hostile, 120); /* large generated specs; for sanitizer builds */
    tcase_add_test(hostile, test_hostile_nesting);
    tcase_add_test(hostile, test_hostile_alias_expansion);
    tcase_add_test(hostile, test_many_lfs);
    suite_add_tcase(s, hostile);
    TCase *use = tcase_create("use");
    tcase_add_test(use, test_column_vote);
    tcase_add_test(use, test_gold);
    tcase_add_test(use, test_apply_full_spec);
    tcase_add_test(use, test_coverage_warnings);
    suite_add_tcase(s, use);
    return test_run_suite(s);
}
