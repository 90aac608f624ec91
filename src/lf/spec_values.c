/* Reading values from the YAML document of a spec, each failure naming its line. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chorus/parse.h"
#include "core/hash.h"
#include "core/error_internal.h"
#include "lf/spec_internal.h"

int64_t spec_line(const yaml_node_t *node)
{
    return (int64_t)node->start_mark.line + 1;
}

int spec_error(const spec_ctx *ctx, int code, const yaml_node_t *node, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int64_t line = node ? spec_line(node) : 1;
    if (ctx->lf_name)
        return chorus_error_set(code, "%s:%" PRId64 ": labeling function '%s': %s", ctx->path, line,
                                ctx->lf_name, what);
    if (ctx->lf_number > 0)
        return chorus_error_set(code, "%s:%" PRId64 ": labeling function #%" PRId32 ": %s",
                                ctx->path, line, ctx->lf_number, what);
    return chorus_error_set(code, "%s:%" PRId64 ": %s", ctx->path, line, what);
}

void spec_warn(const spec_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int64_t line = node ? spec_line(node) : 1;
    if (ctx->lf_name)
        chorus_log(CHORUS_LOG_WARN, "%s:%" PRId64 ": labeling function '%s': %s", ctx->path, line,
                   ctx->lf_name, what);
    else
        chorus_log(CHORUS_LOG_WARN, "%s:%" PRId64 ": %s", ctx->path, line, what);
}

void spec_warn_control(const spec_ctx *ctx, const yaml_node_t *node, const char *what,
                       const char *text)
{
    static const struct {
        unsigned char c;
        const char *name, *escape;
    } named[] = {{0x07, "a bell character", "\\a"},
                 {0x08, "a backspace", "\\b"},
                 {0x0B, "a vertical tab", "\\v"},
                 {0x0C, "a form feed", "\\f"},
                 {0x0D, "a carriage return", "\\r"},
                 {0x1B, "an escape character", "\\e"},
                 {0x09, "a tab", "\\t"},
                 {0x0A, "a line feed", "\\n"}};
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 0x20 && *p != 0x7F) continue;
        /* A tab or a newline means the same to a regex whether written or escaped. */
        if (strcmp(what, "the pattern") == 0 && (*p == '\t' || *p == '\n')) continue;
        const char *name = "a control character", *escape = NULL;
        for (size_t i = 0; i < sizeof named / sizeof *named; i++)
            if (named[i].c == *p) {
                name = named[i].name;
                escape = named[i].escape;
            }
        char how[64] = "";
        if (escape)
            snprintf(how, sizeof how, ", which is what %s means inside double quotes", escape);
        spec_warn(ctx, node,
                  "%s contains %s (U+%04X)%s; write it in single quotes ('...'), where YAML "
                  "keeps a backslash as it is (e.g. pattern: '\\bwin\\b')",
                  what, name, *p, how);
        return;
    }
}

yaml_node_t *spec_node(const spec_ctx *ctx, int id)
{
    return yaml_document_get_node(ctx->doc, id);
}

const char *spec_shape_name(const yaml_node_t *node)
{
    return node->type == YAML_SEQUENCE_NODE  ? "a list"
           : node->type == YAML_MAPPING_NODE ? "a mapping"
                                             : "a single value";
}

int spec_charge(const spec_ctx *ctx, const yaml_node_t *node, size_t bytes)
{
    *ctx->n_expanded_bytes += (int64_t)bytes;
    if (*ctx->n_expanded_bytes <= SPEC_MAX_EXPANDED_BYTES) return CHORUS_OK;
    return spec_error(ctx, CHORUS_EFORMAT, node,
                      "the spec expands to more than %d MiB of values (YAML aliases repeat a "
                      "large list or mapping); expected a smaller spec (long lists belong in "
                      "lookup list files)",
                      (int)(SPEC_MAX_EXPANDED_BYTES >> 20));
}

/* What a stored key or value costs beyond its text: it keeps a small value from being free. */
#define SPEC_VALUE_OVERHEAD 16

