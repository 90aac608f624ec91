#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "io/text_reader.h"

int chorus_text_reader_open(chorus_text_reader *reader, const char *path)
{
    memset(reader, 0, sizeof *reader);
    reader->path = path;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return chorus_error_set(CHORUS_EIO, "%s: is a directory, expected a file", path);
    reader->fp = fopen(path, "rb");
    if (!reader->fp)
        return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    return CHORUS_OK;
}

int chorus_text_reader_next(chorus_text_reader *reader, char **line, size_t *len)
{
    errno = 0;
    ssize_t n = getline(&reader->line, &reader->cap, reader->fp);
    if (n < 0) {
        if (ferror(reader->fp))
            return chorus_error_set(CHORUS_EIO, "%s: read error after line %lld: %s", reader->path,
                                    (long long)reader->line_no, strerror(errno));
        if (errno == ENOMEM) return chorus_error_nomem();
        return 0;
    }
    reader->line_no++;
    size_t m = (size_t)n;
    if (m > 0 && reader->line[m - 1] == '\n') m--;
    if (m > 0 && reader->line[m - 1] == '\r') m--;
    reader->line[m] = '\0';
    if (memchr(reader->line, '\0', m))
        return chorus_error_set(CHORUS_EFORMAT, "%s:%lld: contains a NUL byte; expected text",
                                reader->path, (long long)reader->line_no);
    *line = reader->line;
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
