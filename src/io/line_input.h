/*
 * Bounded line reading for the triples and gold readers. A hostile path (/dev/zero, a
 * FIFO nobody writes to, a file that is one 1 GiB line) must fail fast with the file and
 * line named, so lines are read into a buffer that never grows past a fixed limit, and
 * inputs are opened without blocking on a FIFO that has no writer.
 */
#ifndef CHORUS_LINE_INPUT_H
#define CHORUS_LINE_INPUT_H

#include <stddef.h>

#include "io/text_reader.h"

/* The longest line the triples and gold readers accept, without its line break. */
#define CHORUS_LINE_INPUT_MAX ((size_t)1 << 20)

/*
 * Opens path for chorus_line_input_next(). A FIFO is opened without waiting for a writer
 * (one without a writer reads as empty). CHORUS_EIO naming the file if it cannot be opened
 * or is a directory.
 */
int chorus_line_input_open(chorus_text_reader *reader, const char *path);

/*
 * Next line without its "\n" or "\r\n": 1 with *line and *len set, 0 at the end of the
 * file, CHORUS_EFORMAT "<path>:<line>: ..." for a line longer than CHORUS_LINE_INPUT_MAX
 * bytes or holding a NUL byte (found as soon as it is read), CHORUS_EIO, CHORUS_ENOMEM.
 * Close with chorus_text_reader_close().
 */
int chorus_line_input_next(chorus_text_reader *reader, char **line, size_t *len);

#endif
