/*
 * The keys of an llm labeling function: the endpoint and model, the prompt templates and
 * their few-shot examples, the verbalizer that maps answers to classes, and the transport
 * settings. Everything that can be checked without the data is checked here; the fields a
 * template names are checked against the data when it is applied (lf_llm_bind).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "core/error_internal.h"
#include "lf/spec_internal.h"

#define LLM_DEFAULT_CACHE ".chorus-llm-cache.jsonl"
/* Rewordings of one prompt the endpoint may be asked for (each is an LF of its own). */
#define LLM_MAX_PARAPHRASES 100

/* A template of the spec; a fault in it is reported with the node's line. */
static int parse_template(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *node, const char *key,
                          llm_template *t)
{
    char *s = NULL;
    int rc = spec_string(ctx, node, key, &s);
    if (rc) return rc;
    t->line = spec_line(node);
    rc = lf_llm_template_parse(llm, s, key, false, t);
    if (rc == CHORUS_EFORMAT) {
        char why[512];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        rc = spec_error(ctx, rc, node, "%s", why);
    }
    free(s);
    return rc;
}

/* A number in [min, max]; integer when `integer`. */
static int spec_number(spec_ctx *ctx, const yaml_node_t *map, const char *key, double min,
                       double max, bool integer, double *out)
{
    const yaml_node_t *node = spec_get(ctx, map, key, NULL);
    if (!node) return CHORUS_OK;
    double x = 0;
    if (node->type != YAML_SCALAR_NODE ||
        !heuristic_parse_number((const char *)node->data.scalar.value, node->data.scalar.length,
                                &x) ||
        x < min || x > max || (integer && x != (double)(int64_t)x))
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is not %s in %g..%g; expected one", key,
                          integer ? "a whole number" : "a number", min, max);
    *out = x;
    return CHORUS_OK;
}

static int parse_endpoint(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    const yaml_node_t *node = spec_get(ctx, map, "endpoint", NULL);
    if (!node)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no endpoint; expected endpoint: <base URL of an OpenAI-compatible "
                          "API>, e.g. http://127.0.0.1:8080/v1 or https://api.openai.com/v1");
    char *endpoint = NULL;
    int rc = spec_string(ctx, node, "endpoint", &endpoint);
    if (rc) return rc;
    if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0)
        rc = spec_error(ctx, CHORUS_EFORMAT, node,
                        "endpoint '%.80s' is not an http:// or https:// URL; expected e.g. "
                        "http://127.0.0.1:8080/v1",
                        endpoint);
    size_t len = strlen(endpoint);
    while (len > 0 && endpoint[len - 1] == '/')
        len--;
    static const char suffix[] = "/chat/completions";
    if (!rc && !(llm->url = malloc(len + sizeof suffix))) rc = chorus_error_nomem();
    if (!rc) snprintf(llm->url, len + sizeof suffix, "%.*s%s", (int)len, endpoint, suffix);
    free(endpoint);
    return rc;
}

static int parse_api_key_env(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    const yaml_node_t *node = spec_get(ctx, map, "api_key_env", NULL);
    if (!node) return CHORUS_OK;
    int rc = spec_string(ctx, node, "api_key_env", &llm->api_key_env);
    if (rc) return rc;
    const char *s = llm->api_key_env;
    /* Never echo the value: someone may have pasted the key itself here. */
    if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789") != strlen(s) ||
        isdigit((unsigned char)s[0]))
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "api_key_env is not the name of an environment variable; expected "
                          "the variable's name (letters, digits and _, e.g. OPENAI_API_KEY), "
                          "never the key itself");
    return CHORUS_OK;
}

