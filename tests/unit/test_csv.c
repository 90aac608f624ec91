/* Dense and triples CSV vote matrices: reading, writing, and hostile input. */
#include <stdlib.h>
#include <string.h>

#include "io/text_reader.h"
#include "test_util.h"

static chorus_votes *read_text(const char *name, const char *text, int32_t n_classes, int *rc)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.n_classes = n_classes;
    chorus_votes *v = NULL;
    *rc = chorus_votes_read(&v, path, &opts);
    return v;
}

START_TEST(test_dense_reads_votes_and_names)
{
    int rc;
    chorus_votes *v =
        read_text("a.csv", "kw_free,re_win,short\n1,-1,0\n-1,-1,-1\r\n-1,1,1\n", 0, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 3);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 3);
    ck_assert_int_eq(chorus_votes_n_classes(v), 2);
    ck_assert_int_eq(chorus_votes_nnz(v), 4);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), 0);
    ck_assert_int_eq(chorus_votes_get(v, 1, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 2, 1), 1);
    ck_assert_str_eq(chorus_votes_lf_name(v, 1), "re_win");
    ck_assert_int_eq(chorus_votes_has_lf_names(v), 1);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_dense_class_count_from_option)
{
    int rc;
    chorus_votes *v = read_text("k.csv", "a,b\n0,1\n", 5, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_classes(v), 5);
    chorus_votes_free(v);
    /* With no votes above 0 and no option, a matrix still has two classes. */
    v = read_text("k2.csv", "a,b\n0,-1\n", 0, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_classes(v), 2);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_dense_quoted_header)
{
    int rc;
    chorus_votes *v = read_text("q.csv", "\"has, comma\",\"say \"\"hi\"\"\"\n0,1\n", 0, &rc);
    ck_assert_ok(rc);
    ck_assert_str_eq(chorus_votes_lf_name(v, 0), "has, comma");
    ck_assert_str_eq(chorus_votes_lf_name(v, 1), "say \"hi\"");
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_dense_round_trip)
{
    int rc;
    chorus_votes *v = read_text("rt.csv", "x,\"y,z\",w\n2,-1,0\n-1,-1,-1\n1,1,1\n", 0, &rc);
    ck_assert_ok(rc);
    const char *out = test_path("rt_out.csv");
    ck_assert_ok(chorus_votes_write(v, out, CHORUS_FORMAT_CSV));
    char *text = test_read_file(out, NULL);
    ck_assert_str_eq(text, "x,\"y,z\",w\n2,-1,0\n-1,-1,-1\n1,1,1\n");
    free(text);
    chorus_votes_free(v);
}
END_TEST

/* A header alone is a matrix of no items, and chorus writes one that way. */
START_TEST(test_dense_no_items)
{
    int rc;
    chorus_votes *v = read_text("none.csv", "a,b\n", 0, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 0);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 2);
    ck_assert_str_eq(chorus_votes_lf_name(v, 1), "b");
    const char *out = test_path("none_out.csv");
    ck_assert_ok(chorus_votes_write(v, out, CHORUS_FORMAT_CSV));
    char *text = test_read_file(out, NULL);
    ck_assert_str_eq(text, "a,b\n");
    free(text);
    chorus_votes_free(v);
}
END_TEST

