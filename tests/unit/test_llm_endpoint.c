/* The LLM client when the endpoint itself is at fault: nobody listening, a host that does not
 * resolve, HTTP 401/404 for every request, and hostile "usage" token counts. Only 127.0.0.1
 * (and a name under .invalid, which never resolves) is ever contacted. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "llm/llm_client.h"
#include "llm_test_server.h"
#include "test_util.h"

enum { N_BODIES = 50 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A loopback port nobody listens on: bound, read back, closed. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

static const char *const *bodies(void)
{
    static char text[N_BODIES][96];
    static const char *ptrs[N_BODIES];
    for (int i = 0; i < N_BODIES; i++) {
        snprintf(text[i], sizeof text[i],
                 "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"nice %d\"}]}", i);
        ptrs[i] = text[i];
    }
    return ptrs;
}

static chorus_llm_client_options slow_retry_options(const char *url)
{
    chorus_llm_client_options opts = CHORUS_LLM_CLIENT_OPTIONS_INIT;
    opts.url = url;
    opts.timeout = 5;
    opts.seed = 7;
    /* The defaults: 5 retries a request, 1 s backoff doubling. Without the stop, 50 requests
     * would take over 30 s and 300 attempts. */
    return opts;
}

static int done_calls;
static void count_done(size_t index, const chorus_llm_result *result, void *ctx)
{
    (void)index;
    (void)result;
    (void)ctx;
    done_calls++;
}

static void clear_results(chorus_llm_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++)
        chorus_llm_result_clear(&results[i]);
}

START_TEST(test_refused_stops_the_call)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat/completions", free_port());
    chorus_llm_client_options opts = slow_retry_options(url);
    chorus_llm_result results[N_BODIES];
    done_calls = 0;
    double t0 = now_seconds();
    int rc = chorus_llm_send(&opts, bodies(), N_BODIES, results, count_done, NULL);
    double elapsed = now_seconds() - t0;
    ck_assert_error(rc, CHORUS_EREMOTE, url);
    ck_assert_msg(strstr(chorus_error_last(), "10 attempts in a row"), "%s", chorus_error_last());
    ck_assert_msg(strstr(chorus_error_last(), "Connection refused"), "%s", chorus_error_last());
    /* Ten refusals in a row come from the first ten fresh requests, long before any retry. */
    ck_assert_msg(elapsed < 0.9, "stopped after %.3f s", elapsed);
    ck_assert_int_eq(done_calls, 0);
    int attempts = 0;
    for (int i = 0; i < N_BODIES; i++) {
        ck_assert(!results[i].ok);
        attempts += results[i].attempts;
    }
    /* The ten that failed, plus at most max_concurrency - 1 started alongside the last. */
    ck_assert_int_ge(attempts, 10);
    ck_assert_int_le(attempts, 10 + opts.max_concurrency - 1);
    clear_results(results, N_BODIES);

    opts.max_connection_failures = 3;
    opts.max_concurrency = 1;
    ck_assert_error(chorus_llm_send(&opts, bodies(), N_BODIES, results, NULL, NULL), CHORUS_EREMOTE,
                    "3 attempts in a row");
    clear_results(results, N_BODIES);
}
END_TEST

START_TEST(test_unresolved_host_stops_the_call)
{
    const char *url = "http://no-such-host.invalid/v1/chat/completions";
    chorus_llm_client_options opts = slow_retry_options(url);
    chorus_llm_result results[N_BODIES];
    double t0 = now_seconds();
    ck_assert_error(chorus_llm_send(&opts, bodies(), N_BODIES, results, NULL, NULL), CHORUS_EREMOTE,
                    "no-such-host.invalid");
    ck_assert_msg(strstr(chorus_error_last(), "resolve"), "%s", chorus_error_last());
    ck_assert_msg(now_seconds() - t0 < 5, "took %.3f s", now_seconds() - t0);
    clear_results(results, N_BODIES);
}
END_TEST

START_TEST(test_failures_counted_across_calls)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat/completions", free_port());
    chorus_llm_client_options opts = slow_retry_options(url);
    opts.max_retries = 0;
    opts.max_connection_failures = 3;
    chorus_llm_result results[2];
    /* Two calls of two failing requests each: alone, neither reaches three in a row. */
    ck_assert_ok(chorus_llm_send(&opts, bodies(), 2, results, NULL, NULL));
    clear_results(results, 2);
    ck_assert_ok(chorus_llm_send(&opts, bodies(), 2, results, NULL, NULL));
    clear_results(results, 2);
    chorus_llm_client_state state = {0, 0};
    opts.state = &state;
    ck_assert_ok(chorus_llm_send(&opts, bodies(), 2, results, NULL, NULL));
    ck_assert_int_eq(state.connection_failures, 2);
    clear_results(results, 2);
    ck_assert_error(chorus_llm_send(&opts, bodies(), 2, results, NULL, NULL), CHORUS_EREMOTE,
                    "3 attempts in a row");
    clear_results(results, 2);

    /* 0 never stops: every request just fails. */
    opts.state = NULL;
    opts.max_connection_failures = 0;
    chorus_llm_result many[20];
    ck_assert_ok(chorus_llm_send(&opts, bodies(), 20, many, NULL, NULL));
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(many[i].attempts, 1);
    clear_results(many, 20);
}
END_TEST