static int parse_prompts(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    const yaml_node_t *prompt = spec_get(ctx, map, "prompt", NULL);
    const yaml_node_t *variants = spec_get(ctx, map, "variants", NULL);
    if (prompt && variants)
        return spec_error(ctx, CHORUS_EFORMAT, variants,
                          "both prompt and variants; expected one of them (variants: a list of "
                          "paraphrases of the prompt, each its own LF)");
    if (!prompt && !variants)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no prompt; expected prompt: '<template with {FIELD} placeholders>' "
                          "or variants: [<template>, ...]");
    const yaml_node_t *system = spec_get(ctx, map, "system", NULL);
    int rc = CHORUS_OK;
    if (system) {
        llm->has_system = true;
        if ((rc = parse_template(ctx, llm, system, "system", &llm->system))) return rc;
    }
    if (prompt) {
        if (!(llm->prompts = calloc(1, sizeof *llm->prompts))) return chorus_error_nomem();
        llm->n_prompts = 1;
        return parse_template(ctx, llm, prompt, "prompt", &llm->prompts[0]);
    }
    if (variants->type != YAML_SEQUENCE_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, variants,
                          "variants is %s; expected a list of prompt templates",
                          spec_shape_name(variants));
    int64_t n = variants->data.sequence.items.top - variants->data.sequence.items.start;
    if (n < 1 || n > 1000)
        return spec_error(ctx, CHORUS_EFORMAT, variants,
                          "variants has %" PRId64 " items; expected 1 to 1000 prompt templates", n);
    if (!(llm->prompts = calloc((size_t)n, sizeof *llm->prompts))) return chorus_error_nomem();
    llm->variants = true;
    for (int32_t i = 0; i < (int32_t)n && !rc; i++) {
        char what[48];
        snprintf(what, sizeof what, "variant %" PRId32, i + 1);
        llm->n_prompts = i + 1;
        rc = parse_template(ctx, llm, spec_node(ctx, variants->data.sequence.items.start[i]), what,
                            &llm->prompts[i]);
    }
    return rc;
}

/*
 * paraphrases: N asks the endpoint for N rewordings of the prompt, run with it as one group
 * (name#1 the prompt, name#2.. the rewordings); the lock file beside the spec pins them.
 */
static int parse_paraphrases(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    const yaml_node_t *node = spec_get(ctx, map, "paraphrases", NULL);
    if (!node) return CHORUS_OK;
    double n = 0;
    int rc = spec_number(ctx, map, "paraphrases", 1, LLM_MAX_PARAPHRASES, true, &n);
    if (rc) return rc;
    if (llm->variants)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "both variants and paraphrases; expected paraphrases with a prompt "
                          "(the endpoint writes the variants)");
    llm_template *grown = realloc(llm->prompts, ((size_t)n + 1) * sizeof *grown);
    if (!grown) return chorus_error_nomem();
    llm->prompts = grown;
    memset(&grown[1], 0, (size_t)n * sizeof *grown);
    for (int32_t i = 1; i <= (int32_t)n; i++)
        grown[i].line = spec_line(node);
    llm->n_prompts = (int32_t)n + 1;
    llm->n_paraphrases = (int32_t)n;
    llm->variants = true;
    llm->paraphrases_line = spec_line(node);
    if ((rc = spec_string(ctx, spec_get(ctx, map, "prompt", NULL), "prompt", &llm->prompt_source)))
        return rc;
    return CHORUS_OK;
}

/* What the endpoint wrote and the examples chorus chose are pinned in the spec's lock file,
 * spam.yaml -> spam.lock.yaml beside it (or the one the caller names), under the LF's name. */
static int read_lock(spec_ctx *ctx, lf_def *lf, lf_llm *llm)
{
    if (!(llm->lf_name = strdup(lf->name))) return chorus_error_nomem();
    if (ctx->lock_path) {
        if (!(llm->lock_path = strdup(ctx->lock_path))) return chorus_error_nomem();
        return lf_llm_lock_read(llm, ctx->set);
    }
    const char *path = ctx->set->path, *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    size_t stem = dot && dot != (slash ? slash + 1 : path) ? (size_t)(dot - path) : strlen(path);
    if (!(llm->lock_path = malloc(stem + sizeof ".lock.yaml"))) return chorus_error_nomem();
    snprintf(llm->lock_path, stem + sizeof ".lock.yaml", "%.*s.lock.yaml", (int)stem, path);
    return lf_llm_lock_read(llm, ctx->set);
}

