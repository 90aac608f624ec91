/* Claims on prompts between processes sharing an LLM cache: a live claim keeps others off,
 * a dead process's or an expired one does not, an answered prompt needs no claim, and the
 * first answer stored is the one every process gets. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "llm/llm_cache.h"
#include "llm/llm_claims.h"
#include "test_util.h"

enum { N_KEYS = 5 };

static char keys[N_KEYS][65];

static void make_keys(void)
{
    for (int i = 0; i < N_KEYS; i++) {
        char body[16];
        snprintf(body, sizeof body, "%d", i);
        chorus_llm_cache_key(keys[i], "u", "m", body);
    }
}

/* Claims up to max of the keys (all pending) in cache; mine gets which. */
static void take(chorus_llm_cache *cache, size_t max, unsigned char mine[N_KEYS], size_t *n_mine,
                 size_t *n_others)
{
    unsigned char pending[N_KEYS];
    memset(pending, 1, sizeof pending);
    memset(mine, 0, N_KEYS);
    ck_assert_ok(chorus_llm_cache_lock(cache));
    ck_assert_ok(chorus_llm_claims_take(cache, (const char(*)[65])keys, pending, N_KEYS, max, 600,
                                        mine, n_mine, n_others));
    chorus_llm_cache_unlock(cache);
}

/* In a child process: opens path, claims up to max, exits with (mine << 4) | others. */
static int child_take(const char *path, size_t max, int release)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        chorus_llm_cache *cache;
        if (chorus_llm_cache_open(&cache, path) != CHORUS_OK) _exit(255);
        unsigned char mine[N_KEYS];
        size_t n_mine, n_others;
        take(cache, max, mine, &n_mine, &n_others);
        if (release) {
            ck_assert_ok(chorus_llm_cache_lock(cache));
            ck_assert_ok(chorus_llm_claims_release(cache));
            chorus_llm_cache_unlock(cache);
        }
        _exit((int)(n_mine << 4 | n_others));
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

START_TEST(test_live_claims_keep_others_off)
{
    make_keys();
    const char *path = test_path("claims.jsonl");
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    unsigned char mine[N_KEYS];
    size_t n_mine, n_others;
    take(cache, 3, mine, &n_mine, &n_others);
    ck_assert_int_eq(n_mine, 3);
    ck_assert_int_eq(n_others, 0);
    ck_assert(mine[0] && mine[1] && mine[2] && !mine[3] && !mine[4]);
    /* Another process gets the two left and sees three held. */
    ck_assert_int_eq(child_take(path, 5, 1), 2 << 4 | 3);
    /* An answered key is held by nobody (pay() takes it from the cache instead). */
    ck_assert_ok(chorus_llm_cache_put(cache, keys[0], "HAM", 1));
    ck_assert_int_eq(child_take(path, 5, 1), 3 << 4 | 2);
    /* Released claims free the keys. */
    ck_assert_ok(chorus_llm_cache_lock(cache));
    ck_assert_ok(chorus_llm_claims_release(cache));
    chorus_llm_cache_unlock(cache);
    ck_assert_int_eq(child_take(path, 5, 1), 5 << 4 | 0);
    chorus_llm_cache_close(cache);
}
END_TEST

START_TEST(test_dead_and_expired_claims_lapse)
{
    make_keys();
    const char *path = test_path("lapse.jsonl");
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    /* A process that claims everything and dies (killed: no release) holds nothing. */
    ck_assert_int_eq(child_take(path, 5, 0), 5 << 4 | 0);
    unsigned char mine[N_KEYS];
    size_t n_mine, n_others;
    take(cache, 5, mine, &n_mine, &n_others);
    ck_assert_int_eq(n_mine, 5);
    ck_assert_int_eq(n_others, 0);
    ck_assert_ok(chorus_llm_cache_lock(cache));
    ck_assert_ok(chorus_llm_claims_release(cache));
    chorus_llm_cache_unlock(cache);

    /* Claims of another host hold until they expire; damaged lines hold nothing. */
    char text[1024];
    snprintf(text, sizeof text,
             "%s 1 other-host 99999999999\n%s 1 other-host 1000\nnot a claim\n%s 1", keys[0],
             keys[1], keys[2]);
    char lock_path[600];
    snprintf(lock_path, sizeof lock_path, "%s.lock", path);
    FILE *fp = fopen(lock_path, "wb");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    take(cache, 5, mine, &n_mine, &n_others);
    ck_assert_int_eq(n_others, 1);
    ck_assert_int_eq(n_mine, 4);
    ck_assert(!mine[0] && mine[1] && mine[2]);
    chorus_llm_cache_close(cache);
}
END_TEST

START_TEST(test_first_answer_wins)
{
    make_keys();
    const char *path = test_path("first.jsonl");
    chorus_llm_cache *a, *b;
    ck_assert_ok(chorus_llm_cache_open(&a, path));
    ck_assert_ok(chorus_llm_cache_open(&b, path));
    const char *kept = NULL;
    ck_assert_ok(chorus_llm_cache_put_first(a, keys[0], "SPAM", 3, &kept));
    ck_assert_str_eq(kept, "SPAM");
    /* b opened before a stored it; it still learns of it and keeps the first answer. */
    ck_assert_ok(chorus_llm_cache_put_first(b, keys[0], "HAM", 3, &kept));
    ck_assert_str_eq(kept, "SPAM");
    ck_assert_str_eq(chorus_llm_cache_get(b, keys[0]), "SPAM");
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(b, &st);
    ck_assert_int_eq(st.lines, 1);
    chorus_llm_cache_close(a);
    chorus_llm_cache_close(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("llm_claims");
    TCase *tc = tcase_create("llm_claims");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_live_claims_keep_others_off);
    tcase_add_test(tc, test_dead_and_expired_claims_lapse);
    tcase_add_test(tc, test_first_answer_wins);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
