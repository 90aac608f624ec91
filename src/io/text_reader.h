/* Line-oriented reading of text inputs, keeping the line number for error messages. */
#ifndef CHORUS_TEXT_READER_H
#define CHORUS_TEXT_READER_H

#include <stdint.h>
#include <stdio.h>

typedef struct chorus_text_reader {
    FILE *fp;
    const char *path;
    char *line;
    size_t cap;
    int64_t line_no; /* 1-based number of the line last returned */
} chorus_text_reader;

/* CHORUS_EIO naming the file if it cannot be opened or is a directory. */
int chorus_text_reader_open(chorus_text_reader *reader, const char *path);

/*
 * Next line without its "\n" or "\r\n": returns 1 and sets *line and *len, 0 at the end
 * of the file, or CHORUS_EIO / CHORUS_EFORMAT (a NUL byte inside a line).
 */
int chorus_text_reader_next(chorus_text_reader *reader, char **line, size_t *len);

/*
 * The first line of a file that must start with a header: CHORUS_OK with *line set, or
 * CHORUS_EFORMAT "<path>: the file is empty; expected <expected>", or a read error.
 */
int chorus_text_reader_header(chorus_text_reader *reader, char **line, size_t *len,
                              const char *expected);

void chorus_text_reader_close(chorus_text_reader *reader);

#endif