/* Each malformed file must fail with CHORUS_EFORMAT and a message naming file and line. */
START_TEST(test_dense_bad_input)
{
    static const struct {
        const char *text;
        int32_t n_classes;
        const char *needle;
    } cases[] = {
        {"", 0, "the file is empty"},
        {"a,b\n0,1\n1\n", 0, ":3: 1 fields, expected 2"},
        {"a,b\n0,1,1\n", 0, ":2: 3 fields, expected 2"},
        {"a,b\n0,x\n", 0, ":2: column 2 (b): 'x' is not a vote"},
        {"a,b\n0,1.5\n", 0, "'1.5' is not a vote"},
        {"a,b\n0,-2\n", 0, "'-2' is not a vote"},
        {"a,b\n0,2\n", 2, "expected -1 (abstain) or a class in 0..1"},
        {"a,b\n0,99999999999999999999\n", 0, "is not a vote"},
        {"a,b\n0,\n", 0, "'' is not a vote"},
        {"a,a\n0,1\n", 0, "\"a\" appears twice"},
        {"a,\"b\n0,1\n", 0, ":1: column 2: malformed quotes"},
        {"a,b\n0,\"1\n", 0, ":2: column 2: malformed quotes"},
        {"a,\n0,1\n", 0, ":1: column 2: labeling function name is empty"},
        /* Bad names are refused on the header, before any row is read. */
        {"a,b\xc3\n0,1\nnot a row\n", 0,
         ":1: column 2: labeling function name is not valid UTF-8 (byte 1)"},
        {"\xed\xa0\x80,b\n0,1\n", 0, ":1: column 1: labeling function name is not valid UTF-8"},
        {"a,b\n0,1000\n", 0, "expected -1 (abstain) or a class in 0..999"},
        /* Labels 0 and 9: 10 classes inferred, 8 never voted. */
        {"a,b\n0,9\n", 0, "bad.csv: the largest vote, 9, implies 10 classes, but only 2"},
        /* A headerless file is as strict: rows must be as wide as the first. */
        {"0,1\n1,0,1\n", 0, ":2: 3 fields, expected 2 (as many as the first line)"},
        {"0,1\n1,x\n", 0, ":2: column 2 (lf1): 'x' is not a vote"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc;
        chorus_votes *v = read_text("bad.csv", cases[i].text, cases[i].n_classes, &rc);
        ck_assert_ptr_null(v);
        ck_assert_error(rc, CHORUS_EFORMAT, cases[i].needle);
        ck_assert_msg(strstr(chorus_error_last(), "bad.csv") != NULL, "no file name in '%s'",
                      chorus_error_last());
    }
}
END_TEST

START_TEST(test_dense_nul_byte)
{
    const char *path = test_path("nul.csv");
    test_write_file(path, "a,b\n0,\0\n", 8);
    chorus_votes *v;
    ck_assert_error(chorus_votes_read(&v, path, NULL), CHORUS_EFORMAT, "NUL byte");
}
END_TEST

static chorus_votes *read_with(const char *text, const chorus_read_options *opts, int *rc)
{
    const char *path = test_path("opts.csv");
    test_write_file(path, text, (size_t)-1);
    chorus_votes *v = NULL;
    *rc = chorus_votes_read(&v, path, opts);
    return v;
}

/* np.savetxt(L, fmt='%d', delimiter=','): no header line at all. */
START_TEST(test_dense_headerless)
{
    int rc;
    /* The first row has distinct values (once taken as names, losing the item) and the
     * second repeats -1 (once "name \"-1\" appears twice"). */
    const char *text = "0,1,-1\n-1,-1,1\n1,1,1\n";
    chorus_votes *v = read_with(text, NULL, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 3);
    ck_assert_int_eq(chorus_votes_nnz(v), 6);
    ck_assert_int_eq(chorus_votes_get(v, 0, 1), 1);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), CHORUS_ABSTAIN);
    ck_assert(!chorus_votes_has_lf_names(v));
    ck_assert_str_eq(chorus_votes_lf_name(v, 2), "lf2");
    chorus_votes_free(v);

    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.header = CHORUS_HEADER_YES;
    v = read_with(text, &opts, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 2);
    ck_assert_str_eq(chorus_votes_lf_name(v, 2), "-1");
    chorus_votes_free(v);
    v = read_with("-1,-1\n0,1\n", &opts, &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "opts.csv:1: labeling function name \"-1\" appears twice");

    opts.header = CHORUS_HEADER_NO;
    v = read_with("a,b\n0,1\n", &opts, &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "opts.csv:1: column 1 (lf0): 'a' is not a vote");
    /* A header of names is still a header, and a triples header still means triples. */
    v = read_with("a,1\n0,1\n", NULL, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 1);
    chorus_votes_free(v);
    opts.header = 7;
    v = read_with("0,1\n", &opts, &rc);
    ck_assert_error(rc, CHORUS_EINVAL, "unknown CSV header setting 7");
}
END_TEST

/* --abstain: the value given abstains (as does -1), the classes are the values after it. */
START_TEST(test_dense_abstain_value)
{
    int rc;
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.abstain_value = 0;
    chorus_votes *v = read_with("a,b,c\n0,2,1\n1,-1,3\n", &opts, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_classes(v), 3);
    ck_assert_int_eq(chorus_votes_nnz(v), 4);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 0, 1), 1);
    ck_assert_int_eq(chorus_votes_get(v, 1, 1), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 1, 2), 2);
    chorus_votes_free(v);
    opts.n_classes = 2;
    v = read_with("a,b\n0,3\n", &opts, &rc);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    ":2: column 2 (b): '3' is not a vote; expected -1 or 0 (abstain) or a class "
                    "value in 1..2 (classes 0..1)");
    opts.abstain_value = -2;
    v = read_with("a,b\n0,1\n", &opts, &rc);
    ck_assert_error(rc, CHORUS_EINVAL, "the abstain value must be in -1..1000, got -2");
    /* A caller built against the first version of the struct gets the defaults. */
    opts.version = 1;
    opts.n_classes = 0;
    v = read_with("a,b\n0,1\n", &opts, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 0);
    chorus_votes_free(v);
    opts.version = 99;
    v = read_with("a,b\n0,1\n", &opts, &rc);
    ck_assert_error(rc, CHORUS_EINVAL, "version 99");
}
END_TEST

