/* Parsing and writing .npy headers, and reading the data behind them with bounds checks. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "io/npy_format.h"

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
/* NumPy pads headers so that the data starts on a multiple of this. */
#define ARRAY_ALIGN 64
/* NumPy leaves room after the dict for the first axis to grow to this many digits. */
#define GROWTH_AXIS_MAX_DIGITS 21

/* ---- The header dict: a Python literal, parsed by hand (no eval, no recursion). ---- */

typedef struct parser {
    const char *s;
    size_t len, pos;
    const char *path;
    int64_t base; /* file offset of s[0] */
} parser;

static int fail(const parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(const parser *p, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: malformed .npy header at byte offset %" PRId64 ": %s", p->path,
                            p->base + (int64_t)p->pos, msg);
}

static int peek(const parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void skip_space(parser *p)
{
    /* Python's whitespace: space, \t \n \v \f \r. */
    for (int c = peek(p); c == ' ' || (c >= '\t' && c <= '\r'); c = peek(p))
        p->pos++;
}

/* What is at the cursor, for "expected X, found Y" messages. */
static const char *describe(const parser *p, char *buf, size_t cap)
{
    int c = peek(p);
    if (c < 0) return "the end of the header";
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02x", (unsigned)c);
    return buf;
}

static int expect_char(parser *p, char c, const char *what)
{
    skip_space(p);
    if (peek(p) == (unsigned char)c) {
        p->pos++;
        return CHORUS_OK;
    }
    char buf[16];
    return fail(p, "expected '%c' %s, found %s", c, what, describe(p, buf, sizeof buf));
}

/* A quoted string without escapes (none of the three keys or plain dtypes need them). */
static int parse_string(parser *p, char *out, size_t cap)
{
    skip_space(p);
    int quote = peek(p);
    if (quote != '\'' && quote != '"') {
        char buf[16];
        return fail(p, "expected a quoted string, found %s", describe(p, buf, sizeof buf));
    }
    size_t start = p->pos++;
    size_t n = 0;
    for (;;) {
        int c = peek(p);
        if (c < 0 || c == '\n') {
            p->pos = start;
            return fail(p, "unterminated string");
        }
        if (c == quote) break;
        if (c == '\\') return fail(p, "escape sequences in strings are not supported");
        if (c < 0x20 || c >= 0x7f)
            return fail(p, "unexpected byte 0x%02x in a string", (unsigned)c);
        if (n + 1 >= cap) {
            p->pos = start;
            return fail(p, "string longer than %zu bytes", cap - 1);
        }
        out[n++] = (char)c;
        p->pos++;
    }
    p->pos++;
    out[n] = '\0';
    return CHORUS_OK;
}

static int is_ident_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int parse_bool(parser *p, bool *out)
{
    skip_space(p);
    size_t start = p->pos;
    while (is_ident_char(peek(p)))
        p->pos++;
    size_t n = p->pos - start;
    if (n == 4 && memcmp(p->s + start, "True", 4) == 0)
        *out = true;
    else if (n == 5 && memcmp(p->s + start, "False", 5) == 0)
        *out = false;
    else {
        p->pos = start;
        char buf[16];
        return fail(p, "'fortran_order' must be True or False, found %s",
                    describe(p, buf, sizeof buf));
    }
    return CHORUS_OK;
}

/* A non-negative dimension; a Python 2 "L" suffix is allowed, as NumPy allows it. */
static int parse_dim(parser *p, int64_t *out)
{
    skip_space(p);
    size_t start = p->pos;
    bool negative = peek(p) == '-';
    if (negative || peek(p) == '+') p->pos++;
    int c = peek(p);
    if (c < '0' || c > '9') {
        p->pos = start;
        char buf[16];
        return fail(p, "expected an integer in 'shape', found %s", describe(p, buf, sizeof buf));
    }
    int64_t value = 0;
    bool overflow = false;
    while ((c = peek(p)) >= '0' && c <= '9') {
        if (value > (INT64_MAX - (c - '0')) / 10)
            overflow = true;
        else
            value = value * 10 + (c - '0');
        p->pos++;
    }
    if (peek(p) == 'L' || peek(p) == 'l') p->pos++;
    if (overflow) {
        p->pos = start;
        return fail(p, "dimension in 'shape' is larger than %" PRId64, INT64_MAX);
    }
    if (negative && value != 0) {
        p->pos = start;
        return fail(p, "negative dimension -%" PRId64 " in 'shape'", value);
    }
    *out = value;
    return CHORUS_OK;
}

/* A tuple of dimensions: "()", "(3,)", "(3, 4)", "(3, 4,)". */
static int parse_shape(parser *p, chorus_npy_header *hdr)
{
    skip_space(p);
    if (peek(p) != '(') {
        char buf[16];
        return fail(p, "'shape' must be a tuple of integers, found %s",
                    describe(p, buf, sizeof buf));
    }
    size_t open = p->pos++;
    int ndim = 0;
    bool trailing_comma = false;
    for (;;) {
        skip_space(p);
        if (peek(p) == ')') break;
        if (ndim == CHORUS_NPY_MAX_DIMS)
            return fail(p, "'shape' has more than %d dimensions", CHORUS_NPY_MAX_DIMS);
        int rc = parse_dim(p, &hdr->shape[ndim]);
        if (rc) return rc;
        ndim++;
        skip_space(p);
        trailing_comma = peek(p) == ',';
        if (trailing_comma)
            p->pos++;
        else if (peek(p) != ')') {
            char buf[16];
            return fail(p, "expected ',' or ')' in 'shape', found %s",
                        describe(p, buf, sizeof buf));
        }
    }
    if (ndim == 1 && !trailing_comma) {
        p->pos = open;
        return fail(p, "'shape' is a parenthesised integer, not a tuple; expected (n,)");
    }
    p->pos++;
    hdr->ndim = ndim;
    return CHORUS_OK;
}

/* Skips a structured dtype's list of fields, keeping its text for the caller's message. */
static int skip_list(parser *p, char *out, size_t cap)
{
    size_t start = p->pos;
    int depth = 0;
    do {
        int c = peek(p);
        if (c < 0) {
            p->pos = start;
            return fail(p, "unterminated list in 'descr'");
        }
        if (c == '\'' || c == '"') {
            char tmp[256];
            int rc = parse_string(p, tmp, sizeof tmp);
            if (rc) return rc;
            continue;
        }
        if (c == '[' || c == '(') depth++;
        if (c == ']' || c == ')') depth--;
        p->pos++;
    } while (depth > 0);
    size_t n = p->pos - start;
    if (n >= cap) {
        n = cap - 4;
        memcpy(out + n, "...", 4);
    } else {
        out[n] = '\0';
    }
    memcpy(out, p->s + start, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f) out[i] = ' ';
    return CHORUS_OK;
}

static char host_order(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first ? '<' : '>';
}

/* Splits a simple dtype string ("<i4", "|b1", "f8") into order, kind and size. */
static void classify_descr(chorus_npy_header *hdr)
{
    const char *d = hdr->descr;
    char order = '=';
    if (*d && strchr("<>|=", *d)) order = *d++;
    if (!((*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z'))) return;
    char kind = *d++;
    int size = 0;
    if (*d < '1' || *d > '9') return;
    while (*d >= '0' && *d <= '9' && size < 100000)
        size = size * 10 + (*d++ - '0');
    if (*d) return; /* e.g. "<M8[ns]": not a plain number type */
    if (order == '=') order = size == 1 ? '|' : host_order();
    hdr->byte_order = order;
    hdr->kind = kind;
    hdr->itemsize = size;
}

enum { KEY_DESCR = 1, KEY_FORTRAN = 2, KEY_SHAPE = 4 };

static int parse_entry(parser *p, chorus_npy_header *hdr, unsigned *seen)
{
    size_t key_pos;
    skip_space(p);
    key_pos = p->pos;
    char key[32];
    int rc = parse_string(p, key, sizeof key);
    if (rc) return rc;
    unsigned bit = strcmp(key, "descr") == 0           ? KEY_DESCR
                   : strcmp(key, "fortran_order") == 0 ? KEY_FORTRAN
                   : strcmp(key, "shape") == 0         ? KEY_SHAPE
                                                       : 0;
    if (!bit) {
        p->pos = key_pos;
        return fail(p, "unexpected key '%s'; expected 'descr', 'fortran_order' and 'shape'", key);
    }
    if (*seen & bit) {
        p->pos = key_pos;
        return fail(p, "key '%s' appears twice", key);
    }
    *seen |= bit;
    rc = expect_char(p, ':', "after a key");
    if (rc) return rc;
    skip_space(p);
    if (bit == KEY_FORTRAN) return parse_bool(p, &hdr->fortran_order);
    if (bit == KEY_SHAPE) return parse_shape(p, hdr);
    if (peek(p) == '[') return skip_list(p, hdr->descr, sizeof hdr->descr);
    rc = parse_string(p, hdr->descr, sizeof hdr->descr);
    if (!rc) classify_descr(hdr);
    return rc;
}

int chorus_npy_parse_header(chorus_npy_header *hdr, const char *text, size_t len, const char *path,
                            int64_t base_offset)
{
    int major = hdr->major, minor = hdr->minor;
    memset(hdr, 0, sizeof *hdr);
    hdr->major = major;
    hdr->minor = minor;
    parser p = {text, len, 0, path, base_offset};
    int rc = expect_char(&p, '{', "at the start of the header dict");
    if (rc) return rc;
    unsigned seen = 0;
    for (;;) {
        skip_space(&p);
        if (peek(&p) == '}') break;
        rc = parse_entry(&p, hdr, &seen);
        if (rc) return rc;
        skip_space(&p);
        if (peek(&p) == ',')
            p.pos++;
        else if (peek(&p) != '}') {
            char buf[16];
            return fail(&p, "expected ',' or '}' after a value, found %s",
                        describe(&p, buf, sizeof buf));
        }
    }
    static const struct {
        unsigned bit;
        const char *name;
    } keys[] = {{KEY_DESCR, "descr"}, {KEY_FORTRAN, "fortran_order"}, {KEY_SHAPE, "shape"}};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (!(seen & keys[k].bit)) return fail(&p, "the header dict has no '%s' key", keys[k].name);
    p.pos++;
    skip_space(&p);
    if (p.pos < p.len) {
        char buf[16];
        return fail(&p, "unexpected %s after the header dict", describe(&p, buf, sizeof buf));
    }
    hdr->n_elements = 1;
    for (int d = 0; d < hdr->ndim; d++) {
        int64_t dim = hdr->shape[d];
        if (dim != 0 && hdr->n_elements > INT64_MAX / dim) {
            char shape[256];
            chorus_npy_shape_string(hdr, shape, sizeof shape);
            return chorus_error_set(
                CHORUS_EFORMAT, "%s: shape %s has more elements than fit in 64 bits", path, shape);
        }
        hdr->n_elements *= dim;
    }
    return CHORUS_OK;
}

void chorus_npy_shape_string(const chorus_npy_header *hdr, char *buf, size_t cap)
{
    char tmp[CHORUS_NPY_MAX_DIMS * 24 + 8];
    size_t n = 0;
    tmp[n++] = '(';
    for (int d = 0; d < hdr->ndim; d++)
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%s%" PRId64, d ? ", " : "", hdr->shape[d]);
    snprintf(tmp + n, sizeof tmp - n, "%s", hdr->ndim == 1 ? ",)" : ")");
    snprintf(buf, cap, "%s", tmp);
}

/* ---- Reading ---- */

static int read_error(chorus_npy_reader *r, size_t got, int64_t want_end)
{
    if (ferror(r->fp))
        return chorus_error_set(CHORUS_EIO, "%s: read error at byte offset %" PRId64 ": %s",
                                r->path, r->offset + (int64_t)got, strerror(errno));
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: truncated: the file ends at byte offset %" PRId64
                            ", expected at least %" PRId64 " bytes",
                            r->path, r->offset + (int64_t)got, want_end);
}

int chorus_npy_read(chorus_npy_reader *r, void *buf, size_t len)
{
    size_t got = fread(buf, 1, len, r->fp);
    if (got != len) return read_error(r, got, r->offset + (int64_t)len);
    r->offset += (int64_t)len;
    return CHORUS_OK;
}

int chorus_npy_open(chorus_npy_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->file_size = -1;
    char *text = NULL;
    int rc = CHORUS_OK;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return chorus_error_set(CHORUS_EIO, "%s: is a directory, expected a file", path);
    r->fp = fopen(path, "rb");
    if (!r->fp) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(r->fp), &st) == 0 && S_ISREG(st.st_mode)) r->file_size = st.st_size;

    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, r->fp);
    size_t cmp = got < MAGIC_LEN ? got : MAGIC_LEN;
    if (ferror(r->fp)) {
        rc = read_error(r, got, 10);
        goto done;
    }
    if (memcmp(pre, MAGIC, cmp) != 0) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: not a .npy file: bad magic at byte offset 0 "
                              "(expected \\x93NUMPY)",
                              path);
        goto done;
    }
    if (got < 10) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: truncated: the file has %zu bytes, too few for a .npy header "
                              "(at least 10)",
                              path, got);
        goto done;
    }
    r->hdr.major = pre[6];
    r->hdr.minor = pre[7];
    if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: unsupported .npy format version %d.%d at byte offset 6; "
                              "expected 1.0, 2.0 or 3.0",
                              path, pre[6], pre[7]);
        goto done;
    }
    r->offset = 10;
    uint32_t hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8;
    if (pre[6] >= 2) {
        rc = chorus_npy_read(r, pre + 10, 2);
        if (rc) goto done;
        hlen |= (uint32_t)pre[10] << 16 | (uint32_t)pre[11] << 24;
    }
    int64_t start = r->offset;
    if (r->file_size >= 0 && start + (int64_t)hlen > r->file_size) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: truncated: the header length at byte offset 8 says %" PRIu32
                              " bytes, running past the end of the file (%" PRId64 " bytes)",
                              path, hlen, r->file_size);
        goto done;
    }
    if (hlen > CHORUS_NPY_MAX_HEADER_BYTES) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: the header length at byte offset 8 says %" PRIu32
                              " bytes, more than the %d allowed",
                              path, hlen, CHORUS_NPY_MAX_HEADER_BYTES);
        goto done;
    }
    text = malloc(hlen ? hlen : 1);
    if (!text) {
        rc = chorus_error_nomem();
        goto done;
    }
    rc = chorus_npy_read(r, text, hlen);
    if (!rc) rc = chorus_npy_parse_header(&r->hdr, text, hlen, path, start);
    r->hdr.data_offset = r->offset;
