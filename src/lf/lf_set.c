/* A loaded labeling-function set: accessors, freeing, class names and gold labels. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "lf/spec_internal.h"

static const char *const kind_names[] = {"keyword", "regex",  "heuristic", "lookup",
                                         "column",  "plugin", "llm"};

const char *chorus_lf_set_task(const chorus_lf_set *set)
{
    return set->task;
}

int32_t chorus_lf_set_n_lfs(const chorus_lf_set *set)
{
    return set->n_lfs;
}

const char *chorus_lf_set_lf_name(const chorus_lf_set *set, int32_t lf)
{
    return lf >= 0 && lf < set->n_lfs ? set->lfs[lf].name : NULL;
}

const char *chorus_lf_set_lf_kind(const chorus_lf_set *set, int32_t lf)
{
    return lf >= 0 && lf < set->n_lfs ? kind_names[set->lfs[lf].kind] : NULL;
}

int32_t chorus_lf_set_n_classes(const chorus_lf_set *set)
{
    return set->n_classes;
}

const char *chorus_lf_set_class_name(const chorus_lf_set *set, int32_t class_index)
{
    return class_index >= 0 && class_index < set->n_classes ? set->classes[class_index] : NULL;
}

const char *chorus_lf_set_id_field(const chorus_lf_set *set)
{
    return set->id_field;
}

const char *chorus_lf_set_gold_field(const chorus_lf_set *set)
{
    return set->gold_field;
}

const char *chorus_lf_set_text_field(const chorus_lf_set *set)
{
    return set->text_field;
}

const char *chorus_lf_set_lf_field(const chorus_lf_set *set, int32_t lf)
{
    return lf >= 0 && lf < set->n_lfs ? lf_def_field(set, &set->lfs[lf]) : NULL;
}

int32_t lf_set_class_index_n(const chorus_lf_set *set, const char *name, size_t len)
{
    for (int32_t k = 0; k < set->n_classes; k++)
        if (strlen(set->classes[k]) == len && memcmp(set->classes[k], name, len) == 0) return k;
    /* Ten digits would already overflow any class count; refusing early keeps it simple. */
    if (len == 0 || len > 9) return -1;
    int32_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') return -1;
        k = k * 10 + (name[i] - '0');
    }
    return k < set->n_classes ? k : -1;
}

int32_t lf_set_class_index(const chorus_lf_set *set, const char *name)
{
    return lf_set_class_index_n(set, name, strlen(name));
}

const char *lf_def_field(const chorus_lf_set *set, const lf_def *lf)
{
    return lf->field ? lf->field : set->text_field;
}

static void free_strings(char **strings, int32_t n)
{
    for (int32_t i = 0; strings && i < n; i++)
        free(strings[i]);
    free(strings);
}

void lf_def_clear(lf_def *lf)
{
    switch (lf->kind) {
    case LF_KEYWORD:
        free_strings(lf->u.keyword.terms, lf->u.keyword.n_terms);
        break;
    case LF_REGEX:
        free(lf->u.regex.pattern);
        free(lf->u.regex.flags);
        chorus_regex_free(lf->u.regex.re);
        break;
    case LF_HEURISTIC:
        heuristic_node_free(lf->u.heuristic);
        break;
    case LF_LOOKUP:
        free(lf->u.lookup.list_path);
        chorus_string_set_free(lf->u.lookup.set);
        break;
    case LF_COLUMN:
        free_strings(lf->u.column.values, lf->u.column.n);
        free(lf->u.column.classes);
        break;
    case LF_PLUGIN:
        lf_plugin_unload(&lf->u.plugin);
        free(lf->u.plugin.library);
        free(lf->u.plugin.symbol);
        break;
    case LF_LLM:
        lf_llm_release(lf->u.llm.spec);
        break;
    }
    free(lf->name);
    free(lf->field);
    free(lf->group);
    memset(lf, 0, sizeof *lf);
}

void chorus_lf_set_free(chorus_lf_set *set)
{
    if (!set) return;
    for (int32_t j = 0; set->lfs && j < set->n_lfs; j++)
        lf_def_clear(&set->lfs[j]);
    free(set->lfs);
    free_strings(set->classes, set->n_classes);
    free(set->path);
    free(set->dir);
    free(set->task);
    free(set->id_field);
    free(set->text_field);
    free(set->gold_field);
    for (int32_t i = 0; set->llm_prices && i < set->n_llm_prices; i++)
        free(set->llm_prices[i].model);
    free(set->llm_prices);
    free(set);
}

void lf_set_format_classes(const chorus_lf_set *set, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int32_t k = 0; k < set->n_classes; k++) {
        int n = snprintf(buf + used, size - used, "%s%s", k ? ", " : "", set->classes[k]);
        if (n < 0 || (size_t)n >= size - used) {
            snprintf(buf + (size > 4 ? size - 4 : 0), size > 4 ? 4 : size, "...");
            return;
        }
        used += (size_t)n;
    }
}

int chorus_lf_set_gold(int32_t **out, const chorus_lf_set *set, const chorus_dataset *ds)
{
    *out = NULL;
    if (!set->gold_field)
        return chorus_error_set(CHORUS_EINVAL,
                                "%s: the labeling-function set names no gold field; expected "
                                "data: {gold: <field>} in the spec",
                                set->path);
    int32_t field = chorus_dataset_find_field(ds, set->gold_field);
    if (field < 0)
        return chorus_error_set(CHORUS_EINVAL, "%s: the data has no gold field '%s'", set->path,
                                set->gold_field);
    int64_t n = chorus_dataset_n_records(ds);
    int32_t *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    if (!gold) return chorus_error_nomem();
    for (int64_t r = 0; r < n; r++) {
        size_t len = 0;
        const char *value = chorus_dataset_value(ds, r, field, &len);
        /* -1 is how chorus gold files spell "unknown", so a gold column may use it too. */
        if (!value || len == 0 || (len == 2 && memcmp(value, "-1", 2) == 0)) {
            gold[r] = -1;
            continue;
        }
        gold[r] = lf_set_class_index_n(set, value, len);
        if (gold[r] < 0) {
            char classes[256];
            lf_set_format_classes(set, classes, sizeof classes);
            free(gold);
            return chorus_error_set(CHORUS_EFORMAT,
                                    "line %" PRId64 " of the data: gold label '%.*s' (field %s) "
                                    "is not a class; expected one of %s, an index 0..%" PRId32
                                    ", or empty for unknown",
                                    chorus_dataset_source_line(ds, r), (int)(len > 60 ? 60 : len),
                                    value, set->gold_field, classes, set->n_classes - 1);
        }
    }
    *out = gold;
    return CHORUS_OK;
}

const char *chorus_lf_set_lf_group(const chorus_lf_set *set, int32_t lf)
{
    return lf >= 0 && lf < set->n_lfs ? set->lfs[lf].group : NULL;
}