/* A list of answer words (a single value is a list of one), lowercased. */
static int parse_words(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *node, int32_t k)
{
    yaml_node_item_t single = 0;
    const yaml_node_item_t *items = &single, *end = &single + 1;
    if (node->type == YAML_SEQUENCE_NODE) {
        items = node->data.sequence.items.start;
        end = node->data.sequence.items.top;
    }
    int64_t n = end - items;
    if (node->type == YAML_MAPPING_NODE || n < 1 || n > 1000)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "the verbalizer of class '%s' is not a list of 1 to 1000 words; "
                          "expected e.g. [spam, \"yes\"]",
                          ctx->set->classes[k]);
    if (!(llm->words[k] = calloc((size_t)n, sizeof **llm->words))) return chorus_error_nomem();
    for (int32_t i = 0; i < (int32_t)n; i++) {
        const yaml_node_t *item = items == &single ? node : spec_node(ctx, items[i]);
        int rc = spec_string(ctx, item, "a verbalizer word", &llm->words[k][i]);
        llm->n_words[k] = i + 1;
        if (rc) return rc;
        for (char *c = llm->words[k][i]; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    }
    return CHORUS_OK;
}

static int parse_verbalizer(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    const int32_t K = ctx->set->n_classes;
    llm->n_classes = K;
    llm->words = calloc((size_t)K, sizeof *llm->words);
    llm->n_words = calloc((size_t)K, sizeof *llm->n_words);
    if (!llm->words || !llm->n_words) return chorus_error_nomem();
    const yaml_node_t *node = spec_get(ctx, map, "verbalizer", NULL);
    int rc = CHORUS_OK;
    if (!node) {
        /* Without a verbalizer the answer is expected to name a class. */
        for (int32_t k = 0; k < K && !rc; k++) {
            yaml_node_t fake = {0};
            fake.type = YAML_SCALAR_NODE;
            fake.data.scalar.value = (yaml_char_t *)ctx->set->classes[k];
            fake.data.scalar.length = strlen(ctx->set->classes[k]);
            rc = parse_words(ctx, llm, &fake, k);
        }
        return rc;
    }
    if ((rc = spec_check_mapping(ctx, node, "verbalizer"))) return rc;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top && !rc; p++) {
        int32_t k = -1;
        if ((rc = spec_class(ctx, spec_node(ctx, p->key), "a verbalizer key", &k))) break;
        if (llm->words[k])
            rc = spec_error(ctx, CHORUS_EFORMAT, spec_node(ctx, p->key),
                            "class '%s' appears twice in the verbalizer; expected it once",
                            ctx->set->classes[k]);
        else
            rc = parse_words(ctx, llm, spec_node(ctx, p->value), k);
    }
    return rc;
}

/* Examples fill the prompt, never the system message, so only its fields are needed. */
static bool in_prompts(const lf_llm *llm, int32_t f)
{
    for (int32_t i = 0; i < llm->n_prompts; i++)
        for (int32_t s = 0; s < llm->prompts[i].n; s++)
            if (!llm->prompts[i].segs[s].text && llm->prompts[i].segs[s].field == f) return true;
    return false;
}

static int add_example(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *where,
                       const char *(*get)(void *, const char *), void *src, const char *label)
{
    llm_example *ex = &llm->examples[llm->n_examples];
    if (!(ex->values = calloc((size_t)llm->n_fields + 1, sizeof *ex->values)))
        return chorus_error_nomem();
    llm->n_examples++;
    if (!label)
        return spec_error(ctx, CHORUS_EFORMAT, where,
                          "example %" PRId32 " has no label; expected label: <its class>",
                          llm->n_examples);
    if ((ex->label = lf_set_class_index(ctx->set, label)) < 0)
        return spec_error(ctx, CHORUS_EFORMAT, where,
                          "example %" PRId32 ": label '%.60s' is not a class", llm->n_examples,
                          label);
    for (int32_t f = 0; f < llm->n_fields; f++) {
        if (!in_prompts(llm, f)) continue;
        const char *value = get(src, llm->fields[f]);
        if (!value)
            return spec_error(ctx, CHORUS_EFORMAT, where,
                              "example %" PRId32 " has no field '%s', which the prompt names; "
                              "expected every {field} of the prompt and label",
                              llm->n_examples, llm->fields[f]);
        if (!(ex->values[f] = strdup(value))) return chorus_error_nomem();
    }
    return CHORUS_OK;
}

typedef struct yaml_src {
    spec_ctx *ctx;
    const yaml_node_t *map;
} yaml_src;

static const char *yaml_value(void *p, const char *key)
{
    yaml_src *src = p;
    const yaml_node_t *v = spec_get(src->ctx, src->map, key, NULL);
    return v && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
}

