#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "core/random.h"

/* The kernel's own limit on links followed in one lookup. */
#define MAX_LINK_HOPS 40
/* Longer link texts than this are refused (the kernel allows PATH_MAX, 4096). */
#define MAX_LINK_TEXT 65536

static void release(chorus_atomic_file *file)
{
    free(file->path);
    free(file->target);
    free(file->tmp_path);
    file->path = file->target = file->tmp_path = NULL;
    file->fp = NULL;
}

/* Sets CHORUS_EWRITE "PATH: what: reason", naming the file the link leads to if PATH is one. */
static int write_error(const chorus_atomic_file *file, const char *what, int e)
{
    if (file->target && strcmp(file->path, file->target) != 0)
        return chorus_error_set(CHORUS_EWRITE, "%s (a link to %s): %s: %s", file->path,
                                file->target, what, strerror(e));
    return chorus_error_set(CHORUS_EWRITE, "%s: %s: %s", file->path, what, strerror(e));
}

/* The text of the symbolic link `path`, NUL-terminated, in *out; 0 or an errno. */
static int read_link(const char *path, size_t size_hint, char **out)
{
    size_t cap = size_hint > 0 ? size_hint + 1 : 256;
    char *text = NULL;
    for (;;) {
        char *grown = realloc(text, cap);
        if (!grown) {
            free(text);
            return ENOMEM;
        }
        text = grown;
        ssize_t n = readlink(path, text, cap);
        if (n < 0) {
            int e = errno;
            free(text);
            return e;
        }
        if ((size_t)n < cap) {
            text[n] = '\0';
            *out = text;
            return 0;
        }
        /* The link changed since lstat, or its size was not reported (/proc). */
        if (cap >= MAX_LINK_TEXT) {
            free(text);
            return ENAMETOOLONG;
        }
        cap *= 2;
    }
}

/*
 * `path` with its final symbolic links followed, hop by hop, a relative link being relative
 * to the folder holding it: the file a write through the link reaches, even when it does
 * not exist yet (a dangling link). Folders on the way stay as they are; rename() follows
 * them. A new string in *out; 0 or an errno (ELOOP for a cycle).
 */
static int follow_links(const char *path, char **out)
{
    char *cur = strdup(path);
    if (!cur) return ENOMEM;
    for (int hops = 0;; hops++) {
        struct stat st;
        /* A missing file ends the walk; any other failure shows again when opening. */
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) break;
        char *link = NULL;
        int e = hops == MAX_LINK_HOPS ? ELOOP : read_link(cur, (size_t)st.st_size, &link);
        if (e) {
            free(cur);
            return e;
        }
        const char *slash = strrchr(cur, '/');
        if (link[0] != '/' && slash) {
            size_t dir_len = (size_t)(slash - cur) + 1, link_len = strlen(link);
            char *joined = malloc(dir_len + link_len + 1);
            if (!joined) {
                free(link);
                free(cur);
                return ENOMEM;
            }
            memcpy(joined, cur, dir_len);
            memcpy(joined + dir_len, link, link_len + 1);
            free(link);
            link = joined;
        }
        free(cur);
        cur = link;
    }
    *out = cur;
    return 0;
}

/* Fills the CHORUS_ATOMIC_RANDOM_CHARS characters at `out` (no NUL added) with a name part that
 * differs between calls, threads and processes; O_EXCL settles the rare clash. */
