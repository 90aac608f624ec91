#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error_internal.h"
#include "io/line_input.h"

int chorus_line_input_open(chorus_text_reader *reader, const char *path)
{
    memset(reader, 0, sizeof *reader);
    reader->path = path;
    /* O_NONBLOCK only so that open() on a FIFO returns at once; reads block again below. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int flags = fcntl(fd, F_GETFL);
    if (fstat(fd, &st) != 0 || flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int err = errno;
        close(fd);
        return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return chorus_error_set(CHORUS_EIO, "%s: is a directory, expected a file", path);
    }
    reader->fp = fdopen(fd, "rb");
    if (!reader->fp) {
        close(fd);
        return chorus_error_nomem();
    }
    return CHORUS_OK;
}

static int grow(chorus_text_reader *reader, size_t need)
{
    if (need <= reader->cap) return CHORUS_OK;
    size_t cap = reader->cap ? reader->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(reader->line, cap);
    if (!p) return chorus_error_nomem();
    reader->line = p;
    reader->cap = cap;
    return CHORUS_OK;
}

int chorus_line_input_next(chorus_text_reader *reader, char **line, size_t *len)
{
    size_t m = 0;
    int c = EOF;
    int rc = grow(reader, 256);
    if (rc) return rc;
    errno = 0;
    while ((c = getc_unlocked(reader->fp)) != EOF && c != '\n') {
        if (c == '\0')
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": byte %zu of the line is a NUL byte; expected "
                                    "text",
                                    reader->path, reader->line_no + 1, m + 1);
        if (m == CHORUS_LINE_INPUT_MAX + 1)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": the line is longer than %zu bytes; expected "
                                    "one short record per line",
                                    reader->path, reader->line_no + 1, CHORUS_LINE_INPUT_MAX);
        if (m + 2 > reader->cap && (rc = grow(reader, m + 2))) return rc;
        reader->line[m++] = (char)c;
    }
    if (ferror(reader->fp))
        return chorus_error_set(CHORUS_EIO, "%s: read error after line %" PRId64 ": %s",
                                reader->path, reader->line_no, strerror(errno));
    if (c == EOF && m == 0) return 0;
    reader->line_no++;
    if (m > 0 && reader->line[m - 1] == '\r') m--;
    if (m > CHORUS_LINE_INPUT_MAX)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": the line is longer than %zu bytes; expected one "
                                "short record per line",
                                reader->path, reader->line_no, CHORUS_LINE_INPUT_MAX);
    reader->line[m] = '\0';
    *line = reader->line;
    *len = m;
    return 1;
}
