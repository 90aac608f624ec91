/* The LLM answer cache: keys, put/get, persistence, damaged lines, stats, export, prune,
 * and a client run whose answers are served from the cache on the second pass. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "llm/llm_cache.h"
#include "llm/llm_client.h"
#include "llm_test_server.h"
#include "test_util.h"

static void key_of(char out[65], const char *body)
{
    chorus_llm_cache_key(out, "http://127.0.0.1:1/v1/chat/completions", "m", body);
}

static void append_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int64_t count_lines(const char *path)
{
    size_t len;
    char *text = test_read_file(path, &len);
    int64_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    free(text);
    return lines;
}

START_TEST(test_key)
{
    char a[65], b[65], c[65], d[65], e[65];
    chorus_llm_cache_key(a, "http://x/v1", "m1", "{\"p\":1}");
    chorus_llm_cache_key(b, "http://y/v1", "m1", "{\"p\":1}");
    chorus_llm_cache_key(c, "http://x/v1", "m2", "{\"p\":1}");
    chorus_llm_cache_key(d, "http://x/v1", "m1", "{\"p\":2}");
    chorus_llm_cache_key(e, "http://x/v1", "m1", "{\"p\":1}");
    ck_assert_int_eq(strlen(a), 64);
    ck_assert_str_eq(a, e);
    ck_assert_str_ne(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_str_ne(a, d);
    for (int i = 0; i < 64; i++)
        ck_assert(strchr("0123456789abcdef", a[i]) != NULL);
    /* Field boundaries matter: ("ab", "c") is not ("a", "bc"). */
    chorus_llm_cache_key(a, "ab", "c", "");
    chorus_llm_cache_key(b, "a", "bc", "");
    ck_assert_str_ne(a, b);
    /* SHA-256 of "\0\0\0" (three empty fields with their separators). */
    chorus_llm_cache_key(a, "", "", "");
    ck_assert_str_eq(a, "709e80c88487a2411e1ee4dfb9f22a861492d20c4765150c0c794abd70f8147c");
}
END_TEST

START_TEST(test_put_get_reopen)
{
    const char *path = test_path("cache.jsonl");
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert(test_file_exists(path));
    char k1[65], k2[65];
    key_of(k1, "one");
    key_of(k2, "two");
    ck_assert_ptr_null(chorus_llm_cache_get(cache, k1));
    ck_assert_ok(chorus_llm_cache_put(cache, k1, "SPAM", 10));
    ck_assert_ok(chorus_llm_cache_put(cache, k2, "quote \" and\nnewline \xc3\xa9", 5));
    ck_assert_str_eq(chorus_llm_cache_get(cache, k1), "SPAM");
    ck_assert_ok(chorus_llm_cache_put(cache, k1, "HAM", 12)); /* later wins */
    ck_assert_str_eq(chorus_llm_cache_get(cache, k1), "HAM");
    ck_assert_ok(chorus_llm_cache_sync(cache));
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 2);
    ck_assert_int_eq(st.lines, 3);
    ck_assert_int_eq(st.damaged, 0);
    ck_assert_int_eq(st.tokens, 17);
    ck_assert_int_gt(st.bytes, 3 * 64);
    chorus_llm_cache_close(cache);
    ck_assert_int_eq(count_lines(path), 3);

    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_str_eq(chorus_llm_cache_get(cache, k1), "HAM");
    ck_assert_str_eq(chorus_llm_cache_get(cache, k2), "quote \" and\nnewline \xc3\xa9");
    chorus_llm_cache_stats st2;
    chorus_llm_cache_stats_get(cache, &st2);
    ck_assert_int_eq(st2.entries, 2);
    ck_assert_int_eq(st2.lines, 3);
    ck_assert_int_eq(st2.tokens, 17);
    ck_assert_int_eq(st2.bytes, st.bytes);
    chorus_llm_cache_close(cache);
}
END_TEST

