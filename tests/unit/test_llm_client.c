/* The LLM client against the loopback test server (CHORUS_LLM_SERVER): answers, retries for
 * every injected fault, Retry-After, timeouts, the concurrency and rate limits, and that the
 * API key never shows up in an error. Only 127.0.0.1 is ever contacted. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "llm/llm_client.h"
#include "llm_test_server.h"
#include "test_util.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long stat_int(json_t *stats, const char *name)
{
    return (long)json_integer_value(json_object_get(stats, name));
}

static char *request_body(const char *prompt)
{
    json_t *root = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:f}", "model", "test-model",
                             "messages", "role", "system", "content", "Answer SPAM or HAM.", "role",
                             "user", "content", prompt, "temperature", 0.0);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    ck_assert_ptr_nonnull(text);
    return text;
}

static char **make_bodies(const char *const *prompts, size_t n)
{
    char **bodies = calloc(n, sizeof *bodies);
    ck_assert_ptr_nonnull(bodies);
    for (size_t i = 0; i < n; i++)
        bodies[i] = request_body(prompts[i]);
    return bodies;
}

static void free_all(char **bodies, chorus_llm_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(bodies[i]);
        chorus_llm_result_clear(&results[i]);
    }
    free(bodies);
    free(results);
}

static chorus_llm_client_options fast_options(const char *url)
{
    chorus_llm_client_options opts = CHORUS_LLM_CLIENT_OPTIONS_INIT;
    opts.url = url;
    opts.timeout = 10;
    opts.backoff = 0.05;
    opts.max_retries = 3;
    opts.seed = 42;
    return opts;
}

static int done_calls;
static void count_done(size_t index, const chorus_llm_result *result, void *ctx)
{
    (void)result;
    ck_assert_ptr_eq(ctx, &done_calls);
    ck_assert_int_ge((int)index, 0);
    done_calls++;
}

START_TEST(test_answers)
{
    server srv;
    server_start(&srv, 0);
    enum { N = 50 };
    char prompts[N][96];
    const char *ptrs[N];
    for (int i = 0; i < N; i++) {
        if (i % 5 == 0)
            snprintf(prompts[i], sizeof prompts[i], "Check OUT my video %d", i);
        else if (i % 5 == 1)
            snprintf(prompts[i], sizeof prompts[i], "see http://x.example/%d", i);
        else if (i % 5 == 2)
            snprintf(prompts[i], sizeof prompts[i], "visit My Channel %d", i);
        else
            snprintf(prompts[i], sizeof prompts[i], "nice song number %d", i);
        ptrs[i] = prompts[i];
    }
    char **bodies = make_bodies(ptrs, N);
    chorus_llm_result *results = calloc(N, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    done_calls = 0;
    ck_assert_ok(
        chorus_llm_send(&opts, (const char *const *)bodies, N, results, count_done, &done_calls));
    ck_assert_int_eq(done_calls, N);
    for (int i = 0; i < N; i++) {
        ck_assert_msg(results[i].ok, "request %d: %s", i, results[i].error);
        ck_assert_str_eq(results[i].content, i % 5 <= 2 ? "SPAM" : "HAM");
        ck_assert_int_eq(results[i].attempts, 1);
        ck_assert_int_eq(results[i].completion_tokens, 1);
        ck_assert_int_ge(results[i].prompt_tokens, 2);
        ck_assert(isnan(results[i].logprob));
    }
    ck_assert_int_eq(results[3].prompt_tokens, 4); /* "nice song number 3" */
    json_t *stats = server_stop(&srv);
    ck_assert_int_eq(stat_int(stats, "requests"), N);
    ck_assert_int_eq(stat_int(stats, "completions"), N);
    ck_assert_int_eq(stat_int(stats, "prompts"), N);
    ck_assert(!json_is_true(json_object_get(stats, "authorization_seen")));
    json_decref(stats);
    free_all(bodies, results, N);
}
END_TEST