done:
    free(text);
    if (rc) chorus_npy_close(r);
    return rc;
}

int chorus_npy_expect_data(chorus_npy_reader *r)
{
    const chorus_npy_header *h = &r->hdr;
    char shape[256];
    chorus_npy_shape_string(h, shape, sizeof shape);
    if (h->itemsize <= 0)
        return chorus_error_set(CHORUS_EINTERNAL, "%s: dtype '%s' has no item size", r->path,
                                h->descr);
    if (h->n_elements > (INT64_MAX - h->data_offset) / h->itemsize)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: shape %s of dtype '%s' needs more bytes than fit in 64 bits",
                                r->path, shape, h->descr);
    int64_t bytes = h->n_elements * h->itemsize;
    r->data_end = h->data_offset + bytes;
    if (r->file_size >= 0 && r->file_size < r->data_end)
        return chorus_error_set(
            CHORUS_EFORMAT,
            "%s: truncated: shape %s of dtype '%s' needs %" PRId64
            " bytes of data after the %" PRId64 "-byte header, a file of %" PRId64
            " bytes, but the file has %" PRId64 " bytes",
            r->path, shape, h->descr, bytes, h->data_offset, r->data_end, r->file_size);
    if (r->file_size > r->data_end)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %" PRId64 " unexpected bytes after the array data at byte "
                                "offset %" PRId64 " (shape %s of dtype '%s')",
                                r->path, r->file_size - r->data_end, r->data_end, shape, h->descr);
    return CHORUS_OK;
}

