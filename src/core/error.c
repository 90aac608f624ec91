#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "core/error_internal.h"

/* Long enough for a path, a line number and an explanation; longer messages are cut. */
#define ERROR_MESSAGE_SIZE 2048

static _Thread_local char last_message[ERROR_MESSAGE_SIZE];
static _Thread_local int last_code;

int chorus_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

int chorus_error_wrap(const char *fmt, ...)
{
    char prefix[ERROR_MESSAGE_SIZE];
    char old[ERROR_MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, last_message, sizeof old);
    /* Truncation is acceptable: the head of the message carries the context. */
    size_t n = strlen(prefix);
    if (n >= sizeof last_message) n = sizeof last_message - 1;
    memcpy(last_message, prefix, n);
    size_t rest = strlen(old);
    if (rest > sizeof last_message - 1 - n) rest = sizeof last_message - 1 - n;
    memcpy(last_message + n, old, rest);
    last_message[n + rest] = '\0';
    return last_code;
}

int chorus_error_recode(int code)
{
    last_code = code;
    return code;
}

int chorus_error_nomem(void)
{
    return chorus_error_set(CHORUS_ENOMEM, "out of memory");
}

const char *chorus_error_last(void)
{
    return last_message;
}

int chorus_error_last_code(void)
{
    return last_code;
}

void chorus_error_clear(void)
{
    last_message[0] = '\0';
    last_code = CHORUS_OK;
}

void chorus_free(void *ptr)
{
    free(ptr);
}

const char *chorus_version(void)
{
    return CHORUS_VERSION_STRING;
}
