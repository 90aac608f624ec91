/* Number parsing shared by every text reader and by the command line's options. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/parse.h"

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

int chorus_parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    trim(&s, &len);
    if (len == 0) return -1;
    size_t i = 0;
    int negative = 0;
    if (s[0] == '-' || s[0] == '+') {
        negative = s[0] == '-';
        i = 1;
    }
    if (i == len) return -1;
    /* Accumulate as a negative number so INT64_MIN parses without overflow. */
    int64_t value = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        int digit = s[i] - '0';
        if (value < (INT64_MIN + digit) / 10) return -1;
        value = value * 10 - digit;
    }
    if (!negative) {
        if (value == INT64_MIN) return -1;
        value = -value;
    }
    if (value < min || value > max) return -1;
    *out = value;
    return 0;
}

int chorus_parse_double(const char *s, size_t len, double *out)
{
    trim(&s, &len);
    if (len == 0 || len > 64) return -1;
    char buf[65];
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    /* Underflow to a denormal or zero is fine for probabilities; overflow is not. */
    if (end != buf + len || !isfinite(x)) return -1;
    *out = x;
    return 0;
}
