/* Keyword LFs: the Aho-Corasick index against hand-made cases and a brute-force matcher. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/random.h"
#include "lf/lf_internal.h"
#include "test_util.h"

/* A keyword LF from literal terms: KW(match_all, case_sensitive, whole_word, "a", "b"). */
#define KW(all, cs, ww, ...)                                                                       \
    ((lf_keyword){(char *[]){__VA_ARGS__},                                                         \
                  (int32_t)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), (all), (cs), (ww)})

/* Builds an index of n LFs, matches `text` and writes fired[0..n). */
static void match_lfs(const lf_keyword *const *lfs, int32_t n, const char *text, size_t len,
                      uint8_t *fired)
{
    chorus_keyword_index *ix = NULL;
    ck_assert_ok(chorus_keyword_index_build(&ix, lfs, n));
    void *scratch = calloc(1, chorus_keyword_index_scratch_size(ix));
    int32_t *list = malloc(((size_t)n + 1) * sizeof *list);
    ck_assert_ptr_nonnull(scratch);
    ck_assert_ptr_nonnull(list);
    /* Twice with the same scratch: the first match must leave it clean for the next. */
    for (int pass = 0; pass < 2; pass++) {
        memset(fired, 0, (size_t)n);
        int32_t count = chorus_keyword_index_match(ix, text, len, scratch, list);
        for (int32_t i = 0; i < count; i++)
            fired[list[i]] = 1;
    }
    free(list);
    free(scratch);
    chorus_keyword_index_free(ix);
}

/* Whether one LF on its own fires on a NUL-terminated text. */
static int fires(lf_keyword kw, const char *text)
{
    const lf_keyword *lfs[1] = {&kw};
    uint8_t fired[1];
    match_lfs(lfs, 1, text, strlen(text), fired);
    ck_assert_msg(fired[0] <= 1, "fired[] holds %d", fired[0]);
    return fired[0];
}

START_TEST(test_any_and_all)
{
    lf_keyword any = KW(false, false, true, "refund", "money back");
    lf_keyword all = KW(true, false, true, "refund", "money back");
    ck_assert_int_eq(fires(any, "I want a refund"), 1);
    ck_assert_int_eq(fires(any, "give me my money back!"), 1);
    ck_assert_int_eq(fires(any, "thanks a lot"), 0);
    ck_assert_int_eq(fires(all, "I want a refund"), 0);
    ck_assert_int_eq(fires(all, "money back, or a refund"), 1);
    /* A repeated term, or two that are equal after folding, is needed once. */
    ck_assert_int_eq(fires(KW(true, false, true, "ok", "ok", "OK"), "ok then"), 1);
    ck_assert_int_eq(fires(KW(true, true, true, "ok", "OK"), "ok then"), 0);
    ck_assert_int_eq(fires(KW(true, true, true, "ok", "OK"), "ok OK"), 1);
}
END_TEST

START_TEST(test_case_folding)
{
    ck_assert_int_eq(fires(KW(false, false, true, "Refund"), "REFUND please"), 1);
    ck_assert_int_eq(fires(KW(false, false, true, "REFUND"), "a refund"), 1);
    ck_assert_int_eq(fires(KW(false, true, true, "Refund"), "a refund"), 0);
    ck_assert_int_eq(fires(KW(false, true, true, "Refund"), "a Refund"), 1);
    /* Only ASCII folds: "É" (C3 89) and "é" (C3 A9) stay different. */
    ck_assert_int_eq(fires(KW(false, false, true, "caf\xc3\xa9"), "CAF\xc3\xa9"), 1);
    ck_assert_int_eq(fires(KW(false, false, true, "caf\xc3\xa9"), "CAF\xc3\x89"), 0);
    /* Folding must not touch bytes that merely differ from letters by 0x20. */
    ck_assert_int_eq(fires(KW(false, false, false, "@"), "`"), 0);
    ck_assert_int_eq(fires(KW(false, false, false, "["), "{"), 0);
}
END_TEST

START_TEST(test_mixed_case_modes_in_one_index)
{
    lf_keyword sens = KW(false, true, true, "Apple");
    lf_keyword insens = KW(false, false, true, "apple");
    lf_keyword both = KW(true, false, true, "apple", "pie");
    lf_keyword sens_all = KW(true, true, false, "Apple", "pie");
    const lf_keyword *lfs[] = {&sens, &insens, &both, &sens_all};
    uint8_t fired[4];
    const char *text = "APPLE pie";
    match_lfs(lfs, 4, text, strlen(text), fired);
    ck_assert_int_eq(fired[0], 0);
    ck_assert_int_eq(fired[1], 1);
    ck_assert_int_eq(fired[2], 1);
    ck_assert_int_eq(fired[3], 0);
    text = "Apple pie";
    match_lfs(lfs, 4, text, strlen(text), fired);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(fired[i], 1);
}
END_TEST