START_TEST(test_damaged_lines)
{
    const char *path = test_path("damaged.jsonl");
    chorus_llm_cache *cache;
    char k1[65], k2[65], k3[65];
    key_of(k1, "a");
    key_of(k2, "b");
    key_of(k3, "c");
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_ok(chorus_llm_cache_put(cache, k1, "SPAM", 1));
    chorus_llm_cache_close(cache);
    /* Garbage, a line missing its fields, then a last line cut off by a crash. */
    append_text(path, "not json at all\n{\"key\": 5, \"answer\": \"x\"}\n");
    char partial[200];
    snprintf(partial, sizeof partial, "{\"key\":\"%s\",\"answer\":\"HA", k2);
    append_text(path, partial);

    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 1);
    ck_assert_int_eq(st.lines, 4);
    ck_assert_int_eq(st.damaged, 3);
    ck_assert_str_eq(chorus_llm_cache_get(cache, k1), "SPAM");
    ck_assert_ptr_null(chorus_llm_cache_get(cache, k2));
    /* The next answer starts on a line of its own, not glued to the cut-off one. */
    ck_assert_ok(chorus_llm_cache_put(cache, k3, "HAM", 2));
    chorus_llm_cache_close(cache);
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_str_eq(chorus_llm_cache_get(cache, k3), "HAM");
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 2);
    ck_assert_int_eq(st.lines, 5);
    ck_assert_int_eq(st.damaged, 3);

    /* Prune drops the damaged lines. */
    int64_t removed = -1;
    ck_assert_ok(chorus_llm_cache_prune(cache, 0, &removed));
    ck_assert_int_eq(removed, 3);
    chorus_llm_cache_close(cache);
    ck_assert_int_eq(count_lines(path), 2);
}
END_TEST

START_TEST(test_export_and_prune)
{
    const char *path = test_path("prune.jsonl");
    const char *out = test_path("export.jsonl");
    chorus_llm_cache *cache;
    char k1[65], k2[65], k3[65];
    key_of(k1, "a");
    key_of(k2, "b");
    key_of(k3, "old");
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_ok(chorus_llm_cache_put(cache, k1, "first", 1));
    ck_assert_ok(chorus_llm_cache_put(cache, k2, "B", 2));
    ck_assert_ok(chorus_llm_cache_put(cache, k1, "second", 3));
    chorus_llm_cache_close(cache);
    /* An entry written long ago (1970). */
    char old[200];
    snprintf(old, sizeof old, "{\"key\":\"%s\",\"answer\":\"OLD\",\"tokens\":7,\"time\":1000}\n",
             k3);
    append_text(path, old);

    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_ok(chorus_llm_cache_export(cache, out));
    ck_assert_int_eq(count_lines(out), 3);
    chorus_llm_cache *exported;
    ck_assert_ok(chorus_llm_cache_open(&exported, out));
    ck_assert_str_eq(chorus_llm_cache_get(exported, k1), "second");
    ck_assert_str_eq(chorus_llm_cache_get(exported, k3), "OLD");
    chorus_llm_cache_close(exported);

    int64_t removed = -1;
    ck_assert_ok(chorus_llm_cache_prune(cache, 0, &removed)); /* duplicates only */
    ck_assert_int_eq(removed, 1);
    ck_assert_int_eq(count_lines(path), 3);
    ck_assert_ok(chorus_llm_cache_prune(cache, 3600, &removed)); /* and old entries */
    ck_assert_int_eq(removed, 1);
    ck_assert_ptr_null(chorus_llm_cache_get(cache, k3));
    ck_assert_str_eq(chorus_llm_cache_get(cache, k1), "second");
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 2);
    ck_assert_int_eq(st.lines, 2);
    ck_assert_int_eq(st.tokens, 5);
    /* Appends after a prune go to the new file. */
    ck_assert_ok(chorus_llm_cache_put(cache, k3, "NEW", 1));
    chorus_llm_cache_close(cache);
    ck_assert_int_eq(count_lines(path), 3);
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_str_eq(chorus_llm_cache_get(cache, k3), "NEW");
    chorus_llm_cache_close(cache);
}
END_TEST

