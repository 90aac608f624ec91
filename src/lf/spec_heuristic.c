/*
 * The condition trees of heuristic labeling functions: leaves {field: X, <operator>: value}
 * combined with {all: [...]}, {any: [...]} and {not: {...}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/spec_internal.h"

typedef enum arg_type {
    ARG_VALUE,  /* text, compared as a number when both sides are numbers */
    ARG_NUMBER, /* a number */
    ARG_LIST,   /* a list of texts */
    ARG_TEXT,   /* a non-empty text */
    ARG_BOOL
} arg_type;

static const struct {
    const char *name;
    heuristic_op op;
    arg_type arg;
} operators[] = {
    {"eq", H_EQ, ARG_VALUE},
    {"ne", H_NE, ARG_VALUE},
    {"lt", H_LT, ARG_NUMBER},
    {"le", H_LE, ARG_NUMBER},
    {"gt", H_GT, ARG_NUMBER},
    {"ge", H_GE, ARG_NUMBER},
    {"length_lt", H_LEN_LT, ARG_NUMBER},
    {"length_le", H_LEN_LE, ARG_NUMBER},
    {"length_gt", H_LEN_GT, ARG_NUMBER},
    {"length_ge", H_LEN_GE, ARG_NUMBER},
    {"length_eq", H_LEN_EQ, ARG_NUMBER},
    {"in", H_IN, ARG_LIST},
    {"not_in", H_NOT_IN, ARG_LIST},
    {"contains", H_CONTAINS, ARG_TEXT},
    {"empty", H_EMPTY, ARG_BOOL},
    {"missing", H_MISSING, ARG_BOOL},
};
#define N_OPERATORS ((int)(sizeof operators / sizeof *operators))

#define OPERATOR_LIST                                                                              \
    "eq, ne, lt, le, gt, ge, length_lt, length_le, length_gt, length_ge, length_eq, in, not_in, "  \
    "contains, empty, missing"

static const char *const condition_keys[] = {
    "field",     "all", "any",    "not",       "eq",        "ne",        "lt",
    "le",        "gt",  "ge",     "length_lt", "length_le", "length_gt", "length_ge",
    "length_eq", "in",  "not_in", "contains",  "empty",     "missing",   NULL};

/* A text that may be empty ("eq: ''" tests for an empty field). */
static int scalar_text(const spec_ctx *ctx, const yaml_node_t *node, const char *key, char **out)
{
    if (node->type != YAML_SCALAR_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s takes a single value, not %s", key,
                          node->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping");
    const char *s = (const char *)node->data.scalar.value;
    if (strlen(s) != node->data.scalar.length)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%s contains a NUL character; expected text",
                          key);
    int rc = spec_charge(ctx, node, node->data.scalar.length + 16);
    if (rc) return rc;
    *out = strdup(s);
    return *out ? CHORUS_OK : chorus_error_nomem();
}

static int parse_argument(spec_ctx *ctx, heuristic_node *h, arg_type arg, const char *op,
                          const yaml_node_t *value)
{
    int rc = CHORUS_OK;
    switch (arg) {
    case ARG_VALUE:
        if ((rc = scalar_text(ctx, value, op, &h->text))) return rc;
        h->text_is_number = heuristic_parse_number(h->text, strlen(h->text), &h->number);
        return CHORUS_OK;
    case ARG_NUMBER:
        if (value->type != YAML_SCALAR_NODE ||
            !heuristic_parse_number((const char *)value->data.scalar.value,
                                    value->data.scalar.length, &h->number))
            return spec_error(ctx, CHORUS_EFORMAT, value,
                              "%s needs a number, got '%.40s'; expected e.g. %s: 20", op,
                              value->type == YAML_SCALAR_NODE
                                  ? (const char *)value->data.scalar.value
                                  : (value->type == YAML_SEQUENCE_NODE ? "[...]" : "{...}"),
                              op);
        return CHORUS_OK;
    case ARG_LIST: {
        if (value->type != YAML_SEQUENCE_NODE)
            return spec_error(ctx, CHORUS_EFORMAT, value,
                              "%s takes a list; expected e.g. %s: [web, app]", op, op);
        int64_t n = value->data.sequence.items.top - value->data.sequence.items.start;
        if (n == 0)
            return spec_error(ctx, CHORUS_EFORMAT, value,
                              "%s is an empty list; expected 1 or more values", op);
        h->values = calloc((size_t)n, sizeof *h->values);
        if (!h->values) return chorus_error_nomem();
        for (int32_t i = 0; i < (int32_t)n && !rc; i++) {
            rc = scalar_text(ctx, spec_node(ctx, value->data.sequence.items.start[i]), op,
                             &h->values[i]);
            h->n_values = i + 1;
        }
        return rc;
    }
    case ARG_TEXT:
        return spec_string(ctx, value, op, &h->text);
    case ARG_BOOL:
        return spec_bool(ctx, value, op, &h->flag);
    }
    return CHORUS_OK;
}

static int parse_node(heuristic_node **out, spec_ctx *ctx, const yaml_node_t *node, int depth);

