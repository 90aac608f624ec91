/* Heuristic labeling functions: evaluating a condition tree on one record. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/parse.h"
#include "core/error_internal.h"
#include "io/text_reader.h"
#include "lf/spec_internal.h"

void heuristic_node_free(heuristic_node *node)
{
    if (!node) return;
    for (int32_t i = 0; node->children && i < node->n_children; i++)
        heuristic_node_free(node->children[i]);
    for (int32_t i = 0; node->values && i < node->n_values; i++)
        free(node->values[i]);
    free(node->children);
    free(node->values);
    free(node->field);
    free(node->text);
    free(node);
}

bool heuristic_parse_number(const char *s, size_t len, double *out)
{
    /* strtod also reads hex, "inf" and "nan"; a field holding "0x1f" or "nan" is text. */
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE \t", s[i]) || s[i] == '\0') return false;
    return chorus_parse_double(s, len, out) == 0;
}

int heuristic_bind(heuristic_node *node, const chorus_dataset *ds, const char *spec_path,
                   const char *lf_name)
{
    for (int32_t i = 0; i < node->n_children; i++) {
        int rc = heuristic_bind(node->children[i], ds, spec_path, lf_name);
        if (rc) return rc;
    }
    if (!node->field) return CHORUS_OK;
    node->field_index = chorus_dataset_find_field(ds, node->field);
    if (node->field_index >= 0) return CHORUS_OK;
    char fields[512] = "";
    size_t used = 0;
    for (int32_t f = 0; f < chorus_dataset_n_fields(ds); f++) {
        int n = snprintf(fields + used, sizeof fields - used, "%s%s", f ? ", " : "",
                         chorus_dataset_field_name(ds, f));
        if (n < 0 || (size_t)n >= sizeof fields - used) {
            snprintf(fields + sizeof fields - 5, 5, "...");
            break;
        }
        used += (size_t)n;
    }
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s:%" PRId64 ": labeling function '%s': the data has no field '%s' "
                            "(fields: %s)",
                            spec_path, node->line, lf_name, node->field, fields);
}

/* Characters, not bytes: every byte that does not continue a UTF-8 sequence starts one. */
static size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static bool contains(const char *s, size_t len, const char *needle)
{
    size_t m = strlen(needle);
    if (m > len) return false;
    for (size_t i = 0; i + m <= len; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, m) == 0) return true;
    return false;
}

static bool text_equal(const char *s, size_t len, const char *t)
{
    return strlen(t) == len && memcmp(s, t, len) == 0;
}

/* eq / ne: missing fields equal nothing; numbers compare by value ("4" eq "4.0"). */
static bool equal(const heuristic_node *node, const char *value, size_t len)
{
    double x;
    if (node->text_is_number && heuristic_parse_number(value, len, &x)) return x == node->number;
    return text_equal(value, len, node->text);
}

bool heuristic_eval(const heuristic_node *node, const chorus_dataset *ds, int64_t record)
{
    switch (node->op) {
    case H_ALL:
        for (int32_t i = 0; i < node->n_children; i++)
            if (!heuristic_eval(node->children[i], ds, record)) return false;
        return true;
    case H_ANY:
        for (int32_t i = 0; i < node->n_children; i++)
            if (heuristic_eval(node->children[i], ds, record)) return true;
        return false;
    case H_NOT:
        return !heuristic_eval(node->children[0], ds, record);
    default:
        break;
    }
    size_t len = 0;
    const char *value =
        node->field_index >= 0 ? chorus_dataset_value(ds, record, node->field_index, &len) : NULL;
    double x;
    switch (node->op) {
    case H_EQ:
        return value && equal(node, value, len);
    case H_NE:
        return !value || !equal(node, value, len);
    case H_LT:
        return value && heuristic_parse_number(value, len, &x) && x < node->number;
    case H_LE:
        return value && heuristic_parse_number(value, len, &x) && x <= node->number;
    case H_GT:
        return value && heuristic_parse_number(value, len, &x) && x > node->number;
    case H_GE:
        return value && heuristic_parse_number(value, len, &x) && x >= node->number;
    case H_LEN_LT:
        return (double)(value ? utf8_length(value, len) : 0) < node->number;
    case H_LEN_LE:
        return (double)(value ? utf8_length(value, len) : 0) <= node->number;
    case H_LEN_GT:
        return (double)(value ? utf8_length(value, len) : 0) > node->number;
    case H_LEN_GE:
        return (double)(value ? utf8_length(value, len) : 0) >= node->number;
    case H_LEN_EQ:
        return (double)(value ? utf8_length(value, len) : 0) == node->number;
    case H_IN:
    case H_NOT_IN: {
        bool found = false;
        for (int32_t i = 0; value && i < node->n_values && !found; i++)
            found = text_equal(value, len, node->values[i]);
        return node->op == H_IN ? found : !found;
    }
    case H_CONTAINS:
        return value && contains(value, len, node->text);
    case H_EMPTY:
        return (!value || len == 0) == node->flag;
    case H_MISSING:
        return !value == node->flag;
    default:
        return false;
    }
}
