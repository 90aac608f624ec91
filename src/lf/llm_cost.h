/* The token and cost estimate of a dry run (llm_cost.c). */
#ifndef CHORUS_LLM_COST_H
#define CHORUS_LLM_COST_H

#include <stdbool.h>
#include <stddef.h>

#include "lf/lf_internal.h"
#include "lf/llm_batch.h"

/*
 * Sets show's estimate for the requests b->bodies[from..b->n) (those the LF adds to the
 * batch: distinct and not in the cache), prices it by set's llm.prices for spec's model, and
 * adds both to the plan's totals.
 */
void lf_llm_plan_cost(chorus_llm_plan *plan, chorus_llm_plan_lf *show, const chorus_lf_set *set,
                      const lf_llm *spec, bool constrained, const batch *b, size_t from);

#endif
