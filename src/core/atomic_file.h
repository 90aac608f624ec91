/*
 * Output files that appear whole or not at all: data goes to a temporary file beside the
 * target, which is renamed over the target only once everything was written and flushed.
 *
 * A target that is a symbolic link is written through: the temporary file goes beside the
 * file the link points to (followed hop by hop, so a dangling link creates its file) and
 * replaces that file, and the link stays. A target that already exists keeps its
 * permission bits (and, where allowed, its owner and group); a new one gets 0666 less the
 * umask, as a plain fopen would give it.
 *
 * Temporary files are named "<target>.tmp.<host>-<pid>.<6 random characters>", <host> being
 * 8 hex digits hashed from the host name and <pid> the writer's process id. A writer killed
 * before its rename (kill -9, power loss) leaves its temporary behind; the next write of
 * the same target on the same host removes those whose process no longer runs
 * (kill(pid, 0) fails with ESRCH). Files of live processes, of other hosts (a shared
 * network folder) and names that do not match exactly are left alone, so concurrent
 * writers never delete each other's files.
 */
#ifndef CHORUS_ATOMIC_FILE_H
#define CHORUS_ATOMIC_FILE_H

#include <stdio.h>

/* Length of the random end of a temporary name. */
#define CHORUS_ATOMIC_RANDOM_CHARS 6

typedef struct chorus_atomic_file {
    FILE *fp;
    char *path;     /* the target as the caller named it, for messages */
    char *target;   /* the file that is replaced: path with its final symbolic links followed */
    char *tmp_path; /* NULL when writing straight to a device such as /dev/null */
} chorus_atomic_file;

/*
 * Opens a temporary file next to the target (or the device itself for a target that is
 * not a regular file), after removing stale temporary files of the target. Errors:
 * CHORUS_EINVAL for an empty path, CHORUS_EWRITE naming the path and the system's reason,
 * CHORUS_ENOMEM.
 */
int chorus_atomic_open(chorus_atomic_file *file, const char *path);

/*
 * Flushes, syncs, closes and renames onto the target. On any failure the temporary file
 * is removed and CHORUS_EWRITE returned with the system's reason; the target is untouched
 * either way.
 */
int chorus_atomic_commit(chorus_atomic_file *file);

/* Closes and removes the temporary file (after a failed write). Safe to call twice. */
void chorus_atomic_abort(chorus_atomic_file *file);

/*
 * "<target>.tmp.<host>-<pid>.": the start of the temporary names the process `pid` of this
 * host gives `target` (which must have no final symbolic link left). A new string (free
 * it), or NULL when out of memory.
 */
char *chorus_atomic_temp_prefix(const char *target, long pid);

/* Removes the temporary files of `target` left on this host by processes that no longer
 * run. Best effort: files it cannot remove stay, and nothing is reported but a log line. */
void chorus_atomic_sweep(const char *target);

#endif
