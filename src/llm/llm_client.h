/*
 * Calls to an OpenAI-compatible chat-completions endpoint (llama.cpp server, vLLM, Ollama,
 * OpenAI), many at once through libcurl's multi interface: bounded concurrency, a
 * per-request timeout, retries with exponential backoff and jitter on 429, 5xx, timeouts
 * and transport errors (honouring Retry-After), and an optional requests-per-minute limit.
 * A request that finally fails is reported, never fatal to the batch, unless the endpoint
 * itself is at fault: max_connection_failures attempts in a row that never reached it, or an
 * answer that says the URL, the model or the key is wrong, stop the whole call.
 */
#ifndef CHORUS_LLM_CLIENT_H
#define CHORUS_LLM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* What one call leaves to the next, so that limits hold over a run made of several calls. */
typedef struct chorus_llm_client_state {
    int connection_failures; /* attempts in a row that did not reach the endpoint */
    double next_start;       /* monotonic seconds: the rate limit's next free slot */
} chorus_llm_client_state;

typedef struct chorus_llm_client_options {
    const char *url;     /* full URL of the chat-completions endpoint */
    const char *api_key; /* sent as "Authorization: Bearer ..."; NULL for none; never logged */
    int max_concurrency; /* requests in flight at once (>= 1) */
    double timeout;      /* seconds per attempt */
    int max_retries;     /* attempts after the first */
    double backoff;      /* first retry delay, seconds; doubles each time, plus jitter */
    double requests_per_minute; /* 0 = unlimited */
    uint64_t seed;              /* for the jitter, so runs are reproducible */
    /* Attempts in a row that do not reach the endpoint (refused, unresolved, timed out, TLS
     * failed) after which the call stops with CHORUS_EREMOTE; 0 = never stop. */
    int max_connection_failures;
    chorus_llm_client_state *state; /* carried from call to call; NULL: start afresh */
} chorus_llm_client_options;

#define CHORUS_LLM_CLIENT_OPTIONS_INIT                                                             \
    {                                                                                              \
        NULL, NULL, 4, 60.0, 5, 1.0, 0.0, 0, 10, NULL                                              \
    }

/*
 * Token counts are what the endpoint claims, so they are clamped into 0..this (2^31 - 1,
 * far above any context window): negative counts become 0 and huge ones saturate, and
 * sums over billions of requests cannot overflow an int64_t.
 */
#define CHORUS_LLM_MAX_TOKEN_COUNT INT64_C(2147483647)

/* A longer answer is refused (a label is a few words): it keeps cache lines bounded. */
#define CHORUS_LLM_MAX_ANSWER_BYTES (1024 * 1024)

/* count clamped into 0..CHORUS_LLM_MAX_TOKEN_COUNT (NaN is 0). */
int64_t chorus_llm_token_count_clamp(double count);

/* Alternatives an answer token carries at most (what is asked: top_logprobs: 5). */
#define CHORUS_LLM_TOP_LOGPROBS 5
/* An answer of more tokens comes without them (a label is a few tokens). */
#define CHORUS_LLM_MAX_LOGPROB_TOKENS 4096

/* One token of an answer with the log-probabilities the endpoint gave (llm_logprobs.c). */
typedef struct chorus_llm_token {
    char *text;     /* the token's text (malloc'ed) */
    double logprob; /* natural log of its probability, <= 0 */
    int32_t n_top;  /* the most likely tokens at its place, the chosen one usually among them */
    char *top_text[CHORUS_LLM_TOP_LOGPROBS];
    double top_logprob[CHORUS_LLM_TOP_LOGPROBS];
} chorus_llm_token;

typedef struct chorus_llm_result {
    int ok;                /* 1: content holds the answer */
    char *content;         /* choices[0].message.content (malloc'ed), or NULL */
    int64_t prompt_tokens; /* from "usage", 0 if absent; clamped (CHORUS_LLM_MAX_TOKEN_COUNT) */
    int64_t completion_tokens;
    double logprob;           /* the answer's total log-probability if the endpoint gave one; NAN */
    chorus_llm_token *tokens; /* the answer's tokens with log-probabilities, or NULL */
    int32_t n_tokens;
    int attempts;     /* 1 + retries used */
    long http_status; /* of the last attempt; 0 when no HTTP answer came */
    /* A 400 whose body names response_format or json_schema: the endpoint does not take
     * constrained answers (older llama.cpp, vLLM and Ollama builds answer so). */
    int format_refused;
    char error[256]; /* why it failed (HTTP status, curl error, bad JSON); no secrets */
} chorus_llm_result;

/* Called from the calling thread after each request finishes (ok or failed). */
typedef void (*chorus_llm_done_fn)(size_t index, const chorus_llm_result *result, void *ctx);

/*
 * Sends n request bodies (JSON strings, already rendered) and fills results[0..n). Returns
 * CHORUS_OK even when some requests failed (see results[i].ok); CHORUS_EREMOTE naming the
 * endpoint when it cannot be reached (max_connection_failures) or answers HTTP 401, 403, 404
 * or 405 (a wrong key, URL or model: every request would fail alike), leaving the requests
 * not yet done with ok = 0; CHORUS_EINVAL for bad options, CHORUS_ENOMEM, CHORUS_EINTERNAL
 * if libcurl cannot be set up. done may be NULL.
 */
int chorus_llm_send(const chorus_llm_client_options *opts, const char *const *bodies, size_t n,
                    chorus_llm_result *results, chorus_llm_done_fn done, void *ctx);

void chorus_llm_result_clear(chorus_llm_result *result);

/*
 * Reads the log-probabilities of an answer (choice: choices[0] of root) into result->tokens
 * and result->logprob: OpenAI's choice.logprobs.content [{token, logprob, top_logprobs}], or
 * llama.cpp's completion_probabilities [{content or token, probs [{tok_str, prob}] or
 * logprob and top_logprobs}]. An answer without them, with more than
 * CHORUS_LLM_MAX_LOGPROB_TOKENS tokens or with a token that has no usable log-probability
 * gets none (NULL, NAN). CHORUS_OK or CHORUS_ENOMEM.
 */
struct json_t;
int chorus_llm_logprobs_read(chorus_llm_result *result, const struct json_t *root,
                             const struct json_t *choice);

/* Frees result->tokens. */
void chorus_llm_tokens_clear(chorus_llm_result *result);

#endif
