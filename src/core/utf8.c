#include "core/utf8.h"

/* Length of the valid sequence starting at s[0] with n bytes available, or 0. */
static size_t sequence_length(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2 || c > 0xF4) return 0;
    size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n < need) return 0;
    for (size_t i = 1; i < need; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* The second byte's range rules out overlong forms, surrogates and > U+10FFFF. */
    if (c == 0xE0 && s[1] < 0xA0) return 0;
    if (c == 0xED && s[1] >= 0xA0) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;
    if (c == 0xF4 && s[1] >= 0x90) return 0;
    return need;
}

size_t chorus_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = sequence_length(p + i, len - i);
        if (!n) return i;
        i += n;
    }
    return len;
}

bool chorus_utf8_valid(const char *s, size_t len)
{
    return chorus_utf8_valid_prefix(s, len) == len;
}