START_TEST(test_whole_word_boundaries)
{
    lf_keyword ww = KW(false, false, true, "cat");
    lf_keyword sub = KW(false, false, false, "cat");
    /* String edges and punctuation are boundaries. */
    ck_assert_int_eq(fires(ww, "cat"), 1);
    ck_assert_int_eq(fires(ww, "cat sat"), 1);
    ck_assert_int_eq(fires(ww, "the cat"), 1);
    ck_assert_int_eq(fires(ww, "(cat)."), 1);
    ck_assert_int_eq(fires(ww, "a cat, a dog"), 1);
    ck_assert_int_eq(fires(ww, "cat-like"), 1);
    ck_assert_int_eq(fires(ww, "\tcat\n"), 1);
    /* Letters, digits and '_' are not. */
    ck_assert_int_eq(fires(ww, "cats"), 0);
    ck_assert_int_eq(fires(ww, "concat"), 0);
    ck_assert_int_eq(fires(ww, "cat9"), 0);
    ck_assert_int_eq(fires(ww, "_cat"), 0);
    ck_assert_int_eq(fires(ww, "Scatter"), 0);
    ck_assert_int_eq(fires(sub, "concatenate"), 1);
    /* A later occurrence may qualify where an earlier one did not. */
    ck_assert_int_eq(fires(ww, "cats and a cat"), 1);
}
END_TEST

