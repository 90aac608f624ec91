/*
 * The persistent cache of LLM answers (its file format and maintenance calls are public,
 * in chorus/llm_cache.h); here what the llm labeling functions use while they run. A line
 * is written (and flushed to the kernel) as soon as its answer arrives, so a run killed at
 * any point keeps every answer it paid for; the file is fsync'ed at the end of a batch.
 */
#ifndef CHORUS_LLM_CACHE_INTERNAL_H
#define CHORUS_LLM_CACHE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/llm_cache.h"

/*
 * What the reader accepts, so that a hostile or mistaken file (a FIFO, /dev/zero, a huge
 * line, a file of junk) is refused at once: a regular file of at most 1 GiB, lines of at
 * most 8 MiB (an answer is at most CHORUS_LLM_MAX_ANSWER_BYTES, JSON-escaped), and at most
 * 1000 damaged lines (a crash damages one). Entries are thus at most 1 GiB / 87 bytes (the
 * shortest line that holds a 64-digit key), about 12 million.
 */
#define CHORUS_LLM_CACHE_MAX_BYTES (INT64_C(1) << 30)
#define CHORUS_LLM_CACHE_MAX_LINE (8 * 1024 * 1024)
#define CHORUS_LLM_CACHE_MAX_DAMAGED 1000

/*
 * The cache key: SHA-256 (hex, 64 chars + NUL) of the endpoint URL, the model and the full
 * request body (which holds the rendered prompt and every parameter).
 */
void chorus_llm_cache_key(char out[65], const char *url, const char *model, const char *body);

/* The cached answer for key, or NULL (owned by the cache). */
const char *chorus_llm_cache_get(const chorus_llm_cache *cache, const char *key);

/* Appends an answer (a later one replaces an earlier); CHORUS_EWRITE if the file cannot be
 * written. Takes the lock unless the caller holds it. */
int chorus_llm_cache_put(chorus_llm_cache *cache, const char *key, const char *answer,
                         int64_t tokens);

/*
 * Appends an answer unless another process sharing the file stored one for key first;
 * *kept gets the answer the cache holds now (owned by the cache), so that every process
 * votes from the same answer whichever one paid for it.
 */
int chorus_llm_cache_put_first(chorus_llm_cache *cache, const char *key, const char *answer,
                               int64_t tokens, const char **kept);

/*
 * put_first with the confidence of the answer (the probability of its class, 0..1, stored
 * as "p" on its line), or NAN for none.
 */
int chorus_llm_cache_put_scored(chorus_llm_cache *cache, const char *key, const char *answer,
                                int64_t tokens, double confidence, const char **kept);

/* The confidence stored with the answer for key; NAN when there is none (or no answer). */
double chorus_llm_cache_confidence(const chorus_llm_cache *cache, const char *key);

/*
 * Processes sharing a cache file take turns through PATH.lock (flock, exclusive). Locking
 * also reads in the lines others appended since the last look. Puts lock by themselves;
 * lock around a get and a claim (llm_claims.h) that must agree.
 */
int chorus_llm_cache_lock(chorus_llm_cache *cache);
void chorus_llm_cache_unlock(chorus_llm_cache *cache);

/* The lock file's descriptor while locked (it holds the claims), else -1. */
int chorus_llm_cache_lock_fd(const chorus_llm_cache *cache);

/* fsync now (end of a batch). */
int chorus_llm_cache_sync(chorus_llm_cache *cache);

#endif
