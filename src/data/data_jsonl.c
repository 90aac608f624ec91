/*
 * JSONL datasets: one JSON object per line, parsed with jansson. Nested objects flatten to
 * dotted names and the field set is the union over all records, so it is only known at
 * the end: values go to the arena as they come, with (field, offset) pairs noted per
 * record, and the dense record-by-field table is laid out once the whole file is read.
 *
 * jansson reads about 35 MB/s (it lexes through a per-byte callback), several seconds for
 * a million records, so typical lines go through a small parser here instead: objects,
 * strings, numbers, true/false/null only, validated as strictly as jansson does. Any line
 * it is not sure of (an array, a repeated key, any error) is handed to jansson, whose
 * result is then the answer and whose message names the error; both paths produce the
 * same values (tests/unit/test_data.c checks them against each other). Arrays are stored
 * as jansson's compact text of them.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus/error.h"
#include "core/hash.h"
#include "core/error_internal.h"
#include "core/number_format.h"
#include "data/data_lines.h"
#include "data/dataset_internal.h"

/* One value of a record; field -1 marks the end of a record. */
typedef dataset_cell jsonl_cell;

typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;

/* A value stored by the fast parser, its field still to be looked up. */
typedef struct fast_leaf {
    size_t name_off, name_len; /* in jsonl_state.leaf_names */
    int64_t offset;            /* in the arena */
} fast_leaf;

typedef struct jsonl_state {
    chorus_dataset *ds;
    jsonl_cell *cells;
    size_t n_cells, cells_cap;
    strbuf name; /* the dotted name of the value being stored */
    strbuf text; /* a string's decoded text before it goes to the arena */

    /* The fast parser's record until it is known to be valid. */
    fast_leaf *leaves;
    size_t n_leaves, leaves_cap;
    strbuf leaf_names;
    uint64_t *seen; /* hashes of the record's dotted names (0 = free), to spot repeats */
    size_t seen_mask, n_seen;

    /* Streaming: the first n_given fields of each batch are registered before it is read;
     * given_seen[f] becomes 1 once one of them has a value. */
    int32_t n_given;
    unsigned char *given_seen;
} jsonl_state;

static int put(strbuf *b, const char *s, size_t n)
{
    /* Allocated even for n == 0: an empty top-level key still needs a name string. */
    if (!b->data || n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) return chorus_error_nomem();
            cap *= 2;
        }
        char *data = realloc(b->data, cap);
        if (!data) return chorus_error_nomem();
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return CHORUS_OK;
}

static int put_cell(jsonl_state *st, int32_t field, int64_t offset)
{
    if (field >= 0 && field < st->n_given) st->given_seen[field] = 1;
    if (st->n_cells == st->cells_cap) {
        size_t cap = st->cells_cap ? st->cells_cap * 2 : 4096;
        jsonl_cell *cells = realloc(st->cells, cap * sizeof *cells);
        if (!cells) return chorus_error_nomem();
        st->cells = cells;
        st->cells_cap = cap;
    }
    st->cells[st->n_cells].field = field;
    st->cells[st->n_cells].offset = offset;
    st->n_cells++;
    return CHORUS_OK;
}

/* A real in the shortest form that reads back the same, kept recognisable as a real the
 * way jansson writes it: 2.0, not 2. */
static void real_text(double x, char *buf, size_t size)
{
    chorus_format_double(buf, (int)size, x);
    if (!strpbrk(buf, ".eE")) strncat(buf, ".0", size - strlen(buf) - 1);
}

static void number_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_integer(v))
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
        real_text(json_real_value(v), buf, size);
}

/* Stores a non-null, non-object value under the current dotted name. */
static int add_value(jsonl_state *st, const json_t *v)
{
    chorus_dataset *ds = st->ds;
    char num[40];
    const char *text = num;
    char *dumped = NULL;
    size_t len;
    int32_t field;
    int rc = chorus_dataset_add_field(ds, st->name.data, st->name.len, &field);
    if (rc < 0) return rc;
    switch (json_typeof(v)) {
    case JSON_STRING:
        text = json_string_value(v);
        len = json_string_length(v);
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        number_text(v, num, sizeof num);
        len = strlen(num);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        text = json_is_true(v) ? "true" : "false";
        len = strlen(text);
        break;
    default: /* an array: its compact JSON text */
        dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!dumped) return chorus_error_nomem();
        text = dumped;
        len = strlen(dumped);
        break;
    }
    int64_t offset;
    rc = chorus_dataset_store_text(ds, text, len, &offset);
    free(dumped);
    return rc ? rc : put_cell(st, field, offset);
}

