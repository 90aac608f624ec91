/*
 * The answer cache of llm labeling functions, for looking into it and maintaining it
 * (what `chorus llm-cache` does). The file is append-only JSONL, one
 * {"key": "<sha-256 hex>", "answer": "...", "tokens": N, "time": T} per line (and "p": the
 * probability of the answer's class, when known); later lines
 * win for the same key, and a line that does not parse (e.g. cut off by a crash) is
 * ignored and counted. See docs/llm.md.
 */
#ifndef CHORUS_LLM_CACHE_H
#define CHORUS_LLM_CACHE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_llm_cache chorus_llm_cache;

/* Opens (creating if missing) and loads the cache at path. CHORUS_EIO naming the file. */
int chorus_llm_cache_open(chorus_llm_cache **out, const char *path);
/* fsyncs and frees; NULL is fine. */
void chorus_llm_cache_close(chorus_llm_cache *cache);

typedef struct chorus_llm_cache_stats {
    int64_t entries; /* distinct keys */
    int64_t lines;   /* lines in the file, duplicates and damaged ones included */
    int64_t damaged; /* lines that did not parse */
    int64_t bytes;
    int64_t tokens; /* sum over distinct keys */
    int64_t scored; /* distinct keys whose answer has a confidence ("p") */
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

#ifdef __cplusplus
}
#endif
#endif
