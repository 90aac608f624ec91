/* Error reporting: the message of the last failed call on this thread. */
#ifndef CHORUS_ERROR_H
#define CHORUS_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The message of the most recent failed chorus call on the calling thread, naming the
 * file, line or offset and what was expected where that applies. Returns "" if no call
 * has failed. The string stays valid until the next chorus call on this thread.
 */
const char *chorus_error_last(void);

/* The status code that went with chorus_error_last(), or CHORUS_OK. */
int chorus_error_last_code(void);

/* Forgets the last error of the calling thread. */
void chorus_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
