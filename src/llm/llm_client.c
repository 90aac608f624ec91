/*
 * The chat-completions client: one curl multi handle drives up to max_concurrency easy
 * handles from the calling thread, so no locks are needed and the done callback runs on the
 * caller's thread. A request waiting for a retry sits in a small list with the time it may
 * start again; fresh requests are taken in index order.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/error_internal.h"
#include "llm/llm_client.h"

#define MAX_RETRY_DELAY 60.0
/* A runaway or hostile endpoint must not exhaust memory; real answers are far smaller. */
#define MAX_RESPONSE_BYTES (64u * 1024u * 1024u)

typedef enum outcome {
    OUTCOME_OK,
    OUTCOME_RETRY,      /* 429, 5xx, timeout, transport error, unusable answer */
    OUTCOME_FATAL,      /* another HTTP status about this request: retrying cannot help */
    OUTCOME_UNREACHABLE /* retried too, but counted: the endpoint was never reached */
} outcome;

typedef struct request {
    CURL *easy;
    char *data; /* the response body so far */
    size_t len, cap;
    int too_big;
    double ready_at; /* monotonic seconds when a retry may start */
} request;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: tiny, seedable, and good enough for jitter. */
static double next_uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    request *req = userdata;
    size_t n = size * nmemb;
    if (req->len + n + 1 > MAX_RESPONSE_BYTES) {
        req->too_big = 1;
        return 0; /* makes curl fail the transfer */
    }
    if (req->len + n + 1 > req->cap) {
        size_t cap = req->cap ? req->cap : 4096;
        while (cap < req->len + n + 1)
            cap *= 2;
        char *grown = realloc(req->data, cap);
        if (!grown) return 0;
        req->data = grown;
        req->cap = cap;
    }
    memcpy(req->data + req->len, ptr, n);
    req->len += n;
    req->data[req->len] = '\0';
    return n;
}

void chorus_llm_result_clear(chorus_llm_result *result)
{
    if (!result) return;
    chorus_llm_tokens_clear(result);
    free(result->content);
    memset(result, 0, sizeof *result);
    result->logprob = NAN;
}

static int check_options(const chorus_llm_client_options *opts, const char *const *bodies, size_t n,
                         const chorus_llm_result *results)
{
    if (!opts) return chorus_error_set(CHORUS_EINVAL, "LLM client options are missing");
    if (!opts->url || !*opts->url)
        return chorus_error_set(CHORUS_EINVAL, "LLM client: the endpoint URL is empty");
    if (opts->max_concurrency < 1)
        return chorus_error_set(CHORUS_EINVAL, "LLM client: max_concurrency must be >= 1, got %d",
                                opts->max_concurrency);
    if (!(opts->timeout > 0) || !isfinite(opts->timeout))
        return chorus_error_set(CHORUS_EINVAL, "LLM client: timeout must be > 0 seconds");
    if (opts->max_retries < 0)
        return chorus_error_set(CHORUS_EINVAL, "LLM client: max_retries must be >= 0, got %d",
                                opts->max_retries);
    if (!(opts->backoff >= 0) || !isfinite(opts->backoff))
        return chorus_error_set(CHORUS_EINVAL, "LLM client: backoff must be >= 0 seconds");
    if (!(opts->requests_per_minute >= 0) || !isfinite(opts->requests_per_minute))
        return chorus_error_set(CHORUS_EINVAL, "LLM client: requests_per_minute must be >= 0");
    if (opts->max_connection_failures < 0)
        return chorus_error_set(CHORUS_EINVAL,
                                "LLM client: max_connection_failures must be >= 0, got %d",
                                opts->max_connection_failures);
    if (n > 0 && (!bodies || !results))
        return chorus_error_set(CHORUS_EINVAL, "LLM client: bodies or results missing");
    for (size_t i = 0; i < n; i++)
        if (!bodies[i])
            return chorus_error_set(CHORUS_EINVAL, "LLM client: request body %zu is NULL", i);
    return CHORUS_OK;
}

