/* Lookup labeling functions: list files, normalisation, a large list and hostile files. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lf/lf_internal.h"
#include "test_util.h"

static chorus_string_set *load_list(const char *text, unsigned normalize)
{
    const char *path = test_path("list.txt");
    test_write_file(path, text, (size_t)-1);
    chorus_string_set *set = NULL;
    ck_assert_ok(chorus_string_set_load(&set, path, normalize));
    return set;
}

static bool has(const chorus_string_set *set, const char *value)
{
    return chorus_string_set_contains(set, value, strlen(value));
}

START_TEST(test_list_file_format)
{
    /* A BOM, comments, blank and blank-looking lines, CRLF, duplicates. */
    chorus_string_set *set = load_list("\xEF\xBB\xBF"
                                       "first\r\n"
                                       "# a comment\n"
                                       "\n"
                                       "   \t\n"
                                       "second entry\r\n"
                                       "first\n"
                                       " #not a comment\n"
                                       "last without newline",
                                       0);
    ck_assert_int_eq(chorus_string_set_size(set), 4);
    ck_assert(has(set, "first"));
    ck_assert(has(set, "second entry"));
    ck_assert(has(set, " #not a comment"));
    ck_assert(has(set, "last without newline"));
    ck_assert(!has(set, "# a comment"));
    ck_assert(!has(set, "\xEF\xBB\xBF"
                        "first"));
    ck_assert(!has(set, ""));
    ck_assert(!has(set, "First"));
    ck_assert(!has(set, "firs"));
    chorus_string_set_free(set);
}
END_TEST

/* Entries and queried values are normalised alike, each step on its own and together. */
START_TEST(test_normalisation)
{
    static const char list[] = "Spam  King\n  Deal\tFinder  \nexact\n";
    struct {
        unsigned flags;
        const char *value;
        bool expected;
    } cases[] = {
        {0, "Spam  King", true},
        {0, "spam  king", false},
        {0, "Deal\tFinder", false},
        {0, "  Deal\tFinder  ", true},
        {NORMALIZE_LOWER, "SPAM  KING", true},
        {NORMALIZE_LOWER, "spam king", false},
        {NORMALIZE_STRIP, "Deal\tFinder", true},
        {NORMALIZE_STRIP, "\n Deal\tFinder\r\n", true},
        {NORMALIZE_STRIP, "deal\tfinder", false},
        {NORMALIZE_COLLAPSE_SPACE, "Spam King", true},
        {NORMALIZE_COLLAPSE_SPACE, "Spam \t\n King", true},
        {NORMALIZE_COLLAPSE_SPACE, " Deal Finder ", true}, /* runs at the ends become one space */
        {NORMALIZE_COLLAPSE_SPACE, "Deal Finder", false},
        {NORMALIZE_LOWER | NORMALIZE_STRIP, "  EXACT ", true},
        {NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE, " DEAL   finder", true},
        {NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE, "spam\tking ", true},
        {NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE, "spamking", false},
        {NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE, "   ", false},
        /* Only ASCII letters fold: UTF-8 bytes pass through. */
        {NORMALIZE_LOWER, "EXACT", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        chorus_string_set *set = load_list(list, cases[i].flags);
        ck_assert_msg(has(set, cases[i].value) == cases[i].expected, "case %zu: '%s' flags %u", i,
                      cases[i].value, cases[i].flags);
        chorus_string_set_free(set);
    }
    chorus_string_set *set = load_list("\xC3\x89t\xC3\xA9\n", NORMALIZE_LOWER);
    ck_assert(has(set, "\xC3\x89T\xC3\xA9"));
    ck_assert(!has(set, "\xC3\xA9t\xC3\xA9"));
    chorus_string_set_free(set);
    /* Entries that normalise alike are one entry. */
    set = load_list("A b\na  B\n a b\n",
                    NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE);
    ck_assert_int_eq(chorus_string_set_size(set), 1);
    chorus_string_set_free(set);
}
END_TEST

/* A realistic distant-supervision list: 100k domains, each found, near misses not. */
START_TEST(test_large_list)
{
    const int n = 100000;
    size_t cap = (size_t)n * 32;
    char *text = malloc(cap);
    size_t used = 0;
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used, "Site%d.Example.COM\n", i);
    chorus_string_set *set = load_list(text, NORMALIZE_LOWER | NORMALIZE_STRIP);
    free(text);
    ck_assert_int_eq(chorus_string_set_size(set), n);
    char value[64];
    for (int i = 0; i < n; i++) {
        int len = snprintf(value, sizeof value, " site%d.example.com", i);
        ck_assert_msg(chorus_string_set_contains(set, value, (size_t)len), "missing %s", value);
    }
    for (int i = n; i < 2 * n; i++) {
        int len = snprintf(value, sizeof value, "site%d.example.com", i);
        ck_assert_msg(!chorus_string_set_contains(set, value, (size_t)len), "found %s", value);
    }
    ck_assert(!has(set, "site1.example.co"));
    ck_assert(!has(set, "site1.example.comm"));
    chorus_string_set_free(set);
}
END_TEST

