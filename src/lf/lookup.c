/*
 * Lookup labeling functions: a set of normalised strings read from a list file, in an
 * open-addressing hash table (linear probing, at most half full). Entries live in one
 * arena; queries are normalised on the fly, so a lookup allocates nothing and is safe to
 * run from many threads at once.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/error_internal.h"
#include "data/data_lines.h"
#include "data/dataset_internal.h"
#include "lf/lf_internal.h"

typedef struct entry {
    size_t offset; /* into the arena */
    uint32_t len;
    uint32_t hash; /* low bits of the full hash, to skip most string comparisons */
} entry;

struct chorus_string_set {
    unsigned normalize;
    char *arena;
    size_t arena_len, arena_cap;
    entry *entries;
    int64_t n, entries_cap;
    uint32_t *slots; /* entry index + 1; 0 = empty */
    uint64_t mask;   /* number of slots - 1 */
};

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Produces the normalised bytes of a value one at a time. */
typedef struct normalizer {
    const unsigned char *p, *end;
    unsigned flags;
} normalizer;

static void normalizer_init(normalizer *it, const char *s, size_t len, unsigned flags)
{
    it->p = (const unsigned char *)s;
    it->end = it->p + len;
    it->flags = flags;
    if (flags & NORMALIZE_STRIP) {
        while (it->p < it->end && is_space(*it->p))
            it->p++;
        while (it->end > it->p && is_space(it->end[-1]))
            it->end--;
    }
}

