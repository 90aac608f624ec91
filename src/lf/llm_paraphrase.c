/*
 * Paraphrase ensembles written by the model: an llm LF with `paraphrases: N` asks its
 * endpoint once for N rewordings of its prompt (a meta-prompt answered with a JSON array),
 * checks them, and runs them with the prompt as one dependency group. The answer is cached
 * like every call, and the rewordings are pinned in the spec's lock file (llm_lock.c), so a
 * rerun neither pays for them nor gets others.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus/error.h"
#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "llm/llm_cache.h"
#include "llm/llm_client.h"

static bool names_field(const llm_template *t, int32_t field)
{
    for (int32_t s = 0; s < t->n; s++)
        if (!t->segs[s].text && t->segs[s].field == field) return true;
    return false;
}

/* The fields the prompt names, "{A}, {B}", for messages and the meta-prompt. */
static void placeholder_list(const lf_llm *llm, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int32_t f = 0; f < llm->n_fields && used + 1 < cap; f++) {
        if (!names_field(&llm->prompts[0], f)) continue;
        int n = snprintf(buf + used, cap - used, "%s{%s}", used ? ", " : "", llm->fields[f]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

/* Checks one rewording into t: it parses and names exactly the prompt's fields. */
static int check_one(lf_llm *llm, const char *text, int32_t i, llm_template *t)
{
    char what[32];
    snprintf(what, sizeof what, "paraphrase %" PRId32, i + 1);
    int rc = lf_llm_template_parse(llm, text, what, true, t);
    if (rc) return rc;
    for (int32_t f = 0; f < llm->n_fields; f++)
        if (names_field(&llm->prompts[0], f) && !names_field(t, f)) {
            char all[256];
            placeholder_list(llm, all, sizeof all);
            return chorus_error_set(CHORUS_EFORMAT,
                                    "paraphrase %" PRId32 " (\"%.80s\") drops the placeholder "
                                    "{%s}; expected a rewording that keeps %s",
                                    i + 1, text, llm->fields[f], all);
        }
    if (strcmp(text, llm->prompt_source) == 0)
        return chorus_error_set(CHORUS_EFORMAT,
                                "paraphrase %" PRId32 " is the prompt itself; expected a "
                                "rewording",
                                i + 1);
    return CHORUS_OK;
}

int lf_llm_paraphrases_set(lf_llm *llm, const char *const *texts, int32_t n, int32_t *bad)
{
    *bad = -1;
    if (n != llm->n_paraphrases)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%" PRId32 " paraphrases; expected %" PRId32
                                " (paraphrases: %" PRId32 ")",
                                n, llm->n_paraphrases, llm->n_paraphrases);
    llm_template *parsed = calloc((size_t)n + 1, sizeof *parsed);
    char **copies = calloc((size_t)n + 1, sizeof *copies);
    int rc = parsed && copies ? CHORUS_OK : chorus_error_nomem();
    for (int32_t i = 0; i < n && !rc; i++) {
        for (int32_t e = 0; e < i && !rc; e++)
            if (strcmp(texts[e], texts[i]) == 0)
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "paraphrase %" PRId32 " repeats paraphrase %" PRId32
                                      "; expected %" PRId32 " different rewordings",
                                      i + 1, e + 1, n);
        if (!rc) rc = check_one(llm, texts[i], i, &parsed[i]);
        if (!rc && !(copies[i] = strdup(texts[i]))) rc = chorus_error_nomem();
        if (rc && rc != CHORUS_ENOMEM) *bad = i;
    }
    if (!rc) {
        for (int32_t i = 0; i < n; i++) {
            int64_t line = llm->prompts[i + 1].line;
            lf_llm_template_clear(&llm->prompts[i + 1]);
            llm->prompts[i + 1] = parsed[i];
            llm->prompts[i + 1].line = line;
            if (llm->paraphrases) free(llm->paraphrases[i]);
        }
        free(llm->paraphrases);
        llm->paraphrases = copies;
        free(parsed);
        return CHORUS_OK;
    }
    for (int32_t i = 0; parsed && i < n; i++)
        lf_llm_template_clear(&parsed[i]);
    for (int32_t i = 0; copies && i < n; i++)
        free(copies[i]);
    free(parsed);
    free(copies);
    return rc;
}

