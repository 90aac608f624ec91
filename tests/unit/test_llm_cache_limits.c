/* The LLM cache reader on hostile or mistaken files: a FIFO, a device, a directory, a file
 * over the size limit, a line over the line limit, a file of junk, out-of-range token
 * counts and keys chorus never writes. Each is refused (or tolerated) at once. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "llm/llm_cache.h"
#include "llm/llm_client.h"
#include "test_util.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(fputs(text, fp) >= 0, 1);
    ck_assert_int_eq(fclose(fp), 0);
}

/* A sparse file of size bytes, all zero: no disk space, no newline. */
static void sparse_file(const char *path, off_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, size), 0);
    close(fd);
}

/* Opening path fails with code, naming path and needle, well within a second. */
static void check_refused(const char *path, int code, const char *needle)
{
    chorus_llm_cache *cache = (chorus_llm_cache *)&cache;
    double t0 = now_seconds();
    int rc = chorus_llm_cache_open(&cache, path);
    double elapsed = now_seconds() - t0;
    ck_assert_error(rc, code, path);
    ck_assert_msg(strstr(chorus_error_last(), needle), "%s", chorus_error_last());
    ck_assert_ptr_null(cache);
    ck_assert_msg(elapsed < 1.0, "%s: refused after %.3f s", path, elapsed);
}

START_TEST(test_not_regular_files)
{
    const char *fifo = test_path("cache.fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    check_refused(fifo, CHORUS_EIO, "it is a FIFO");
    check_refused("/dev/zero", CHORUS_EIO, "it is a character device");
    check_refused("/dev/null", CHORUS_EIO, "it is a character device");
    check_refused(test_tmpdir(), CHORUS_EIO, "it is a directory");
}
END_TEST

START_TEST(test_size_limit)
{
    const char *path = test_path("huge.jsonl");
    sparse_file(path, CHORUS_LLM_CACHE_MAX_BYTES + 1);
    check_refused(path, CHORUS_EFORMAT, "is 1073741825 bytes, over the limit of 1073741824");
    unlink(path);
}
END_TEST

START_TEST(test_line_limit)
{
    /* A 1 GiB line (just within the size limit): refused once 8 MiB of it are read. */
    const char *path = test_path("long-line.jsonl");
    sparse_file(path, CHORUS_LLM_CACHE_MAX_BYTES);
    check_refused(path, CHORUS_EFORMAT,
                  ":1: a line longer than 8388608 bytes (from byte offset 0)");
    unlink(path);

    /* The same after good lines: the place is the long line's. */
    char key[65];
    chorus_llm_cache_key(key, "u", "m", "b");
    char good[256];
    snprintf(good, sizeof good, "{\"key\":\"%s\",\"answer\":\"HAM\"}\n", key);
    write_text(path, good);
    FILE *fp = fopen(path, "ab");
    ck_assert_ptr_nonnull(fp);
    fputs(good, fp);
    for (int i = 0; i <= CHORUS_LLM_CACHE_MAX_LINE; i++)
        fputc('x', fp);
    fputs("\n", fp);
    fclose(fp);
    char place[96];
    snprintf(place, sizeof place, ":3: a line longer than 8388608 bytes (from byte offset %zu)",
             2 * strlen(good));
    check_refused(path, CHORUS_EFORMAT, place);
}
END_TEST

START_TEST(test_longest_answer_reads_back)
{
    /* The longest answer the client accepts, every byte escaped six-fold in JSON (\u0001),
     * still makes a line the reader takes. */
    const char *path = test_path("long-answer.jsonl");
    char *answer = malloc(CHORUS_LLM_MAX_ANSWER_BYTES + 1);
    ck_assert_ptr_nonnull(answer);
    memset(answer, 1, CHORUS_LLM_MAX_ANSWER_BYTES);
    answer[CHORUS_LLM_MAX_ANSWER_BYTES] = '\0';
    char key[65];
    chorus_llm_cache_key(key, "u", "m", "long");
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_ok(chorus_llm_cache_put(cache, key, answer, 1));
    chorus_llm_cache_close(cache);
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_str_eq(chorus_llm_cache_get(cache, key), answer);
    chorus_llm_cache_close(cache);
    free(answer);
}
END_TEST

START_TEST(test_damaged_limit)
{
    /* A crash damages one line; a thousand are tolerated, more is not an LLM cache (e.g. the
     * data file named as the cache by mistake). */
    const char *path = test_path("junk.jsonl");
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    for (int i = 0; i < CHORUS_LLM_CACHE_MAX_DAMAGED; i++)
        fprintf(fp, "%d,some,csv\n", i);
    fclose(fp);
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.damaged, CHORUS_LLM_CACHE_MAX_DAMAGED);
    ck_assert_int_eq(st.entries, 0);
    chorus_llm_cache_close(cache);
    fp = fopen(path, "ab");
    fputs("one,more,row\n", fp);
    fclose(fp);
    check_refused(path, CHORUS_EFORMAT, ":1001: more than 1000 damaged lines");

    /* A big file of junk is refused just as fast: at its 1001st line. */
    fp = fopen(path, "wb");
    for (int i = 0; i < 2000000; i++)
        fputs("{}\n", fp);
    fclose(fp);
    check_refused(path, CHORUS_EFORMAT,
                  ":1001: more than 1000 damaged lines (this one at byte "
                  "offset 3000)");
}
END_TEST

