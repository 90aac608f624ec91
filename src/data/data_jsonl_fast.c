/*
 * The JSONL reader's fast path: plain objects of strings, numbers, true/false/null, read
 * without jansson and validated as strictly (see data_jsonl.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/hash.h"
#include "core/number_format.h"
#include "data/data_jsonl_internal.h"

void jsonl_real_text(double x, char *buf, size_t size)
{
    chorus_format_double(buf, (int)size, x);
    if (!strpbrk(buf, ".eE")) strncat(buf, ".0", size - strlen(buf) - 1);
}

/* ---- the fast path ---------------------------------------------------------------- */

/* Deeper nesting is rare; jansson has its own limit and message. */
#define FAST_MAX_DEPTH 32

typedef struct fast_parser {
    jsonl_state *st;
    const char *p; /* the line is NUL-terminated and holds no other NUL */
    int depth;
} fast_parser;

static void skip_space(fast_parser *f)
{
    while (*f->p == ' ' || *f->p == '\t' || *f->p == '\r' || *f->p == '\n')
        f->p++;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629, as jansson checks it), or 0. */
static size_t utf8_length(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0xC2 || c > 0xF4) return 0;
    if ((s[1] & 0xC0) != 0x80) return 0;
    if (c < 0xE0) return 2;
    if ((s[2] & 0xC0) != 0x80) return 0;
    if (c < 0xF0) return (c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) ? 0 : 3;
    if ((s[3] & 0xC0) != 0x80) return 0;
    return (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90) ? 0 : 4;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Appends the UTF-8 of the \u escape(s) at s (just past the 'u'); returns bytes read or 0. */
static size_t put_escape_u(strbuf *b, const char *s, int *rc)
{
    long cp = hex4(s);
    size_t used = 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long low = s[4] == '\\' && s[5] == 'u' ? hex4(s + 6) : -1;
        if (low < 0xDC00 || low > 0xDFFF) return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        used = 10;
    }
    if (cp <= 0) return 0; /* a bad digit, or \u0000, which jansson refuses */
    /* UTF-8: continuation bytes carry 6 bits each from the end, the lead byte the rest. */
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    char u[4];
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        u[i] = (char)(0x80 | (cp & 0x3F));
    u[0] = (char)(lead[n] | cp);
    *rc = jsonl_put(b, u, n);
    return used;
}

