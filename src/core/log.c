#include <stdarg.h>
#include <stdio.h>

#include "chorus/log.h"
#include "core/error_internal.h"

static chorus_log_fn log_fn;
static void *log_ctx;
/* Per thread: a fit the library runs for its own checks speaks through its results only. */
static _Thread_local int muted;

int chorus_log_mute(int mute)
{
    int was = muted;
    muted = mute;
    return was;
}

void chorus_log_set_callback(chorus_log_fn fn, void *ctx)
{
    log_fn = fn;
    log_ctx = ctx;
}

void chorus_log(chorus_log_level level, const char *fmt, ...)
{
    if (!log_fn || muted) return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    log_fn(level, message, log_ctx);
}