int64_t chorus_llm_token_count_clamp(double count)
{
    if (!(count > 0)) return 0; /* negative, or NaN */
    if (count >= (double)CHORUS_LLM_MAX_TOKEN_COUNT) return CHORUS_LLM_MAX_TOKEN_COUNT;
    return (int64_t)count;
}

/* A "usage" count as the endpoint sent it: an integer, a real, or missing (0). */
static int64_t token_count(const json_t *value)
{
    if (json_is_integer(value)) {
        json_int_t n = json_integer_value(value);
        return n <= 0 ? 0 : n >= CHORUS_LLM_MAX_TOKEN_COUNT ? CHORUS_LLM_MAX_TOKEN_COUNT : n;
    }
    return json_is_real(value) ? chorus_llm_token_count_clamp(json_real_value(value)) : 0;
}

/* Reads the answer out of a 200 response; on failure writes why into result->error. */
static outcome parse_answer(const request *req, chorus_llm_result *result)
{
    json_error_t err;
    json_t *root = req->data ? json_loadb(req->data, req->len, 0, &err) : NULL;
    outcome out = OUTCOME_RETRY;
    if (!json_is_object(root)) {
        snprintf(result->error, sizeof result->error, "invalid JSON in the answer");
        goto cleanup;
    }
    json_t *choices = json_object_get(root, "choices");
    json_t *first = json_array_get(choices, 0);
    if (!first) {
        snprintf(result->error, sizeof result->error, "no choices in the answer");
        goto cleanup;
    }
    const char *content =
        json_string_value(json_object_get(json_object_get(first, "message"), "content"));
    if (!content) {
        snprintf(result->error, sizeof result->error, "no message content in the answer");
        goto cleanup;
    }
    if (strlen(content) > CHORUS_LLM_MAX_ANSWER_BYTES) {
        snprintf(result->error, sizeof result->error, "answer longer than %d bytes",
                 CHORUS_LLM_MAX_ANSWER_BYTES);
        out = OUTCOME_FATAL;
        goto cleanup;
    }
    char *copy = strdup(content);
    if (!copy) {
        snprintf(result->error, sizeof result->error, "out of memory");
        out = OUTCOME_FATAL;
        goto cleanup;
    }
    free(result->content);
    result->content = copy;
    json_t *usage = json_object_get(root, "usage");
    result->prompt_tokens = token_count(json_object_get(usage, "prompt_tokens"));
    result->completion_tokens = token_count(json_object_get(usage, "completion_tokens"));
    if (chorus_llm_logprobs_read(result, root, first) != CHORUS_OK) {
        snprintf(result->error, sizeof result->error, "out of memory");
        out = OUTCOME_FATAL;
        goto cleanup;
    }
    result->error[0] = '\0';
    out = OUTCOME_OK;
cleanup:
    json_decref(root);
    return out;
}

/* Failures that say nothing about the request and everything about reaching the endpoint. */
static int is_unreachable(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return 1;
    default:
        return 0;
    }
}

/* HTTP answers that are about the endpoint, the model or the key, so about every request. */
static const char *endpoint_fault(long status)
{
    switch (status) {
    case 401:
        return "the API key is missing or wrong";
    case 403:
        return "the API key may not use this endpoint or model";
    case 404:
        return "the endpoint URL or the model name is wrong";
    case 405:
        return "the URL is not a chat-completions endpoint";
    default:
        return NULL;
    }
}

/* Whether the response body holds word, in any case. */
static int mentions(const request *req, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; req->data && i + n <= req->len; i++)
        if (strncasecmp(req->data + i, word, n) == 0) return 1;
    return 0;
}