START_TEST(test_token_counts_and_keys)
{
    const char *path = test_path("tokens.jsonl");
    char k1[65], k2[65], k3[65];
    chorus_llm_cache_key(k1, "u", "m", "1");
    chorus_llm_cache_key(k2, "u", "m", "2");
    chorus_llm_cache_key(k3, "u", "m", "3");
    char text[1024];
    snprintf(text, sizeof text,
             "{\"key\":\"%s\",\"answer\":\"A\",\"tokens\":-5}\n"
             "{\"key\":\"%s\",\"answer\":\"B\",\"tokens\":9223372036854775807}\n"
             "{\"key\":\"%s\",\"answer\":\"C\",\"tokens\":9223372036854775807}\n"
             "{\"key\":\"not-a-key\",\"answer\":\"D\"}\n"
             "{\"key\":\"%.63sG\",\"answer\":\"E\"}\n",
             k1, k2, k3, k1);
    write_text(path, text);
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 3);
    ck_assert_int_eq(st.damaged, 2);
    /* -5 is 0; each huge count is a prompt and a completion count at their limit. */
    ck_assert_int_eq(st.tokens, 2 * 2 * CHORUS_LLM_MAX_TOKEN_COUNT);
    /* Puts are clamped alike, so replacing an entry keeps the sum exact. */
    ck_assert_ok(chorus_llm_cache_put(cache, k2, "B2", -7));
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.tokens, 2 * CHORUS_LLM_MAX_TOKEN_COUNT);
    chorus_llm_cache_close(cache);
}
END_TEST

/* A time beyond what chorus writes (seconds since the epoch up to 1e12) marks the line as
 * damaged, so export and prune never convert a huge time to milliseconds. */
START_TEST(test_times_out_of_range)
{
    const char *path = test_path("times.jsonl");
    char k1[65], k2[65], k3[65], k4[65];
    chorus_llm_cache_key(k1, "u", "m", "1");
    chorus_llm_cache_key(k2, "u", "m", "2");
    chorus_llm_cache_key(k3, "u", "m", "3");
    chorus_llm_cache_key(k4, "u", "m", "4");
    char text[1024];
    snprintf(text, sizeof text,
             "{\"key\":\"%s\",\"answer\":\"A\",\"time\":1e300}\n"
             "{\"key\":\"%s\",\"answer\":\"B\",\"time\":-1}\n"
             "{\"key\":\"%s\",\"answer\":\"C\",\"time\":1700000000.5}\n"
             "{\"key\":\"%s\",\"answer\":\"D\"}\n",
             k1, k2, k3, k4);
    write_text(path, text);
    chorus_llm_cache *cache;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    chorus_llm_cache_stats st;
    chorus_llm_cache_stats_get(cache, &st);
    ck_assert_int_eq(st.entries, 2);
    ck_assert_int_eq(st.damaged, 2);
    ck_assert_ptr_null(chorus_llm_cache_get(cache, k1));
    ck_assert_str_eq(chorus_llm_cache_get(cache, k3), "C");
    chorus_llm_cache_close(cache);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("llm_cache_limits");
    TCase *tc = tcase_create("llm_cache_limits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_not_regular_files);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_line_limit);
    tcase_add_test(tc, test_longest_answer_reads_back);
    tcase_add_test(tc, test_damaged_limit);
    tcase_add_test(tc, test_token_counts_and_keys);
    tcase_add_test(tc, test_times_out_of_range);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
