/* The keys of each kind of labeling function in a spec, checked and turned into matchers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "core/error_internal.h"
#include "lf/spec_internal.h"

static const char *const keyword_keys[] = {"vote",           "any",        "all", "field",
                                           "case_sensitive", "whole_word", NULL};
static const char *const regex_keys[] = {"vote", "pattern", "flags", "field", NULL};
static const char *const heuristic_keys[] = {"vote", "when", NULL};
static const char *const lookup_keys[] = {"vote", "field", "list", "normalize", NULL};
static const char *const column_keys[] = {"field", "map", NULL};
static const char *const plugin_keys[] = {"library", "symbol", NULL};
static const char *const llm_keys[] = {"endpoint",
                                       "model",
                                       "api_key_env",
                                       "system",
                                       "prompt",
                                       "variants",
                                       "paraphrases",
                                       "examples",
                                       "examples_file",
                                       "temperature",
                                       "max_tokens",
                                       "verbalizer",
                                       "max_concurrency",
                                       "timeout",
                                       "retries",
                                       "requests_per_minute",
                                       "max_connection_failures",
                                       "cache",
                                       "constrain",
                                       "label_key",
                                       "logprobs",
                                       "min_confidence",
                                       "samples",
                                       NULL};

const char *const *const spec_kind_keys[] = {keyword_keys, regex_keys,  heuristic_keys, lookup_keys,
                                             column_keys,  plugin_keys, llm_keys};

static int optional_field(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    const yaml_node_t *value = spec_get(ctx, map, "field", NULL);
    return value ? spec_string(ctx, value, "field", &lf->field) : CHORUS_OK;
}

/* A list of non-empty texts; a single value is a list of one. */
static int string_list(spec_ctx *ctx, const yaml_node_t *node, const char *key, char ***out,
                       int32_t *n_out)
{
    if (node->type == YAML_MAPPING_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is a mapping; expected a list of texts",
                          key);
    yaml_node_item_t single = 0;
    const yaml_node_item_t *items = &single, *end = &single + 1;
    if (node->type == YAML_SEQUENCE_NODE) {
        items = node->data.sequence.items.start;
        end = node->data.sequence.items.top;
    }
    int64_t n = end - items;
    if (n == 0)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is an empty list; expected 1 or more",
                          key);
    if (n > INT32_MAX / 2) return spec_error(ctx, CHORUS_EFORMAT, node, "%s is too long", key);
    /* The whole list is counted against the spec's size limit before any of it is copied,
     * so a list aliased many times fails at once rather than after gigabytes of copies. */
    size_t bytes = 0;
    for (int64_t i = 0; i < n; i++) {
        const yaml_node_t *item = items == &single ? node : spec_node(ctx, items[i]);
        bytes += (item->type == YAML_SCALAR_NODE ? item->data.scalar.length : 0) + 16;
    }
    int rc = spec_charge(ctx, node, bytes);
    if (rc) return rc;
    *out = calloc((size_t)n, sizeof **out);
    if (!*out) return chorus_error_nomem();
    for (int32_t i = 0; i < (int32_t)n; i++) {
        const yaml_node_t *item = items == &single ? node : spec_node(ctx, items[i]);
        const char *text = (const char *)item->data.scalar.value;
        size_t len = item->data.scalar.length;
        *n_out = i + 1;
        if (item->type == YAML_SCALAR_NODE && len > 0 && strlen(text) == len) {
            if (!((*out)[i] = strdup(text))) return chorus_error_nomem();
            continue;
        }
        char what[64]; /* only a bad item needs its message */
        snprintf(what, sizeof what, "item %" PRId32 " of %s", i + 1, key);
        if ((rc = spec_string(ctx, item, what, &(*out)[i]))) return rc;
    }
    return CHORUS_OK;
}

static int parse_keyword(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    lf_keyword *kw = &lf->u.keyword;
    kw->whole_word = true;
    const yaml_node_t *any = spec_get(ctx, map, "any", NULL);
    const yaml_node_t *all = spec_get(ctx, map, "all", NULL);
    if (any && all)
        return spec_error(ctx, CHORUS_EFORMAT, all,
                          "both any and all; expected one of them (any: fires on one of the "
                          "terms, all: needs every term)");
    if (!any && !all)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no terms; expected any: [terms] or all: [terms]");
    kw->match_all = all != NULL;
    int rc = string_list(ctx, all ? all : any, all ? "all" : "any", &kw->terms, &kw->n_terms);
    for (int32_t i = 0; !rc && i < kw->n_terms; i++) {
        const yaml_node_t *list = all ? all : any;
        const yaml_node_t *item = list->type == YAML_SEQUENCE_NODE
                                      ? spec_node(ctx, list->data.sequence.items.start[i])
                                      : list;
        spec_warn_control(ctx, item, "a keyword", kw->terms[i]);
    }
    const yaml_node_t *value;
    if (!rc && (value = spec_get(ctx, map, "case_sensitive", NULL)))
        rc = spec_bool(ctx, value, "case_sensitive", &kw->case_sensitive);
    if (!rc && (value = spec_get(ctx, map, "whole_word", NULL)))
        rc = spec_bool(ctx, value, "whole_word", &kw->whole_word);
    return rc ? rc : optional_field(ctx, lf, map);
}