/* Walks an object, extending the dotted name into nested objects; null means missing. */
static int flatten(jsonl_state *st, json_t *object)
{
    size_t base = st->name.len;
    int rc = CHORUS_OK;
    for (void *it = json_object_iter(object); it; it = json_object_iter_next(object, it)) {
        const char *key = json_object_iter_key(it);
        json_t *value = json_object_iter_value(it);
        st->name.len = base;
        if (base) rc = put(&st->name, ".", 1);
        if (!rc) rc = put(&st->name, key, strlen(key));
        if (rc) break;
        if (json_is_object(value))
            rc = flatten(st, value);
        else if (!json_is_null(value))
            rc = add_value(st, value);
        if (rc) break;
    }
    st->name.len = base;
    return rc;
}

/* ---- the fast path ---------------------------------------------------------------- */

/* The fast parser's answer for a line it leaves to jansson. */
#define DECLINE 1

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
    *rc = put(b, u, n);
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
        int rc = put(b, (const char *)p, (size_t)(q - p));
        if (rc) return rc;
        p = q;
        if (*p == '"') break;
        size_t n;
        if (*p >= 0x80) {
            if (!(n = utf8_length(p))) return DECLINE;
            rc = put(b, (const char *)p, n);
        } else if (*p == '\\' && p[1] == 'u') {
            if (!(n = put_escape_u(b, (const char *)p + 2, &rc))) return DECLINE;
            n += 2;
        } else if (*p == '\\' && p[1]) {
            const char *e = strchr(escapes, p[1]);
            /* Escapes pair up as (letter, byte): only an even position is a letter. */
            if (!e || (e - escapes) % 2) return DECLINE;
            rc = put(b, e + 1, 1);
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
        real_text(x, num, sizeof num);
        return put(b, num, strlen(num));
    }
    /* Without leading zeros or '+', the text is the integer's canonical spelling once
     * it is known to fit in an int64 ("-0" aside). */
    const char *d = *s == '-' ? s + 1 : s;
    size_t n = (size_t)(digits_end - d);
    const char *limit = *s == '-' ? "9223372036854775808" : "9223372036854775807";
    if (n > 19 || (n == 19 && memcmp(d, limit, 19) > 0)) return DECLINE;
    if (n == 1 && *d == '0') return put(b, "0", 1);
    return put(b, s, (size_t)(p - s));
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
        rc = put(&st->text, word, n);
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
    if ((rc = put(&st->leaf_names, st->name.data, st->name.len))) return rc;
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
        if (base && (rc = put(&st->name, ".", 1))) return rc;
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
static int fast_record(jsonl_state *st, const char *line)
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
        if ((rc = put_cell(st, field, leaf->offset))) return rc;
    }
    return CHORUS_OK;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "an object";
    }
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

struct jsonl_stream {
    data_lines reader;
    jsonl_state st;
    const char *path;
    int skip_bad_rows;
    int64_t end; /* lines starting at or past this offset belong to a later range */
    int64_t file_size;
    const char *const *given; /* field names every batch registers first */
    int32_t n_given;
    chorus_dataset *fields; /* the fields seen in the batches so far */
    /* Blank lines not yet followed by a record: an error (or skipped rows) if one comes. */
    int64_t blank_first, n_blank;
    int done;
};

int jsonl_stream_open(jsonl_stream **out, const char *path, int skip_bad_rows,
                      const chorus_data_range *range, const char *const *given, int32_t n_given,
                      chorus_dataset *fields)
{
    jsonl_stream *s = calloc(1, sizeof *s);
    if (!s) return chorus_error_nomem();
    int rc = data_lines_open(&s->reader, path, DATASET_MAX_RECORD_BYTES, "the data");
    if (rc) {
        free(s);
        return rc;
    }
    s->path = path;
    s->skip_bad_rows = skip_bad_rows;
    s->end = range && range->end >= 0 ? range->end : INT64_MAX;
    struct stat sb;
    s->file_size = fstat(fileno(s->reader.fp), &sb) == 0 ? (int64_t)sb.st_size : INT64_MAX;
    s->given = given;
    s->n_given = n_given;
    s->st.n_given = n_given;
    s->fields = fields;
    if (n_given > 0 && !(s->st.given_seen = calloc((size_t)n_given, 1))) rc = chorus_error_nomem();
    if (!rc && range && range->begin > 0)
        rc = data_lines_seek(&s->reader, range->begin, range->first_line - 1);
    if (rc) {
        jsonl_stream_close(s);
        return rc;
    }
    *out = s;
    return CHORUS_OK;
}

int64_t jsonl_stream_offset(const jsonl_stream *s)
{
    return data_lines_offset(&s->reader);
}

void jsonl_stream_close(jsonl_stream *s)
{
    if (!s) return;
    free(s->st.cells);
    free(s->st.name.data);
    free(s->st.text.data);
    free(s->st.leaves);
    free(s->st.leaf_names.data);
    free(s->st.seen);
    free(s->st.given_seen);
    data_lines_close(&s->reader);
    free(s);
}