START_TEST(test_answers_reset_the_count)
{
    /* With the server up every attempt reaches it, so even a limit of 1 never trips. */
    server srv;
    server_start(&srv, 0);
    chorus_llm_client_options opts = slow_retry_options(srv.url);
    opts.max_connection_failures = 1;
    chorus_llm_result results[N_BODIES];
    ck_assert_ok(chorus_llm_send(&opts, bodies(), N_BODIES, results, NULL, NULL));
    for (int i = 0; i < N_BODIES; i++)
        ck_assert_msg(results[i].ok, "%d: %s", i, results[i].error);
    clear_results(results, N_BODIES);
    json_decref(server_stop(&srv));
}
END_TEST

static void check_status_stops(const char *status, const char *why)
{
    server srv;
    const char *extra[] = {"--status", status, NULL};
    server_start_with(&srv, 0, extra);
    chorus_llm_client_options opts = slow_retry_options(srv.url);
    opts.api_key = "sk-never-shown";
    chorus_llm_result results[N_BODIES];
    ck_assert_error(chorus_llm_send(&opts, bodies(), N_BODIES, results, NULL, NULL), CHORUS_EREMOTE,
                    why);
    char expect[64];
    snprintf(expect, sizeof expect, "answered HTTP %s", status);
    ck_assert_msg(strstr(chorus_error_last(), expect), "%s", chorus_error_last());
    ck_assert_msg(strstr(chorus_error_last(), srv.url), "%s", chorus_error_last());
    ck_assert_msg(!strstr(chorus_error_last(), "sk-never-shown"), "%s", chorus_error_last());
    clear_results(results, N_BODIES);
    json_t *stats = server_stop(&srv);
    /* The first answer stops it: only the requests already in flight were sent. */
    ck_assert_int_le(json_integer_value(json_object_get(stats, "requests")), opts.max_concurrency);
    json_decref(stats);
}

START_TEST(test_wrong_key_or_model_stops_the_call)
{
    check_status_stops("401", "API key");
    check_status_stops("404", "model name");
    check_status_stops("403", "API key");
}
END_TEST

START_TEST(test_other_4xx_fails_one_request)
{
    /* 400 is about one request (e.g. a prompt too long for the model): the call goes on. */
    server srv;
    const char *extra[] = {"--status", "400", NULL};
    server_start_with(&srv, 0, extra);
    chorus_llm_client_options opts = slow_retry_options(srv.url);
    chorus_llm_result results[5];
    ck_assert_ok(chorus_llm_send(&opts, bodies(), 5, results, NULL, NULL));
    for (int i = 0; i < 5; i++) {
        ck_assert(!results[i].ok);
        ck_assert_str_eq(results[i].error, "HTTP 400 after 1 attempt");
    }
    clear_results(results, 5);
    json_decref(server_stop(&srv));
}
END_TEST

/* The usage counts an endpoint sends back as (prompt, completion) tokens. */
static void check_usage(const char *usage, int64_t prompt, int64_t completion)
{
    server srv;
    const char *extra[] = {"--usage", usage, NULL};
    server_start_with(&srv, 0, extra);
    chorus_llm_client_options opts = slow_retry_options(srv.url);
    chorus_llm_result results[3];
    ck_assert_ok(chorus_llm_send(&opts, bodies(), 3, results, NULL, NULL));
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(results[i].ok, "%s: %s", usage, results[i].error);
        ck_assert_str_eq(results[i].content, "HAM");
        ck_assert_int_eq(results[i].prompt_tokens, prompt);
        ck_assert_int_eq(results[i].completion_tokens, completion);
    }
    clear_results(results, 3);
    json_decref(server_stop(&srv));
}

START_TEST(test_usage_clamped)
{
    const int64_t max = CHORUS_LLM_MAX_TOKEN_COUNT;
    check_usage("9223372036854775807,-9223372036854775807", max, 0);
    check_usage("-1,2147483648", 0, max);
    check_usage("1e300,-1e300", max, 0);
    check_usage("7.9,\"12\"", 7, 0); /* a real is truncated; a string is no count */
    check_usage("2147483647,0", max, 0);
    check_usage("12,3", 12, 3);
    ck_assert_int_eq(chorus_llm_token_count_clamp(NAN), 0);
}
END_TEST

int main(void)
{
    setenv("NO_PROXY", "127.0.0.1", 1);
    setenv("no_proxy", "127.0.0.1", 1);
    Suite *s = suite_create("llm_endpoint");
    TCase *tc = tcase_create("llm_endpoint");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_refused_stops_the_call);
    tcase_add_test(tc, test_unresolved_host_stops_the_call);
    tcase_add_test(tc, test_failures_counted_across_calls);
    tcase_add_test(tc, test_answers_reset_the_count);
    tcase_add_test(tc, test_wrong_key_or_model_stops_the_call);
    tcase_add_test(tc, test_other_4xx_fails_one_request);
    tcase_add_test(tc, test_usage_clamped);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