/* LF, CRLF and lone CR (old Mac) line ends, mixed, read the same. */
START_TEST(test_dense_line_ends)
{
    static const char *const texts[] = {"a,b\n0,1\n\n1,-1\n", "a,b\r\n0,1\r\n\r\n1,-1\r\n",
                                        "a,b\r0,1\r\r1,-1\r", "a,b\r0,1\n\r\n1,-1"};
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        int rc;
        chorus_votes *v = read_with(texts[t], NULL, &rc);
        ck_assert_ok(rc);
        ck_assert_int_eq(chorus_votes_n_items(v), 2);
        ck_assert_str_eq(chorus_votes_lf_name(v, 1), "b");
        ck_assert_int_eq(chorus_votes_get(v, 0, 1), 1);
        ck_assert_int_eq(chorus_votes_get(v, 1, 0), 1);
        chorus_votes_free(v);
    }
    /* The line number counts lone CRs as line ends too. */
    int rc;
    read_with("a,b\r0,1\r1,x\r", NULL, &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "opts.csv:3: column 2 (b)");
}
END_TEST

/* A row far wider than the header is refused without splitting all of it. */
START_TEST(test_dense_wide_row)
{
    size_t n = 1 << 20;
    char *text = malloc(n + 16);
    ck_assert_ptr_nonnull(text);
    memcpy(text, "a,b\n0", 5);
    memset(text + 5, ',', n);
    text[5 + n] = '\0';
    int rc;
    chorus_votes *v = read_with(text, NULL, &rc);
    free(text);
    ck_assert_ptr_null(v);
    ck_assert_error(rc, CHORUS_EFORMAT, "opts.csv:2: 1048577 fields, expected 2");
}
END_TEST

START_TEST(test_missing_file_and_directory)
{
    chorus_votes *v;
    ck_assert_error(chorus_votes_read(&v, test_path("nope.csv"), NULL), CHORUS_EIO, "No such file");
    ck_assert_error(chorus_votes_read(&v, test_tmpdir(), NULL), CHORUS_EIO, "is a directory");
}
END_TEST

START_TEST(test_triples_sniffed_and_read)
{
    int rc;
    chorus_votes *v =
        read_text("t.csv", "item,worker,label\n2,0,1\n0,3,0\n0,1,1\n2,1,-1\n", 0, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 3);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 4);
    ck_assert_int_eq(chorus_votes_nnz(v), 3);
    ck_assert_int_eq(chorus_votes_get(v, 0, 1), 1);
    ck_assert_int_eq(chorus_votes_get(v, 0, 3), 0);
    ck_assert_int_eq(chorus_votes_get(v, 1, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 2, 0), 1);
    const char *out = test_path("t_out.csv");
    ck_assert_ok(chorus_votes_write(v, out, CHORUS_FORMAT_TRIPLES));
    char *text = test_read_file(out, NULL);
    /* LF 2 never votes and item 1 has none: both are declared, so they read back. */
    ck_assert_str_eq(text, "item,lf,label\n,0,\n,1,\n,2,\n,3,\n0,1,1\n0,3,0\n1,,\n2,0,1\n");
    free(text);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_triples_sizes_from_options)
{
    const char *path = test_path("ts.csv");
    test_write_file(path, "item,lf,label\n0,0,1\n", (size_t)-1);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = CHORUS_FORMAT_TRIPLES;
    opts.n_items = 10;
    opts.n_lfs = 4;
    opts.n_classes = 3;
    chorus_votes *v;
    ck_assert_ok(chorus_votes_read(&v, path, &opts));
    ck_assert_int_eq(chorus_votes_n_items(v), 10);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 4);
    ck_assert_int_eq(chorus_votes_n_classes(v), 3);
    chorus_votes_free(v);
    opts.n_items = 1;
    test_write_file(path, "item,lf,label\n1,0,1\n", (size_t)-1);
    ck_assert_error(chorus_votes_read(&v, path, &opts), CHORUS_EFORMAT, "item '1'");
}
END_TEST