static int parse_regex(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    const yaml_node_t *pattern = spec_get(ctx, map, "pattern", NULL);
    if (!pattern)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no pattern; expected pattern: '<a PCRE2 regular expression>'");
    int rc = spec_string(ctx, pattern, "pattern", &lf->u.regex.pattern);
    if (rc) return rc;
    spec_warn_control(ctx, pattern, "the pattern", lf->u.regex.pattern);
    const yaml_node_t *flags = spec_get(ctx, map, "flags", NULL);
    if (flags && flags->type == YAML_SCALAR_NODE && flags->data.scalar.length == 0) {
        flags = NULL; /* "flags:" with nothing after it means no flags */
    }
    if (flags) {
        if ((rc = spec_string(ctx, flags, "flags", &lf->u.regex.flags))) return rc;
        const char *f = lf->u.regex.flags;
        for (size_t i = 0; f[i]; i++)
            if (!strchr("imsxu", f[i]) || strchr(f + i + 1, f[i]))
                return spec_error(ctx, CHORUS_EFORMAT, flags,
                                  "flags '%.20s': '%c' is %s; expected letters from imsxu (i "
                                  "caseless, m multiline, s dot matches newline, x extended, "
                                  "u Unicode classes)",
                                  f, f[i], strchr("imsxu", f[i]) ? "repeated" : "not a flag");
    }
    size_t offset = 0;
    rc = chorus_regex_compile(&lf->u.regex.re, lf->u.regex.pattern,
                              lf->u.regex.flags ? lf->u.regex.flags : "", &offset);
    if (rc == CHORUS_ENOMEM) return rc;
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        /* The compiler's message may already say where; say it once. */
        char where[48] = "";
        if (!strstr(why, "offset")) snprintf(where, sizeof where, " (at offset %zu)", offset);
        return spec_error(ctx, CHORUS_EFORMAT, pattern,
                          "the pattern '%.80s' does not compile: %s%s; expected a PCRE2 "
                          "regular expression",
                          lf->u.regex.pattern, why, where);
    }
    return optional_field(ctx, lf, map);
}

static int parse_heuristic(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    const yaml_node_t *when = spec_get(ctx, map, "when", NULL);
    if (!when)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no condition; expected when: {field: <name>, <operator>: <value>} "
                          "or when: {all: [conditions]}");
    return spec_parse_condition(&lf->u.heuristic, ctx, when);
}

static int parse_normalize(spec_ctx *ctx, const yaml_node_t *node, unsigned *out)
{
    static const char *const names[] = {"lower", "strip", "collapse_space"};
    static const unsigned bits[] = {NORMALIZE_LOWER, NORMALIZE_STRIP, NORMALIZE_COLLAPSE_SPACE};
    *out = 0;
    /* "normalize: []" asks for exact comparison. */
    if (node->type == YAML_SEQUENCE_NODE &&
        node->data.sequence.items.top == node->data.sequence.items.start)
        return CHORUS_OK;
    char **steps = NULL;
    int32_t n = 0;
    int rc = string_list(ctx, node, "normalize", &steps, &n);
    for (int32_t i = 0; i < n && !rc; i++) {
        int k = 0;
        while (k < 3 && strcmp(steps[i], names[k]) != 0)
            k++;
        if (k == 3)
            rc = spec_error(ctx, CHORUS_EFORMAT, node,
                            "normalize step '%.40s' is unknown; expected any of lower, strip, "
                            "collapse_space",
                            steps[i]);
        else
            *out |= bits[k];
    }
    for (int32_t i = 0; i < n; i++)
        free(steps[i]);
    free(steps);
    return rc;
}

static int parse_lookup(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    lf_lookup *lookup = &lf->u.lookup;
    const yaml_node_t *list = spec_get(ctx, map, "list", NULL);
    if (!list)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no list; expected list: <file with one entry per line>");
    int rc = spec_file(ctx, list, "list", &lookup->list_path);
    if (rc) return rc;
    lookup->normalize = NORMALIZE_LOWER | NORMALIZE_STRIP;
    const yaml_node_t *normalize = spec_get(ctx, map, "normalize", NULL);
    if (normalize && (rc = parse_normalize(ctx, normalize, &lookup->normalize))) return rc;
    if ((rc = optional_field(ctx, lf, map))) return rc;
    rc = chorus_string_set_load(&lookup->set, lookup->list_path, lookup->normalize);
    if (rc == CHORUS_ENOMEM) return rc;
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        if (rc == CHORUS_EIO)
            return spec_error(ctx, rc, list,
                              "cannot read the list: %s; expected a text file with one entry "
                              "per line (a relative path starts at the spec's folder)",
                              why);
        return spec_error(ctx, rc, list, "in the list: %s", why);
    }
    return CHORUS_OK;
}

