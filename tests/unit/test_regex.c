/* Regex LFs on PCRE2: flags, compile errors, hostile subjects, limits and threads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/random.h"
#include "lf/lf_internal.h"
#include "test_util.h"

/* Compiles, matches once with a fresh scratch, frees; the 1 / 0 / -1 of the match. */
static int match_once(const char *pattern, const char *flags, const char *text, size_t len)
{
    chorus_regex *re = NULL;
    chorus_regex_scratch *scratch = NULL;
    ck_assert_ok(chorus_regex_compile(&re, pattern, flags, NULL));
    ck_assert_ok(chorus_regex_scratch_new(&scratch));
    int rc = chorus_regex_match(re, text, len, scratch);
    chorus_regex_scratch_free(scratch);
    chorus_regex_free(re);
    return rc;
}

static int matches(const char *pattern, const char *flags, const char *text)
{
    return match_once(pattern, flags, text, strlen(text));
}

START_TEST(test_plain_match)
{
    ck_assert_int_eq(matches("win(ner)?", "", "you are a WINNER"), 0);
    ck_assert_int_eq(matches("win(ner)?", "", "you are a winner"), 1);
    ck_assert_int_eq(matches("win(ner)?", NULL, "we win"), 1);
    ck_assert_int_eq(matches("^$", "", ""), 1);
    ck_assert_int_eq(matches("a", "", ""), 0);
    /* The length bounds the subject, which need not be NUL-terminated. */
    ck_assert_int_eq(match_once("b", "", "ab", 1), 0);
    ck_assert_int_eq(match_once("x", "", "a\0x", 3), 1);
}
END_TEST

START_TEST(test_flags)
{
    ck_assert_int_eq(matches("winner", "i", "WINNER"), 1);
    ck_assert_int_eq(matches("^b", "", "a\nb"), 0);
    ck_assert_int_eq(matches("^b", "m", "a\nb"), 1);
    ck_assert_int_eq(matches("a.b", "", "a\nb"), 0);
    ck_assert_int_eq(matches("a.b", "s", "a\nb"), 1);
    ck_assert_int_eq(matches("a b c # comment", "", "abc"), 0);
    ck_assert_int_eq(matches("a b c # comment", "x", "abc"), 1);
    ck_assert_int_eq(matches("^B.C", "ims", "a\nb\nc"), 1);
    /* UTF mode: '.' is one character and caseless matching knows non-ASCII letters. */
    ck_assert_int_eq(matches("^caf.$", "", "caf\xc3\xa9"), 1);
    ck_assert_int_eq(matches("CAF\xc3\x89", "i", "caf\xc3\xa9"), 1);
}
END_TEST

START_TEST(test_unknown_flag)
{
    chorus_regex *re = (chorus_regex *)&re; /* must be reset to NULL */
    ck_assert_error(chorus_regex_compile(&re, "a", "iq", NULL), CHORUS_EFORMAT,
                    "unknown regex flag 'q'; expected i, m, s, x or u");
    ck_assert_ptr_null(re);
    ck_assert_error(chorus_regex_compile(&re, "a", "g", NULL), CHORUS_EFORMAT, "flag 'g'");
}
END_TEST

START_TEST(test_bad_pattern)
{
    chorus_regex *re = NULL;
    size_t offset = 99;
    ck_assert_error(chorus_regex_compile(&re, "a(b", "", &offset), CHORUS_EFORMAT,
                    "missing closing parenthesis");
    ck_assert_ptr_null(re);
    ck_assert_uint_eq(offset, 3);
    ck_assert_error(chorus_regex_compile(&re, "ab[c", "i", &offset), CHORUS_EFORMAT,
                    "missing terminating ]");
    ck_assert_uint_eq(offset, 4);
    ck_assert_error(chorus_regex_compile(&re, "x**", "", &offset), CHORUS_EFORMAT, "offset 2");
    ck_assert_uint_eq(offset, 2);
    /* Invalid UTF-8 in the pattern itself is an error (only subjects are forgiven). */
    ck_assert_error(chorus_regex_compile(&re, "ab\xff", "", &offset), CHORUS_EFORMAT, "UTF-8");
    ck_assert_uint_eq(offset, 2);
    /* The offset is optional. */
    ck_assert_error(chorus_regex_compile(&re, "(", "", NULL), CHORUS_EFORMAT, "parenthesis");
}
END_TEST

START_TEST(test_invalid_utf8_subject)
{
    /* Invalid sequences never match anything but do not stop the match. */
    ck_assert_int_eq(matches("caf", "", "\xff\xfe caf\xc3"), 1);
    ck_assert_int_eq(matches("a.b", "",
                             "a\xff"
                             "b"),
                     0);
    ck_assert_int_eq(matches("b$", "", "\xc3\x28 \xe2\x82 b"), 1);
    ck_assert_int_eq(matches("\xc3\xa9", "", "\xc3\xc3\xa9"), 1);
    ck_assert_int_eq(matches("x", "i", "\xf8\x88\x80\x80\x80 X"), 1);
    /* A surrogate is invalid: ".*" cannot cross it, so "$" is never reached. */
    ck_assert_int_eq(matches("^.*$", "", "\xed\xa0\x80"), 0);
    ck_assert_int_eq(matches("^.*$", "", "ok"), 1);
}
END_TEST

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

