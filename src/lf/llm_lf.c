/*
 * llm labeling functions, the parts that need no network: binding template fields to the
 * data, rendering the chat messages and the request body, and reading a class out of an
 * answer with the verbalizer. The requests themselves are sent by llm_prepass.c.
 */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "llm/llm_client.h"

void lf_llm_release(lf_llm *llm)
{
    if (!llm || --llm->refs > 0) return;
    free(llm->url);
    free(llm->model);
    free(llm->api_key_env);
    lf_llm_template_clear(&llm->system);
    for (int32_t i = 0; i < llm->n_prompts; i++)
        lf_llm_template_clear(&llm->prompts[i]);
    free(llm->prompts);
    for (int32_t e = 0; e < llm->n_examples; e++) {
        for (int32_t f = 0; f < llm->n_fields; f++)
            free(llm->examples[e].values[f]);
        free(llm->examples[e].values);
    }
    free(llm->examples);
    for (int32_t f = 0; f < llm->n_fields; f++)
        free(llm->fields[f]);
    free(llm->fields);
    for (int32_t k = 0; llm->words && k < llm->n_classes; k++) {
        for (int32_t i = 0; i < llm->n_words[k]; i++)
            free(llm->words[k][i]);
        free(llm->words[k]);
    }
    free(llm->words);
    free(llm->n_words);
    free(llm->cache_path);
    free(llm->label_key);
    free(llm->prompt_source);
    for (int32_t i = 0; llm->paraphrases && i < llm->n_paraphrases; i++)
        free(llm->paraphrases[i]);
    free(llm->paraphrases);
    free(llm->lock_path);
    free(llm->lf_name);
    free(llm->examples_path);
    for (int32_t e = 0; llm->example_items && e < llm->n_examples; e++)
        free(llm->example_items[e]);
    free(llm->example_items);
    free(llm);
}

/* The line of the first template that names field f, so the error points at it. */
static int64_t field_line(const lf_llm *llm, int32_t f)
{
    for (int32_t i = -1; i < llm->n_prompts; i++) {
        const llm_template *t = i < 0 ? &llm->system : &llm->prompts[i];
        for (int32_t s = 0; s < t->n; s++)
            if (!t->segs[s].text && t->segs[s].field == f) return t->line;
    }
    return 0;
}

int lf_llm_bind(int32_t **out, const chorus_lf_set *set, const char *lf_name, const lf_llm *llm,
                const chorus_dataset *ds)
{
    *out = malloc(((size_t)llm->n_fields + 1) * sizeof **out);
    if (!*out) return chorus_error_nomem();
    for (int32_t f = 0; f < llm->n_fields; f++) {
        (*out)[f] = chorus_dataset_find_field(ds, llm->fields[f]);
        if ((*out)[f] >= 0) continue;
        char fields[256] = "";
        size_t used = 0;
        for (int32_t i = 0; i < chorus_dataset_n_fields(ds) && used < sizeof fields - 8; i++) {
            int n = snprintf(fields + used, sizeof fields - used, "%s%s", i ? ", " : "",
                             chorus_dataset_field_name(ds, i));
            if (n < 0) break;
            used += (size_t)n;
        }
        free(*out);
        *out = NULL;
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": labeling function '%s': the prompt names the "
                                "field {%s}, which the data lacks (fields: %s)",
                                set->path, field_line(llm, f), lf_name, llm->fields[f], fields);
    }
    return CHORUS_OK;
}

/* The values a template is filled from: a record of the data, or a few-shot example. */
typedef struct fill {
    const chorus_dataset *ds;
    const int32_t *field;
    int64_t record;
    const llm_example *example;
} fill;

static char *render(const llm_template *t, const fill *src)
{
    size_t len = 1;
    for (int pass = 0; pass < 2; pass++) {
        char *out = pass ? malloc(len) : NULL;
        if (pass && !out) return NULL;
        size_t at = 0;
        for (int32_t s = 0; s < t->n; s++) {
            const char *piece = t->segs[s].text;
            if (!piece && src->example) piece = src->example->values[t->segs[s].field];
            if (!piece)
                piece =
                    chorus_dataset_value(src->ds, src->record, src->field[t->segs[s].field], NULL);
            size_t n = piece ? strlen(piece) : 0;
            if (pass) memcpy(out + at, piece, n);
            at += n;
        }
        if (pass) {
            out[at] = '\0';
            return out;
        }
        len = at + 1;
    }
    return NULL;
}

