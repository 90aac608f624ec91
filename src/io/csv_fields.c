#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "io/csv_fields.h"

static int push(chorus_csv_fields *out, const char *text, size_t len)
{
    if (out->max_fields && out->count == out->max_fields) return CHORUS_CSV_TOO_MANY_FIELDS;
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        chorus_csv_field *f = realloc(out->fields, cap * sizeof *f);
        if (!f) return chorus_error_nomem();
        out->fields = f;
        out->cap = cap;
    }
    out->fields[out->count].text = text;
    out->fields[out->count].len = len;
    out->count++;
    return 0;
}

int chorus_csv_split(chorus_csv_fields *out, const char *line, size_t len, size_t *bad_column)
{
    out->count = 0;
    if (!memchr(line, '"', len)) {
        /* The common case: no quotes, fields point straight into the line. */
        const char *start = line, *end = line + len;
        for (;;) {
            const char *comma = memchr(start, ',', (size_t)(end - start));
            const char *stop = comma ? comma : end;
            int rc = push(out, start, (size_t)(stop - start));
            if (rc) return rc;
            if (!comma) return 0;
            start = comma + 1;
        }
    }
    /* Quoted fields are unescaped into a scratch copy as long as the line. */
    if (out->unquoted_cap < len + 1) {
        char *u = realloc(out->unquoted, len + 1);
        if (!u) return chorus_error_nomem();
        out->unquoted = u;
        out->unquoted_cap = len + 1;
    }
    /* Offsets first: the scratch buffer must not move while fields point into it. */
    char *dst = out->unquoted;
    size_t i = 0;
    for (;;) {
        char *field = dst;
        if (i < len && line[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    *bad_column = out->count + 1;
                    return CHORUS_CSV_BAD_QUOTES;
                }
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        *dst++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *dst++ = line[i++];
            }
            if (i < len && line[i] != ',') {
                *bad_column = out->count + 1;
                return CHORUS_CSV_BAD_QUOTES;
            }
        } else {
            while (i < len && line[i] != ',') {
                if (line[i] == '"') {
                    *bad_column = out->count + 1;
                    return CHORUS_CSV_BAD_QUOTES;
                }
                *dst++ = line[i++];
            }
        }
        int rc = push(out, field, (size_t)(dst - field));
        if (rc) return rc;
        if (i >= len) return 0;
        i++; /* the comma */
    }
}

void chorus_csv_fields_free(chorus_csv_fields *fields)
{
    free(fields->fields);
    free(fields->unquoted);
    memset(fields, 0, sizeof *fields);
}

void chorus_csv_write_field(FILE *fp, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, fp);
        return;
    }
    fputc('"', fp);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

int chorus_csv_split_line(chorus_csv_fields *out, const char *line, size_t len, const char *path,
                          int64_t line_no)
{
    size_t bad;
    int rc = chorus_csv_split(out, line, len, &bad);
    if (rc == CHORUS_CSV_BAD_QUOTES)
        return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": column %zu: malformed quotes",
                                path, line_no, bad);
    if (rc == CHORUS_CSV_TOO_MANY_FIELDS)
        return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": more than %zu fields", path,
                                line_no, out->max_fields);
    return rc;
}
