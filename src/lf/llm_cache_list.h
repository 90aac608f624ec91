/*
 * The answer caches a pass over the llm LFs of a set opens: one per cache file, opened once
 * and shared by every LF that names it (the prepass, chorus_lf_llm_cached).
 */
#ifndef CHORUS_LF_LLM_CACHE_LIST_H
#define CHORUS_LF_LLM_CACHE_LIST_H

#include <stdbool.h>
#include <stdint.h>

#include "llm/llm_cache.h"

typedef struct lf_llm_cache_list {
    char **paths;
    chorus_llm_cache **caches;
    int32_t n;
} lf_llm_cache_list;

/* The cache for path, opened once; NULL without error when `read_only` and the file does
 * not exist (a dry run or a look-up writes nothing, not even an empty cache file). */
int lf_llm_cache_for(chorus_llm_cache **out, lf_llm_cache_list *list, const char *path,
                     bool read_only);

/* Closes every cache of the list. */
void lf_llm_cache_list_free(lf_llm_cache_list *list);

#endif