/* A JSON string of text; text that is not valid UTF-8 (a CSV may hold anything) has its
 * non-ASCII bytes replaced by '?' rather than failing the whole apply. */
static json_t *json_text(char *text)
{
    json_t *s = json_string(text);
    if (s) return s;
    for (char *c = text; *c; c++)
        if ((unsigned char)*c >= 0x80) *c = '?';
    return json_string(text);
}

static int add_message(json_t *messages, const char *role, char *content)
{
    json_t *m = content ? json_object() : NULL;
    int bad = !m || json_object_set_new(m, "role", json_string(role)) ||
              json_object_set_new(m, "content", json_text(content));
    free(content);
    if (bad) {
        json_decref(m);
        return chorus_error_nomem();
    }
    /* json_array_append_new takes m even when it fails. */
    return json_array_append_new(messages, m) ? chorus_error_nomem() : CHORUS_OK;
}

/* A constrained answer: {label_key: word}, compact, as a model following the schema writes it. */
static char *json_answer(const lf_llm *llm, const char *word)
{
    json_t *o = json_object();
    char *text = NULL;
    if (o && !json_object_set_new(o, llm->label_key, json_string(word)))
        text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

/* The system message, the examples as user / assistant turns, then the item. */
static int make_messages(json_t **out, const lf_llm *llm, bool constrained, int32_t variant,
                         const chorus_dataset *ds, const int32_t *field, int64_t record)
{
    json_t *messages = json_array();
    if (!messages) return chorus_error_nomem();
    const fill item = {ds, field, record, NULL};
    int rc = CHORUS_OK;
    if (llm->has_system) rc = add_message(messages, "system", render(&llm->system, &item));
    for (int32_t e = 0; e < llm->n_examples && !rc; e++) {
        const llm_example *ex = &llm->examples[e];
        const fill shot = {ds, field, record, ex};
        rc = add_message(messages, "user", render(&llm->prompts[variant], &shot));
        /* The answer the verbalizer reads first for that class, so the shots teach it. */
        const char *answer = llm->n_words[ex->label] ? llm->words[ex->label][0] : "";
        if (!rc)
            rc = add_message(messages, "assistant",
                             constrained ? json_answer(llm, answer) : strdup(answer));
    }
    if (!rc) rc = add_message(messages, "user", render(&llm->prompts[variant], &item));
    if (rc) {
        json_decref(messages);
        return rc;
    }
    *out = messages;
    return CHORUS_OK;
}

/*
 * OpenAI's structured-output request: a strict schema of one required string property whose
 * values are the verbalizer's words (each once), so every answer maps to a class.
 */
static json_t *response_format(const lf_llm *llm)
{
    json_t *words = json_array();
    for (int32_t k = 0; words && k < llm->n_classes; k++)
        for (int32_t i = 0; i < llm->n_words[k]; i++) {
            bool seen = false;
            size_t at;
            json_t *w;
            json_array_foreach(words, at, w) seen =
                seen || !strcmp(json_string_value(w), llm->words[k][i]);
            if (!seen && json_array_append_new(words, json_text(llm->words[k][i]))) {
                json_decref(words);
                return NULL;
            }
        }
    if (!words) return NULL;
    /* json_pack's "o" takes words even when packing fails. */
    return json_pack("{s:s, s:{s:s, s:b, s:{s:s, s:{s:{s:s, s:o}}, s:[s], s:b}}}", "type",
                     "json_schema", "json_schema", "name", "chorus_label", "strict", 1, "schema",
                     "type", "object", "properties", llm->label_key, "type", "string", "enum",
                     words, "required", llm->label_key, "additionalProperties", 0);
}

int lf_llm_render_body(char **out, const lf_llm *llm, bool constrained, int32_t variant,
                       const chorus_dataset *ds, const int32_t *field, int64_t record)
{
    *out = NULL;
    json_t *messages = NULL;
    int rc = make_messages(&messages, llm, constrained, variant, ds, field, record);
    if (rc) return rc;
    /* Keys in one fixed order: the body is hashed into the cache key, so a constrained and a
     * free-text request of one prompt have different keys and their answers never mix. */
    json_t *body = json_object();
    if (!body || json_object_set_new(body, "model", json_string(llm->model)) ||
        json_object_set(body, "messages", messages) ||
        json_object_set_new(body, "temperature", json_real(llm->temperature)) ||
        json_object_set_new(body, "max_tokens",
                            json_integer(constrained ? llm->json_max_tokens : llm->max_tokens)) ||
        (constrained && json_object_set_new(body, "response_format", response_format(llm))) ||
        (llm->logprobs &&
         (json_object_set_new(body, "logprobs", json_true()) ||
          json_object_set_new(body, "top_logprobs", json_integer(CHORUS_LLM_TOP_LOGPROBS)))) ||
        !(*out = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)))
        rc = chorus_error_nomem();
    json_decref(messages);
    json_decref(body);
    return rc;
}

