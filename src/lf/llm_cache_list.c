/* The answer caches of one pass over the llm LFs of a set (llm_cache_list.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error_internal.h"
#include "lf/llm_cache_list.h"

void lf_llm_cache_list_free(lf_llm_cache_list *list)
{
    for (int32_t i = 0; i < list->n; i++) {
        chorus_llm_cache_close(list->caches[i]);
        free(list->paths[i]);
    }
    free(list->caches);
    free(list->paths);
}

int lf_llm_cache_for(chorus_llm_cache **out, lf_llm_cache_list *list, const char *path,
                     bool read_only)
{
    *out = NULL;
    for (int32_t i = 0; i < list->n; i++)
        if (strcmp(list->paths[i], path) == 0) {
            *out = list->caches[i];
            return CHORUS_OK;
        }
    if (read_only && access(path, F_OK) != 0) return CHORUS_OK;
    char **paths = realloc(list->paths, ((size_t)list->n + 1) * sizeof *paths);
    if (paths) list->paths = paths;
    chorus_llm_cache **caches = realloc(list->caches, ((size_t)list->n + 1) * sizeof *caches);
    if (caches) list->caches = caches;
    if (!paths || !caches || !(list->paths[list->n] = strdup(path))) return chorus_error_nomem();
    int rc = chorus_llm_cache_open(&list->caches[list->n], path);
    if (rc) {
        free(list->paths[list->n]);
        return rc;
    }
    *out = list->caches[list->n++];
    return CHORUS_OK;
}