static int parse_combinator(spec_ctx *ctx, heuristic_node *h, const char *name,
                            const yaml_node_t *value, int depth)
{
    if (strcmp(name, "not") == 0) {
        h->op = H_NOT;
        if (value->type == YAML_SEQUENCE_NODE)
            return spec_error(ctx, CHORUS_EFORMAT, value,
                              "not takes one condition, not a list; expected not: {condition} "
                              "(to negate several, not: {any: [...]})");
        h->children = calloc(1, sizeof *h->children);
        if (!h->children) return chorus_error_nomem();
        h->n_children = 1;
        return parse_node(&h->children[0], ctx, value, depth + 1);
    }
    h->op = strcmp(name, "all") == 0 ? H_ALL : H_ANY;
    if (value->type != YAML_SEQUENCE_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, value,
                          "%s takes a list of conditions; expected %s: [{...}, {...}]", name, name);
    int64_t n = value->data.sequence.items.top - value->data.sequence.items.start;
    /* An empty list would make the LF always (all) or never (any) fire: surely a mistake. */
    if (n == 0)
        return spec_error(ctx, CHORUS_EFORMAT, value,
                          "%s is an empty list; expected 1 or more conditions", name);
    h->children = calloc((size_t)n, sizeof *h->children);
    if (!h->children) return chorus_error_nomem();
    int rc = CHORUS_OK;
    for (int32_t i = 0; i < (int32_t)n && !rc; i++) {
        rc = parse_node(&h->children[i], ctx, spec_node(ctx, value->data.sequence.items.start[i]),
                        depth + 1);
        h->n_children = i + 1;
    }
    return rc;
}

static int parse_leaf(spec_ctx *ctx, heuristic_node *h, const yaml_node_t *node,
                      const yaml_node_t *field, const yaml_node_t *op_key, int op)
{
    if (!field && !op_key)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "an empty condition; expected {field: <name>, <operator>: <value>}, "
                          "{all: [...]}, {any: [...]} or {not: {...}}");
    if (!field)
        return spec_error(ctx, CHORUS_EFORMAT, op_key,
                          "operator '%s' has no field; expected {field: <name>, %s: <value>}",
                          operators[op].name, operators[op].name);
    int rc = spec_string(ctx, field, "field", &h->field);
    if (rc) return rc;
    if (!op_key)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "no operator for field '%.60s'; expected one of " OPERATOR_LIST,
                          h->field);
    h->op = operators[op].op;
    const yaml_node_t *value = spec_get(ctx, node, operators[op].name, NULL);
    return parse_argument(ctx, h, operators[op].arg, operators[op].name, value);
}

static int parse_node(heuristic_node **out, spec_ctx *ctx, const yaml_node_t *node, int depth)
{
    *out = NULL;
    if (depth > SPEC_MAX_CONDITION_DEPTH)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "conditions nested more than %d deep; expected a shallower tree",
                          SPEC_MAX_CONDITION_DEPTH);
    if (++ctx->n_condition_nodes > SPEC_MAX_CONDITION_NODES)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "more than %d conditions in the spec; expected fewer (do YAML aliases "
                          "repeat a large tree?)",
                          SPEC_MAX_CONDITION_NODES);
    if (node->type != YAML_MAPPING_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "a condition is %s; expected {field: <name>, <operator>: <value>}, "
                          "{all: [...]}, {any: [...]} or {not: {...}}",
                          node->type == YAML_SEQUENCE_NODE ? "a list" : "a single value");
    int rc = spec_check_mapping(ctx, node, "a condition");
    if (rc) return rc;
    heuristic_node *h = calloc(1, sizeof *h);
    if (!h) return chorus_error_nomem();
    *out = h;
    h->line = spec_line(node);
    h->field_index = -1;
    const yaml_node_t *field = NULL, *combinator = NULL, *op_key = NULL;
    int op = -1;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *key = spec_node(ctx, p->key);
        const char *name = (const char *)key->data.scalar.value;
        int k = 0;
        while (k < N_OPERATORS && strcmp(operators[k].name, name) != 0)
            k++;
        if (strcmp(name, "field") == 0) {
            field = key;
        } else if (strcmp(name, "all") == 0 || strcmp(name, "any") == 0 ||
                   strcmp(name, "not") == 0) {
            if (combinator)
                return spec_error(ctx, CHORUS_EFORMAT, key,
                                  "'%s' and '%s' in one condition; expected one of all, any, "
                                  "not per condition (nest them instead)",
                                  (const char *)combinator->data.scalar.value, name);
            combinator = key;
        } else if (k < N_OPERATORS) {
            if (op_key)
                return spec_error(ctx, CHORUS_EFORMAT, key,
                                  "two operators (%s and %s) in one condition; expected one "
                                  "(put each in its own condition under all:)",
                                  operators[op].name, name);
            op_key = key;
            op = k;
        } else {
            return spec_unknown_key(ctx, key, "operator", "a condition", condition_keys);
        }
    }
    if (combinator) {
        const char *name = (const char *)combinator->data.scalar.value;
        if (field || op_key)
            return spec_error(ctx, CHORUS_EFORMAT, combinator,
                              "'%s' must be alone in its condition, but '%s' is beside it; "
                              "expected {%s: ...} with the fields inside its conditions",
                              name, field ? "field" : (const char *)op_key->data.scalar.value,
                              name);
        return parse_combinator(ctx, h, name, spec_get(ctx, node, name, NULL), depth);
    }
    return parse_leaf(ctx, h, node, field ? spec_get(ctx, node, "field", NULL) : NULL, op_key, op);
}

int spec_parse_condition(heuristic_node **out, spec_ctx *ctx, const yaml_node_t *node)
{
    return parse_node(out, ctx, node, 0);
}