START_TEST(test_triples_bad_input)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        {"item,lf,label\n", "only a header"},
        {"item,lf,label\n0,0\n", ":2: 2 fields, expected 3"},
        {"item,lf,label\n-1,0,1\n", ":2: item '-1' is not an integer"},
        {"item,lf,label\n0,0,-3\n", "label '-3'"},
        {"item,lf,label\n0,0\n", ":2: 2 fields"},
        {"item,lf,label\n0,,1\n", ":2: the labeling function is empty"},
        {"item,lf,label\n,,\n", ":2: the item is empty"},
        {"item,lf,label\n1000000000,0,1",
         ":2: item '1000000000' is too far beyond the file's 1 rows"},
        {"item,lf,label\n0,99999999,1", ":2: labeling function '99999999' is above the largest"},
        {"item,lf,label\n0,5000,1", ":2: labeling function '5000' is too far beyond"},
        {"item,lf,label\n0,0,70000\n", ":2: label '70000' is above the largest allowed, 999"},
        {"item,lf,label\n,,spam\n", "no labeling function"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc;
        chorus_votes *v = read_text("badt.csv", cases[i].text, 0, &rc);
        ck_assert_ptr_null(v);
        ck_assert_error(rc, CHORUS_EFORMAT, cases[i].needle);
    }
}
END_TEST

static chorus_votes *read_triples(const char *name, const char *text, chorus_duplicates dup,
                                  int *rc)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = CHORUS_FORMAT_TRIPLES;
    opts.duplicates = dup;
    chorus_votes *v = NULL;
    *rc = chorus_votes_read(&v, path, &opts);
    return v;
}

START_TEST(test_triples_crowd_names)
{
    int rc;
    chorus_votes *v = read_text("crowd.csv",
                                "task,worker,label\nt1,alice,spam\nt1,bob,spam\nt2,alice,ham\n"
                                "t2,carol,-1\nt3,bob,ham\n",
                                0, &rc);
    ck_assert_ok(rc);
    /* Items, workers and classes are numbered in order of first appearance. */
    ck_assert_int_eq(chorus_votes_n_items(v), 3);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 3);
    ck_assert_int_eq(chorus_votes_n_classes(v), 2);
    ck_assert_int_eq(chorus_votes_nnz(v), 4);
    ck_assert(chorus_votes_has_item_names(v));
    ck_assert_str_eq(chorus_votes_item_name(v, 0), "t1");
    ck_assert_str_eq(chorus_votes_item_name(v, 2), "t3");
    ck_assert_str_eq(chorus_votes_lf_name(v, 1), "bob");
    ck_assert_str_eq(chorus_votes_lf_name(v, 2), "carol");
    ck_assert_str_eq(chorus_votes_class_name(v, 0), "spam");
    ck_assert_str_eq(chorus_votes_class_name(v, 1), "ham");
    ck_assert_int_eq(chorus_votes_get(v, 1, 0), 1);
    ck_assert_int_eq(chorus_votes_get(v, 1, 2), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 2, 1), 1);

    /* Written and read back: the same names, indices and votes. */
    const char *out = test_path("crowd_out.csv");
    ck_assert_ok(chorus_votes_write(v, out, CHORUS_FORMAT_TRIPLES));
    chorus_votes *back;
    ck_assert_ok(chorus_votes_read(&back, out, NULL));
    ck_assert_int_eq(chorus_votes_n_items(back), 3);
    ck_assert_int_eq(chorus_votes_n_lfs(back), 3);
    ck_assert_int_eq(chorus_votes_nnz(back), 4);
    ck_assert_str_eq(chorus_votes_item_name(back, 1), "t2");
    ck_assert_str_eq(chorus_votes_lf_name(back, 2), "carol");
    ck_assert_str_eq(chorus_votes_class_name(back, 1), "ham");
    ck_assert_int_eq(chorus_votes_get(back, 2, 1), 1);
    chorus_votes_free(back);
    chorus_votes_free(v);

    /* Class names given: labels resolve against them, in their order. */
    const char *path = test_path("crowd2.csv");
    test_write_file(path, "task,worker,label\nt1,alice,spam\nt2,alice,ham\n", (size_t)-1);
    const char *names[] = {"ham", "spam"};
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.n_classes = 2;
    opts.class_names = names;
    ck_assert_ok(chorus_votes_read(&v, path, &opts));
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
    ck_assert_int_eq(chorus_votes_get(v, 1, 0), 0);
    chorus_votes_free(v);
    test_write_file(path, "task,worker,label\nt1,alice,spam\nt2,alice,eggs\n", (size_t)-1);
    ck_assert_error(chorus_votes_read(&v, path, &opts), CHORUS_EFORMAT,
                    "crowd2.csv:3: label 'eggs' is not one of the 2 names given");
}
END_TEST