START_TEST(test_whole_word_next_to_utf8)
{
    lf_keyword ww = KW(false, false, true, "cafe");
    /* Bytes >= 0x80 are word characters: no match inside a non-ASCII word. */
    ck_assert_int_eq(fires(ww, "cafe\xcc\x81"), 0); /* "cafe" + combining acute */
    ck_assert_int_eq(fires(ww, "\xc3\xa0"
                               "cafe"),
                     0);                                   /* "àcafe" */
    ck_assert_int_eq(fires(ww, "caf\xc3\xa9 cafe ok"), 1); /* "café cafe ok" */
    ck_assert_int_eq(fires(KW(false, false, false, "cafe"), "cafe\xcc\x81"), 1);
    /* A non-ASCII term obeys the same rule. */
    lf_keyword jp = KW(false, true, true, "\xe6\x97\xa5\xe6\x9c\xac"); /* 日本 */
    ck_assert_int_eq(fires(jp, "\xe6\x97\xa5\xe6\x9c\xac"), 1);
    ck_assert_int_eq(fires(jp, "(\xe6\x97\xa5\xe6\x9c\xac)"), 1);
    ck_assert_int_eq(fires(jp, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 0); /* 日本語 */
}
END_TEST

START_TEST(test_multi_word_terms)
{
    lf_keyword co = KW(false, false, true, "check out");
    ck_assert_int_eq(fires(co, "please Check Out now"), 1);
    ck_assert_int_eq(fires(co, "check out"), 1);
    ck_assert_int_eq(fires(co, "check outside"), 0);
    ck_assert_int_eq(fires(co, "recheck out"), 0);
    ck_assert_int_eq(fires(co, "check  out"), 0);
    /* Boundaries are checked at the two ends only, so inner punctuation is fine; an end
     * that is itself punctuation still needs a non-word byte next to it. */
    lf_keyword url = KW(false, false, true, "http://");
    ck_assert_int_eq(fires(url, "see http:// here"), 1);
    ck_assert_int_eq(fires(url, "xhttp:// here"), 0);
    /* The term ends in punctuation, which is a boundary already. */
    ck_assert_int_eq(fires(url, "http://example.com"), 1);
    ck_assert_int_eq(fires(KW(false, false, true, "$$$"), "win$$$now"), 1);
    ck_assert_int_eq(fires(KW(false, false, false, "http://"), "http://example.com"), 1);
}
END_TEST

START_TEST(test_overlapping_terms)
{
    lf_keyword he = KW(false, true, false, "he");
    lf_keyword she = KW(false, true, false, "she");
    lf_keyword hers = KW(false, true, false, "hers");
    lf_keyword all = KW(true, true, false, "he", "she", "hers");
    lf_keyword his = KW(false, true, false, "his");
    const lf_keyword *lfs[] = {&he, &she, &hers, &all, &his};
    uint8_t fired[5];
    match_lfs(lfs, 5, "ushers", 6, fired);
    ck_assert_int_eq(fired[0], 1);
    ck_assert_int_eq(fired[1], 1);
    ck_assert_int_eq(fired[2], 1);
    ck_assert_int_eq(fired[3], 1);
    ck_assert_int_eq(fired[4], 0);
    match_lfs(lfs, 5, "she", 3, fired);
    ck_assert_int_eq(fired[0], 1);
    ck_assert_int_eq(fired[1], 1);
    ck_assert_int_eq(fired[2], 0);
    ck_assert_int_eq(fired[3], 0);
    /* As whole words the inner "he" of "she" and "hers" no longer counts. */
    lf_keyword he_w = KW(false, true, true, "he");
    lf_keyword she_w = KW(false, true, true, "she");
    lf_keyword hers_w = KW(false, true, true, "hers");
    const lf_keyword *wlfs[] = {&he_w, &she_w, &hers_w, &he};
    uint8_t wfired[4];
    match_lfs(wlfs, 4, "she hers", 8, wfired);
    ck_assert_int_eq(wfired[0], 0);
    ck_assert_int_eq(wfired[1], 1);
    ck_assert_int_eq(wfired[2], 1);
    ck_assert_int_eq(wfired[3], 1);
}
END_TEST

START_TEST(test_empty_text_and_no_lfs)
{
    lf_keyword a = KW(false, false, true, "x");
    lf_keyword b = KW(true, true, false, "y", "z");
    const lf_keyword *lfs[] = {&a, &b};
    uint8_t fired[2];
    match_lfs(lfs, 2, "", 0, fired);
    ck_assert_int_eq(fired[0], 0);
    ck_assert_int_eq(fired[1], 0);
    match_lfs(lfs, 2, NULL, 0, fired);
    ck_assert_int_eq(fired[0], 0);
    ck_assert_int_eq(fired[1], 0);
    /* An index of no LFs still matches (and writes nothing). */
    match_lfs(lfs, 0, "x", 1, fired);
    /* The length bounds the text: a term past it is not seen. */
    match_lfs(lfs, 2, "ab x", 2, fired);
    ck_assert_int_eq(fired[0], 0);
}
END_TEST

/* ---- against a brute-force matcher -------------------------------------------------- */

/* Tokens texts and terms are drawn from; "é" is two bytes, and some tokens differ only in
 * case, so folding, boundaries and UTF-8 all come up often. */
static const char *const TOKENS[] = {"a", "b", "c", "A", "B", " ", "_", ".", "\xc3\xa9", "1"};
enum { N_TOKENS = sizeof TOKENS / sizeof *TOKENS };

static size_t random_string(chorus_rng *rng, char *buf, int n_tokens)
{
    size_t len = 0;
    for (int i = 0; i < n_tokens; i++) {
        const char *t = TOKENS[chorus_rng_below(rng, N_TOKENS)];
        size_t n = strlen(t);
        memcpy(buf + len, t, n);
        len += n;
    }
    buf[len] = '\0';
    return len;
}

static char *random_term(chorus_rng *rng, int min_tokens, int max_tokens)
{
    char buf[64];
    int n = min_tokens + (int)chorus_rng_below(rng, (uint64_t)(max_tokens - min_tokens + 1));
    random_string(rng, buf, n);
    char *term = strdup(buf);
    ck_assert_ptr_nonnull(term);
    return term;
}

static bool brute_word(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static uint8_t brute_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool brute_occurs(const uint8_t *text, size_t len, const char *term, bool cs, bool ww)
{
    size_t n = strlen(term);
    const uint8_t *t = (const uint8_t *)term;
    for (size_t s = 0; s + n <= len; s++) {
        size_t k = 0;
        while (k < n && (cs ? text[s + k] == t[k] : brute_lower(text[s + k]) == brute_lower(t[k])))
            k++;
        if (k < n) continue;
        /* An end of the term that is punctuation is a boundary of its own. */
        if (ww && brute_word(t[0]) && s > 0 && brute_word(text[s - 1])) continue;
        if (ww && brute_word(t[n - 1]) && s + n < len && brute_word(text[s + n])) continue;
        return true;
    }
    return false;
}

static uint8_t brute_fires(const lf_keyword *kw, const char *text, size_t len)
{
    for (int32_t j = 0; j < kw->n_terms; j++) {
        bool hit = brute_occurs((const uint8_t *)text, len, kw->terms[j], kw->case_sensitive,
                                kw->whole_word);
        if (hit && !kw->match_all) return 1;
        if (!hit && kw->match_all) return 0;
    }
    return kw->match_all;
}

static void free_lfs(lf_keyword *lfs, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < lfs[i].n_terms; j++)
            free(lfs[i].terms[j]);
        free(lfs[i].terms);
    }
    free(lfs);
}

