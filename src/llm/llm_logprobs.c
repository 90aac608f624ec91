/*
 * The log-probabilities of an answer as the endpoint sent them, in OpenAI's form or
 * llama.cpp's, read into one token list. Every number is checked: a log-probability is a
 * finite number <= 0 (a tiny positive one, from rounding, counts as 0); a probability is in
 * 0..1. A token without one makes the whole answer come without log-probabilities, since a
 * product over its tokens would be wrong.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/error_internal.h"
#include "llm/llm_client.h"

void chorus_llm_tokens_clear(chorus_llm_result *result)
{
    for (int32_t i = 0; result->tokens && i < result->n_tokens; i++) {
        free(result->tokens[i].text);
        for (int32_t k = 0; k < result->tokens[i].n_top; k++)
            free(result->tokens[i].top_text[k]);
    }
    free(result->tokens);
    result->tokens = NULL;
    result->n_tokens = 0;
}

/* A log-probability from "logprob", or from a probability "prob"; NAN when neither is usable. */
static double read_logprob(const json_t *logprob, const json_t *prob)
{
    if (json_is_number(logprob)) {
        double x = json_number_value(logprob);
        if (!isfinite(x) || x > 1e-6) return NAN;
        return x > 0 ? 0 : x;
    }
    if (json_is_number(prob)) {
        double p = json_number_value(prob);
        if (!(p > 0) || p > 1 + 1e-9) return NAN;
        return p >= 1 ? 0 : log(p);
    }
    return NAN;
}

/* The text of a token entry: "token" (OpenAI, new llama.cpp), "tok_str" or "content" (old). */
static const char *entry_text(const json_t *entry)
{
    const char *text = json_string_value(json_object_get(entry, "token"));
    if (!text) text = json_string_value(json_object_get(entry, "tok_str"));
    if (!text) text = json_string_value(json_object_get(entry, "content"));
    return text;
}

/* The alternatives at one place: "top_logprobs" [{token, logprob}] or "probs" [{tok_str, prob}]. */
static int read_top(chorus_llm_token *t, const json_t *entry)
{
    const json_t *list = json_object_get(entry, "top_logprobs");
    if (!json_is_array(list)) list = json_object_get(entry, "probs");
    size_t i;
    const json_t *alt;
    json_array_foreach(list, i, alt)
    {
        if (t->n_top == CHORUS_LLM_TOP_LOGPROBS) break;
        const char *text = entry_text(alt);
        double lp = read_logprob(json_object_get(alt, "logprob"), json_object_get(alt, "prob"));
        if (!text || isnan(lp)) continue;
        if (!(t->top_text[t->n_top] = strdup(text))) return chorus_error_nomem();
        t->top_logprob[t->n_top++] = lp;
    }
    return CHORUS_OK;
}

/* Old llama.cpp gives no logprob of the chosen token, only its probability among "probs". */
static double chosen_logprob(const json_t *entry, const char *text)
{
    double lp = read_logprob(json_object_get(entry, "logprob"), json_object_get(entry, "prob"));
    if (!isnan(lp)) return lp;
    size_t i;
    const json_t *alt;
    json_array_foreach(json_object_get(entry, "probs"), i, alt)
    {
        const char *alt_text = entry_text(alt);
        if (alt_text && strcmp(alt_text, text) == 0)
            return read_logprob(json_object_get(alt, "logprob"), json_object_get(alt, "prob"));
    }
    return NAN;
}

int chorus_llm_logprobs_read(chorus_llm_result *result, const json_t *root, const json_t *choice)
{
    chorus_llm_tokens_clear(result);
    result->logprob = NAN;
    const json_t *list = json_object_get(json_object_get(choice, "logprobs"), "content");
    if (!json_is_array(list)) list = json_object_get(choice, "completion_probabilities");
    if (!json_is_array(list)) list = json_object_get(root, "completion_probabilities");
    size_t n = json_array_size(list);
    if (n == 0 || n > CHORUS_LLM_MAX_LOGPROB_TOKENS) return CHORUS_OK;
    if (!(result->tokens = calloc(n, sizeof *result->tokens))) return chorus_error_nomem();
    double sum = 0;
    int rc = CHORUS_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const json_t *entry = json_array_get(list, i);
        chorus_llm_token *t = &result->tokens[i];
        const char *text = entry_text(entry);
        double lp = text ? chosen_logprob(entry, text) : NAN;
        result->n_tokens = (int32_t)i + 1;
        if (isnan(lp)) {
            chorus_llm_tokens_clear(result);
            return CHORUS_OK;
        }
        if (!(t->text = strdup(text))) rc = chorus_error_nomem();
        t->logprob = lp;
        sum += lp;
        if (!rc) rc = read_top(t, entry);
    }
    if (rc) {
        chorus_llm_tokens_clear(result);
        return rc;
    }
    result->logprob = sum;
    return CHORUS_OK;
}
