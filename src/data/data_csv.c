/*
 * RFC 4180 CSV datasets, and TSV the same way with tabs. The file is read in large chunks and
 * parsed record by record straight into the dataset's arena; a record cut by the end of a chunk is
 * parsed again once the rest is in the buffer, which happens once per chunk and keeps the parser
 * free of resumable state. Records may span lines (newlines inside quotes), so unlike the
 * vote-matrix readers this one cannot work line by line. LF, CRLF and CR (old Mac) all end
 * a line outside quotes. The same reader streams: a batch of records at a time into a fresh
 * dataset, from a byte range of the file when asked (the header is always read first).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "data/dataset_internal.h"
#include "io/text_reader.h"

/* Large enough that refills (and re-parsing a cut record) are rare. */
#define CSV_CHUNK (1u << 20)

enum { REC_OK, REC_BLANK, REC_MORE, REC_END, REC_BAD };

typedef struct csv_reader {
    FILE *fp;
    const char *path;
    char delimiter;
    unsigned char plain_stop[256]; /* bytes that end a run of plain text outside quotes */
    char *buf;
    size_t cap;   /* bytes allocated; one is kept for the sentinel NUL at buf[end] */
    size_t pos;   /* start of the input not yet parsed */
    size_t end;   /* end of the input read so far */
    int eof;      /* nothing more to read */
    int64_t line; /* physical line number at buf[pos] */
    int64_t base; /* file offset of buf[0] */

    /* A record parsed by parse_record, committed (or not) by the caller. */
    size_t next_pos;
    int64_t next_line;
    int64_t n_cells;
    size_t arena_end;

    /* A malformed record: where to start skipping, and why. */
    size_t bad_pos;
    int64_t bad_line;
    char message[512];
} csv_reader;

/* Bytes that end a run of text inside quotes. */
static const unsigned char quoted_stop[256] = {['\0'] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1};

/* Moves the unparsed tail to the front and reads more after it, growing a full buffer. */
static int fill(csv_reader *r)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->base += (int64_t)r->pos;
        r->pos = 0;
    }
    if (r->end + 1 >= r->cap) {
        /* The buffer is full of one record: refuse a record past the limit rather than
         * reading a file with no line end (or an unclosed quote) into memory. */
        if (r->end >= DATASET_MAX_RECORD_BYTES)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": a record longer than %zu MiB; expected "
                                    "shorter records (is a quote left open, or is this not a %s "
                                    "file?)",
                                    r->path, r->line, DATASET_MAX_RECORD_BYTES >> 20,
                                    r->delimiter == ',' ? "CSV" : "TSV");
        size_t cap = r->cap ? r->cap * 2 : CSV_CHUNK;
        if (cap > DATASET_MAX_RECORD_BYTES + 2) cap = DATASET_MAX_RECORD_BYTES + 2;
        char *buf = realloc(r->buf, cap);
        if (!buf) return chorus_error_nomem();
        r->buf = buf;
        r->cap = cap;
    }
    size_t want = r->cap - 1 - r->end;
    size_t got = fread(r->buf + r->end, 1, want, r->fp);
    r->end += got;
    r->buf[r->end] = '\0';
    if (got < want) {
        if (ferror(r->fp))
            return chorus_error_set(CHORUS_EIO, "%s: read error near line %" PRId64 ": %s", r->path,
                                    r->line, strerror(errno));
        r->eof = 1;
    }
    return CHORUS_OK;
}

/* Describes a malformed record in r->message and notes where to resume; returns REC_BAD. */
static int bad(csv_reader *r, const char *at, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(csv_reader *r, const char *at, int64_t line, const char *fmt, ...)
{
    r->bad_pos = (size_t)(at - r->buf);
    r->bad_line = line;
    int n = snprintf(r->message, sizeof r->message, "%s:%" PRId64 ": ", r->path, line);
    if (n < 0 || (size_t)n >= sizeof r->message) return REC_BAD;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message + n, sizeof r->message - (size_t)n, fmt, ap);
    va_end(ap);
    return REC_BAD;
}

/* "field 3 (text)" once the header is known, "field 3" while reading it. */
static const char *field_label(const chorus_dataset *ds, int64_t n, char *buf, size_t size)
{
    if (n < ds->n_fields)
        snprintf(buf, size, "field %" PRId64 " (%.60s)", n + 1, ds->names[n]);
    else
        snprintf(buf, size, "field %" PRId64, n + 1);
    return buf;
}