/* The next byte, or -1 at the end. */
static int normalizer_next(normalizer *it)
{
    if (it->p == it->end) return -1;
    unsigned char c = *it->p++;
    if ((it->flags & NORMALIZE_COLLAPSE_SPACE) && is_space(c)) {
        while (it->p < it->end && is_space(*it->p))
            it->p++;
        return ' ';
    }
    if ((it->flags & NORMALIZE_LOWER) && c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    return c;
}

/* FNV-1a over the normalised bytes, finished with a mixer so that linear probing sees
 * well-spread low bits. */
static uint64_t hash_value(const char *s, size_t len, unsigned flags, size_t *norm_len)
{
    normalizer it;
    normalizer_init(&it, s, len, flags);
    uint64_t h = CHORUS_FNV1A_INIT;
    size_t n = 0;
    int c;
    while ((c = normalizer_next(&it)) >= 0) {
        h = chorus_fnv1a_byte(h, (unsigned char)c);
        n++;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    *norm_len = n;
    return h;
}

static bool entry_matches(const chorus_string_set *set, const entry *e, const char *s, size_t len)
{
    normalizer it;
    normalizer_init(&it, s, len, set->normalize);
    const unsigned char *stored = (const unsigned char *)set->arena + e->offset;
    for (uint32_t i = 0; i < e->len; i++)
        if (normalizer_next(&it) != stored[i]) return false;
    return normalizer_next(&it) < 0;
}

/* The slot holding value, or the empty slot where it would go. */
static uint64_t find_slot(const chorus_string_set *set, const char *s, size_t len, uint64_t h,
                          size_t norm_len)
{
    for (uint64_t i = h & set->mask;; i = (i + 1) & set->mask) {
        uint32_t k = set->slots[i];
        if (k == 0) return i;
        const entry *e = &set->entries[k - 1];
        if (e->hash == (uint32_t)h && e->len == norm_len && entry_matches(set, e, s, len)) return i;
    }
}

static int grow_slots(chorus_string_set *set)
{
    uint64_t n_slots = (set->mask + 1) * 2;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return chorus_error_nomem();
    for (uint64_t i = 0; i <= set->mask; i++) {
        uint32_t k = set->slots[i];
        if (!k) continue;
        /* Entries keep only 32 bits of their hash; the stored bytes are already normalised,
         * so hashing them as they are gives the full hash back. */
        const entry *e = &set->entries[k - 1];
        size_t n;
        uint64_t h = hash_value(set->arena + e->offset, e->len, 0, &n);
        uint64_t j = h & (n_slots - 1);
        while (slots[j])
            j = (j + 1) & (n_slots - 1);
        slots[j] = k;
    }
    free(set->slots);
    set->slots = slots;
    set->mask = n_slots - 1;
    return CHORUS_OK;
}

/* Adds one raw line (normalised here); duplicates are kept once. */
static int add(chorus_string_set *set, const char *s, size_t len)
{
    size_t norm_len;
    uint64_t h = hash_value(s, len, set->normalize, &norm_len);
    if (norm_len == 0) return CHORUS_OK;
    if (norm_len > UINT32_MAX) return chorus_error_set(CHORUS_EFORMAT, "an entry is too long");
    uint64_t slot = find_slot(set, s, len, h, norm_len);
    if (set->slots[slot]) return CHORUS_OK;
    if (set->n >= (int64_t)UINT32_MAX - 1)
        return chorus_error_set(CHORUS_EFORMAT, "more than 4294967294 entries");
    if (set->n == set->entries_cap) {
        int64_t cap = set->entries_cap ? set->entries_cap * 2 : 1024;
        entry *e = realloc(set->entries, (size_t)cap * sizeof *e);
        if (!e) return chorus_error_nomem();
        set->entries = e;
        set->entries_cap = cap;
    }
    if (set->arena_len + norm_len > set->arena_cap) {
        size_t cap = set->arena_cap ? set->arena_cap * 2 : 65536;
        while (cap < set->arena_len + norm_len)
            cap *= 2;
        char *a = realloc(set->arena, cap);
        if (!a) return chorus_error_nomem();
        set->arena = a;
        set->arena_cap = cap;
    }
    normalizer it;
    normalizer_init(&it, s, len, set->normalize);
    char *dst = set->arena + set->arena_len;
    for (size_t i = 0; i < norm_len; i++)
        dst[i] = (char)normalizer_next(&it);
    set->entries[set->n] = (entry){set->arena_len, (uint32_t)norm_len, (uint32_t)h};
    set->arena_len += norm_len;
    set->n++;
    set->slots[slot] = (uint32_t)set->n;
    return (uint64_t)set->n * 2 > set->mask ? grow_slots(set) : CHORUS_OK;
}

int chorus_string_set_load(chorus_string_set **out, const char *path, unsigned normalize)
{
    *out = NULL;
    data_lines reader;
    chorus_string_set *set = calloc(1, sizeof *set);
    if (!set) return chorus_error_nomem();
    set->normalize = normalize;
    set->mask = 1023;
    set->slots = calloc(set->mask + 1, sizeof *set->slots);
    /* A list has the data's line limit and must be a regular file too. */
    int rc = set->slots ? data_lines_open(&reader, path, DATASET_MAX_RECORD_BYTES, "a list")
                        : chorus_error_nomem();
    if (rc) {
        chorus_string_set_free(set);
        return rc;
    }
    char *line;
    size_t len;
    while ((rc = data_lines_next(&reader, &line, &len)) == 1) {
        /* A byte-order mark would otherwise become part of the first entry. */
        if (reader.line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        size_t i = 0;
        while (i < len && is_space((unsigned char)line[i]))
            i++;
        if (i == len || line[0] == '#') continue;
        if ((rc = add(set, line, len))) goto done;
    }
    if (rc == DATA_LINES_NUL) rc = CHORUS_EFORMAT; /* a list has no bad lines to skip */
done:
    data_lines_close(&reader);
    if (rc < 0) {
        chorus_string_set_free(set);
        return rc;
    }
    *out = set;
    return CHORUS_OK;
}

void chorus_string_set_free(chorus_string_set *set)
{
    if (!set) return;
    free(set->arena);
    free(set->entries);
    free(set->slots);
    free(set);
}

bool chorus_string_set_contains(const chorus_string_set *set, const char *value, size_t len)
{
    size_t norm_len;
    uint64_t h = hash_value(value, len, set->normalize, &norm_len);
    if (norm_len == 0) return false;
    return set->slots[find_slot(set, value, len, h, norm_len)] != 0;
}

int64_t chorus_string_set_size(const chorus_string_set *set)
{
    return set->n;
}
