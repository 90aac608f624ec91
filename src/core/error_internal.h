/* Setting the thread's last error and logging, for use inside the library only. */
#ifndef CHORUS_ERROR_INTERNAL_H
#define CHORUS_ERROR_INTERNAL_H

#include "chorus/common.h"
#include "chorus/log.h"

/* Records `code` and a printf-style message as the thread's last error; returns `code`. */
int chorus_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with more context ("reading x: " + old); returns the code. */
int chorus_error_wrap(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Keeps the message but files it under another code (e.g. a bad name read from a file is
 * a format error, not an invalid argument); returns `code`. */
int chorus_error_recode(int code);

/* Shorthand for the common out-of-memory failure. */
int chorus_error_nomem(void);

/* Sends a message to the log callback, if one is set. */
void chorus_log(chorus_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Silences (1) or restores (0) chorus_log on the calling thread; returns the previous state.
 * For fits the library runs internally (e.g. the held-out check's refits). */
int chorus_log_mute(int mute);

#endif