/*
 * Parses the record at buf[pos], storing the offsets of its first max_cells values in
 * cells and the values in the arena past arena_len (the caller reserved room for the whole
 * buffer). Counts every field in n_cells. Returns REC_MORE when the record may go on past
 * the data read so far, in which case nothing is consumed.
 */
static int parse_record(csv_reader *r, chorus_dataset *ds, int64_t *cells, int64_t max_cells)
{
    const char *p = r->buf + r->pos, *const end = r->buf + r->end;
    const int eof = r->eof;
    int64_t line = r->line, n = 0;
    char *const arena = ds->arena, *dst = arena + ds->arena_len;
    char label[96];

    if (p == end) return eof ? REC_END : REC_MORE;
    if (p[0] == '\r' && p + 1 == end && !eof) return REC_MORE;
    if (p[0] == '\n' || p[0] == '\r') {
        r->next_pos = r->pos + (p[0] == '\r' && p[1] == '\n' ? 2 : 1);
        r->next_line = line + 1;
        return REC_BLANK;
    }
    for (;;) {
        char *field = dst;
        if (*p == '"') {
            const char *open = p;
            int64_t open_line = line;
            p++;
            for (;;) {
                const char *q = p;
                while (!quoted_stop[(unsigned char)*q])
                    q++;
                memcpy(dst, p, (size_t)(q - p));
                dst += q - p;
                p = q;
                if (*p == '"') {
                    if (p + 1 == end && !eof) return REC_MORE;
                    if (p[1] != '"') break;
                    *dst++ = '"';
                    p += 2;
                } else if (*p == '\n') {
                    *dst++ = '\n';
                    p++;
                    line++;
                } else if (*p == '\r') {
                    if (p + 1 == end && !eof) return REC_MORE;
                    *dst++ = '\r';
                    p++;
                    if (*p != '\n') line++; /* a CR line end; a CRLF's is counted at its LF */
                } else if (p < end) {
                    return bad(r, p, line, "%s contains a NUL byte; expected text",
                               field_label(ds, n, label, sizeof label));
                } else if (!eof) {
                    return REC_MORE;
                } else {
                    return bad(r, open, open_line,
                               "%s: the quote opening this field is never closed",
                               field_label(ds, n, label, sizeof label));
                }
            }
            p++; /* the closing quote */
        } else {
            for (;;) {
                const char *q = p;
                while (!r->plain_stop[(unsigned char)*q])
                    q++;
                memcpy(dst, p, (size_t)(q - p));
                dst += q - p;
                p = q;
                if (*p == '"')
                    return bad(r, p, line,
                               "%s: a quote inside an unquoted field; quote the whole field "
                               "and double the quotes inside it",
                               field_label(ds, n, label, sizeof label));
                if (*p == '\0' && p < end)
                    return bad(r, p, line, "%s contains a NUL byte; expected text",
                               field_label(ds, n, label, sizeof label));
                break;
            }
        }
        if (n < max_cells) {
            *dst++ = '\0';
            cells[n] = field - arena;
        } else {
            dst = field; /* a surplus field of a ragged row: counted, not kept */
        }
        n++;
        if (p == end) {
            if (!eof) return REC_MORE;
            break;
        }
        if (*p == r->delimiter) {
            p++;
            continue;
        }
        if (*p == '\n') {
            p++;
            line++;
            break;
        }
        if (*p == '\r') {
            if (p + 1 == end && !eof) return REC_MORE;
            p += p[1] == '\n' ? 2 : 1;
            line++;
            break;
        }
        /* Only a quoted field can stop at anything else. */
        return bad(r, p, line,
                   "%s: text after the closing quote; a field is either wholly quoted or not "
                   "at all",
                   field_label(ds, n - 1, label, sizeof label));
    }
    r->next_pos = (size_t)(p - r->buf);
    r->next_line = line;
    r->n_cells = n;
    r->arena_end = (size_t)(dst - arena);
    return REC_OK;
}

static void commit(csv_reader *r)
{
    r->pos = r->next_pos;
    r->line = r->next_line;
}

/* After a malformed record: resumes at the line after the one where the problem is. */
static int skip_line(csv_reader *r)
{
    r->pos = r->bad_pos;
    r->line = r->bad_line;
    for (;;) {
        const char *p = r->buf + r->pos, *const end = r->buf + r->end;
        while (p < end && *p != '\n' && *p != '\r')
            p++;
        r->pos = (size_t)(p - r->buf);
        if (p < end && (*p == '\n' || p + 1 < end || r->eof)) {
            r->pos += *p == '\r' && p[1] == '\n' ? 2 : 1;
            r->line++;
            return CHORUS_OK;
        }
        if (p == end && r->eof) return CHORUS_OK;
        int rc = fill(r); /* keeps a CR at the end of the buffer to see what follows it */
        if (rc) return rc;
    }
}