START_TEST(test_open_errors)
{
    chorus_llm_cache *cache = (chorus_llm_cache *)&cache;
    ck_assert_error(chorus_llm_cache_open(&cache, test_tmpdir()), CHORUS_EIO, test_tmpdir());
    ck_assert_ptr_null(cache);
    ck_assert_error(chorus_llm_cache_open(&cache, "/nonexistent-dir/x/cache.jsonl"), CHORUS_EIO,
                    "/nonexistent-dir/x/cache.jsonl");
    chorus_llm_cache_close(NULL);
}
END_TEST

START_TEST(test_many_entries)
{
    const char *path = test_path("many.jsonl");
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    char key[65], body[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(body, sizeof body, "%d", i);
        key_of(key, body);
        ck_assert_ok(chorus_llm_cache_put(cache, key, body, i));
    }
    chorus_llm_cache_close(cache);
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    for (int i = 0; i < 1000; i++) {
        snprintf(body, sizeof body, "%d", i);
        key_of(key, body);
        ck_assert_str_eq(chorus_llm_cache_get(cache, key), body);
    }
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 1000);
    ck_assert_int_eq(st.tokens, 999 * 1000 / 2);
    chorus_llm_cache_close(cache);
}
END_TEST

/* The way a caller combines the two: answers paid for once are served from the cache. */
START_TEST(test_with_client)
{
    server srv;
    server_start(&srv, 0);
    const char *url = srv.url;

    const char *bodies[] = {
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"subscribe now\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"lovely tune\"}]}"};
    const char *path = test_path("client.jsonl");
    for (int pass = 0; pass < 2; pass++) {
        chorus_llm_cache *cache;
        ck_assert_ok(chorus_llm_cache_open(&cache, path));
        const char *todo[2];
        size_t map[2], n = 0;
        char keys[2][65];
        for (size_t i = 0; i < 2; i++) {
            chorus_llm_cache_key(keys[i], url, "m", bodies[i]);
            if (!chorus_llm_cache_get(cache, keys[i])) {
                map[n] = i;
                todo[n++] = bodies[i];
            }
        }
        ck_assert_int_eq(n, pass == 0 ? 2 : 0);
        chorus_llm_result results[2];
        chorus_llm_client_options opts = CHORUS_LLM_CLIENT_OPTIONS_INIT;
        opts.url = url;
        ck_assert_ok(chorus_llm_send(&opts, todo, n, results, NULL, NULL));
        for (size_t j = 0; j < n; j++) {
            ck_assert(results[j].ok);
            ck_assert_ok(
                chorus_llm_cache_put(cache, keys[map[j]], results[j].content,
                                     results[j].prompt_tokens + results[j].completion_tokens));
            chorus_llm_result_clear(&results[j]);
        }
        ck_assert_ok(chorus_llm_cache_sync(cache));
        ck_assert_str_eq(chorus_llm_cache_get(cache, keys[0]), "SPAM");
        ck_assert_str_eq(chorus_llm_cache_get(cache, keys[1]), "HAM");
        chorus_llm_cache_close(cache);
    }
    json_t *stats = server_stop(&srv);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "completions")), 2);
    json_decref(stats);
}
END_TEST

int main(void)
{
    setenv("NO_PROXY", "127.0.0.1", 1);
    setenv("no_proxy", "127.0.0.1", 1);
    Suite *s = suite_create("llm_cache");
    TCase *tc = tcase_create("llm_cache");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_key);
    tcase_add_test(tc, test_put_get_reopen);
    tcase_add_test(tc, test_damaged_lines);
    tcase_add_test(tc, test_export_and_prune);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_many_entries);
    tcase_add_test(tc, test_with_client);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