START_TEST(test_faults_recover)
{
    server srv;
    server_start(&srv, 0);
    const char *prompts[] = {"hello FAULT500",    "hello FAULTBADJSON",   "check out FAULTTRUNC",
                             "hello FAULTEMPTY",  "hello FAULTALWAYS500", "plain hello",
                             "subscribe FAULT429"};
    enum { N = sizeof prompts / sizeof prompts[0] };
    char **bodies = make_bodies(prompts, N);
    chorus_llm_result *results = calloc(N, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, N, results, NULL, NULL));
    for (int i = 0; i < N; i++) {
        if (i == 4) continue;
        ck_assert_msg(results[i].ok, "%s: %s", prompts[i], results[i].error);
        ck_assert_int_eq(results[i].attempts, i == 5 ? 1 : 2);
    }
    ck_assert_str_eq(results[0].content, "HAM");
    ck_assert_str_eq(results[2].content, "SPAM");
    ck_assert_str_eq(results[6].content, "SPAM");
    ck_assert(!results[4].ok);
    ck_assert_ptr_null(results[4].content);
    ck_assert_int_eq(results[4].attempts, opts.max_retries + 1);
    ck_assert_str_eq(results[4].error, "HTTP 500 after 4 attempts");
    json_t *stats = server_stop(&srv);
    ck_assert_int_eq(stat_int(stats, "requests"), 5 * 2 + 4 + 1);
    json_decref(stats);
    free_all(bodies, results, N);
}
END_TEST

START_TEST(test_error_strings)
{
    server srv;
    server_start(&srv, 0);
    const char *prompts[] = {"FAULTBADJSON one"};
    char **bodies = make_bodies(prompts, 1);
    chorus_llm_result *results = calloc(1, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    opts.max_retries = 0;
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 1, results, NULL, NULL));
    ck_assert(!results[0].ok);
    ck_assert_str_eq(results[0].error, "invalid JSON in the answer after 1 attempt");
    json_decref(server_stop(&srv));
    free_all(bodies, results, 1);

    /* A 404 is not retried, and stops the call: every request would get it; a refused
     * connection is a transport error. */
    server_start(&srv, 0);
    char url[200];
    snprintf(url, sizeof url, "%s", srv.url);
    char *slash = strstr(url + strlen("http://"), "/");
    snprintf(slash, sizeof url - (size_t)(slash - url), "/nowhere");
    bodies = make_bodies(prompts, 1);
    results = calloc(1, sizeof *results);
    opts = fast_options(url);
    ck_assert_error(chorus_llm_send(&opts, (const char *const *)bodies, 1, results, NULL, NULL),
                    CHORUS_EREMOTE, "answered HTTP 404");
    ck_assert(!results[0].ok);
    ck_assert_int_eq(results[0].attempts, 1);
    ck_assert_str_eq(results[0].error, "HTTP 404");
    json_decref(server_stop(&srv));
    chorus_llm_result_clear(&results[0]);
    opts = fast_options(srv.url); /* the server is gone now */
    opts.max_retries = 1;
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 1, results, NULL, NULL));
    ck_assert(!results[0].ok);
    ck_assert_int_eq(results[0].attempts, 2);
    ck_assert_msg(strstr(results[0].error, "after 2 attempts"), "%s", results[0].error);
    free_all(bodies, results, 1);
}
END_TEST

START_TEST(test_retry_after)
{
    server srv;
    server_start(&srv, 0);
    const char *prompts[] = {"FAULT429 please"};
    char **bodies = make_bodies(prompts, 1);
    chorus_llm_result *results = calloc(1, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    opts.backoff = 0.01; /* far shorter than Retry-After: 1 */
    double t0 = now_seconds();
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 1, results, NULL, NULL));
    double elapsed = now_seconds() - t0;
    ck_assert_msg(results[0].ok, "%s", results[0].error);
    ck_assert_int_eq(results[0].attempts, 2);
    ck_assert_msg(elapsed >= 0.95, "retried after %.3f s, before Retry-After", elapsed);
    ck_assert_msg(elapsed < 5, "took %.3f s", elapsed);
    json_decref(server_stop(&srv));
    free_all(bodies, results, 1);
}
END_TEST

