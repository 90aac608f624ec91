/* Diagnostics: the library never prints; it hands messages to a callback, if one is set. */
#ifndef CHORUS_LOG_H
#define CHORUS_LOG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum chorus_log_level {
    CHORUS_LOG_DEBUG = 0,
    CHORUS_LOG_INFO = 1,
    CHORUS_LOG_WARN = 2
} chorus_log_level;

typedef void (*chorus_log_fn)(chorus_log_level level, const char *message, void *ctx);

/*
 * Installs the process-wide log callback (NULL silences the library, the default).
 * The callback may be called from several threads at once; ctx is passed through.
 */
void chorus_log_set_callback(chorus_log_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
