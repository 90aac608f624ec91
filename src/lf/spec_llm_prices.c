/*
 * The spec's top-level llm section: settings of the llm LFs that are not about one LF. For
 * now the price table a dry run turns its token estimate into a cost with:
 *
 *   llm:
 *     prices:
 *       gpt-4o-mini: {prompt_per_1k: 0.00015, completion_per_1k: 0.0006}
 *
 * Prices are per 1000 tokens in whatever currency the user thinks in; a model the table does
 * not name has no cost shown.
 */
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/spec_internal.h"

/* More than any price of 1000 tokens; a larger one is a typo. */
#define LLM_MAX_PRICE 1e6

static const char *const llm_section_keys[] = {"prices", NULL};
static const char *const price_keys[] = {"prompt_per_1k", "completion_per_1k", NULL};

static int price_number(spec_ctx *ctx, const yaml_node_t *map, const char *model, const char *key,
                        double *out)
{
    const yaml_node_t *node = spec_get(ctx, map, key, NULL);
    *out = 0;
    if (!node) return CHORUS_OK;
    if (node->type != YAML_SCALAR_NODE ||
        !heuristic_parse_number((const char *)node->data.scalar.value, node->data.scalar.length,
                                out) ||
        !(*out >= 0) || *out > LLM_MAX_PRICE)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "llm.prices: model '%.80s': %s is not a number in 0..%g; expected the "
                          "price of 1000 tokens",
                          model, key, LLM_MAX_PRICE);
    return CHORUS_OK;
}

static int parse_price(spec_ctx *ctx, const yaml_node_t *key, const yaml_node_t *value,
                       llm_price *price)
{
    int rc = spec_string(ctx, key, "a model name", &price->model);
    if (!rc) rc = spec_check_mapping(ctx, value, "a price in llm.prices");
    if (!rc) rc = spec_check_keys(ctx, value, "llm.prices", price_keys);
    if (!rc && !spec_get(ctx, value, "prompt_per_1k", NULL) &&
        !spec_get(ctx, value, "completion_per_1k", NULL))
        rc = spec_error(ctx, CHORUS_EFORMAT, value,
                        "llm.prices: model '%.80s' has no price; expected prompt_per_1k and "
                        "completion_per_1k",
                        price->model);
    if (!rc) rc = price_number(ctx, value, price->model, "prompt_per_1k", &price->prompt_per_1k);
    if (!rc)
        rc = price_number(ctx, value, price->model, "completion_per_1k", &price->completion_per_1k);
    return rc;
}

int spec_parse_llm_section(spec_ctx *ctx, const yaml_node_t *root)
{
    const yaml_node_t *section = spec_get(ctx, root, "llm", NULL);
    if (!section) return CHORUS_OK;
    int rc = spec_check_mapping(ctx, section, "llm");
    if (!rc) rc = spec_check_keys(ctx, section, "llm", llm_section_keys);
    const yaml_node_t *prices = rc ? NULL : spec_get(ctx, section, "prices", NULL);
    if (!prices) return rc;
    if ((rc = spec_check_mapping(ctx, prices, "llm.prices"))) return rc;
    chorus_lf_set *set = ctx->set;
    size_t n = (size_t)(prices->data.mapping.pairs.top - prices->data.mapping.pairs.start);
    if (!(set->llm_prices = calloc(n + 1, sizeof *set->llm_prices))) return chorus_error_nomem();
    for (const yaml_node_pair_t *p = prices->data.mapping.pairs.start;
         p < prices->data.mapping.pairs.top && !rc; p++)
        rc = parse_price(ctx, spec_node(ctx, p->key), spec_node(ctx, p->value),
                         &set->llm_prices[set->n_llm_prices++]);
    return rc;
}

const llm_price *lf_set_llm_price(const chorus_lf_set *set, const char *model)
{
    for (int32_t i = 0; i < set->n_llm_prices; i++)
        if (set->llm_prices[i].model && strcmp(set->llm_prices[i].model, model) == 0)
            return &set->llm_prices[i];
    return NULL;
}
