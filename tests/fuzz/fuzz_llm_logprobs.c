/*
 * The log-probabilities of an LLM answer, as an endpoint sends them: the input is a
 * response body; its choices[0].message.content is the answer (a fixed one when missing).
 * Whatever the tokens say, the confidence of the answer for a fixed spec is a probability
 * or NAN, free text and JSON alike.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "lf/llm_confidence.h"

#include "fuzz_util.h"

static const char spec_text[] = "classes: [HAM, SPAM, OTHER]\n"
                                "lfs:\n"
                                "  - name: ask\n"
                                "    kind: llm\n"
                                "    endpoint: http://127.0.0.1:9/v1\n"
                                "    model: m\n"
                                "    prompt: '{text}'\n"
                                "    logprobs: true\n"
                                "    verbalizer:\n"
                                "      SPAM: [spam, 'yes', junk mail]\n"
                                "      HAM: [ham, 'no', not spam]\n"
                                "      OTHER: [other, 'n/a']\n";

static const lf_llm *spec(void)
{
    return fuzz_fixed_spec("logprobs.yaml", spec_text)->lfs[0].u.llm.spec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const lf_llm *llm = spec();
    json_error_t err;
    json_t *root = json_loadb((const char *)data, size, 0, &err);
    if (!root) return 0;
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    const char *content =
        json_string_value(json_object_get(json_object_get(choice, "message"), "content"));
    chorus_llm_result res;
    memset(&res, 0, sizeof res);
    res.ok = 1;
    res.content = strdup(content ? content : "{\"label\":\"spam\"}");
    FUZZ_CHECK(res.content != NULL, "copy the answer");
    if (chorus_llm_logprobs_read(&res, root, choice) == CHORUS_OK) {
        FUZZ_CHECK(res.n_tokens >= 0 && res.n_tokens <= CHORUS_LLM_MAX_LOGPROB_TOKENS,
                   "token count out of range");
        FUZZ_CHECK(res.n_tokens == 0 || res.logprob <= 0, "a positive log-probability");
        for (int32_t i = 0; i < res.n_tokens; i++) {
            FUZZ_CHECK(res.tokens[i].text && res.tokens[i].logprob <= 0, "a token without text");
            FUZZ_CHECK(res.tokens[i].n_top >= 0 && res.tokens[i].n_top <= CHORUS_LLM_TOP_LOGPROBS,
                       "too many alternatives");
        }
        for (int constrained = 0; constrained < 2; constrained++) {
            double p = lf_llm_confidence(llm, constrained, &res);
            FUZZ_CHECK(isnan(p) || (p >= 0 && p <= 1), "a confidence outside 0..1");
        }
    }
    chorus_llm_result_clear(&res);
    json_decref(root);
    return 0;
}
