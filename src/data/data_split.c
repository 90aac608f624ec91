/*
 * Splitting a data file into byte ranges on record boundaries (chorus/data_range.h). A point
 * of a CSV file is inside a quoted field when an odd number of quotes precede it (RFC 4180
 * doubles a quote inside quotes), so the state at each chunk's start follows from a prefix
 * over the chunks' quote counts, and from there the first line end outside quotes is a
 * record boundary. Rows are counted the same way: each row of the file (a record, a bad row,
 * a blank line) ends with one line end outside quotes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "core/path.h"
#include "data/dataset_internal.h"

#define SCAN_BUFFER ((size_t)1 << 20)

/* Sequential bytes of a file from an offset, with one byte of lookahead. */
typedef struct byte_reader {
    FILE *fp;
    const char *path;
    unsigned char *buf;
    size_t pos, len;
    int64_t offset; /* of buf[pos] */
    int error;
} byte_reader;

static int reader_open(byte_reader *r, const char *path, int64_t offset)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->offset = offset;
    if (!(r->buf = malloc(SCAN_BUFFER))) return chorus_error_nomem();
    r->fp = fopen(path, "rb");
    if (!r->fp || fseeko(r->fp, (off_t)offset, SEEK_SET) != 0) {
        int rc = chorus_error_set(CHORUS_EIO, "%s: cannot read from byte %" PRId64 ": %s", path,
                                  offset, strerror(errno));
        if (r->fp) fclose(r->fp);
        free(r->buf);
        return rc;
    }
    return CHORUS_OK;
}

static void reader_close(byte_reader *r)
{
    if (r->fp) fclose(r->fp);
    free(r->buf);
}

/* The byte at the reader's offset (not consumed), or -1 at the end of the file. */
static int peek(byte_reader *r)
{
    if (r->pos == r->len) {
        r->len = fread(r->buf, 1, SCAN_BUFFER, r->fp);
        r->pos = 0;
        if (r->len == 0) {
            if (ferror(r->fp)) r->error = 1;
            return -1;
        }
    }
    return r->buf[r->pos];
}

static int next_byte(byte_reader *r)
{
    int c = peek(r);
    if (c >= 0) {
        r->pos++;
        r->offset++;
    }
    return c;
}

static int read_error(const byte_reader *r)
{
    return chorus_error_set(CHORUS_EIO, "%s: read error near byte %" PRId64 ": %s", r->path,
                            r->offset, strerror(errno));
}

/* Whether byte c (followed by the reader's next byte) ends a line: LF, or a CR not followed by
 * LF (CSV, TSV); LF only (JSONL). */
static int is_line_end(byte_reader *r, int c, int jsonl)
{
    if (c == '\n') return 1;
    if (c != '\r' || jsonl) return 0;
    return peek(r) != '\n';
}

/* Counts of bytes [from, to) (to = -1: the end of the file). */
static int count_bytes(chorus_data_split_counts *out, const char *path, int jsonl, int64_t from,
                       int64_t to)
{
    byte_reader r;
    int rc = reader_open(&r, path, from);
    if (rc) return rc;
    int64_t quotes = 0, line_ends = 0, outside = 0;
    int in_quotes = 0;
    while (to < 0 || r.offset < to) {
        int c = next_byte(&r);
        if (c < 0) break;
        if (c == '"' && !jsonl) {
            quotes++;
            in_quotes ^= 1;
        } else if (is_line_end(&r, c, jsonl)) {
            line_ends++;
            if (!in_quotes) outside++;
        }
    }
    if (r.error) rc = read_error(&r);
    reader_close(&r);
    out->quotes = quotes;
    out->line_ends = line_ends;
    out->record_ends[0] = outside;
    out->record_ends[1] = jsonl ? outside : line_ends - outside;
    return rc;
}

static int64_t file_size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* Chunk `rank` of n of a file of `size` bytes begins here. */
static int64_t chunk_start(int64_t size, int32_t rank, int32_t n)
{
    return size / n * rank + size % n * rank / n;
}

static int check_args(const char *path, const chorus_data_options *opts, int32_t rank, int32_t n,
                      int *jsonl, int64_t *size)
{
    chorus_data_options defaults = CHORUS_DATA_OPTIONS_INIT;
    if (!path) return chorus_error_set(CHORUS_EINVAL, "data split: the path is required");
    if (n < 1 || rank < 0 || rank >= n)
        return chorus_error_set(CHORUS_EINVAL,
                                "data split: range %" PRId32 " of %" PRId32
                                " does not exist; expected 0 <= range < n, n >= 1",
                                rank, n);
    chorus_data_format format;
    int rc = chorus_data_resolve_format(path, opts ? opts : &defaults, &format);
    if (!rc) rc = chorus_path_check_regular(path, "the data");
    if (rc) return rc;
    *jsonl = format == CHORUS_DATA_JSONL;
    *size = file_size_of(path);
    if (*size < 0)
        return chorus_error_set(CHORUS_EIO, "%s: cannot stat: %s", path, strerror(errno));
    return CHORUS_OK;
}

