/* Reading text files line by line with bounded memory, whatever the line ends. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error_internal.h"
#include "io/text_reader.h"

int chorus_text_reader_open(chorus_text_reader *reader, const char *path)
{
    memset(reader, 0, sizeof *reader);
    reader->path = path;
    reader->max_line = CHORUS_TEXT_MAX_LINE_BYTES;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return chorus_error_set(CHORUS_EIO, "%s: is a directory, expected a file", path);
    /* O_NONBLOCK so that opening a FIFO does not wait for a writer; reads block again. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
        !(reader->fp = fdopen(fd, "rb"))) {
        int err = errno;
        close(fd);
        return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(err));
    }
    return CHORUS_OK;
}

static int grow_line(chorus_text_reader *r, size_t need)
{
    if (need <= r->cap) return CHORUS_OK;
    size_t cap = r->cap ? r->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(r->line, cap);
    if (!p) return chorus_error_nomem();
    r->line = p;
    r->cap = cap;
    return CHORUS_OK;
}

int chorus_text_reader_next(chorus_text_reader *r, char **line, size_t *len)
{
    size_t m = 0;
    int c = EOF;
    errno = 0;
    /* getc_unlocked: the reader is one thread's, and the stdio buffer does the I/O. */
    while ((c = getc_unlocked(r->fp)) != EOF) {
        if (c == '\n' || c == '\r') break;
        if (c == '\0')
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": contains a NUL byte (byte offset %" PRId64
                                    "); expected text",
                                    r->path, r->line_no + 1, r->offset + (int64_t)m);
        if (m >= r->max_line)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": line starting at byte offset %" PRId64
                                    " is longer than %zu bytes, the most allowed",
                                    r->path, r->line_no + 1, r->offset, r->max_line);
        if (m + 2 > r->cap && grow_line(r, m + 2)) return CHORUS_ENOMEM;
        r->line[m++] = (char)c;
    }
    if (c == EOF) {
        if (ferror(r->fp))
            return chorus_error_set(CHORUS_EIO, "%s: read error after line %" PRId64 ": %s",
                                    r->path, r->line_no, strerror(errno));
        if (m == 0) return 0; /* the end, or a last line ended by its line end */
    }
    int64_t end_bytes = c == EOF ? 0 : 1;
    if (c == '\r') {
        int next = getc_unlocked(r->fp);
        if (next == '\n')
            end_bytes = 2;
        else if (next != EOF)
            ungetc(next, r->fp);
    }
    if (grow_line(r, m + 1)) return CHORUS_ENOMEM;
    r->line[m] = '\0';
    r->line_no++;
    r->offset += (int64_t)m + end_bytes;
    *line = r->line;
    *len = m;
    return 1;
}

int chorus_text_reader_header(chorus_text_reader *reader, char **line, size_t *len,
                              const char *expected)
{
    int rc = chorus_text_reader_next(reader, line, len);
    if (rc == 0)
        return chorus_error_set(CHORUS_EFORMAT, "%s: the file is empty; expected %s", reader->path,
                                expected);
    return rc < 0 ? rc : CHORUS_OK;
}

void chorus_text_reader_close(chorus_text_reader *reader)
{
    if (reader->fp) fclose(reader->fp);
    free(reader->line);
    memset(reader, 0, sizeof *reader);
}
