#ifndef CHORUS_PATH_H
#define CHORUS_PATH_H

/* 1 if path ends with suffix, ignoring ASCII case (".NPY" is ".npy"): how formats are told
 * apart by file name everywhere. */
int chorus_path_has_suffix(const char *path, const char *suffix);

#endif