/* Adds the batch's fields that had a value to the fields seen so far. */
static int note_fields(jsonl_stream *s, const chorus_dataset *ds)
{
    for (int32_t f = 0; s->fields && f < ds->n_fields; f++) {
        if (f < s->n_given && !s->st.given_seen[f]) continue;
        int32_t index;
        int rc = chorus_dataset_add_field(s->fields, ds->names[f], strlen(ds->names[f]), &index);
        if (rc < 0) return rc;
    }
    return CHORUS_OK;
}

int jsonl_stream_next(jsonl_stream *s, chorus_dataset *ds, size_t max_bytes)
{
    jsonl_state *st = &s->st;
    data_lines *reader = &s->reader;
    const char *path = s->path;
    const int skip_bad_rows = s->skip_bad_rows;
    const int64_t batch_start = jsonl_stream_offset(s);
    char message[512];
    char *line;
    size_t len;
    int rc = CHORUS_OK;
    st->ds = ds;
    st->n_cells = 0;
    for (int32_t f = 0; f < s->n_given; f++) {
        int32_t index;
        if ((rc = chorus_dataset_add_field(ds, s->given[f], strlen(s->given[f]), &index)) < 0)
            return rc;
    }
    while (!s->done && (size_t)(jsonl_stream_offset(s) - batch_start) < max_bytes) {
        const int64_t line_start = jsonl_stream_offset(s);
        rc = line_start >= s->end ? 0 : data_lines_next(reader, &line, &len);
        if (rc == 0) {
            /* Blank lines at the end of a range that more records follow lie between
             * records, as they do in the whole file; at the end of the file they do not. */
            if (s->n_blank && s->end < s->file_size) {
                rc =
                    chorus_dataset_blank_lines(ds, skip_bad_rows, path, s->blank_first, s->n_blank);
                if (rc) return rc;
            }
            s->n_blank = 0;
            s->done = 1;
            break;
        }
        if (rc < 0) return rc;
        if (jsonl_stream_offset(s) > s->end)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": the line runs past byte %" PRId64
                                    ", where the next range begins; the ranges do not start "
                                    "at line ends",
                                    path, reader->line_no, s->end);
        if (rc == 1) {
            if (line_start == 0 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
                line += 3;
                len -= 3;
            }
            if (is_blank(line, len)) {
                if (s->n_blank++ == 0) s->blank_first = reader->line_no;
                continue;
            }
        }
        if (s->n_blank) {
            rc = chorus_dataset_blank_lines(ds, skip_bad_rows, path, s->blank_first, s->n_blank);
            if (rc) return rc;
            s->n_blank = 0;
        }
        if (rc == DATA_LINES_NUL) { /* a bad line like any other */
            snprintf(message, sizeof message, "%s", chorus_error_last());
            rc = chorus_dataset_bad_row(ds, skip_bad_rows, reader->line_no, message);
            if (rc) return rc;
            continue;
        }

        rc = chorus_dataset_reserve_record(ds, 0);
        if (!rc) rc = fast_record(st, line);
        if (rc < 0) goto done_line;
        if (rc == CHORUS_OK) {
            if ((rc = put_cell(st, -1, DATASET_MISSING))) return rc;
            ds->lines[ds->n_records++] = reader->line_no;
            continue;
        }

        json_error_t error;
        json_t *root = json_loadb(line, len, JSON_DECODE_ANY, &error);
        if (!root || !json_is_object(root)) {
            if (root)
                snprintf(message, sizeof message,
                         "%s:%" PRId64 ": %s, expected a JSON object (one record per line)", path,
                         reader->line_no, type_name(root));
            else
                snprintf(message, sizeof message, "%s:%" PRId64 ": column %d: invalid JSON: %s",
                         path, reader->line_no, error.column, error.text);
            json_decref(root);
            rc = chorus_dataset_bad_row(ds, skip_bad_rows, reader->line_no, message);
            if (rc) return rc;
            continue;
        }
        st->name.len = 0;
        rc = flatten(st, root);
        if (!rc) rc = put_cell(st, -1, DATASET_MISSING);
        json_decref(root);
        if (rc) goto done_line;
        ds->lines[ds->n_records++] = reader->line_no;
    }
    if (ds->n_records > 0 && (rc = chorus_dataset_lay_out(ds, st->cells, st->n_cells))) return rc;
    return note_fields(s, ds);

done_line:
    /* Failures with no place of their own (too many fields) get the line's. */
    if (rc == CHORUS_EFORMAT) chorus_error_wrap("%s:%" PRId64 ": ", path, reader->line_no);
    return rc;
}

int chorus_dataset_read_jsonl(chorus_dataset *ds, const char *path, int skip_bad_rows)
{
    jsonl_stream *s = NULL;
    int rc = jsonl_stream_open(&s, path, skip_bad_rows, NULL, NULL, 0, NULL);
    if (!rc) rc = jsonl_stream_next(s, ds, SIZE_MAX);
    if (!rc && ds->n_records == 0)
        rc = chorus_dataset_no_records(ds, path, "one JSON object per line");
    jsonl_stream_close(s);
    return rc;
}