int chorus_data_split_scan(chorus_data_split_counts *out, const char *path,
                           const chorus_data_options *opts, int32_t rank, int32_t n)
{
    int jsonl = 0;
    int64_t size = 0;
    int rc = check_args(path, opts, rank, n, &jsonl, &size);
    if (rc) return rc;
    return count_bytes(out, path, jsonl, chunk_start(size, rank, n),
                       chunk_start(size, rank + 1, n));
}

void chorus_data_split_counts_add(chorus_data_split_counts *acc,
                                  const chorus_data_split_counts *next)
{
    const int parity = (int)(acc->quotes & 1);
    acc->record_ends[0] += next->record_ends[parity];
    acc->record_ends[1] += next->record_ends[parity ^ 1];
    acc->quotes += next->quotes;
    acc->line_ends += next->line_ends;
}

/* Where the records of a CSV or TSV file start (after the header), and the line and the line
 * ends outside quotes before that point. */
static int header_end(const char *path, const chorus_data_options *opts, int64_t *start,
                      chorus_data_split_counts *before)
{
    chorus_dataset *fields = NULL;
    csv_stream *s = NULL;
    chorus_data_format format;
    int rc = chorus_dataset_new(&fields);
    if (!rc) rc = chorus_data_resolve_format(path, opts, &format);
    if (!rc)
        rc = csv_stream_open(&s, path, opts->skip_bad_rows, format == CHORUS_DATA_TSV ? '\t' : ',',
                             NULL, fields);
    if (!rc) *start = csv_stream_data_start(s);
    csv_stream_close(s);
    chorus_dataset_free(fields);
    return rc ? rc : count_bytes(before, path, 0, 0, *start);
}

int chorus_data_split_locate(chorus_data_range *out, const char *path,
                             const chorus_data_options *opts, int32_t rank, int32_t n,
                             const chorus_data_split_counts *before)
{
    chorus_data_options defaults = CHORUS_DATA_OPTIONS_INIT;
    int jsonl = 0;
    int64_t size = 0;
    if (!opts) opts = &defaults;
    int rc = check_args(path, opts, rank, n, &jsonl, &size);
    if (rc) return rc;
    *out = (chorus_data_range){0, -1, 1, 0};
    if (rank == 0) return CHORUS_OK;
    byte_reader r;
    if ((rc = reader_open(&r, path, chunk_start(size, rank, n)))) return rc;
    int in_quotes = jsonl ? 0 : (int)(before->quotes & 1);
    int64_t line = 1 + before->line_ends, row = before->record_ends[0];
    /* The first line end outside quotes... */
    for (;;) {
        int c = next_byte(&r);
        if (c < 0) break;
        if (c == '"' && !jsonl) {
            in_quotes ^= 1;
        } else if (is_line_end(&r, c, jsonl)) {
            line++;
            if (!in_quotes) {
                row++;
                break;
            }
        }
    }
    /* ...then past the blank lines after it, so that a range never starts with blank lines
     * (which are rows of the range before, between its records and the next range's). */
    int64_t begin = r.offset;
    for (;;) {
        int c = next_byte(&r);
        if (c < 0) {
            /* Only blank lines (or whitespace) up to the end: they trail the last record. */
            begin = r.offset;
            break;
        }
        if (jsonl && (c == ' ' || c == '\t' || c == '\r')) continue;
        if (c == '\r' && peek(&r) == '\n') continue; /* the CR of a CRLF: its LF ends the line */
        if (!is_line_end(&r, c, jsonl)) break;
        line++;
        row++;
        begin = r.offset;
    }
    if (r.error) rc = read_error(&r);
    reader_close(&r);
    if (rc) return rc;
    if (!jsonl) {
        int64_t data_start;
        chorus_data_split_counts head = CHORUS_DATA_SPLIT_COUNTS_INIT;
        if ((rc = header_end(path, opts, &data_start, &head))) return rc;
        if (begin <= data_start) {
            begin = data_start;
            line = 1 + head.line_ends;
            row = 0;
        } else {
            row -= head.record_ends[0];
        }
    }
    out->begin = begin;
    out->first_line = line;
    out->first_row = row;
    return CHORUS_OK;
}

int chorus_data_split(chorus_data_range *ranges, int32_t n, const char *path,
                      const chorus_data_options *opts)
{
    if (!ranges) return chorus_error_set(CHORUS_EINVAL, "data split: ranges is required");
    chorus_data_split_counts before = CHORUS_DATA_SPLIT_COUNTS_INIT;
    for (int32_t r = 0; r < n; r++) {
        chorus_data_split_counts chunk;
        int rc = chorus_data_split_locate(&ranges[r], path, opts, r, n, &before);
        if (!rc) rc = chorus_data_split_scan(&chunk, path, opts, r, n);
        if (rc) return rc;
        chorus_data_split_counts_add(&before, &chunk);
        if (r > 0) ranges[r - 1].end = ranges[r].begin;
    }
    if (n < 1) return chorus_error_set(CHORUS_EINVAL, "data split: n must be at least 1");
    ranges[n - 1].end = file_size_of(path);
    return CHORUS_OK;
}