/* Reads the header (blank lines before it are skipped) into the dataset's field names. */
static int read_header(csv_reader *r, chorus_dataset *ds)
{
    int64_t *cells = NULL, cap = 64;
    int rc = CHORUS_OK;
    cells = malloc((size_t)cap * sizeof *cells);
    if (!cells) return chorus_error_nomem();
    for (;;) {
        rc = chorus_dataset_reserve_arena(ds, r->end - r->pos + (size_t)cap + 1);
        if (rc) goto done;
        int res = parse_record(r, ds, cells, cap);
        if (res == REC_MORE) {
            rc = fill(r);
            if (rc) goto done;
        } else if (res == REC_BLANK) {
            commit(r);
        } else if (res == REC_END) {
            rc = chorus_error_set(CHORUS_EFORMAT, "%s: the file is %s; expected a header row",
                                  r->path, r->line > 1 ? "blank" : "empty");
            goto done;
        } else if (res == REC_BAD) {
            rc = chorus_error_set(CHORUS_EFORMAT, "%s (in the header)", r->message);
            goto done;
        } else if (r->n_cells > cap) {
            /* More names than cells: make room and parse the same header again. */
            if (r->n_cells > DATASET_MAX_FIELDS) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": the header has %" PRId64 " fields; "
                                      "expected at most %d",
                                      r->path, r->line, r->n_cells, DATASET_MAX_FIELDS);
                goto done;
            }
            cap = r->n_cells;
            int64_t *grown = realloc(cells, (size_t)cap * sizeof *cells);
            if (!grown) {
                rc = chorus_error_nomem();
                goto done;
            }
            cells = grown;
        } else {
            break;
        }
    }
    for (int64_t j = 0; j < r->n_cells; j++) {
        const char *name = ds->arena + cells[j];
        int32_t first;
        if (!name[0]) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": field %" PRId64 " of the header is empty; "
                                  "every column needs a name",
                                  r->path, r->line, j + 1);
            goto done;
        }
        rc = chorus_dataset_add_field(ds, name, strlen(name), &first);
        if (rc == 1) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": the header names \"%.60s\" twice (fields %d "
                                  "and %" PRId64 ")",
                                  r->path, r->line, name, first + 1, j + 1);
            goto done;
        }
        if (rc) goto done;
    }
    commit(r);

done:
    free(cells);
    return rc;
}

/* The size of an open regular file, or INT64_MAX when it cannot be told (ranges then end
 * only at the end of the file). */
static int64_t file_size(FILE *fp)
{
    struct stat st;
    return fstat(fileno(fp), &st) == 0 ? (int64_t)st.st_size : INT64_MAX;
}

struct csv_stream {
    chorus_text_reader file;
    csv_reader r;
    int skip_bad_rows;
    int32_t n_fields;
    int64_t data_start; /* file offset of the first byte after the header */
    int64_t end;        /* records starting at or past this offset belong to a later range */
    int64_t file_size;
    int skipping;
    /* Blank lines not yet followed by a record: an error (or skipped rows) if one comes. */
    int64_t blank_first, n_blank;
    int done;
};

int csv_stream_open(csv_stream **out, const char *path, int skip_bad_rows, char delimiter,
                    const chorus_data_range *range, chorus_dataset *fields)
{
    csv_stream *s = calloc(1, sizeof *s);
    if (!s) return chorus_error_nomem();
    csv_reader *r = &s->r;
    int rc = chorus_text_reader_open(&s->file, path);
    if (rc) {
        free(s);
        return rc;
    }
    s->skip_bad_rows = skip_bad_rows;
    s->end = range && range->end >= 0 ? range->end : INT64_MAX;
    s->file_size = file_size(s->file.fp);
    r->fp = s->file.fp;
    r->path = path;
    r->line = 1;
    r->delimiter = delimiter;
    r->plain_stop['\0'] = r->plain_stop['\n'] = r->plain_stop['\r'] = 1;
    r->plain_stop[(unsigned char)delimiter] = 1;
    /* TSV writers rarely quote, so there a quote inside an unquoted field is text. */
    if (delimiter == ',') r->plain_stop['"'] = 1;
    rc = fill(r);
    if (rc) goto done;
    if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
    /* Every range reads the header, so each knows the columns. */
    rc = read_header(r, fields);
    if (rc) goto done;
    s->n_fields = fields->n_fields;
    s->data_start = r->base + (int64_t)r->pos;
    if (range && range->begin > s->data_start) {
        if (fseeko(r->fp, (off_t)range->begin, SEEK_SET) != 0) {
            rc = chorus_error_set(CHORUS_EIO, "%s: cannot seek to byte %" PRId64 ": %s", path,
                                  range->begin, strerror(errno));
            goto done;
        }
        r->pos = r->end = 0;
        r->eof = 0;
        r->base = range->begin;
        r->line = range->first_line;
        rc = fill(r);
    }
done:
    if (rc) {
        csv_stream_close(s);
        return rc;
    }
    *out = s;
    return CHORUS_OK;
}