START_TEST(test_triples_duplicates)
{
    /* alice answers t1 three times (lines 2, 4, 5), bob once. */
    const char *text = "task,worker,label\nt1,alice,a\nt1,bob,a\nt1,alice,b\nt1,alice,b\n"
                       "t2,alice,a\n";
    int rc;
    chorus_votes *v = read_triples("dup.csv", text, CHORUS_DUPLICATES_ERROR, &rc);
    ck_assert_ptr_null(v);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    "dup.csv:4: labeling function alice answers item t1 again (first at line 2)");
    v = read_triples("dup.csv", text, CHORUS_DUPLICATES_FIRST, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 2);
    ck_assert_int_eq(chorus_votes_nnz(v), 3);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 0);
    chorus_votes_free(v);
    v = read_triples("dup.csv", text, CHORUS_DUPLICATES_LAST, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
    chorus_votes_free(v);
    /* all: the 2nd and 3rd answers become LFs alice#2 and alice#3; no answer is lost. */
    v = read_triples("dup.csv", text, CHORUS_DUPLICATES_ALL, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 4);
    ck_assert_int_eq(chorus_votes_nnz(v), 5);
    ck_assert_str_eq(chorus_votes_lf_name(v, 2), "alice#2");
    ck_assert_str_eq(chorus_votes_lf_name(v, 3), "alice#3");
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 0);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), 1);
    ck_assert_int_eq(chorus_votes_get(v, 0, 3), 1);
    ck_assert_int_eq(chorus_votes_get(v, 1, 2), CHORUS_ABSTAIN);
    chorus_votes_free(v);
    chorus_duplicates d;
    ck_assert_ok(chorus_duplicates_parse(&d, "last"));
    ck_assert_int_eq(d, CHORUS_DUPLICATES_LAST);
    ck_assert_error(chorus_duplicates_parse(&d, "most"), CHORUS_EINVAL, "'most'");
}
END_TEST

START_TEST(test_triples_headerless_and_round_trip)
{
    int rc;
    /* A first row of integers is a vote, not a header. */
    chorus_votes *v = read_triples("nohead.csv", "0,0,1\n1,1,0\n", CHORUS_DUPLICATES_ALL, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_nnz(v), 2);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
    chorus_votes_free(v);
    v = read_triples("badhead.csv", "it,lf,label\n0,0,1\n", CHORUS_DUPLICATES_ALL, &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "badhead.csv:1: 'it,lf,label' is neither a header");

    /* Trailing items without votes, unused LFs and classes, and LF names survive. */
    ck_assert_ok(chorus_votes_new(&v, 3, 4));
    int32_t lf[] = {1}, label[] = {2};
    ck_assert_ok(chorus_votes_append_item(v, lf, label, 1));
    ck_assert_ok(chorus_votes_append_item(v, NULL, NULL, 0));
    ck_assert_ok(chorus_votes_append_item(v, NULL, NULL, 0));
    ck_assert_ok(chorus_votes_set_lf_name(v, 0, "kw_free"));
    const char *out = test_path("rt.csv");
    ck_assert_ok(chorus_votes_write(v, out, CHORUS_FORMAT_TRIPLES));
    chorus_votes *back;
    ck_assert_ok(chorus_votes_read(&back, out, NULL));
    ck_assert_int_eq(chorus_votes_n_items(back), 3);
    ck_assert_int_eq(chorus_votes_n_lfs(back), 3);
    ck_assert_int_eq(chorus_votes_n_classes(back), 4);
    ck_assert_str_eq(chorus_votes_lf_name(back, 0), "kw_free");
    ck_assert_int_eq(chorus_votes_get(back, 0, 1), 2);
    ck_assert(!chorus_votes_has_item_names(back));
    chorus_votes_free(back);
    chorus_votes_free(v);

    /* A matrix of 0 items reads back too. */
    ck_assert_ok(chorus_votes_new(&v, 2, 2));
    ck_assert_ok(chorus_votes_write(v, out, CHORUS_FORMAT_TRIPLES));
    ck_assert_ok(chorus_votes_read(&back, out, NULL));
    ck_assert_int_eq(chorus_votes_n_items(back), 0);
    ck_assert_int_eq(chorus_votes_n_lfs(back), 2);
    chorus_votes_free(back);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_triples_hostile_inputs)
{
    int rc;
    chorus_votes *v;
    /* One line must not make a dense allocation of a billion items. */
    v = read_text("huge.csv", "item,lf,label\n1000000000,0,1", 0, &rc);
    ck_assert_ptr_null(v);
    ck_assert_error(rc, CHORUS_EFORMAT, "huge.csv:2: item '1000000000' is too far beyond");
    /* Ids beyond any integer are names, mapped without a dense allocation. */
    v = read_text("big.csv", "item,lf,label\n99999999999999999999999,0,1\n", 0, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_votes_n_items(v), 1);
    chorus_votes_free(v);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = CHORUS_FORMAT_TRIPLES;
    ck_assert_error(chorus_votes_read(&v, "/dev/zero", &opts), CHORUS_EFORMAT,
                    "/dev/zero:1: contains a NUL byte (byte offset 0)");
    /* A line longer than the limit fails at that line, without reading it whole. */
    size_t n = CHORUS_TEXT_MAX_LINE_BYTES + 10;
    char *text = malloc(n + 20);
    memcpy(text, "item,lf,label\n", 14);
    memset(text + 14, '7', n);
    text[14 + n] = '\0';
    const char *path = test_path("long.csv");
    test_write_file(path, text, (size_t)-1);
    free(text);
    ck_assert_error(chorus_votes_read(&v, path, &opts), CHORUS_EFORMAT,
                    "long.csv:2: line starting at byte offset 14 is longer than");
}
END_TEST

