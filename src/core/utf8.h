/* Checking that text read from a file is well-formed UTF-8. */
#ifndef CHORUS_UTF8_H
#define CHORUS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * true if text[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). Otherwise false with *bad_offset (may be NULL) set to the byte
 * offset of the first byte of the first bad sequence.
 */
bool chorus_utf8_valid(const char *text, size_t len, size_t *bad_offset);

#endif
