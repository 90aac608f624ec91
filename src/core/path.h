#ifndef CHORUS_PATH_H
#define CHORUS_PATH_H

/* 1 if path ends with suffix, ignoring ASCII case (".NPY" is ".npy"): how formats are told
 * apart by file name everywhere. */
int chorus_path_has_suffix(const char *path, const char *suffix);

/*
 * CHORUS_OK if path is a regular file, or does not exist (opening it then says so).
 * CHORUS_EIO "<path>: is a FIFO; expected <expected> in a regular file" for a directory, a
 * FIFO, a device or a socket: reading a FIFO blocks until a writer comes and a device such
 * as /dev/zero never ends, so inputs that are read whole must be files.
 */
int chorus_path_check_regular(const char *path, const char *expected);

#endif