static size_t name_slot(const spec_names *names, const char *text, size_t len)
{
    uint64_t h = chorus_fnv1a(text, len);
    size_t i = (size_t)(h ^ (h >> 29)) & names->mask;
    for (;; i = (i + 1) & names->mask) {
        const spec_name *e = &names->slots[i];
        if (!e->text || (e->len == len && memcmp(e->text, text, len) == 0)) return i;
    }
}

int spec_names_add(spec_names *names, const char *text, size_t len, int64_t id, int64_t *earlier)
{
    *earlier = -1;
    /* At most half full, so probes stay short. */
    if (!names->slots || names->n * 2 >= names->mask + 1) {
        size_t n_slots = names->slots ? (names->mask + 1) * 2 : 64;
        spec_name *slots = calloc(n_slots, sizeof *slots);
        if (!slots) return chorus_error_nomem();
        spec_names grown = {slots, n_slots - 1, names->n};
        for (size_t i = 0; names->slots && i <= names->mask; i++)
            if (names->slots[i].text)
                slots[name_slot(&grown, names->slots[i].text, names->slots[i].len)] =
                    names->slots[i];
        free(names->slots);
        *names = grown;
    }
    spec_name *e = &names->slots[name_slot(names, text, len)];
    if (e->text) {
        *earlier = e->id;
        return CHORUS_OK;
    }
    *e = (spec_name){text, len, id};
    names->n++;
    return CHORUS_OK;
}

void spec_names_free(spec_names *names)
{
    free(names->slots);
    memset(names, 0, sizeof *names);
}

int spec_check_mapping(const spec_ctx *ctx, const yaml_node_t *node, const char *what)
{
    if (node->type != YAML_MAPPING_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is %s; expected a mapping (key: value)",
                          what, spec_shape_name(node));
    const yaml_node_pair_t *begin = node->data.mapping.pairs.start;
    const yaml_node_pair_t *end = node->data.mapping.pairs.top;
    int rc = spec_charge(ctx, node, (size_t)(end - begin) * SPEC_VALUE_OVERHEAD);
    spec_names keys = {0};
    for (const yaml_node_pair_t *p = begin; p < end && !rc; p++) {
        const yaml_node_t *key = spec_node(ctx, p->key);
        if (key->type != YAML_SCALAR_NODE) {
            rc = spec_error(ctx, CHORUS_EFORMAT, key, "a key of %s is %s; expected a name", what,
                            spec_shape_name(key));
            break;
        }
        /* libyaml keeps repeated keys; silently taking one of them would hide a mistake. */
        int64_t earlier;
        rc = spec_names_add(&keys, (const char *)key->data.scalar.value, key->data.scalar.length,
                            p - begin, &earlier);
        if (!rc && earlier >= 0)
            rc = spec_error(ctx, CHORUS_EFORMAT, key,
                            "key '%s' appears twice (lines %" PRId64 " and %" PRId64
                            "); expected each key once",
                            (const char *)key->data.scalar.value,
                            spec_line(spec_node(ctx, begin[earlier].key)), spec_line(key));
    }
    spec_names_free(&keys);
    return rc;
}

yaml_node_t *spec_get(const spec_ctx *ctx, const yaml_node_t *map, const char *key,
                      yaml_node_t **key_node)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = spec_node(ctx, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0) {
            if (key_node) *key_node = k;
            return spec_node(ctx, p->value);
        }
    }
    return NULL;
}

/* Spellings from other tools that edit distance alone would not map well. */
static const char *const known_aliases[][2] = {
    {"gte", "ge"},        {"lte", "le"},       {"neq", "ne"},
    {"equals", "eq"},     {"type", "kind"},    {"label", "vote"},
    {"regex", "pattern"}, {"keywords", "any"}, {"path", "list"},
};

