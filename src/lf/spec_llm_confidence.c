/*
 * The keys of an llm LF about how sure its answers are: logprobs (ask for the
 * log-probabilities of the answer's tokens), samples (ask several answers and vote) and
 * min_confidence (abstain on answers less likely than that). min_confidence needs one of the
 * other two, since without them no answer has a confidence.
 */
#include <stdio.h>

#include "lf/spec_internal.h"

/* The most answers asked per prompt: each is a request paid for. */
#define LLM_MAX_SAMPLES 100

/* A number from the scalar at node; false when it is not one. */
static bool scalar_number(const yaml_node_t *node, double *out)
{
    return node->type == YAML_SCALAR_NODE &&
           heuristic_parse_number((const char *)node->data.scalar.value, node->data.scalar.length,
                                  out);
}

int spec_parse_llm_confidence(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    llm->samples = 1;
    const yaml_node_t *node = spec_get(ctx, map, "logprobs", NULL);
    int rc = node ? spec_bool(ctx, node, "logprobs", &llm->logprobs) : CHORUS_OK;
    if (rc) return rc;
    double x = 0;
    if ((node = spec_get(ctx, map, "samples", NULL))) {
        if (!scalar_number(node, &x) || x < 1 || x > LLM_MAX_SAMPLES || x != (double)(int)x)
            return spec_error(ctx, CHORUS_EFORMAT, node,
                              "samples is not a whole number in 1..%d; expected how many answers "
                              "to ask per prompt (the vote is the most frequent class)",
                              LLM_MAX_SAMPLES);
        llm->samples = (int32_t)x;
        if (llm->samples > 1 && !(llm->temperature > 0))
            spec_warn(ctx, node,
                      "samples: %d with temperature 0: the answers will mostly agree; set a "
                      "temperature (e.g. 0.7) so that sampling tells something",
                      llm->samples);
    }
    if (!(node = spec_get(ctx, map, "min_confidence", NULL))) return CHORUS_OK;
    if (!scalar_number(node, &x) || !(x > 0) || x > 1)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "min_confidence is not a number in 0..1 (0 excluded); expected the "
                          "probability below which the LF abstains, e.g. 0.7");
    if (!llm->logprobs && llm->samples < 2)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "min_confidence without logprobs: true or samples: N (N >= 2); "
                          "expected one of them, so that answers have a confidence");
    llm->min_confidence = x;
    return CHORUS_OK;
}
