#include <stdarg.h>
#include <stdio.h>

#include "chorus/log.h"
#include "core/error_internal.h"

static chorus_log_fn log_fn;
static void *log_ctx;

void chorus_log_set_callback(chorus_log_fn fn, void *ctx)
{
    log_fn = fn;
    log_ctx = ctx;
}

void chorus_log(chorus_log_level level, const char *fmt, ...)
{
    if (!log_fn) return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    log_fn(level, message, log_ctx);
}