START_TEST(test_timeout_retried)
{
    server srv;
    server_start(&srv, 0);
    const char *prompts[] = {"FAULTSLOW hello", "quick hello"};
    char **bodies = make_bodies(prompts, 2);
    chorus_llm_result *results = calloc(2, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    opts.timeout = 1;
    double t0 = now_seconds();
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 2, results, NULL, NULL));
    double elapsed = now_seconds() - t0;
    ck_assert_msg(results[0].ok, "%s", results[0].error);
    ck_assert_int_eq(results[0].attempts, 2);
    ck_assert_str_eq(results[0].content, "HAM");
    ck_assert_int_eq(results[1].attempts, 1);
    ck_assert_msg(elapsed >= 0.9 && elapsed < 2.9, "took %.3f s", elapsed);

    /* With no retries left the timeout is the reason given. */
    chorus_llm_result_clear(&results[0]);
    free(bodies[0]);
    bodies[0] = request_body("FAULTSLOW again");
    opts.max_retries = 0;
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 1, results, NULL, NULL));
    ck_assert(!results[0].ok);
    ck_assert_str_eq(results[0].error, "timeout after 1 attempt");
    json_decref(server_stop(&srv));
    free_all(bodies, results, 2);
}
END_TEST

START_TEST(test_concurrency_limit)
{
    server srv;
    server_start(&srv, 100);
    enum { N = 40 };
    char prompts[N][32];
    const char *ptrs[N];
    for (int i = 0; i < N; i++) {
        snprintf(prompts[i], sizeof prompts[i], "item %d", i);
        ptrs[i] = prompts[i];
    }
    char **bodies = make_bodies(ptrs, N);
    chorus_llm_result *results = calloc(N, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    opts.max_concurrency = 3;
    double t0 = now_seconds();
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, N, results, NULL, NULL));
    double elapsed = now_seconds() - t0;
    for (int i = 0; i < N; i++)
        ck_assert_msg(results[i].ok, "%d: %s", i, results[i].error);
    json_t *stats = server_stop(&srv);
    long max_in_flight = stat_int(stats, "max_in_flight");
    ck_assert_msg(max_in_flight <= 3 && max_in_flight >= 2, "max_in_flight %ld", max_in_flight);
    /* 40 answers of 100 ms, 3 at a time: at least 14 rounds. */
    ck_assert_msg(elapsed >= 1.3, "took %.3f s", elapsed);
    json_decref(stats);
    free_all(bodies, results, N);
}
END_TEST

START_TEST(test_api_key_kept_secret)
{
    server srv;
    server_start(&srv, 0);
    const char *prompts[] = {"hello", "FAULTALWAYS500 x", "FAULTBADJSON y"};
    char **bodies = make_bodies(prompts, 3);
    chorus_llm_result *results = calloc(3, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    opts.api_key = "sk-secret-123";
    opts.max_retries = 1;
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 3, results, NULL, NULL));
    ck_assert(results[0].ok);
    ck_assert(!results[1].ok);
    json_t *stats = server_stop(&srv);
    ck_assert(json_is_true(json_object_get(stats, "authorization_seen")));
    json_decref(stats);
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_null(strstr(results[i].error, "sk-secret"));
    /* Against a dead server the transport error must not carry it either. */
    for (int i = 0; i < 3; i++)
        chorus_llm_result_clear(&results[i]);
    opts.max_retries = 0;
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, 3, results, NULL, NULL));
    for (int i = 0; i < 3; i++) {
        ck_assert(!results[i].ok);
        ck_assert_ptr_null(strstr(results[i].error, "sk-secret"));
    }
    ck_assert_ptr_null(strstr(chorus_error_last(), "sk-secret"));
    free_all(bodies, results, 3);
}
END_TEST

