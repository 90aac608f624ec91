/*
 * Claims on prompts, so that processes sharing an LLM cache never pay for one prompt twice:
 * before sending, a process claims the keys it is about to ask for; the others leave those
 * alone and wait for their answers to show up in the cache. The claims live in the cache's
 * lock file, one "KEY PID HOST EXPIRES" line each, read and rewritten only under the lock.
 * A claim lapses when its process is gone (same host), when its answer is in the cache, or
 * at EXPIRES (seconds since the epoch), so a killed process never holds the others up.
 */
#ifndef CHORUS_LLM_CLAIMS_H
#define CHORUS_LLM_CLAIMS_H

#include <stddef.h>

#include "llm/llm_cache.h"

/*
 * With the cache locked. Of the keys with pending[i] set, claims up to max that no other
 * live process has claimed (setting mine[i], which the caller zeroes), for ttl seconds.
 * *n_mine counts them and *n_others the pending keys left because others hold them.
 */
int chorus_llm_claims_take(chorus_llm_cache *cache, const char (*keys)[65],
                           const unsigned char *pending, size_t n, size_t max, double ttl,
                           unsigned char *mine, size_t *n_mine, size_t *n_others);

/* With the cache locked: drops every claim of this process. */
int chorus_llm_claims_release(chorus_llm_cache *cache);

#endif
