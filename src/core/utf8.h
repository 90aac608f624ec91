/* UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
#ifndef CHORUS_UTF8_H
#define CHORUS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* true if s[0..len) is valid UTF-8 (NUL bytes are valid: they are U+0000). */
bool chorus_utf8_valid(const char *s, size_t len);

/* The length of the longest valid UTF-8 prefix of s[0..len): len when all of it is valid,
 * otherwise the offset of the first byte of the first invalid sequence. */
size_t chorus_utf8_valid_prefix(const char *s, size_t len);

#endif