typedef struct data_src {
    const chorus_dataset *ds;
    int64_t record;
} data_src;

static const char *data_value(void *p, const char *key)
{
    data_src *src = p;
    int32_t f = chorus_dataset_find_field(src->ds, key);
    return f < 0 ? NULL : chorus_dataset_value(src->ds, src->record, f, NULL);
}

/*
 * examples: {from: gold|review, file: PATH, per_class: k, seed: s}: chosen from the
 * labelled items of the data when the LF is first applied (llm_examples.c).
 */
static int parse_examples_from(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    static const char *const keys[] = {"from", "file", "per_class", "seed", NULL};
    int rc = spec_check_mapping(ctx, map, "examples");
    if (!rc) rc = spec_check_keys(ctx, map, "examples", keys);
    if (rc) return rc;
    llm->examples_line = spec_line(map);
    const yaml_node_t *from = spec_get(ctx, map, "from", NULL);
    char *s = NULL;
    if (!from)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "examples has no from; expected from: gold or from: review");
    if ((rc = spec_string(ctx, from, "from", &s))) return rc;
    llm->examples_from = strcmp(s, "gold") == 0     ? LLM_EXAMPLES_GOLD
                         : strcmp(s, "review") == 0 ? LLM_EXAMPLES_REVIEW
                                                    : LLM_EXAMPLES_LISTED;
    if (llm->examples_from == LLM_EXAMPLES_LISTED)
        rc = spec_error(ctx, CHORUS_EFORMAT, from,
                        "examples from '%.60s' is not a source; expected gold (a gold file, or "
                        "the spec's data.gold field) or review (a review file)",
                        s);
    free(s);
    if (rc) return rc;
    const yaml_node_t *file = spec_get(ctx, map, "file", NULL);
    if (file && (rc = spec_file(ctx, file, "file", &llm->examples_path))) return rc;
    if (!file && llm->examples_from == LLM_EXAMPLES_REVIEW)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "examples from review has no file; expected file: <the review file>");
    if (!file && !ctx->set->gold_field)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "examples from gold has no file and the spec names no data.gold "
                          "field; expected file: <a gold file> or data: {gold: FIELD}");
    double x[2] = {1, 0};
    if ((rc = spec_number(ctx, map, "per_class", 1, 100, true, &x[0]))) return rc;
    if ((rc = spec_number(ctx, map, "seed", 0, 9007199254740992.0, true, &x[1]))) return rc;
    llm->examples_per_class = (int32_t)x[0];
    llm->examples_seed = (uint64_t)x[1];
    return CHORUS_OK;
}

static int parse_examples(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    const yaml_node_t *inline_node = spec_get(ctx, map, "examples", NULL);
    const yaml_node_t *file = spec_get(ctx, map, "examples_file", NULL);
    if (inline_node && file)
        return spec_error(ctx, CHORUS_EFORMAT, file,
                          "both examples and examples_file; expected one of them");
    int rc = CHORUS_OK;
    if (inline_node && inline_node->type == YAML_MAPPING_NODE)
        return parse_examples_from(ctx, llm, inline_node);
    if (inline_node) {
        if (inline_node->type != YAML_SEQUENCE_NODE)
            return spec_error(ctx, CHORUS_EFORMAT, inline_node,
                              "examples is %s; expected a list of {FIELD: text, label: CLASS}, or "
                              "{from: gold|review, ...}",
                              spec_shape_name(inline_node));
        int64_t n = inline_node->data.sequence.items.top - inline_node->data.sequence.items.start;
        if (!(llm->examples = calloc((size_t)n + 1, sizeof *llm->examples)))
            return chorus_error_nomem();
        for (int64_t i = 0; i < n && !rc; i++) {
            yaml_src src = {ctx, spec_node(ctx, inline_node->data.sequence.items.start[i])};
            if ((rc = spec_check_mapping(ctx, src.map, "an example"))) break;
            rc = add_example(ctx, llm, src.map, yaml_value, &src, yaml_value(&src, "label"));
        }
        return rc;
    }
    if (!file) return CHORUS_OK;
    char *path = NULL;
    chorus_dataset *ds = NULL;
    if ((rc = spec_file(ctx, file, "examples_file", &path))) return rc;
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    if ((rc = chorus_dataset_read(&ds, path, &opts))) {
        char why[512];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        rc = rc == CHORUS_ENOMEM ? rc
                                 : spec_error(ctx, rc, file, "cannot read examples_file: %s", why);
        goto done;
    }
    int64_t n = chorus_dataset_n_records(ds);
    if (!(llm->examples = calloc((size_t)n + 1, sizeof *llm->examples))) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int64_t r = 0; r < n && !rc; r++) {
        data_src src = {ds, r};
        rc = add_example(ctx, llm, file, data_value, &src, data_value(&src, "label"));
    }