int spec_unknown_key(const spec_ctx *ctx, const yaml_node_t *key, const char *noun,
                     const char *what, const char *const *allowed)
{
    const char *name = (const char *)key->data.scalar.value;
    char list[512] = "";
    char hint[96] = "";
    size_t used = 0;
    int aliased = 0;
    for (size_t a = 0; a < sizeof known_aliases / sizeof *known_aliases; a++)
        for (int i = 0; allowed[i] && strcmp(name, known_aliases[a][0]) == 0; i++)
            if (strcmp(allowed[i], known_aliases[a][1]) == 0) {
                snprintf(hint, sizeof hint, " (did you mean '%s'?)", allowed[i]);
                aliased = 1;
            }
    for (int i = 0; allowed[i]; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
        if (n > 0 && (size_t)n < sizeof list - used) used += (size_t)n;
    }
    const char *closest = aliased ? NULL : chorus_closest_name(name, allowed, 2);
    if (closest) snprintf(hint, sizeof hint, " (did you mean '%s'?)", closest);
    return spec_error(ctx, CHORUS_EFORMAT, key, "unknown %s '%s'%s in %s; expected one of %s", noun,
                      name, hint, what, list);
}

int spec_string(const spec_ctx *ctx, const yaml_node_t *node, const char *key, char **out)
{
    *out = NULL;
    if (node->type != YAML_SCALAR_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is %s; expected a single value", key,
                          spec_shape_name(node));
    const char *s = (const char *)node->data.scalar.value;
    size_t len = node->data.scalar.length;
    if (len == 0)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is empty; expected a value", key);
    if (strlen(s) != len)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s contains a NUL character; expected text",
                          key);
    int rc = spec_charge(ctx, node, len + SPEC_VALUE_OVERHEAD);
    if (rc) return rc;
    *out = strdup(s);
    return *out ? CHORUS_OK : chorus_error_nomem();
}

int spec_bool(const spec_ctx *ctx, const yaml_node_t *node, const char *key, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    if (node->type == YAML_SCALAR_NODE) {
        const char *s = (const char *)node->data.scalar.value;
        for (int i = 0; i < 3; i++) {
            if (strcasecmp(s, yes[i]) == 0) {
                *out = true;
                return CHORUS_OK;
            }
            if (strcasecmp(s, no[i]) == 0) {
                *out = false;
                return CHORUS_OK;
            }
        }
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is '%.40s'; expected true or false", key,
                          s);
    }
    return spec_error(ctx, CHORUS_EFORMAT, node, "%s is %s; expected true or false", key,
                      spec_shape_name(node));
}

int spec_class(const spec_ctx *ctx, const yaml_node_t *node, const char *key, int32_t *out)
{
    char classes[256];
    lf_set_format_classes(ctx->set, classes, sizeof classes);
    if (node->type != YAML_SCALAR_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s is %s; expected a class: one of %s", key,
                          spec_shape_name(node), classes);
    *out = lf_set_class_index_n(ctx->set, (const char *)node->data.scalar.value,
                                node->data.scalar.length);
    if (*out < 0)
        return spec_error(
            ctx, CHORUS_EFORMAT, node,
            "%s: '%.60s' is not a class; expected one of %s (or an index 0..%" PRId32 ")", key,
            (const char *)node->data.scalar.value, classes, ctx->set->n_classes - 1);
    return CHORUS_OK;
}

int spec_file(const spec_ctx *ctx, const yaml_node_t *node, const char *key, char **out)
{
    char *name = NULL;
    int rc = spec_string(ctx, node, key, &name);
    if (rc) return rc;
    if (name[0] == '/') {
        *out = name;
        return CHORUS_OK;
    }
    size_t n = strlen(ctx->set->dir) + strlen(name) + 2;
    *out = malloc(n);
    if (*out) snprintf(*out, n, "%s/%s", ctx->set->dir, name);
    free(name);
    return *out ? CHORUS_OK : chorus_error_nomem();
}

int spec_check_keys(const spec_ctx *ctx, const yaml_node_t *map, const char *what,
                    const char *const *allowed)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *key = spec_node(ctx, p->key);
        int i = 0;
        while (allowed[i] && strcmp(allowed[i], (const char *)key->data.scalar.value) != 0)
            i++;
        if (!allowed[i]) return spec_unknown_key(ctx, key, "key", what, allowed);
    }
    return CHORUS_OK;
}