/*
 * The request for the rewordings. Its text is fixed (the cache key depends on it) and names
 * the count, the placeholders and the prompt between tags a test server can find.
 */
static char *meta_body(const lf_llm *llm)
{
    char fields[256];
    placeholder_list(llm, fields, sizeof fields);
    const int32_t n = llm->n_paraphrases;
    size_t len = strlen(llm->prompt_source) + strlen(fields) + 512;
    char *user = malloc(len);
    if (!user) return NULL;
    snprintf(user, len,
             "Write %" PRId32 " rewordings of the prompt between <prompt> and </prompt>. Each "
             "must ask for the same thing with the same meaning in other words, and keep every "
             "placeholder in curly braces (%s) exactly as written. Answer with a JSON array of "
             "%" PRId32 " strings and nothing else.\n<prompt>\n%s\n</prompt>",
             n, fields, n, llm->prompt_source);
    size_t max_tokens = 64 + (size_t)n * (32 + 2 * strlen(llm->prompt_source));
    json_t *body =
        json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:f, s:I}", "model", llm->model, "messages",
                  "role", "system", "content",
                  "You reword prompts for a text classification task, and answer with JSON only.",
                  "role", "user", "content", user, "temperature", llm->temperature, "max_tokens",
                  (json_int_t)(max_tokens > 65536 ? 65536 : max_tokens));
    free(user);
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(body);
    return text;
}

/* The rewordings in an answer: the JSON array in it (a model may wrap it in a code fence). */
static int parse_answer(lf_llm *llm, const char *answer, int32_t *bad)
{
    *bad = -1;
    const char *open = strchr(answer, '['), *close = strrchr(answer, ']');
    json_error_t err;
    json_t *array =
        open && close > open ? json_loadb(open, (size_t)(close - open) + 1, 0, &err) : NULL;
    size_t n = json_array_size(array);
    const char **texts = calloc(n + 1, sizeof *texts);
    int rc = texts ? CHORUS_OK : chorus_error_nomem();
    if (!rc && !json_is_array(array))
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "the answer holds no JSON array (\"%.80s\"); "
                              "expected a JSON array of strings",
                              answer);
    for (size_t i = 0; i < n && !rc; i++)
        if (!(texts[i] = json_string_value(json_array_get(array, i))) || !*texts[i])
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "item %zu of the answer's array is not a text; expected a "
                                  "JSON array of strings",
                                  i + 1);
    if (!rc) rc = lf_llm_paraphrases_set(llm, texts, (int32_t)n, bad);
    free(texts);
    json_decref(array);
    return rc;
}