done:
    chorus_dataset_free(ds);
    free(path);
    return rc;
}

static int parse_constrain(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map)
{
    static const char *const names[] = {"auto", "json_schema", "none"};
    const yaml_node_t *node = spec_get(ctx, map, "constrain", NULL);
    if (node) {
        char *s = NULL;
        int rc = spec_string(ctx, node, "constrain", &s);
        if (rc) return rc;
        int found = -1;
        for (int i = 0; i < 3; i++)
            if (strcmp(s, names[i]) == 0) found = i;
        if (found < 0)
            rc = spec_error(ctx, CHORUS_EFORMAT, node,
                            "constrain '%.60s' is not a mode; expected auto (a JSON schema, free "
                            "text where the endpoint refuses it), json_schema or none",
                            s);
        free(s);
        if (rc) return rc;
        llm->constrain = (llm_constrain)found;
    }
    node = spec_get(ctx, map, "label_key", NULL);
    if (!node) return (llm->label_key = strdup("label")) ? CHORUS_OK : chorus_error_nomem();
    int rc = spec_string(ctx, node, "label_key", &llm->label_key);
    if (rc) return rc;
    size_t len = strlen(llm->label_key);
    if (len == 0 || len > 64)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "label_key has %zu characters; expected the name of a key of the JSON "
                          "answer, 1 to 64 characters",
                          len);
    return CHORUS_OK;
}

int spec_parse_llm(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    lf_llm *llm = calloc(1, sizeof *llm);
    if (!llm) return chorus_error_nomem();
    llm->refs = 1;
    lf->u.llm.spec = llm;
    llm->max_tokens = 8;
    llm->max_concurrency = 4;
    llm->timeout = 60;
    llm->retries = 5;
    llm->max_connection_failures = 10;
    int rc = parse_endpoint(ctx, llm, map);
    const yaml_node_t *node = NULL;
    if (!rc && !(node = spec_get(ctx, map, "model", NULL)))
        rc = spec_error(ctx, CHORUS_EFORMAT, map,
                        "no model; expected model: <the model's name at the endpoint>");
    if (!rc) rc = spec_string(ctx, node, "model", &llm->model);
    if (!rc) rc = parse_api_key_env(ctx, llm, map);
    if (!rc) rc = parse_prompts(ctx, llm, map);
    if (!rc) rc = parse_paraphrases(ctx, llm, map);
    if (!rc) rc = parse_verbalizer(ctx, llm, map);
    if (!rc) rc = parse_examples(ctx, llm, map);
    if (!rc && (llm->n_paraphrases || llm->examples_from != LLM_EXAMPLES_LISTED))
        rc = read_lock(ctx, lf, llm);
    if (!rc) rc = parse_constrain(ctx, llm, map);
    double x[6] = {llm->temperature,
                   llm->max_tokens,
                   llm->max_concurrency,
                   llm->retries,
                   0,
                   llm->max_connection_failures};
    if (!rc) rc = spec_number(ctx, map, "temperature", 0, 2, false, &x[0]);
    if (!rc) rc = spec_number(ctx, map, "max_tokens", 1, 65536, true, &x[1]);
    if (!rc) rc = spec_number(ctx, map, "max_concurrency", 1, 256, true, &x[2]);
    if (!rc) rc = spec_number(ctx, map, "retries", 0, 20, true, &x[3]);
    if (!rc) rc = spec_number(ctx, map, "timeout", 0.001, 3600, false, &llm->timeout);
    if (!rc) rc = spec_number(ctx, map, "requests_per_minute", 0, 1e6, false, &x[4]);
    if (!rc) rc = spec_number(ctx, map, "max_connection_failures", 0, 1e6, true, &x[5]);
    llm->temperature = x[0];
    llm->max_tokens = (int32_t)x[1];
    llm->max_concurrency = (int32_t)x[2];
    llm->retries = (int32_t)x[3];
    llm->requests_per_minute = x[4];
    llm->max_connection_failures = (int32_t)x[5];
    if (!rc) rc = spec_parse_llm_confidence(ctx, llm, map);
    /* A token is at least one byte, and the JSON around the word and key takes a few. */
    llm->json_max_tokens = spec_get(ctx, map, "max_tokens", NULL) ? llm->max_tokens : 16;
    for (int32_t k = 0; !rc && !spec_get(ctx, map, "max_tokens", NULL) && k < llm->n_classes; k++)
        for (int32_t i = 0; i < llm->n_words[k]; i++) {
            size_t need = strlen(llm->words[k][i]) + strlen(llm->label_key) + 16;
            if (need > (size_t)llm->json_max_tokens)
                llm->json_max_tokens = need > 65536 ? 65536 : (int32_t)need;
        }
    if (!rc && (node = spec_get(ctx, map, "cache", NULL)))
        rc = spec_file(ctx, node, "cache", &llm->cache_path);
    else if (!rc) {
        size_t n = strlen(ctx->set->dir) + sizeof LLM_DEFAULT_CACHE + 1;
        if ((llm->cache_path = malloc(n)))
            snprintf(llm->cache_path, n, "%s/%s", ctx->set->dir, LLM_DEFAULT_CACHE);
        else
            rc = chorus_error_nomem();
    }
    return rc;
}

