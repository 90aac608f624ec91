/*
 * The requests of one llm pass that the cache did not answer, each distinct prompt once:
 * records that render the same body share one request (llm_prepass.c, llm_cost.c).
 */
#ifndef CHORUS_LLM_BATCH_H
#define CHORUS_LLM_BATCH_H

#include <stddef.h>
#include <stdint.h>

/* The distinct prompts of one batch that the cache did not answer. */
typedef struct batch {
    char **bodies;
    char (*keys)[65];
    size_t n;
    int64_t *slots; /* open addressing on the key: request index + 1, 0 = empty */
    size_t n_slots;
} batch;

/* Room for up to max distinct requests. CHORUS_OK or CHORUS_ENOMEM. */
int lf_llm_batch_init(batch *b, size_t max);

/* The request index of key, adding it (and taking body) if new; body is freed otherwise. */
int64_t lf_llm_batch_add(batch *b, const char *key, char *body);

void lf_llm_batch_free(batch *b);

#endif
