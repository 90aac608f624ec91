/* The distinct requests of an llm pass: an open-addressing table on the cache key. */
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/llm_batch.h"

void lf_llm_batch_free(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->bodies[i]);
    free(b->bodies);
    free(b->keys);
    free(b->slots);
    memset(b, 0, sizeof *b);
}

int lf_llm_batch_init(batch *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->n_slots = 16;
    while (b->n_slots < 2 * max)
        b->n_slots *= 2;
    b->bodies = malloc((max + 1) * sizeof *b->bodies);
    b->keys = malloc((max + 1) * sizeof *b->keys);
    b->slots = calloc(b->n_slots, sizeof *b->slots);
    return b->bodies && b->keys && b->slots ? CHORUS_OK : chorus_error_nomem();
}

/* The request index of key, adding it (and taking body) if new; body is freed otherwise. */
int64_t lf_llm_batch_add(batch *b, const char *key, char *body)
{
    char head[17];
    memcpy(head, key, 16);
    head[16] = '\0';
    size_t h = (size_t)strtoull(head, NULL, 16);
    for (size_t s = h & (b->n_slots - 1);; s = (s + 1) & (b->n_slots - 1)) {
        if (!b->slots[s]) {
            b->bodies[b->n] = body;
            memcpy(b->keys[b->n], key, 65);
            b->slots[s] = (int64_t)++b->n;
            return (int64_t)b->n - 1;
        }
        if (strcmp(b->keys[b->slots[s] - 1], key) == 0) {
            free(body);
            return b->slots[s] - 1;
        }
    }
}
