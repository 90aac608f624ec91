/* Line-oriented reading of text inputs, keeping the line number for error messages. */
#ifndef CHORUS_TEXT_READER_H
#define CHORUS_TEXT_READER_H

#include <stdint.h>
#include <stdio.h>

/* The longest line a reader returns unless the caller sets max_line: far above any real
 * row (a vote row of 100000 LFs is ~300 KB), low enough that a file of one endless line
 * (/dev/zero, a gigabyte of commas) fails at once instead of filling memory. */
#define CHORUS_TEXT_MAX_LINE_BYTES ((size_t)16 << 20)

typedef struct chorus_text_reader {
    FILE *fp;
    const char *path;
    char *line;
    size_t cap;
    int64_t line_no; /* 1-based number of the line last returned */
    size_t max_line; /* longest line accepted, in bytes; set by open, may be changed */
    int64_t offset;  /* byte offset of the start of the next line */
} chorus_text_reader;

/*
 * CHORUS_EIO naming the file if it cannot be opened or is a directory. A FIFO or a device
 * is opened without waiting for a writer: one with no writer reads as empty.
 */
int chorus_text_reader_open(chorus_text_reader *reader, const char *path);

/*
 * Next line without its end, which may be "\n", "\r\n" or a lone "\r" (old Mac files):
 * returns 1 and sets *line and *len, 0 at the end of the file, or CHORUS_EIO /
 * CHORUS_EFORMAT (a NUL byte, or a line longer than max_line, both named by line and byte
 * offset, found as soon as they are read).
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
