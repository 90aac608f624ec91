#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error_internal.h"

static void release(chorus_atomic_file *file)
{
    free(file->path);
    free(file->tmp_path);
    file->path = file->tmp_path = NULL;
    file->fp = NULL;
}

int chorus_atomic_open(chorus_atomic_file *file, const char *path)
{
    memset(file, 0, sizeof *file);
    if (!path || !*path) return chorus_error_set(CHORUS_EINVAL, "output path is empty");
    file->path = strdup(path);
    if (!file->path) return chorus_error_nomem();

    /* Devices and pipes (e.g. /dev/null, /dev/stdout) cannot be replaced by a rename. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            release(file);
            return chorus_error_set(CHORUS_EIO, "%s: is a directory, expected a file path", path);
        }
        file->fp = fopen(path, "wb");
        if (!file->fp) {
            int e = errno;
            release(file);
            return chorus_error_set(CHORUS_EIO, "%s: cannot open for writing: %s", path,
                                    strerror(e));
        }
        return CHORUS_OK;
    }

    size_t len = strlen(path);
    file->tmp_path = malloc(len + sizeof ".tmp.XXXXXX");
    if (!file->tmp_path) {
        release(file);
        return chorus_error_nomem();
    }
    memcpy(file->tmp_path, path, len);
    memcpy(file->tmp_path + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(file->tmp_path);
    if (fd < 0) {
        int e = errno;
        release(file);
        return chorus_error_set(CHORUS_EIO, "%s: cannot create the output file: %s", path,
                                strerror(e));
    }
    /* mkstemp creates 0600; give the result the permissions a plain fopen would. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        /* Not fatal: the file is still usable by its owner. */
    }
    file->fp = fdopen(fd, "wb");
    if (!file->fp) {
        int e = errno;
        close(fd);
        unlink(file->tmp_path);
        release(file);
        return chorus_error_set(CHORUS_EIO, "%s: cannot open for writing: %s", path, strerror(e));
    }
    return CHORUS_OK;
}

int chorus_atomic_commit(chorus_atomic_file *file)
{
    if (!file->fp) return chorus_error_set(CHORUS_EINTERNAL, "atomic file is not open");
    int failed = ferror(file->fp) || fflush(file->fp) != 0;
    int e = errno;
    if (!failed && file->tmp_path && fsync(fileno(file->fp)) != 0) {
        failed = 1;
        e = errno;
    }
    if (fclose(file->fp) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    file->fp = NULL;
    if (!failed && file->tmp_path && rename(file->tmp_path, file->path) != 0) {
        failed = 1;
        e = errno;
    }
    int rc = CHORUS_OK;
    if (failed) {
        if (file->tmp_path) unlink(file->tmp_path);
        rc = chorus_error_set(CHORUS_EIO, "%s: write failed: %s", file->path, strerror(e));
    }
    release(file);
    return rc;
}

void chorus_atomic_abort(chorus_atomic_file *file)
{
    if (file->fp) fclose(file->fp);
    if (file->tmp_path) unlink(file->tmp_path);
    release(file);
}
