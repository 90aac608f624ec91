/*
 * What the requests of a dry run would cost: an estimate of their tokens, and the price the
 * spec's llm.prices gives the LF's model. No tokenizer is at hand (the endpoint's model
 * decides), so the estimate is the usual one of 4 bytes a token: a request's prompt tokens
 * are its body's bytes / 4 (the messages, the JSON around them and the schema), its
 * completion tokens the longest answer the LF reads (a verbalizer word, or the JSON object
 * around it when constrained) / 4, at most max_tokens; both rounded up. A model that writes
 * more than the word costs more, up to max_tokens.
 */
#include <math.h>
#include <string.h>

#include "lf/llm_cost.h"

static int64_t tokens_of(size_t bytes)
{
    return (int64_t)((bytes + 3) / 4);
}

/* The completion estimate of one request (see the top of the file). */
static int64_t answer_tokens(const lf_llm *spec, bool constrained)
{
    size_t longest = 0;
    for (int32_t k = 0; k < spec->n_classes; k++)
        for (int32_t i = 0; i < spec->n_words[k]; i++)
            if (strlen(spec->words[k][i]) > longest) longest = strlen(spec->words[k][i]);
    /* {"KEY":"WORD"} */
    if (constrained) longest += strlen(spec->label_key) + 7;
    int64_t n = tokens_of(longest);
    int64_t cap = constrained ? spec->json_max_tokens : spec->max_tokens;
    return n < 1 ? 1 : n > cap ? cap : n;
}

void lf_llm_plan_cost(chorus_llm_plan *plan, chorus_llm_plan_lf *show, const chorus_lf_set *set,
                      const lf_llm *spec, bool constrained, const batch *b, size_t from)
{
    for (size_t i = from; i < b->n; i++)
        show->prompt_tokens += tokens_of(strlen(b->bodies[i]));
    show->completion_tokens = (int64_t)(b->n - from) * answer_tokens(spec, constrained);
    plan->prompt_tokens += show->prompt_tokens;
    plan->completion_tokens += show->completion_tokens;
    const llm_price *price = lf_set_llm_price(set, spec->model);
    show->cost = NAN;
    if (price) {
        show->cost = (double)show->prompt_tokens / 1000.0 * price->prompt_per_1k +
                     (double)show->completion_tokens / 1000.0 * price->completion_per_1k;
        plan->cost += show->cost;
    } else if (b->n > from) {
        plan->n_unpriced++;
    }
}