START_TEST(test_bad_list_files)
{
    chorus_string_set *set = (chorus_string_set *)&set;
    ck_assert_error(chorus_string_set_load(&set, test_path("none.txt"), 0), CHORUS_EIO,
                    "none.txt: cannot open: No such file");
    ck_assert_ptr_null(set);
    ck_assert_error(chorus_string_set_load(&set, test_tmpdir(), 0), CHORUS_EIO, "is a directory");
    const char *path = test_path("nul.txt");
    test_write_file(path, "ok\nbad\0line\n", 12);
    ck_assert_error(chorus_string_set_load(&set, path, 0), CHORUS_EFORMAT,
                    "nul.txt:2: contains a NUL byte");
    /* An empty list is valid: the LF never fires. */
    set = load_list("# nothing yet\n", 0);
    ck_assert_int_eq(chorus_string_set_size(set), 0);
    ck_assert(!has(set, "x"));
    chorus_string_set_free(set);
}
END_TEST

/* Inputs that would block or never end, and a line past the limit, fail at once. */
START_TEST(test_hostile_list_files)
{
    chorus_string_set *set = (chorus_string_set *)&set;
    ck_assert_error(chorus_string_set_load(&set, "/dev/zero", 0), CHORUS_EIO,
                    "/dev/zero: is a character device; expected a list in a regular file");
    ck_assert_ptr_null(set);
    const char *fifo = test_path("list.fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_error(chorus_string_set_load(&set, fifo, 0), CHORUS_EIO,
                    "list.fifo: is a FIFO (a pipe); expected a list in a regular file");

    /* 64 MiB + 1 bytes without a line end after a good first line. */
    const size_t n = ((size_t)64 << 20) + 1;
    char *text = malloc(n + 3);
    ck_assert_ptr_nonnull(text);
    memcpy(text, "ok\n", 3);
    memset(text + 3, 'a', n);
    const char *path = test_path("long.txt");
    test_write_file(path, text, n + 3);
    free(text);
    ck_assert_error(chorus_string_set_load(&set, path, 0), CHORUS_EFORMAT,
                    "long.txt:2: a line longer than 64 MiB");
    ck_assert_ptr_null(set);
}
END_TEST

/* A lookup LF in a spec: default normalisation, list relative to the spec, apply. */
START_TEST(test_lookup_lf)
{
    test_write_file(test_path("domains.txt"), "Example.com\nspam.biz\n", (size_t)-1);
    const char *spec = test_path("lookup.yaml");
    test_write_file(spec,
                    "classes: [HAM, SPAM]\n"
                    "lfs:\n"
                    "  - {name: bad_domain, kind: lookup, vote: SPAM, field: domain, "
                    "list: domains.txt}\n",
                    (size_t)-1);
    const char *data = test_path("lookup.csv");
    test_write_file(data, "domain\nexample.COM \nother.org\nSPAM.BIZ\n", (size_t)-1);
    chorus_lf_set *set;
    chorus_dataset *ds;
    chorus_votes *votes;
    ck_assert_ok(chorus_lf_set_load(&set, spec));
    ck_assert_uint_eq(set->lfs[0].u.lookup.normalize, NORMALIZE_LOWER | NORMALIZE_STRIP);
    ck_assert_ok(chorus_dataset_read(&ds, data, NULL));
    ck_assert_ok(chorus_lf_apply(&votes, NULL, set, ds, NULL));
    ck_assert_int_eq(chorus_votes_get(votes, 0, 0), 1);
    ck_assert_int_eq(chorus_votes_get(votes, 1, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(votes, 2, 0), 1);
    chorus_votes_free(votes);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lookup");
    TCase *tc = tcase_create("lookup");
    tcase_add_test(tc, test_list_file_format);
    tcase_add_test(tc, test_normalisation);
    tcase_add_test(tc, test_large_list);
    tcase_add_test(tc, test_bad_list_files);
    tcase_add_test(tc, test_lookup_lf);
    suite_add_tcase(s, tc);
    TCase *hostile = tcase_create("hostile");
    tcase_set_timeout(hostile, 120); /* a 64 MiB file is written; for sanitizer builds */
    tcase_add_test(hostile, test_hostile_list_files);
    suite_add_tcase(s, hostile);
    return test_run_suite(s);
}
