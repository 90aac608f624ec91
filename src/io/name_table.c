#include <stdlib.h>
#include <string.h>

#include "chorus/parse.h"
#include "core/hash.h"
#include "core/error_internal.h"
#include "io/name_table.h"

void chorus_name_table_init(chorus_name_table *t, int64_t min_integer)
{
    memset(t, 0, sizeof *t);
    t->all_integers = true;
    t->min_integer = min_integer;
}

static size_t find_slot(const chorus_name_table *t, const char *text, size_t len)
{
    size_t mask = t->n_slots - 1, s = (size_t)chorus_fnv1a(text, len) & mask;
    while (t->slots[s]) {
        const char *name = t->names[t->slots[s] - 1];
        if (strncmp(name, text, len) == 0 && name[len] == '\0') break;
        s = (s + 1) & mask;
    }
    return s;
}

static int rehash(chorus_name_table *t)
{
    size_t n_slots = t->n_slots ? t->n_slots * 2 : 1024;
    int64_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return chorus_error_nomem();
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    for (int64_t i = 0; i < t->n; i++)
        t->slots[find_slot(t, t->names[i], strlen(t->names[i]))] = i + 1;
    return CHORUS_OK;
}

static int grow(chorus_name_table *t)
{
    int64_t cap = t->cap ? t->cap * 2 : 256;
    char **names = realloc(t->names, (size_t)cap * sizeof *names);
    if (names) t->names = names;
    int64_t *lines = realloc(t->first_line, (size_t)cap * sizeof *lines);
    if (lines) t->first_line = lines;
    int64_t *ints = realloc(t->integer, (size_t)cap * sizeof *ints);
    if (ints) t->integer = ints;
    if (!names || !lines || !ints) return chorus_error_nomem();
    t->cap = cap;
    return CHORUS_OK;
}

int chorus_name_table_add(chorus_name_table *t, const char *text, size_t len, int64_t line,
                          int64_t *index)
{
    int rc;
    /* At most half full, so probing stays short. */
    if ((size_t)(t->n + 1) * 2 > t->n_slots && (rc = rehash(t))) return rc;
    size_t s = find_slot(t, text, len);
    if (t->slots[s]) {
        *index = t->slots[s] - 1;
        return CHORUS_OK;
    }
    if (t->n == t->cap && (rc = grow(t))) return rc;
    char *copy = strndup(text, len);
    if (!copy) return chorus_error_nomem();
    int64_t value = 0;
    if (t->all_integers && chorus_parse_int64(text, len, t->min_integer, INT64_MAX, &value) != 0)
        t->all_integers = false;
    t->names[t->n] = copy;
    t->first_line[t->n] = line;
    t->integer[t->n] = value;
    t->slots[s] = t->n + 1;
    *index = t->n++;
    return CHORUS_OK;
}

int64_t chorus_name_table_find(const chorus_name_table *t, const char *name)
{
    if (!t->n_slots) return -1;
    size_t s = find_slot(t, name, strlen(name));
    return t->slots[s] ? t->slots[s] - 1 : -1;
}

int64_t chorus_name_table_argmax(const chorus_name_table *t)
{
    int64_t best = -1;
    for (int64_t i = 0; i < t->n; i++)
        if (best < 0 || t->integer[i] > t->integer[best]) best = i;
    return best;
}

void chorus_name_table_free(chorus_name_table *t)
{
    for (int64_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->first_line);
    free(t->integer);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