/* Classifies a finished attempt and fills result (content or error). */
static outcome finish_attempt(request *req, CURLcode code, const char *errbuf,
                              chorus_llm_result *result, double *retry_after)
{
    *retry_after = -1;
    result->http_status = 0;
    result->format_refused = 0;
    if (code != CURLE_OK) {
        if (code == CURLE_OPERATION_TIMEDOUT) {
            snprintf(result->error, sizeof result->error, "timeout");
        } else if (req->too_big) {
            snprintf(result->error, sizeof result->error, "answer larger than %u bytes",
                     MAX_RESPONSE_BYTES);
        } else {
            /* curl's messages name the host and port, never request headers. */
            snprintf(result->error, sizeof result->error, "%s",
                     errbuf[0] ? errbuf : curl_easy_strerror(code));
            long os_errno = 0;
            size_t len = strlen(result->error);
            if (curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
                os_errno != 0 && !strstr(result->error, strerror((int)os_errno)))
                snprintf(result->error + len, sizeof result->error - len, " (%s)",
                         strerror((int)os_errno));
        }
        return is_unreachable(code) ? OUTCOME_UNREACHABLE : OUTCOME_RETRY;
    }
    long status = 0;
    curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
    result->http_status = status;
    if (status == 200) return parse_answer(req, result);
    snprintf(result->error, sizeof result->error, "HTTP %ld", status);
    result->format_refused =
        status == 400 && (mentions(req, "response_format") || mentions(req, "json_schema"));
    if (result->format_refused)
        snprintf(result->error, sizeof result->error,
                 "HTTP 400: the endpoint does not take response_format (a JSON schema)");
    if (status == 429 || status >= 500) {
        curl_off_t after = -1;
        if (curl_easy_getinfo(req->easy, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
            *retry_after = (double)after;
        return OUTCOME_RETRY;
    }
    return OUTCOME_FATAL;
}

/*
 * The endpoint's own words from an error body ({"error": {"message": ...}} or
 * {"error": "..."}), cut short, printable, and with the key masked should it echo it.
 */
static void endpoint_message(char *out, size_t size, const request *req, const char *api_key)
{
    out[0] = '\0';
    json_error_t err;
    json_t *root = req->data ? json_loadb(req->data, req->len, 0, &err) : NULL;
    json_t *error = json_object_get(root, "error");
    const char *text = json_is_string(error) ? json_string_value(error)
                                             : json_string_value(json_object_get(error, "message"));
    if (text) snprintf(out, size, "%.160s", text);
    json_decref(root);
    size_t key_len = api_key ? strlen(api_key) : 0;
    for (char *hit; key_len > 0 && (hit = strstr(out, api_key));)
        memset(hit, '*', key_len);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = ' ';
}

static void append_attempts(chorus_llm_result *result)
{
    size_t len = strlen(result->error);
    snprintf(result->error + len, sizeof result->error - len, " after %d attempt%s",
             result->attempts, result->attempts == 1 ? "" : "s");
}

static CURL *make_easy(const chorus_llm_client_options *opts, struct curl_slist *headers,
                       const char *body, request *req, char *errbuf)
{
    CURL *easy = curl_easy_init();
    if (!easy) return NULL;
    int ok = curl_easy_setopt(easy, CURLOPT_URL, opts->url) == CURLE_OK;
    ok = ok && curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers) == CURLE_OK;
    ok = ok && curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body) == CURLE_OK;
    ok = ok &&
         curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body)) == CURLE_OK;
    ok = ok && curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
    ok = ok && curl_easy_setopt(easy, CURLOPT_WRITEDATA, req) == CURLE_OK;
    ok = ok && curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
    ok = ok &&
         curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)ceil(opts->timeout * 1000.0)) == CURLE_OK;
    /* Signals are not thread-safe; the caller may run other threads. */
    ok = ok && curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
    /* A URL from a configuration file must not reach file:// or other schemes. */
    ok = ok && curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
#endif
    if (!ok) {
        curl_easy_cleanup(easy);
        return NULL;
    }
    return easy;
}

