#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/path.h"
#include "data/data_lines.h"

/* Large enough that refills are rare. */
#define LINES_CHUNK ((size_t)1 << 20)

int data_lines_open(data_lines *lines, const char *path, size_t max_line, const char *what)
{
    memset(lines, 0, sizeof *lines);
    lines->path = path;
    lines->max_line = max_line;
    int rc = chorus_path_check_regular(path, what);
    if (rc) return rc;
    lines->fp = fopen(path, "rb");
    if (!lines->fp)
        return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    return CHORUS_OK;
}

/* Moves the unread tail to the front and reads after it, growing a full buffer up to the
 * line limit (plus room for the line end and a NUL). */
static int fill(data_lines *lines)
{
    if (lines->pos > 0) {
        memmove(lines->buf, lines->buf + lines->pos, lines->end - lines->pos);
        lines->end -= lines->pos;
        lines->base += (int64_t)lines->pos;
        lines->pos = 0;
    }
    if (lines->end + 1 >= lines->cap) {
        if (lines->end > lines->max_line + 1)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": a line longer than %zu MiB; expected one "
                                    "record per line (is this a text file with line ends?)",
                                    lines->path, lines->line_no + 1, lines->max_line >> 20);
        size_t cap = lines->cap ? lines->cap * 2 : LINES_CHUNK;
        if (cap > lines->max_line + 3) cap = lines->max_line + 3;
        char *buf = realloc(lines->buf, cap);
        if (!buf) return chorus_error_nomem();
        lines->buf = buf;
        lines->cap = cap;
    }
    size_t want = lines->cap - 1 - lines->end;
    size_t got = fread(lines->buf + lines->end, 1, want, lines->fp);
    lines->end += got;
    if (got < want) {
        if (ferror(lines->fp))
            return chorus_error_set(CHORUS_EIO, "%s: read error after line %" PRId64 ": %s",
                                    lines->path, lines->line_no, strerror(errno));
        lines->eof = 1;
    }
    return CHORUS_OK;
}

int data_lines_next(data_lines *lines, char **line, size_t *len)
{
    size_t scanned = 0; /* bytes after pos already known to hold no line end */
    for (;;) {
        size_t avail = lines->end - lines->pos;
        /* An empty file never allocates the buffer. */
        char *start = lines->buf ? lines->buf + lines->pos : NULL;
        char *nl = avail > scanned ? memchr(start + scanned, '\n', avail - scanned) : NULL;
        if (!nl && !lines->eof) {
            scanned = avail;
            int rc = fill(lines);
            if (rc) return rc;
            continue;
        }
        if (!nl && avail == 0) return 0;
        size_t n = nl ? (size_t)(nl - start) : avail;
        if (n > lines->max_line) {
            lines->line_no++;
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": a line longer than %zu MiB; expected one "
                                    "record per line",
                                    lines->path, lines->line_no, lines->max_line >> 20);
        }
        lines->pos += nl ? n + 1 : n;
        lines->line_no++;
        if (n > 0 && start[n - 1] == '\r') n--;
        /* The byte after the line is its '\n' (or, at the end, spare room): it becomes NUL. */
        start[n] = '\0';
        if (memchr(start, '\0', n)) {
            chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": contains a NUL byte; expected text",
                             lines->path, lines->line_no);
            return DATA_LINES_NUL;
        }
        *line = start;
        *len = n;
        return 1;
    }
}

int data_lines_seek(data_lines *lines, int64_t offset, int64_t line_no)
{
    if (fseeko(lines->fp, (off_t)offset, SEEK_SET) != 0)
        return chorus_error_set(CHORUS_EIO, "%s: cannot seek to byte %" PRId64 ": %s", lines->path,
                                offset, strerror(errno));
    lines->pos = lines->end = 0;
    lines->eof = 0;
    lines->base = offset;
    lines->line_no = line_no;
    return CHORUS_OK;
}

int64_t data_lines_offset(const data_lines *lines)
{
    return lines->base + (int64_t)lines->pos;
}

void data_lines_close(data_lines *lines)
{
    if (lines->fp) fclose(lines->fp);
    free(lines->buf);
    memset(lines, 0, sizeof *lines);
}
