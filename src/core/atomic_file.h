/*
 * Output files that appear whole or not at all: data goes to a temporary file beside the
 * target, which is renamed over the target only once everything was written and flushed.
 */
#ifndef CHORUS_ATOMIC_FILE_H
#define CHORUS_ATOMIC_FILE_H

#include <stdio.h>

typedef struct chorus_atomic_file {
    FILE *fp;
    char *path;     /* the target */
    char *tmp_path; /* NULL when writing straight to a device such as /dev/null */
} chorus_atomic_file;

/* Opens a temporary file next to `path`. CHORUS_EIO naming the directory on failure. */
int chorus_atomic_open(chorus_atomic_file *file, const char *path);

/*
 * Flushes, syncs, closes and renames onto the target. On any failure the temporary file
 * is removed and CHORUS_EIO returned; the target is untouched either way.
 */
int chorus_atomic_commit(chorus_atomic_file *file);

/* Closes and removes the temporary file (after a failed write). Safe to call twice. */
void chorus_atomic_abort(chorus_atomic_file *file);

#endif