int chorus_llm_send(const chorus_llm_client_options *opts, const char *const *bodies, size_t n,
                    chorus_llm_result *results, chorus_llm_done_fn done, void *ctx)
{
    int rc = check_options(opts, bodies, n, results);
    if (rc != CHORUS_OK) return rc;
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].logprob = NAN;
    }
    if (n == 0) return CHORUS_OK;

    pthread_once(&curl_once, curl_init);
    if (curl_init_code != CURLE_OK)
        return chorus_error_set(CHORUS_EINTERNAL, "libcurl cannot be initialised: %s",
                                curl_easy_strerror(curl_init_code));

    CURLM *multi = NULL;
    struct curl_slist *headers = NULL;
    char *auth = NULL;
    request *reqs = NULL;
    size_t *retry_list = NULL; /* indices waiting for their retry time */
    char(*errbufs)[CURL_ERROR_SIZE] = NULL;
    size_t n_retry = 0, next_fresh = 0, finished = 0;
    int running = 0;
    uint64_t rng = opts->seed;
    chorus_llm_client_state fresh_state = {0, 0};
    chorus_llm_client_state *state = opts->state ? opts->state : &fresh_state;
    /* Starts are spaced 60/rpm seconds apart (a token bucket holding one token): no burst
     * can exceed the limit in any 60 s window, and the load on the endpoint stays even. */
    double interval = opts->requests_per_minute > 0 ? 60.0 / opts->requests_per_minute : 0;
    double next_start = state->next_start;

    reqs = calloc(n, sizeof *reqs);
    retry_list = malloc(n * sizeof *retry_list);
    errbufs = calloc(n, sizeof *errbufs);
    if (!reqs || !retry_list || !errbufs) {
        rc = chorus_error_nomem();
        goto cleanup;
    }
    headers = curl_slist_append(NULL, "Content-Type: application/json");
    /* An empty Expect stops curl from waiting for "100 Continue" on large bodies. */
    struct curl_slist *more = headers ? curl_slist_append(headers, "Expect:") : NULL;
    if (!more) {
        rc = chorus_error_nomem();
        goto cleanup;
    }
    headers = more;
    if (opts->api_key && *opts->api_key) {
        size_t len = strlen(opts->api_key) + sizeof "Authorization: Bearer ";
        auth = malloc(len);
        if (!auth) {
            rc = chorus_error_nomem();
            goto cleanup;
        }
        snprintf(auth, len, "Authorization: Bearer %s", opts->api_key);
        more = curl_slist_append(headers, auth);
        if (!more) {
            rc = chorus_error_nomem();
            goto cleanup;
        }
        headers = more;
    }
    multi = curl_multi_init();
    if (!multi) {
        rc = chorus_error_set(CHORUS_EINTERNAL, "libcurl: cannot create a multi handle");
        goto cleanup;
    }

    while (finished < n) {
        double now = now_seconds();
        /* Start what may start: retries that are due first, then fresh requests. */
        while (running < opts->max_concurrency && (interval == 0 || now >= next_start)) {
            size_t pick = n;
            for (size_t k = 0; k < n_retry; k++) {
                if (reqs[retry_list[k]].ready_at <= now) {
                    pick = retry_list[k];
                    retry_list[k] = retry_list[--n_retry];
                    break;
                }
            }
            if (pick == n && next_fresh < n) pick = next_fresh++;
            if (pick == n) break;
            request *req = &reqs[pick];
            req->len = 0;
            req->too_big = 0;
            errbufs[pick][0] = '\0';
            req->easy = make_easy(opts, headers, bodies[pick], req, errbufs[pick]);
            if (!req->easy ||
                curl_easy_setopt(req->easy, CURLOPT_PRIVATE, (void *)(uintptr_t)pick) != CURLE_OK ||
                curl_multi_add_handle(multi, req->easy) != CURLM_OK) {
                rc = chorus_error_set(CHORUS_EINTERNAL, "libcurl: cannot start a request");
                goto cleanup;
            }
            results[pick].attempts++;
            running++;
            if (interval > 0) next_start = (next_start > now ? next_start : now) + interval;
        }

        int still_running = 0;
        CURLMcode mc = curl_multi_perform(multi, &still_running);
        if (mc != CURLM_OK) {
            rc = chorus_error_set(CHORUS_EINTERNAL, "libcurl: %s", curl_multi_strerror(mc));
            goto cleanup;
        }
        CURLMsg *msg;
        int queued;
        while ((msg = curl_multi_info_read(multi, &queued))) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL *easy = msg->easy_handle;
            CURLcode code = msg->data.result;
            char *priv = NULL;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
            size_t i = (size_t)(uintptr_t)priv;
            request *req = &reqs[i];
            chorus_llm_result *result = &results[i];
            double retry_after;
            outcome out = finish_attempt(req, code, errbufs[i], result, &retry_after);
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            curl_multi_remove_handle(multi, easy);
            curl_easy_cleanup(easy);
            req->easy = NULL;
            running--;
            if (out == OUTCOME_FATAL && endpoint_fault(status)) {
                char said[192];
                endpoint_message(said, sizeof said, req, opts->api_key);
                rc = chorus_error_set(CHORUS_EREMOTE,
                                      "%s: the LLM endpoint answered HTTP %ld%s%s%s: %s; every "
                                      "request would fail alike, so the run stops",
                                      opts->url, status, said[0] ? " (\"" : "", said,
                                      said[0] ? "\")" : "", endpoint_fault(status));
                goto cleanup;
            }
            /* Consecutive across requests: one slow answer is not an outage, a row of them
             * with no answer in between is. */
            if (out != OUTCOME_UNREACHABLE) {
                state->connection_failures = 0;
            } else if (opts->max_connection_failures > 0 &&
                       ++state->connection_failures >= opts->max_connection_failures) {
                rc = chorus_error_set(CHORUS_EREMOTE,
                                      "%s: the LLM endpoint cannot be reached: %d attempts in a "
                                      "row failed, the last with: %s; the run stops (is the "
                                      "server up? max_connection_failures sets how many failures "
                                      "in a row are tolerated)",
                                      opts->url, state->connection_failures, result->error);
                goto cleanup;
            }
            if ((out == OUTCOME_RETRY || out == OUTCOME_UNREACHABLE) &&
                result->attempts <= opts->max_retries) {
                double delay = retry_after >= 0 ? retry_after
                                                : opts->backoff * ldexp(1.0, result->attempts - 1) *
                                                      (1.0 + 0.5 * next_uniform(&rng));
                if (delay > MAX_RETRY_DELAY) delay = MAX_RETRY_DELAY;
                req->ready_at = now_seconds() + delay;
                retry_list[n_retry++] = i;
                continue;
            }
            if (out == OUTCOME_OK) {
                result->ok = 1;
            } else {
                result->ok = 0;
                append_attempts(result);
            }
            free(req->data);
            req->data = NULL;
            req->cap = req->len = 0;
            finished++;
            if (done) done(i, result, ctx);
        }
        if (finished == n) break;

        /* Sleep until curl has work, or the next retry or rate-limit slot is due. */
        now = now_seconds();
        double wake = now + 1.0;
        for (size_t k = 0; k < n_retry; k++)
            if (reqs[retry_list[k]].ready_at < wake) wake = reqs[retry_list[k]].ready_at;
        if (next_fresh < n && wake > now) wake = now; /* fresh work, limited below */
        if (interval > 0 && wake < next_start) wake = next_start;
        if (running >= opts->max_concurrency && wake < now + 1.0) wake = now + 1.0;
        long wait_ms = (long)ceil((wake - now) * 1000.0);
        if (wait_ms < 0) wait_ms = 0;
        if (running == 0 && wait_ms == 0) continue;
        if (wait_ms > 1000) wait_ms = 1000;
        mc = curl_multi_poll(multi, NULL, 0, (int)wait_ms, NULL);
        if (mc != CURLM_OK) {
            rc = chorus_error_set(CHORUS_EINTERNAL, "libcurl: %s", curl_multi_strerror(mc));
            goto cleanup;
        }
    }
    rc = CHORUS_OK;

cleanup:
    state->next_start = next_start;
    if (reqs) {
        for (size_t i = 0; i < n; i++) {
            if (reqs[i].easy) {
                curl_multi_remove_handle(multi, reqs[i].easy);
                curl_easy_cleanup(reqs[i].easy);
            }
            free(reqs[i].data);
        }
    }
    if (multi) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    if (auth) {
        /* Do not leave the key lying in freed heap memory. */
        volatile char *p = auth;
        while (*p)
            *p++ = '\0';
        free(auth);
    }
    free(reqs);
    free(retry_list);
    free(errbufs);
    return rc;
}