/* Asks for the rewordings of one LF: the cache first, else one request; NULL-safe counts. */
static int generate(const chorus_lf_set *set, lf_llm *llm, bool dry, int64_t *n_calls)
{
    char *body = meta_body(llm);
    if (!body) return chorus_error_nomem();
    char key[65];
    chorus_llm_cache_key(key, llm->url, llm->model, body);
    chorus_llm_cache *cache = NULL;
    chorus_llm_result result = {0};
    int rc = CHORUS_OK;
    /* A dry run writes nothing, not even an empty cache file. */
    if (!(dry && access(llm->cache_path, F_OK) != 0))
        rc = chorus_llm_cache_open(&cache, llm->cache_path);
    if (!rc && cache && !(rc = chorus_llm_cache_lock(cache))) {
        const char *answer = chorus_llm_cache_get(cache, key);
        result.content = answer ? strdup(answer) : NULL;
        result.ok = result.content != NULL;
        chorus_llm_cache_unlock(cache);
        if (answer && !result.content) rc = chorus_error_nomem();
    }
    bool cached = result.ok;
    if (!rc && !cached && dry) {
        if (n_calls) (*n_calls)++;
        goto done;
    }
    const char *api_key = llm->api_key_env ? getenv(llm->api_key_env) : NULL;
    if (!rc && !cached && llm->api_key_env && (!api_key || !*api_key)) {
        rc = chorus_error_set(CHORUS_EINVAL,
                              "%s:%" PRId64 ": labeling function '%s': the environment variable "
                              "%s (api_key_env) is not set; expected it to hold the API key",
                              set->path, llm->paraphrases_line, llm->lf_name, llm->api_key_env);
        goto done;
    }
    if (!rc && !cached) {
        chorus_llm_client_options opts = CHORUS_LLM_CLIENT_OPTIONS_INIT;
        opts.url = llm->url;
        opts.api_key = api_key;
        opts.max_concurrency = 1;
        opts.timeout = llm->timeout;
        opts.max_retries = llm->retries;
        opts.max_connection_failures = llm->max_connection_failures;
        const char *bodies[1] = {body};
        rc = chorus_llm_send(&opts, bodies, 1, &result, NULL, NULL);
        if (!rc && !result.ok)
            rc = chorus_error_set(CHORUS_EREMOTE, "%s: the request for paraphrases failed: %s",
                                  llm->url, result.error);
        if (rc == CHORUS_EREMOTE)
            chorus_error_wrap("%s:%" PRId64 ": labeling function '%s': ", set->path,
                              llm->paraphrases_line, llm->lf_name);
    }
    int32_t at = -1;
    if (!rc && (rc = parse_answer(llm, result.content, &at)) == CHORUS_EFORMAT) {
        char why[512];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        rc = chorus_error_set(CHORUS_EREMOTE,
                              "%s:%" PRId64 ": labeling function '%s': the paraphrases from %s "
                              "are not usable: %s; nothing was cached or pinned (run again to "
                              "ask again, or write the paraphrases into %s)",
                              set->path, llm->paraphrases_line, llm->lf_name, llm->url, why,
                              llm->lock_path);
    }
    /* Only an answer that passed the checks is kept, so a bad one is asked for again. */
    if (!rc && !cached && cache) {
        const char *kept = NULL;
        rc = chorus_llm_cache_put_first(cache, key, result.content,
                                        result.prompt_tokens + result.completion_tokens, &kept);
    }
    if (!rc && !cached && cache) rc = chorus_llm_cache_sync(cache);
done:
    chorus_llm_result_clear(&result);
    chorus_llm_cache_close(cache);
    free(body);
    return rc;
}

int lf_llm_paraphrases_ensure(const chorus_lf_set *set, const chorus_dataset *ds, bool dry,
                              int64_t *n_calls)
{
    int rc = CHORUS_OK;
    for (int32_t j = 0; j < set->n_lfs && !rc; j++) {
        lf_llm *llm = set->lfs[j].kind == LF_LLM ? set->lfs[j].u.llm.spec : NULL;
        /* Once per LF of the spec: its prompts are the LFs j, j + 1, ... sharing llm. */
        if (!llm || !llm->n_paraphrases || llm->paraphrases || set->lfs[j].u.llm.variant > 0)
            continue;
        /* A prompt naming a field the data lacks fails before anything is paid for. */
        int32_t *field = NULL;
        if ((rc = lf_llm_bind(&field, set, set->lfs[j].name, llm, ds))) break;
        free(field);
        if ((rc = generate(set, llm, dry, n_calls)) || !llm->paraphrases || dry) continue;
        rc = lf_llm_lock_write(set, llm->lock_path);
    }
    return rc;
}

bool lf_llm_plan_pending(chorus_llm_plan *plan, chorus_llm_plan_lf *show, const lf_def *lf,
                         int32_t j, int64_t n)
{
    const lf_llm *llm = lf->u.llm.spec;
    if (lf->u.llm.variant == 0 || !llm->n_paraphrases || llm->paraphrases) return false;
    show->lf = j;
    show->n_records = show->n_calls = n;
    show->paraphrase_pending = 1;
    plan->n_calls += n;
    return true;
}
