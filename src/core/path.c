#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "core/path.h"

int chorus_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

int chorus_path_check_regular(const char *path, const char *expected)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) return CHORUS_OK;
    const char *kind = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO (a pipe)"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    return chorus_error_set(CHORUS_EIO, "%s: is %s; expected %s in a regular file", path, kind,
                            expected);
}
