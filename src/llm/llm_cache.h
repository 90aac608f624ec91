/*
 * The persistent cache of LLM answers: an append-only JSONL file, one
 * {"key": "<sha-256 hex>", "answer": "...", "tokens": N, "time": T} per line. A line is
 * written (and flushed to the kernel) as soon as its answer arrives, so a run killed at any
 * point keeps every answer it paid for; the file is fsync'ed at the end of a batch. On
 * load a last line cut off by a crash is ignored, as is any line that does not parse.
 * Later lines win for the same key.
 */
#ifndef CHORUS_LLM_CACHE_H
#define CHORUS_LLM_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct chorus_llm_cache chorus_llm_cache;

/* Opens (creating if missing) and loads the cache at path. CHORUS_EIO naming the file. */
int chorus_llm_cache_open(chorus_llm_cache **out, const char *path);
void chorus_llm_cache_close(chorus_llm_cache *cache); /* fsyncs */

/*
 * The cache key: SHA-256 (hex, 64 chars + NUL) of the endpoint URL, the model and the full
 * request body (which holds the rendered prompt and every parameter).
 */
void chorus_llm_cache_key(char out[65], const char *url, const char *model, const char *body);

/* The cached answer for key, or NULL (owned by the cache). */
const char *chorus_llm_cache_get(const chorus_llm_cache *cache, const char *key);

/* Appends an answer; CHORUS_EIO if the file cannot be written. */
int chorus_llm_cache_put(chorus_llm_cache *cache, const char *key, const char *answer,
                         int64_t tokens);

/* fsync now (end of a batch). */
int chorus_llm_cache_sync(chorus_llm_cache *cache);

typedef struct chorus_llm_cache_stats {
    int64_t entries; /* distinct keys */
    int64_t lines;   /* lines in the file, duplicates and damaged ones included */
    int64_t damaged; /* lines that did not parse */
    int64_t bytes;
    int64_t tokens; /* sum over distinct keys */
} chorus_llm_cache_stats;

void chorus_llm_cache_stats_get(const chorus_llm_cache *cache, chorus_llm_cache_stats *stats);

/* Writes the distinct entries as JSONL (atomic: temporary file + rename). */
int chorus_llm_cache_export(const chorus_llm_cache *cache, const char *path);

/*
 * Rewrites the file with one line per key (the latest), dropping damaged lines and, if
 * older_than > 0, entries written more than older_than seconds ago. Atomic (temporary
 * file + rename). *removed gets the number of lines dropped.
 */
int chorus_llm_cache_prune(chorus_llm_cache *cache, double older_than, int64_t *removed);

#endif
