/*
 * Calls to an OpenAI-compatible chat-completions endpoint (llama.cpp server, vLLM, Ollama,
 * OpenAI), many at once through libcurl's multi interface: bounded concurrency, a
 * per-request timeout, retries with exponential backoff and jitter on 429, 5xx, timeouts
 * and transport errors (honouring Retry-After), and an optional requests-per-minute limit.
 * A request that finally fails is reported, never fatal to the batch.
 */
#ifndef CHORUS_LLM_CLIENT_H
#define CHORUS_LLM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct chorus_llm_client_options {
    const char *url;     /* full URL of the chat-completions endpoint */
    const char *api_key; /* sent as "Authorization: Bearer ..."; NULL for none; never logged */
    int max_concurrency; /* requests in flight at once (>= 1) */
    double timeout;      /* seconds per attempt */
    int max_retries;     /* attempts after the first */
    double backoff;      /* first retry delay, seconds; doubles each time, plus jitter */
    double requests_per_minute; /* 0 = unlimited */
    uint64_t seed;              /* for the jitter, so runs are reproducible */
} chorus_llm_client_options;

#define CHORUS_LLM_CLIENT_OPTIONS_INIT                                                             \
    {                                                                                              \
        NULL, NULL, 4, 60.0, 5, 1.0, 0.0, 0                                                        \
    }

typedef struct chorus_llm_result {
    int ok;                /* 1: content holds the answer */
    char *content;         /* choices[0].message.content (malloc'ed), or NULL */
    int64_t prompt_tokens; /* from "usage", 0 if absent */
    int64_t completion_tokens;
    double logprob;  /* the answer's total log-probability if the endpoint gave one; NAN */
    int attempts;    /* 1 + retries used */
    char error[256]; /* why it failed (HTTP status, curl error, bad JSON); no secrets */
} chorus_llm_result;

/* Called from the calling thread after each request finishes (ok or failed). */
typedef void (*chorus_llm_done_fn)(size_t index, const chorus_llm_result *result, void *ctx);

/*
 * Sends n request bodies (JSON strings, already rendered) and fills results[0..n). Returns
 * CHORUS_OK even when some requests failed (see results[i].ok); CHORUS_EINVAL for bad
 * options, CHORUS_ENOMEM, CHORUS_EINTERNAL if libcurl cannot be set up. done may be NULL.
 */
int chorus_llm_send(const chorus_llm_client_options *opts, const char *const *bodies, size_t n,
                    chorus_llm_result *results, chorus_llm_done_fn done, void *ctx);

void chorus_llm_result_clear(chorus_llm_result *result);

#endif