/* Appends the decoded string at f->p (its opening quote) to b. */
static int fast_string(fast_parser *f, strbuf *b)
{
    static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    const unsigned char *p = (const unsigned char *)f->p + 1;
    for (;;) {
        const unsigned char *q = p;
        while (*q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
            q++;
        int rc = jsonl_put(b, (const char *)p, (size_t)(q - p));
        if (rc) return rc;
        p = q;
        if (*p == '"') break;
        size_t n;
        if (*p >= 0x80) {
            if (!(n = utf8_length(p))) return DECLINE;
            rc = jsonl_put(b, (const char *)p, n);
        } else if (*p == '\\' && p[1] == 'u') {
            if (!(n = put_escape_u(b, (const char *)p + 2, &rc))) return DECLINE;
            n += 2;
        } else if (*p == '\\' && p[1]) {
            const char *e = strchr(escapes, p[1]);
            /* Escapes pair up as (letter, byte): only an even position is a letter. */
            if (!e || (e - escapes) % 2) return DECLINE;
            rc = jsonl_put(b, e + 1, 1);
            n = 2;
        } else {
            return DECLINE; /* a control character, or the line ended inside the string */
        }
        if (rc) return rc;
        p += n;
    }
    f->p = (const char *)p + 1;
    return CHORUS_OK;
}

/* Checks the number at f->p against JSON's grammar and jansson's ranges; its text to b. */
static int fast_number(fast_parser *f, strbuf *b)
{
    const char *s = f->p, *p = s;
    int real = 0;
    if (*p == '-') p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return DECLINE;
    const char *digits_end = p;
    if (*p == '.') {
        real = 1;
        if (*++p < '0' || *p > '9') return DECLINE;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        real = 1;
        if (*++p == '+' || *p == '-') p++;
        if (*p < '0' || *p > '9') return DECLINE;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    f->p = p;
    if (real) {
        char num[40];
        double x = strtod(s, NULL);
        if (isinf(x)) return DECLINE; /* jansson: "real number overflow" */
        jsonl_real_text(x, num, sizeof num);
        return jsonl_put(b, num, strlen(num));
    }
    /* Without leading zeros or '+', the text is the integer's canonical spelling once
     * it is known to fit in an int64 ("-0" aside). */
    const char *d = *s == '-' ? s + 1 : s;
    size_t n = (size_t)(digits_end - d);
    const char *limit = *s == '-' ? "9223372036854775808" : "9223372036854775807";
    if (n > 19 || (n == 19 && memcmp(d, limit, 19) > 0)) return DECLINE;
    if (n == 1 && *d == '0') return jsonl_put(b, "0", 1);
    return jsonl_put(b, s, (size_t)(p - s));
}

/* Notes a dotted name of the record: 0 if new, DECLINE if seen (or a hash collision). */
static int note_name(jsonl_state *st, const char *name, size_t len)
{
    if (st->n_seen * 2 >= st->seen_mask) {
        size_t n = st->seen ? (st->seen_mask + 1) * 2 : 64;
        uint64_t *seen = calloc(n, sizeof *seen), *old = st->seen;
        if (!seen) return chorus_error_nomem();
        for (size_t i = 0; old && i <= st->seen_mask; i++) {
            if (!old[i]) continue;
            size_t j = old[i] & (n - 1);
            while (seen[j])
                j = (j + 1) & (n - 1);
            seen[j] = old[i];
        }
        free(old);
        st->seen = seen;
        st->seen_mask = n - 1;
    }
    uint64_t h = chorus_fnv1a(name, len);
    h |= 1; /* 0 marks a free slot */
    size_t i = h & st->seen_mask;
    for (; st->seen[i]; i = (i + 1) & st->seen_mask)
        if (st->seen[i] == h) return DECLINE;
    st->seen[i] = h;
    st->n_seen++;
    return CHORUS_OK;
}

static int fast_object(fast_parser *f);

/* The value at f->p under the dotted name st->name. */
static int fast_value(fast_parser *f)
{
    jsonl_state *st = f->st;
    int rc;
    st->text.len = 0;
    switch (*f->p) {
    case '{':
        return fast_object(f);
    case '"':
        rc = fast_string(f, &st->text);
        break;
    case 't':
    case 'f':
    case 'n': {
        const char *word = *f->p == 't' ? "true" : *f->p == 'f' ? "false" : "null";
        size_t n = strlen(word);
        if (strncmp(f->p, word, n) != 0) return DECLINE;
        f->p += n;
        if (*word == 'n') return CHORUS_OK; /* null: the field is missing */
        rc = jsonl_put(&st->text, word, n);
        break;
    }
    default:
        rc = fast_number(f, &st->text);
        break;
    }
    if (rc) return rc;
    if (st->n_leaves == st->leaves_cap) {
        size_t cap = st->leaves_cap ? st->leaves_cap * 2 : 64;
        fast_leaf *leaves = realloc(st->leaves, cap * sizeof *leaves);
        if (!leaves) return chorus_error_nomem();
        st->leaves = leaves;
        st->leaves_cap = cap;
    }
    fast_leaf *leaf = &st->leaves[st->n_leaves++];
    leaf->name_off = st->leaf_names.len;
    leaf->name_len = st->name.len;
    if ((rc = jsonl_put(&st->leaf_names, st->name.data, st->name.len))) return rc;
    return chorus_dataset_store_text(st->ds, st->text.data, st->text.len, &leaf->offset);
}

/* The object at f->p, its keys extending the dotted name st->name. */
static int fast_object(fast_parser *f)
{
    jsonl_state *st = f->st;
    size_t base = st->name.len;
    if (++f->depth > FAST_MAX_DEPTH) return DECLINE;
    f->p++;
    skip_space(f);
    if (*f->p == '}') {
        f->p++;
        f->depth--;
        return CHORUS_OK;
    }
    for (;;) {
        int rc = CHORUS_OK;
        if (*f->p != '"') return DECLINE;
        st->name.len = base;
        if (base && (rc = jsonl_put(&st->name, ".", 1))) return rc;
        if ((rc = fast_string(f, &st->name))) return rc;
        if ((rc = note_name(st, st->name.data, st->name.len))) return rc;
        skip_space(f);
        if (*f->p++ != ':') return DECLINE;
        skip_space(f);
        if ((rc = fast_value(f))) return rc;
        skip_space(f);
        if (*f->p == '}') break;
        if (*f->p++ != ',') return DECLINE;
        skip_space(f);
    }
    f->p++;
    st->name.len = base;
    f->depth--;
    return CHORUS_OK;
}

/*
 * Reads the line as one record if it is a plain object: CHORUS_OK once stored, DECLINE
 * (with nothing stored) for jansson to read it, or a negative code.
 */
int jsonl_fast_record(jsonl_state *st, const char *line)
{
    chorus_dataset *ds = st->ds;
    fast_parser f = {st, line, 0};
    size_t arena_mark = ds->arena_len;
    st->n_leaves = 0;
    st->leaf_names.len = 0;
    st->name.len = 0;
    if (st->seen) memset(st->seen, 0, (st->seen_mask + 1) * sizeof *st->seen);
    st->n_seen = 0;
    skip_space(&f);
    int rc = *f.p == '{' ? fast_object(&f) : DECLINE;
    if (!rc) {
        skip_space(&f);
        if (*f.p) rc = DECLINE;
    }
    if (rc) {
        ds->arena_len = arena_mark;
        return rc;
    }
    for (size_t i = 0; i < st->n_leaves; i++) {
        int32_t field;
        const fast_leaf *leaf = &st->leaves[i];
        rc = chorus_dataset_add_field(ds, st->leaf_names.data + leaf->name_off, leaf->name_len,
                                      &field);
        if (rc < 0) return rc;
        if ((rc = jsonl_put_cell(st, field, leaf->offset))) return rc;
    }
    return CHORUS_OK;
}
