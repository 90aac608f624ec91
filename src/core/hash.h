/*
 * The hash every in-memory name table uses: 64-bit FNV-1a. Keys are short (names, field
 * names, normalised terms) and every table probes linearly, so a simple byte-wise hash is
 * plenty; callers that need well-spread low bits mix the result themselves.
 */
#ifndef CHORUS_HASH_H
#define CHORUS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define CHORUS_FNV1A_INIT UINT64_C(1469598103934665603)

/* One more byte into an FNV-1a hash started at CHORUS_FNV1A_INIT. */
static inline uint64_t chorus_fnv1a_byte(uint64_t h, unsigned char byte)
{
    return (h ^ byte) * UINT64_C(1099511628211);
}

/* FNV-1a of bytes[0..len). */
static inline uint64_t chorus_fnv1a(const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    uint64_t h = CHORUS_FNV1A_INIT;
    for (size_t i = 0; i < len; i++)
        h = chorus_fnv1a_byte(h, p[i]);
    return h;
}

#endif
