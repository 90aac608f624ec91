/*
 * The LLM answer cache file (append-only JSONL, damaged lines counted and skipped). A
 * cache it opens must export to a file that opens again with the same entries and tokens
 * and no damage, and prune to the same.
 */
#include "fuzz_util.h"

static void check_same_entries(const chorus_llm_cache_stats *a, const char *path, const char *what)
{
    chorus_llm_cache *cache = NULL;
    FUZZ_CHECK(chorus_llm_cache_open(&cache, path) == CHORUS_OK, what);
    chorus_llm_cache_stats b;
    chorus_llm_cache_stats_get(cache, &b);
    FUZZ_CHECK(b.entries == a->entries, what);
    FUZZ_CHECK(b.lines == a->entries, what);
    FUZZ_CHECK(b.damaged == 0, what);
    FUZZ_CHECK(b.tokens == a->tokens, what);
    chorus_llm_cache_close(cache);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("cache.jsonl", data, size);
    chorus_llm_cache *cache = NULL;
    if (chorus_llm_cache_open(&cache, path) != CHORUS_OK) return 0;
    chorus_llm_cache_stats stats;
    chorus_llm_cache_stats_get(cache, &stats);
    FUZZ_CHECK(stats.entries >= 0 && stats.damaged >= 0 && stats.damaged <= stats.lines &&
                   stats.entries <= stats.lines,
               "stats out of range");
    FUZZ_CHECK(chorus_llm_cache_export(cache, fuzz_path("export.jsonl")) == CHORUS_OK, "export");
    check_same_entries(&stats, fuzz_path("export.jsonl"), "the export opens with the same entries");
    int64_t removed = -1;
    FUZZ_CHECK(chorus_llm_cache_prune(cache, 0, &removed) == CHORUS_OK, "prune");
    FUZZ_CHECK(removed == stats.lines - stats.entries, "prune removed other than the duplicates "
                                                       "and damaged lines");
    chorus_llm_cache_close(cache);
    check_same_entries(&stats, fuzz_path("cache.jsonl"), "the pruned cache has the same entries");
    return 0;
}