START_TEST(test_rate_limit)
{
    server srv;
    server_start(&srv, 0);
    enum { N = 10 };
    char prompts[N][32];
    const char *ptrs[N];
    for (int i = 0; i < N; i++) {
        snprintf(prompts[i], sizeof prompts[i], "rate %d", i);
        ptrs[i] = prompts[i];
    }
    char **bodies = make_bodies(ptrs, N);
    chorus_llm_result *results = calloc(N, sizeof *results);
    chorus_llm_client_options opts = fast_options(srv.url);
    opts.requests_per_minute = 600;
    opts.max_concurrency = 8;
    double t0 = now_seconds();
    ck_assert_ok(chorus_llm_send(&opts, (const char *const *)bodies, N, results, NULL, NULL));
    double elapsed = now_seconds() - t0;
    for (int i = 0; i < N; i++)
        ck_assert_msg(results[i].ok, "%d: %s", i, results[i].error);
    ck_assert_msg(elapsed >= 0.88 && elapsed < 3, "10 requests at 600/min took %.3f s", elapsed);
    json_decref(server_stop(&srv));
    free_all(bodies, results, N);
}
END_TEST

START_TEST(test_logprobs)
{
    server srv;
    server_start(&srv, 0);
    const char *body =
        "{\"model\":\"m\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    chorus_llm_result result;
    chorus_llm_client_options opts = fast_options(srv.url);
    ck_assert_ok(chorus_llm_send(&opts, &body, 1, &result, NULL, NULL));
    ck_assert_msg(result.ok, "%s", result.error);
    ck_assert_str_eq(result.content, "HAM");
    ck_assert_double_eq_tol(result.logprob, -0.75, 1e-12);
    chorus_llm_result_clear(&result);
    json_decref(server_stop(&srv));
}
END_TEST

START_TEST(test_bad_options)
{
    const char *body = "{}";
    chorus_llm_result result;
    chorus_llm_client_options opts = CHORUS_LLM_CLIENT_OPTIONS_INIT;
    ck_assert_error(chorus_llm_send(&opts, &body, 1, &result, NULL, NULL), CHORUS_EINVAL, "URL");
    opts.url = "http://127.0.0.1:9/";
    opts.max_concurrency = 0;
    ck_assert_error(chorus_llm_send(&opts, &body, 1, &result, NULL, NULL), CHORUS_EINVAL,
                    "max_concurrency");
    opts.max_concurrency = 1;
    opts.timeout = 0;
    ck_assert_error(chorus_llm_send(&opts, &body, 1, &result, NULL, NULL), CHORUS_EINVAL,
                    "timeout");
    opts.timeout = 1;
    opts.max_retries = -1;
    ck_assert_error(chorus_llm_send(&opts, &body, 1, &result, NULL, NULL), CHORUS_EINVAL,
                    "max_retries");
    opts.max_retries = 0;
    ck_assert_ok(chorus_llm_send(&opts, NULL, 0, NULL, NULL, NULL));
}
END_TEST

int main(void)
{
    /* Loopback only, even if the environment names a proxy. */
    setenv("NO_PROXY", "127.0.0.1", 1);
    setenv("no_proxy", "127.0.0.1", 1);
    Suite *s = suite_create("llm_client");
    TCase *tc = tcase_create("llm_client");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_answers);
    tcase_add_test(tc, test_faults_recover);
    tcase_add_test(tc, test_error_strings);
    tcase_add_test(tc, test_retry_after);
    tcase_add_test(tc, test_timeout_retried);
    tcase_add_test(tc, test_concurrency_limit);
    tcase_add_test(tc, test_api_key_kept_secret);
    tcase_add_test(tc, test_rate_limit);
    tcase_add_test(tc, test_logprobs);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