START_TEST(test_catastrophic_pattern_is_stopped)
{
    static const char *const patterns[] = {"(a+)+$", "(a|aa)+$", "^(\\w+\\s?)*$"};
    char text[64];
    memset(text, 'a', 48);
    text[48] = '!';
    text[49] = '\0';
    for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
        double start = now_seconds();
        int rc = matches(patterns[i], "", text);
        double elapsed = now_seconds() - start;
        ck_assert_msg(rc == -1, "%s: expected -1 (limit), got %d", patterns[i], rc);
        ck_assert_msg(elapsed < 1.0, "%s took %.2f s", patterns[i], elapsed);
    }
    /* The same pattern still decides ordinary texts. */
    ck_assert_int_eq(matches("(a+)+$", "", "bbbaaa"), 1);
    ck_assert_int_eq(matches("(a+)+$", "", "ab"), 0);
}
END_TEST

START_TEST(test_many_groups)
{
    /* More capture groups than the scratch's first match data holds. */
    char pattern[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(pattern, "(a)");
    char text[64];
    memset(text, 'a', 40);
    text[40] = '\0';
    ck_assert_int_eq(matches(pattern, "", text), 1);
    text[39] = 'b';
    ck_assert_int_eq(matches(pattern, "", text), 0);
}
END_TEST

START_TEST(test_threads_share_one_regex)
{
    enum { N_PATTERNS = 5, N_TEXTS = 4000 };
    static const struct {
        const char *pattern, *flags;
    } specs[N_PATTERNS] = {
        {"\\bab+c\\b", "i"}, {"^c.*a$", "m"},     {"(a|b)+\\s\\1", ""},
        {"(a+)+$", ""},      {"\xc3\xa9{2}", ""},
    };
    static const char *const tokens[] = {"a", "b", "c", "A", " ", "\n", "\xc3\xa9", "\xff"};
    chorus_regex *res[N_PATTERNS];
    for (int p = 0; p < N_PATTERNS; p++) {
        ck_assert_ok(chorus_regex_compile(&res[p], specs[p].pattern, specs[p].flags, NULL));
    }
    /* Texts from a fixed seed; long runs of 'a' make the catastrophic pattern hit its limit. */
    char(*texts)[200] = malloc(N_TEXTS * sizeof *texts);
    ck_assert_ptr_nonnull(texts);
    chorus_rng rng = chorus_rng_for(7, 3);
    for (int t = 0; t < N_TEXTS; t++) {
        size_t len = 0;
        int n = (int)chorus_rng_below(&rng, 60);
        for (int k = 0; k < n; k++) {
            const char *tok = tokens[chorus_rng_below(&rng, sizeof tokens / sizeof *tokens)];
            memcpy(texts[t] + len, tok, strlen(tok));
            len += strlen(tok);
        }
        if (t % 50 == 0) {
            memset(texts[t] + len, 'a', 40);
            len += 40;
            texts[t][len++] = 'b';
        }
        texts[t][len] = '\0';
    }

    int8_t *serial = malloc(N_TEXTS * N_PATTERNS);
    int8_t *parallel = malloc(N_TEXTS * N_PATTERNS);
    ck_assert_ptr_nonnull(serial);
    ck_assert_ptr_nonnull(parallel);
    chorus_regex_scratch *scratch;
    ck_assert_ok(chorus_regex_scratch_new(&scratch));
    for (int t = 0; t < N_TEXTS; t++) {
        for (int p = 0; p < N_PATTERNS; p++) {
            serial[t * N_PATTERNS + p] =
                (int8_t)chorus_regex_match(res[p], texts[t], strlen(texts[t]), scratch);
        }
    }
    chorus_regex_scratch_free(scratch);

    int failures = 0;
#pragma omp parallel num_threads(4) reduction(+ : failures)
    {
        chorus_regex_scratch *own = NULL;
        if (chorus_regex_scratch_new(&own) != CHORUS_OK) failures++;
#pragma omp for schedule(dynamic, 16)
        for (int t = 0; t < N_TEXTS; t++) {
            for (int p = 0; p < N_PATTERNS && own; p++) {
                parallel[t * N_PATTERNS + p] =
                    (int8_t)chorus_regex_match(res[p], texts[t], strlen(texts[t]), own);
            }
        }
        chorus_regex_scratch_free(own);
    }
    ck_assert_int_eq(failures, 0);

    int counts[3] = {0, 0, 0};
    for (int i = 0; i < N_TEXTS * N_PATTERNS; i++) {
        if (parallel[i] != serial[i]) {
            ck_abort_msg("text %d pattern %d: %d in parallel, %d alone", i / N_PATTERNS,
                         i % N_PATTERNS, parallel[i], serial[i]);
        }
        counts[serial[i] + 1]++;
    }
    /* Every outcome occurs, so the comparison covers limits as well as matches. */
    ck_assert_int_gt(counts[0], 0);
    ck_assert_int_gt(counts[1], 0);
    ck_assert_int_gt(counts[2], 0);
    free(serial);
    free(parallel);
    free(texts);
    for (int p = 0; p < N_PATTERNS; p++)
        chorus_regex_free(res[p]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regex");
    TCase *tc = tcase_create("regex");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_plain_match);
    tcase_add_test(tc, test_flags);
    tcase_add_test(tc, test_unknown_flag);
    tcase_add_test(tc, test_bad_pattern);
    tcase_add_test(tc, test_invalid_utf8_subject);
    tcase_add_test(tc, test_catastrophic_pattern_is_stopped);
    tcase_add_test(tc, test_many_groups);
    tcase_add_test(tc, test_threads_share_one_regex);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
