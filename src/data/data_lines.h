/*
 * Bounded line reading for the line-per-record inputs (JSONL data, lookup lists): lines
 * come from a large buffer, so a line costs no allocation, and a line past a length limit
 * is refused before it is all in memory, so a file without line ends (or a huge one) fails
 * fast instead of exhausting memory.
 */
#ifndef CHORUS_DATA_LINES_H
#define CHORUS_DATA_LINES_H

#include <stdint.h>
#include <stdio.h>

typedef struct data_lines {
    FILE *fp;
    const char *path;
    size_t max_line;
    char *buf;
    size_t cap, pos, end; /* buf[pos..end) is read and not yet returned */
    int eof;
    int64_t line_no; /* 1-based number of the line last returned */
    int64_t base;    /* file offset of buf[0] */
} data_lines;

/*
 * Opens path, which must be a regular file (CHORUS_EIO naming it otherwise, or when it
 * cannot be opened); `what` names the input in that message ("the data", "a list").
 */
int data_lines_open(data_lines *lines, const char *path, size_t max_line, const char *what);

/*
 * The next line, NUL-terminated, without its "\n" or "\r\n": returns 1 and sets *line and
 * *len (valid until the next call), 0 at the end of the file, DATA_LINES_NUL for a line
 * holding a NUL byte (the message "<path>:<line>: contains a NUL byte" is set and the line
 * consumed: reading may go on), or a negative code: CHORUS_EFORMAT "<path>:<line>: a line
 * longer than N MiB", CHORUS_EIO, CHORUS_ENOMEM.
 */
#define DATA_LINES_NUL 2
int data_lines_next(data_lines *lines, char **line, size_t *len);

/* Goes to byte `offset` of the file, whose line number is line_no + 1. CHORUS_EIO. */
int data_lines_seek(data_lines *lines, int64_t offset, int64_t line_no);

/* The file offset of the next line. */
int64_t data_lines_offset(const data_lines *lines);

void data_lines_close(data_lines *lines);

#endif