static void random_chars(char *out)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static atomic_uint_fast64_t calls;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t x = chorus_mix64((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
    x = chorus_mix64(x ^ chorus_mix64(atomic_fetch_add(&calls, 1) ^ (uint64_t)getpid() << 32));
    for (int i = 0; i < CHORUS_ATOMIC_RANDOM_CHARS; i++) {
        out[i] = alphabet[x % (sizeof alphabet - 1)];
        x /= sizeof alphabet - 1;
    }
}

/* Creates the temporary file beside file->target; a descriptor, or -1 with errno set. */
static int create_temporary(chorus_atomic_file *file)
{
    char *prefix = chorus_atomic_temp_prefix(file->target, (long)getpid());
    if (!prefix) {
        errno = ENOMEM;
        return -1;
    }
    size_t len = strlen(prefix);
    file->tmp_path = malloc(len + CHORUS_ATOMIC_RANDOM_CHARS + 1);
    if (!file->tmp_path) {
        free(prefix);
        errno = ENOMEM;
        return -1;
    }
    memcpy(file->tmp_path, prefix, len);
    file->tmp_path[len + CHORUS_ATOMIC_RANDOM_CHARS] = '\0';
    free(prefix);
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        random_chars(file->tmp_path + len);
        /* 0666: the kernel takes off the umask, as for any new file. */
        fd = open(file->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        int e = errno;
        free(file->tmp_path);
        file->tmp_path = NULL;
        errno = e;
    }
    return fd;
}

int chorus_atomic_open(chorus_atomic_file *file, const char *path)
{
    memset(file, 0, sizeof *file);
    if (!path || !*path) return chorus_error_set(CHORUS_EINVAL, "output path is empty");
    file->path = strdup(path);
    if (!file->path) return chorus_error_nomem();
    int e = follow_links(path, &file->target);
    if (e) {
        int rc =
            e == ENOMEM ? chorus_error_nomem() : write_error(file, "cannot follow the link", e);
        release(file);
        return rc;
    }

    /* The kernel's own walk of the links: the same file as file->target, except for /proc's
     * links to a pipe (/dev/stdout -> /proc/self/fd/1 -> "pipe:[N]"), whose text is no path.
     * So the path as given is what is looked at, and opened when written directly. */
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        int rc = write_error(file, "expected a file path", EISDIR);
        release(file);
        return rc;
    }
    /* Devices and pipes (/dev/null, /dev/stdout, a pipe) cannot be replaced by a rename. */
    if (exists && !S_ISREG(st.st_mode)) {
        file->fp = fopen(path, "wb");
        if (!file->fp) {
            int rc = write_error(file, "cannot open for writing", errno);
            release(file);
            return rc;
        }
        return CHORUS_OK;
    }

    chorus_atomic_sweep(file->target);
    int fd = create_temporary(file);
    if (fd < 0) {
        e = errno;
        int rc = e == ENOMEM ? chorus_error_nomem()
                             : write_error(file, "cannot create the output file", e);
        release(file);
        return rc;
    }
    if (exists) {
        /* The replacement keeps the target's owner and mode: a private 0600 file stays
         * private. Changing the owner needs privileges a user may lack, which is fine; it
         * comes first because it clears set-id bits that the mode then restores. */
        if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
            fchown(fd, st.st_uid, st.st_gid) != 0) {
            /* Not fatal: the file is then owned by the writer, like any file it creates. */
        }
        if (fchmod(fd, st.st_mode & 07777) != 0) {
            /* Not fatal: the file keeps the umask's mode. */
        }
    }
    file->fp = fdopen(fd, "wb");
    if (!file->fp) {
        e = errno;
        close(fd);
        unlink(file->tmp_path);
        int rc = write_error(file, "cannot open for writing", e);
        release(file);
        return rc;
    }
    return CHORUS_OK;
}

int chorus_atomic_commit(chorus_atomic_file *file)
{
    if (!file->fp) return chorus_error_set(CHORUS_EINTERNAL, "atomic file is not open");
    /* A failed write leaves data in the buffer, so the flush fails again and says why. */
    int flush_failed = fflush(file->fp) != 0;
    int e = flush_failed ? errno : EIO;
    int failed = flush_failed || ferror(file->fp);
    if (!failed && file->tmp_path && fsync(fileno(file->fp)) != 0) {
        failed = 1;
        e = errno;
    }
    if (fclose(file->fp) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    file->fp = NULL;
    if (!failed && file->tmp_path && rename(file->tmp_path, file->target) != 0) {
        failed = 1;
        e = errno;
    }
    int rc = CHORUS_OK;
    if (failed) {
        if (file->tmp_path) unlink(file->tmp_path);
        rc = write_error(file, "write failed", e);
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
