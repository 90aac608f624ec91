/* Exporting and pruning the LLM answer cache: both rewrite a whole file atomically. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "llm/llm_cache_internal.h"

/* Writes the entries that keep[i] marks (all when keep is NULL) to path, atomically. */
static int write_entries(const chorus_llm_cache *cache, const char *path, const char *keep,
                         int64_t *bytes)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc != CHORUS_OK) return rc;
    *bytes = 0;
    for (size_t i = 0; i < cache->n_entries; i++) {
        if (keep && !keep[i]) continue;
        size_t len;
        char *line = llm_cache_render_line(&cache->entries[i], &len);
        if (!line) {
            chorus_atomic_abort(&file);
            return chorus_error_nomem();
        }
        size_t w = fwrite(line, 1, len, file.fp);
        free(line);
        if (w != len) {
            int e = errno;
            chorus_atomic_abort(&file);
            return chorus_error_set(CHORUS_EWRITE, "%s: cannot write: %s", path, strerror(e));
        }
        *bytes += (int64_t)len;
    }
    return chorus_atomic_commit(&file);
}

int chorus_llm_cache_export(const chorus_llm_cache *cache, const char *path)
{
    if (!cache) return chorus_error_set(CHORUS_EINVAL, "LLM cache is NULL");
    int64_t bytes;
    return write_entries(cache, path, NULL, &bytes);
}

int chorus_llm_cache_prune(chorus_llm_cache *cache, double older_than, int64_t *removed)
{
    if (!cache) return chorus_error_set(CHORUS_EINVAL, "LLM cache is NULL");
    if (removed) *removed = 0;
    int rc = chorus_llm_cache_lock(cache);
    if (rc != CHORUS_OK) return rc;
    char *keep = malloc(cache->n_entries + 1);
    /* Allocated up front: once the file is rewritten, nothing may fail half-way. */
    size_t *slots = calloc(cache->n_slots, sizeof *slots);
    if (!keep || !slots) {
        rc = chorus_error_nomem();
        goto cleanup;
    }
    double cutoff = older_than > 0 ? llm_cache_wall_seconds() - older_than : -1;
    size_t kept = 0;
    for (size_t i = 0; i < cache->n_entries; i++) {
        keep[i] = older_than <= 0 || cache->entries[i].time >= cutoff;
        kept += (size_t)keep[i];
    }
    int64_t bytes = 0;
    rc = write_entries(cache, cache->path, keep, &bytes);
    if (rc != CHORUS_OK) goto cleanup;

    size_t j = 0;
    for (size_t i = 0; i < cache->n_entries; i++) {
        if (keep[i]) {
            cache->entries[j++] = cache->entries[i];
        } else {
            cache->tokens -= cache->entries[i].tokens;
            free(cache->entries[i].key);
            free(cache->entries[i].answer);
        }
    }
    cache->n_entries = j;
    llm_cache_use_slots(cache, slots, cache->n_slots);
    slots = NULL;
    if (removed) *removed = cache->lines - (int64_t)kept;
    cache->lines = (int64_t)kept;
    cache->damaged = 0;
    cache->bytes = bytes;
    cache->need_newline = 0;
    /* The rename replaced the file: appends must go to the new one. */
    if (cache->fd >= 0) close(cache->fd);
    rc = llm_cache_open_for_append(cache);
cleanup:
    chorus_llm_cache_unlock(cache);
    free(slots);
    free(keep);
    return rc;
}
