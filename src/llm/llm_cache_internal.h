/*
 * What the LLM cache's files share: the cache object and the helpers the export and prune
 * (llm_cache_export.c) use besides the reader and writer of llm_cache.c.
 */
#ifndef CHORUS_LLM_CACHE_SHARED_H
#define CHORUS_LLM_CACHE_SHARED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "llm/llm_cache.h"

typedef struct cache_entry {
    char *key;
    char *answer;
    int64_t tokens;
    double time;       /* seconds since the epoch when written */
    double confidence; /* probability of the answer's class (0..1), NAN when not known */
} cache_entry;

struct chorus_llm_cache {
    char *path;
    int fd; /* O_APPEND, so concurrent writers never overwrite each other's lines */
    cache_entry *entries;
    size_t n_entries, cap_entries;
    size_t *slots;  /* index + 1 into entries; 0 = empty */
    size_t n_slots; /* a power of two */
    int64_t lines, damaged, bytes, tokens;
    int need_newline; /* the file ends in a cut-off line: start the next one on a fresh line */
    off_t read_to;    /* the file has been read up to here */
    char *lock_path;  /* PATH.lock: flock'ed while reading or appending; holds the claims */
    int lock_fd;
    int locked;
    double synced_at; /* monotonic seconds of the last fdatasync */
};

/* One JSONL line of an entry with its "\n" (malloc'ed), or NULL when out of memory. */
char *llm_cache_render_line(const cache_entry *e, size_t *len);

/* Points fresh slots (n_slots zeroed entries, taken over) at the entries. */
void llm_cache_use_slots(chorus_llm_cache *cache, size_t *slots, size_t n_slots);

/* (Re)opens the file for appending, after a prune replaced it. */
int llm_cache_open_for_append(chorus_llm_cache *cache);

/* Seconds since the epoch, now. */
double llm_cache_wall_seconds(void);

#endif
