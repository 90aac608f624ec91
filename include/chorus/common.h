/* Shared definitions of the chorus library: version, status codes, abstain value. */
#ifndef CHORUS_COMMON_H
#define CHORUS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHORUS_VERSION_MAJOR 0
#define CHORUS_VERSION_MINOR 1
#define CHORUS_VERSION_PATCH 0
#define CHORUS_VERSION_STRING "0.1.0"

/* The vote of a labeling function that does not vote on an item. */
#define CHORUS_ABSTAIN (-1)

/*
 * Every fallible call returns CHORUS_OK (0) or one of these negative codes and leaves a
 * message for chorus_error_last(). EINVAL, EFORMAT and EIO mean the caller's input is at
 * fault; the others are failures of the run itself. Codes are never renumbered; new ones
 * are added at the end.
 */
typedef enum chorus_status {
    CHORUS_OK = 0,
    CHORUS_EINVAL = -1,    /* an argument or option is invalid */
    CHORUS_EFORMAT = -2,   /* input data is malformed */
    CHORUS_EIO = -3,       /* an input file could not be opened or read */
    CHORUS_ENOMEM = -4,    /* out of memory */
    CHORUS_EINTERNAL = -5, /* a bug or an unexpected system failure */
    CHORUS_EWRITE = -6,    /* an output file could not be created or written (disk full,
                              no permission, no such folder): the message gives the reason */
    CHORUS_EREMOTE = -7    /* a remote service (an LLM endpoint) is unreachable or refuses */
} chorus_status;

/*
 * Progress of a long pass over items (an apply, a predict to a file): `done` of `total`
 * items, called now and then and once with done == total; from one thread at a time, the
 * one that called the library unless a function says otherwise. ctx is passed through.
 */
typedef void (*chorus_progress_fn)(int64_t done, int64_t total, void *ctx);

/* Frees a buffer the library allocated and handed over (NULL is fine). */
void chorus_free(void *ptr);

/* The library's version as "MAJOR.MINOR.PATCH". */
const char *chorus_version(void);

#ifdef __cplusplus
}
#endif
#endif
