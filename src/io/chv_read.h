/* The parts of the .chv reader (chv.c) that the range reader (chv_range.c) shares. */
#ifndef CHORUS_CHV_READ_H
#define CHORUS_CHV_READ_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/votes.h"
#include "io/chv_format.h"

/* Decodes and checks the header against the file's real size; `b` holds its first
 * min(actual, 192) bytes. CHORUS_EFORMAT naming the field and its byte offset. */
int chv_check_header(chv_header *h, const char *path, const unsigned char *b, uint64_t actual);

/* Parses the names section (LF names, then class names) into the matrix. */
int chv_apply_names(chorus_votes *v, const char *path, const chv_header *h,
                    const unsigned char *names);

/* Exactly n bytes at offset, or CHORUS_EIO / CHORUS_EFORMAT naming where the file ended. */
int chv_read_at(int fd, const char *path, void *dst, size_t n, uint64_t offset);

#endif