START_TEST(test_random_against_brute_force)
{
    enum { N_BIG = 2, N_SMALL = 500, N_LFS = N_BIG + N_SMALL, N_TEXTS = 2500 };
    chorus_rng rng = chorus_rng_for(20240611, 1);
    lf_keyword *lfs = calloc(N_LFS, sizeof *lfs);
    ck_assert_ptr_nonnull(lfs);
    /* Two LFs with 1000 terms each (long enough to fire on part of the texts only), then
     * 500 small LFs with random modes. */
    for (int32_t i = 0; i < N_LFS; i++) {
        bool big = i < N_BIG;
        lfs[i].n_terms = big ? 1000 : 1 + (int32_t)chorus_rng_below(&rng, 5);
        lfs[i].terms = calloc((size_t)lfs[i].n_terms, sizeof *lfs[i].terms);
        ck_assert_ptr_nonnull(lfs[i].terms);
        for (int32_t j = 0; j < lfs[i].n_terms; j++) {
            lfs[i].terms[j] = big ? random_term(&rng, 4, 7) : random_term(&rng, 1, 3);
        }
        lfs[i].match_all = big ? false : chorus_rng_below(&rng, 3) == 0;
        lfs[i].case_sensitive = big ? i == 1 : chorus_rng_below(&rng, 2) == 0;
        lfs[i].whole_word = big ? i == 0 : chorus_rng_below(&rng, 2) == 0;
    }
    const lf_keyword *ptrs[N_LFS];
    for (int32_t i = 0; i < N_LFS; i++)
        ptrs[i] = &lfs[i];

    chorus_keyword_index *ix = NULL;
    ck_assert_ok(chorus_keyword_index_build(&ix, ptrs, N_LFS));
    void *scratch = calloc(1, chorus_keyword_index_scratch_size(ix));
    ck_assert_ptr_nonnull(scratch);
    uint8_t fired[N_LFS];
    int32_t list[N_LFS];
    int64_t n_fired = 0, n_big_fired[N_BIG] = {0};
    char text[100 * 2 + 1];
    for (int t = 0; t < N_TEXTS; t++) {
        size_t len = random_string(&rng, text, (int)chorus_rng_below(&rng, 100));
        memset(fired, 0, sizeof fired);
        int32_t count = chorus_keyword_index_match(ix, text, len, scratch, list);
        for (int32_t i = 0; i < count; i++)
            fired[list[i]] = 1;
        for (int32_t i = 0; i < N_LFS; i++) {
            uint8_t want = brute_fires(&lfs[i], text, len);
            /* Not ck_assert: Check logs every passing assertion, which would dominate. */
            if (fired[i] != want) {
                ck_abort_msg("text %d \"%s\": LF %d fired %d, expected %d", t, text, i, fired[i],
                             want);
            }
            n_fired += fired[i];
            if (i < N_BIG) n_big_fired[i] += fired[i];
        }
    }
    /* The comparison only means something if LFs both fire and stay silent often. */
    ck_assert_int_gt(n_fired, (int64_t)N_TEXTS * N_LFS / 10);
    ck_assert_int_lt(n_fired, (int64_t)N_TEXTS * N_LFS * 9 / 10);
    for (int i = 0; i < N_BIG; i++) {
        ck_assert_int_gt(n_big_fired[i], N_TEXTS / 10);
        ck_assert_int_lt(n_big_fired[i], N_TEXTS * 9 / 10);
    }
    free(scratch);
    chorus_keyword_index_free(ix);
    free_lfs(lfs, N_LFS);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keyword");
    TCase *tc = tcase_create("cases");
    tcase_add_test(tc, test_any_and_all);
    tcase_add_test(tc, test_case_folding);
    tcase_add_test(tc, test_mixed_case_modes_in_one_index);
    tcase_add_test(tc, test_whole_word_boundaries);
    tcase_add_test(tc, test_whole_word_next_to_utf8);
    tcase_add_test(tc, test_multi_word_terms);
    tcase_add_test(tc, test_overlapping_terms);
    tcase_add_test(tc, test_empty_text_and_no_lfs);
    suite_add_tcase(s, tc);
    TCase *random = tcase_create("random");
    tcase_set_timeout(random, 120);
    tcase_add_test(random, test_random_against_brute_force);
    suite_add_tcase(s, random);
    return test_run_suite(s);
}