START_TEST(test_shipped_wrench_matrix)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_read(&v, test_dataset("wrench_youtube/test/votes.csv"), NULL));
    /* Sizes from the dataset's meta.json: 250 items, 10 LFs, 460 votes. */
    ck_assert_int_eq(chorus_votes_n_items(v), 250);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 10);
    ck_assert_int_eq(chorus_votes_nnz(v), 460);
    ck_assert_str_eq(chorus_votes_lf_name(v, 0), "keyword_my");
    chorus_votes_free(v);
    ck_assert_ok(chorus_votes_read(&v, test_dataset("ctinfer_d_product/triples.csv"), NULL));
    /* meta.json: 8315 items, 176 workers, 24945 answers. */
    ck_assert_int_eq(chorus_votes_n_items(v), 8315);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 176);
    ck_assert_int_eq(chorus_votes_nnz(v), 24945);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_write_leaves_no_partial_file)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 2, 2));
    const char *path = "/nonexistent-dir/out.csv";
    ck_assert_error(chorus_votes_write(v, path, CHORUS_FORMAT_CSV), CHORUS_EWRITE,
                    "nonexistent-dir");
    ck_assert_int_eq(test_file_exists(path), 0);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *dense = tcase_create("dense");
    tcase_add_test(dense, test_dense_reads_votes_and_names);
    tcase_add_test(dense, test_dense_class_count_from_option);
    tcase_add_test(dense, test_dense_quoted_header);
    tcase_add_test(dense, test_dense_round_trip);
    tcase_add_test(dense, test_dense_no_items);
    tcase_add_test(dense, test_dense_bad_input);
    tcase_add_test(dense, test_dense_nul_byte);
    tcase_add_test(dense, test_dense_headerless);
    tcase_add_test(dense, test_dense_abstain_value);
    tcase_add_test(dense, test_dense_line_ends);
    tcase_add_test(dense, test_dense_wide_row);
    tcase_add_test(dense, test_missing_file_and_directory);
    tcase_add_test(dense, test_shipped_wrench_matrix);
    tcase_add_test(dense, test_write_leaves_no_partial_file);
    suite_add_tcase(s, dense);
    TCase *triples = tcase_create("triples");
    tcase_add_test(triples, test_triples_sniffed_and_read);
    tcase_add_test(triples, test_triples_sizes_from_options);
    tcase_add_test(triples, test_triples_bad_input);
    tcase_add_test(triples, test_triples_crowd_names);
    tcase_add_test(triples, test_triples_duplicates);
    tcase_add_test(triples, test_triples_headerless_and_round_trip);
    tcase_add_test(triples, test_triples_hostile_inputs);
    suite_add_tcase(s, triples);
    return test_run_suite(s);
}