static int parse_column(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    lf_column *column = &lf->u.column;
    const yaml_node_t *field = spec_get(ctx, map, "field", NULL);
    if (!field)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no field; expected field: <the field that holds the votes>");
    int rc = spec_string(ctx, field, "field", &lf->field);
    if (rc) return rc;
    const yaml_node_t *m = spec_get(ctx, map, "map", NULL);
    if (!m) {
        column->by_class_name = true;
        return CHORUS_OK;
    }
    if ((rc = spec_check_mapping(ctx, m, "map"))) return rc;
    int64_t n = m->data.mapping.pairs.top - m->data.mapping.pairs.start;
    if (n == 0)
        return spec_error(ctx, CHORUS_EFORMAT, m,
                          "map is empty; expected {value: class, ...}, or no map to read class "
                          "names from the data");
    if (n > INT32_MAX / 2) return spec_error(ctx, CHORUS_EFORMAT, m, "map is too long");
    column->values = calloc((size_t)n, sizeof *column->values);
    column->classes = calloc((size_t)n, sizeof *column->classes);
    if (!column->values || !column->classes) return chorus_error_nomem();
    for (int32_t i = 0; i < (int32_t)n; i++) {
        const yaml_node_pair_t *pair = &m->data.mapping.pairs.start[i];
        const yaml_node_t *key = spec_node(ctx, pair->key);
        /* A key may be "" (an empty cell meaning something); it cannot hold a NUL. */
        if (strlen((const char *)key->data.scalar.value) != key->data.scalar.length)
            return spec_error(ctx, CHORUS_EFORMAT, key,
                              "a map key contains a NUL character; expected text");
        if ((rc = spec_charge(ctx, key, key->data.scalar.length + 16))) return rc;
        column->values[i] = strdup((const char *)key->data.scalar.value);
        column->n = i + 1;
        if (!column->values[i]) return chorus_error_nomem();
        char what[128];
        snprintf(what, sizeof what, "map '%.60s'", column->values[i]);
        if ((rc = spec_class(ctx, spec_node(ctx, pair->value), what, &column->classes[i])))
            return rc;
    }
    return CHORUS_OK;
}

static int parse_plugin(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    lf_plugin *plugin = &lf->u.plugin;
    const yaml_node_t *library = spec_get(ctx, map, "library", NULL);
    const yaml_node_t *symbol = spec_get(ctx, map, "symbol", NULL);
    if (!library)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no library; expected library: <path of the shared library>");
    if (!symbol)
        return spec_error(ctx, CHORUS_EFORMAT, map,
                          "no symbol; expected symbol: <name of the C function>");
    int rc = spec_file(ctx, library, "library", &plugin->library);
    if (!rc) rc = spec_string(ctx, symbol, "symbol", &plugin->symbol);
    if (rc) return rc;
    const char *s = plugin->symbol;
    if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789") != strlen(s) ||
        (s[0] >= '0' && s[0] <= '9') || strlen(s) > 200)
        return spec_error(ctx, CHORUS_EFORMAT, symbol,
                          "symbol '%.60s' is not a C function name; expected letters, digits "
                          "and _",
                          s);
    rc = lf_plugin_load(plugin);
    if (rc == CHORUS_ENOMEM) return rc;
    if (rc) {
        char why[768];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        return spec_error(ctx, rc, rc == CHORUS_EIO ? library : symbol, "%s", why);
    }
    return CHORUS_OK;
}

int spec_parse_kind(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map)
{
    switch (lf->kind) {
    case LF_KEYWORD:
        return parse_keyword(ctx, lf, map);
    case LF_REGEX:
        return parse_regex(ctx, lf, map);
    case LF_HEURISTIC:
        return parse_heuristic(ctx, lf, map);
    case LF_LOOKUP:
        return parse_lookup(ctx, lf, map);
    case LF_COLUMN:
        return parse_column(ctx, lf, map);
    case LF_PLUGIN:
        return parse_plugin(ctx, lf, map);
    case LF_LLM:
        return spec_parse_llm(ctx, lf, map);
    }
    return chorus_error_set(CHORUS_EINTERNAL, "unknown labeling-function kind %d", (int)lf->kind);
}