int64_t csv_stream_data_start(const csv_stream *s)
{
    return s->data_start;
}

int64_t csv_stream_offset(const csv_stream *s)
{
    return s->r.base + (int64_t)s->r.pos;
}

void csv_stream_close(csv_stream *s)
{
    if (!s) return;
    free(s->r.buf);
    chorus_text_reader_close(&s->file);
    free(s);
}

/* A record of this range that runs past its end: the split was not on a record boundary. */
static int crossed_end(const csv_stream *s)
{
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s:%" PRId64 ": the record at this line runs past byte %" PRId64
                            ", where the next range begins; the ranges do not start on record "
                            "boundaries (a quote inside an unquoted field?)",
                            s->r.path, s->r.line, s->end);
}

int csv_stream_next(csv_stream *s, chorus_dataset *ds, size_t max_bytes)
{
    csv_reader *r = &s->r;
    const int32_t n_fields = s->n_fields;
    const char *path = r->path;
    const int64_t batch_start = csv_stream_offset(s);
    int rc = CHORUS_OK;
    while (!s->done && (size_t)(csv_stream_offset(s) - batch_start) < max_bytes) {
        if (s->skipping) {
            rc = skip_line(r);
            if (rc) return rc;
            s->skipping = 0;
            if (csv_stream_offset(s) > s->end) return crossed_end(s);
        }
        rc = chorus_dataset_reserve_record(ds, 1);
        if (rc) return rc;
        rc = chorus_dataset_reserve_arena(ds, r->end - r->pos + (size_t)n_fields + 1);
        if (rc) return rc;
        int res = csv_stream_offset(s) >= s->end
                      ? REC_END
                      : parse_record(r, ds, ds->cells + ds->n_records * n_fields, n_fields);
        if (res == REC_END) {
            /* Blank lines at the end of a range that more records follow lie between
             * records, as they do in the whole file; at the end of the file they do not. */
            if (s->n_blank && s->end < s->file_size) {
                rc = chorus_dataset_blank_lines(ds, s->skip_bad_rows, path, s->blank_first,
                                                s->n_blank);
                if (rc) return rc;
            }
            s->n_blank = 0;
            s->done = 1;
            break;
        }
        if (res == REC_MORE) {
            rc = fill(r);
            if (rc) return rc;
            continue;
        }
        if (res == REC_BLANK) {
            if (s->n_blank++ == 0) s->blank_first = r->line;
            commit(r);
            continue;
        }
        if (s->n_blank) {
            rc = chorus_dataset_blank_lines(ds, s->skip_bad_rows, path, s->blank_first, s->n_blank);
            if (rc) return rc;
            s->n_blank = 0;
        }
        if (res == REC_BAD) {
            rc = chorus_dataset_bad_row(ds, s->skip_bad_rows, r->bad_line, r->message);
            if (rc) return rc;
            s->skipping = 1;
            continue;
        }
        if (r->base + (int64_t)r->next_pos > s->end) return crossed_end(s);
        if (r->n_cells != n_fields) {
            snprintf(r->message, sizeof r->message,
                     "%s:%" PRId64 ": %" PRId64 " fields, expected %" PRId32 " (the header's)",
                     path, r->line, r->n_cells, n_fields);
            rc = chorus_dataset_bad_row(ds, s->skip_bad_rows, r->line, r->message);
            if (rc) return rc;
            commit(r);
        } else {
            ds->lines[ds->n_records++] = r->line;
            ds->arena_len = r->arena_end;
            commit(r);
        }
    }
    return CHORUS_OK;
}

int chorus_dataset_read_csv(chorus_dataset *ds, const char *path, int skip_bad_rows, char delimiter)
{
    csv_stream *s = NULL;
    int rc = csv_stream_open(&s, path, skip_bad_rows, delimiter, NULL, ds);
    if (!rc) rc = csv_stream_next(s, ds, SIZE_MAX);
    if (!rc && ds->n_records == 0)
        rc = chorus_dataset_no_records(ds, path, "one or more rows after the header");
    csv_stream_close(s);
    return rc;
}