int lf_llm_render_text(char **out, const lf_llm *llm, bool constrained, int32_t variant,
                       const chorus_dataset *ds, const int32_t *field, int64_t record)
{
    *out = NULL;
    json_t *messages = NULL;
    int rc = make_messages(&messages, llm, constrained, variant, ds, field, record);
    if (rc) return rc;
    size_t len = 1, i;
    json_t *m;
    json_array_foreach(messages, i, m) len +=
        strlen(json_string_value(json_object_get(m, "content"))) + 16;
    char *text = malloc(len);
    size_t at = 0;
    if (!text) rc = chorus_error_nomem();
    json_array_foreach(messages, i, m) if (text) at += (size_t)snprintf(
        text + at, len - at, "[%s]\n%s\n", json_string_value(json_object_get(m, "role")),
        json_string_value(json_object_get(m, "content")));
    json_decref(messages);
    *out = text;
    return rc;
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_';
}

int32_t lf_llm_verbalize(const lf_llm *llm, const char *answer)
{
    size_t at, len;
    return lf_llm_verbalize_at(llm, answer, &at, &len);
}

int32_t lf_llm_verbalize_at(const lf_llm *llm, const char *answer, size_t *at_out, size_t *len_out)
{
    *at_out = *len_out = 0;
    if (!answer) return CHORUS_ABSTAIN;
    char *low = strdup(answer);
    if (!low) return CHORUS_ABSTAIN;
    for (char *c = low; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    int32_t best = CHORUS_ABSTAIN;
    size_t best_at = SIZE_MAX, best_len = 0;
    for (int32_t k = 0; k < llm->n_classes; k++)
        for (int32_t i = 0; i < llm->n_words[k]; i++) {
            const char *w = llm->words[k][i];
            size_t wl = strlen(w);
            for (const char *p = strstr(low, w); p; p = strstr(p + 1, w)) {
                size_t at = (size_t)(p - low);
                if (at > best_at) break;
                if ((at > 0 && word_char((unsigned char)p[-1])) || word_char((unsigned char)p[wl]))
                    continue;
                /* At one position the longer phrase wins ("spam filter" over "spam"). */
                if (at < best_at || wl > best_len) {
                    best = k;
                    best_at = at;
                    best_len = wl;
                }
                break;
            }
        }
    free(low);
    if (best != CHORUS_ABSTAIN) {
        *at_out = best_at;
        *len_out = best_len;
    }
    return best;
}

int32_t lf_llm_read_answer(const lf_llm *llm, bool constrained, const char *answer,
                           bool *well_formed)
{
    *well_formed = !constrained;
    if (!answer) return CHORUS_ABSTAIN;
    json_error_t err;
    json_t *root = json_loads(answer, JSON_REJECT_DUPLICATES, &err);
    const char *label = json_string_value(json_object_get(root, llm->label_key));
    int32_t k = CHORUS_ABSTAIN;
    if (label) {
        *well_formed = true;
        k = lf_llm_verbalize(llm, label);
    } else if (!constrained) {
        k = lf_llm_verbalize(llm, answer);
    } else {
        /* Valid JSON without the key still followed a schema, just not ours: not a refusal. */
        *well_formed = json_is_object(root);
    }
    json_decref(root);
    return k;
}