int chorus_npy_finish(chorus_npy_reader *r)
{
    /* Regular files were checked against their size; this catches pipes. */
    if (fgetc(r->fp) != EOF)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: unexpected bytes after the array data at byte offset %" PRId64,
                                r->path, r->offset);
    if (ferror(r->fp))
        return chorus_error_set(CHORUS_EIO, "%s: read error at byte offset %" PRId64 ": %s",
                                r->path, r->offset, strerror(errno));
    return CHORUS_OK;
}

void chorus_npy_close(chorus_npy_reader *r)
{
    if (r->fp) fclose(r->fp);
    r->fp = NULL;
}

/* ---- Writing ---- */

int chorus_npy_write_header(FILE *fp, const char *path, const char *descr, int ndim,
                            const int64_t *shape)
{
    if (ndim < 0 || ndim > CHORUS_NPY_MAX_DIMS || strlen(descr) > 16)
        return chorus_error_set(CHORUS_EINTERNAL, "%s: cannot write dtype '%s' with %d dimensions",
                                path, descr, ndim);
    /* Room for the magic, the dict with 32 dimensions of 20 digits, and 64 bytes of padding;
     * the checks above keep every write below inside it. */
    char buf[1536];
    size_t n = 12; /* filled in last, once the version is known */
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          "{'descr': '%s', 'fortran_order': False, "
                          "'shape': (",
                          descr);
    for (int d = 0; d < ndim; d++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%" PRId64, d ? ", " : "", shape[d]);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s), }", ndim == 1 ? "," : "");
    if (ndim > 0) {
        char first[24];
        int digits = snprintf(first, sizeof first, "%" PRId64, shape[0]);
        for (int i = digits; i < GROWTH_AXIS_MAX_DIGITS; i++)
            buf[n++] = ' ';
    }
    size_t dict_len = n - 12;
    /* Like NumPy: 1.0 (2-byte length) unless the padded header does not fit in it. */
    size_t prefix = 10;
    size_t hlen = dict_len + 1;
    size_t pad = ARRAY_ALIGN - (prefix + hlen) % ARRAY_ALIGN;
    if (hlen + pad > 65535) {
        prefix = 12;
        pad = ARRAY_ALIGN - (prefix + hlen) % ARRAY_ALIGN;
    }
    if (12 + dict_len + pad + 1 > sizeof buf)
        return chorus_error_set(CHORUS_EINTERNAL, "%s: .npy header too long", path);
    memset(buf + n, ' ', pad);
    n += pad;
    buf[n++] = '\n';
    size_t total = hlen + pad;
    char *head = buf + 12 - prefix;
    memcpy(head, MAGIC, MAGIC_LEN);
    head[6] = prefix == 10 ? 1 : 2;
    head[7] = 0;
    for (size_t i = 0; i < prefix - 8; i++)
        head[8 + i] = (char)(total >> (8 * i) & 0xff);
    if (fwrite(head, 1, n - (12 - prefix), fp) != n - (12 - prefix))
        return chorus_error_set(CHORUS_EWRITE, "%s: write failed: %s", path, strerror(errno));
    return CHORUS_OK;
}