/* Each variant of an llm LF becomes its own LF, name#1, name#2, ..., in one group. */
int spec_llm_expand(spec_ctx *ctx)
{
    chorus_lf_set *set = ctx->set;
    int64_t n = 0;
    for (int32_t j = 0; j < set->n_lfs; j++) {
        const lf_def *lf = &set->lfs[j];
        n += lf->kind == LF_LLM && lf->u.llm.spec->variants ? lf->u.llm.spec->n_prompts : 1;
    }
    if (n == set->n_lfs) return CHORUS_OK;
    if (n > SPEC_MAX_LFS)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %" PRId64 " labeling functions once the variants of llm LFs "
                                "are counted; expected at most %d",
                                set->path, n, SPEC_MAX_LFS);
    lf_def *lfs = calloc((size_t)n, sizeof *lfs);
    if (!lfs) return chorus_error_nomem();
    int32_t out = 0;
    int rc = CHORUS_OK;
    for (int32_t j = 0; j < set->n_lfs; j++) {
        lf_def *lf = &set->lfs[j];
        if (lf->kind != LF_LLM || !lf->u.llm.spec->variants) {
            lfs[out++] = *lf;
            continue;
        }
        for (int32_t v = 0; v < lf->u.llm.spec->n_prompts; v++) {
            lf_def *copy = &lfs[out++];
            *copy = *lf;
            size_t len = strlen(lf->name) + 16;
            copy->name = malloc(len);
            copy->group = strdup(lf->group ? lf->group : lf->name);
            copy->field = NULL;
            copy->u.llm.variant = v;
            lf->u.llm.spec->refs++;
            if (!copy->name || !copy->group) {
                rc = chorus_error_nomem();
                continue;
            }
            snprintf(copy->name, len, "%s#%" PRId32, lf->name, v + 1);
        }
        /* The copies own what they need; the original gives up its reference. */
        free(lf->name);
        free(lf->group);
        free(lf->field);
        lf_llm_release(lf->u.llm.spec);
    }
    free(set->lfs);
    set->lfs = lfs;
    set->n_lfs = (int32_t)n;
    spec_names names = {0};
    for (int32_t j = 0; j < set->n_lfs && !rc; j++) {
        int64_t i;
        rc = spec_names_add(&names, set->lfs[j].name, strlen(set->lfs[j].name), j, &i);
        if (!rc && i >= 0)
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": labeling function '%s': defined twice "
                                  "(lines %" PRId64 " and %" PRId64
                                  ", variants are named <name>#1, #2, ...); expected unique "
                                  "names",
                                  set->path, set->lfs[j].line, set->lfs[j].name, set->lfs[i].line,
                                  set->lfs[j].line);
    }
    spec_names_free(&names);
    return rc;
}
