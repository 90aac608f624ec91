/*
 * The names of the temporary files behind atomic outputs, and the removal of those a killed
 * writer left behind. The name carries the writer's host and process id so that a later
 * writer can tell a dead writer's leftover from a file that a live one is still writing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error_internal.h"

/* 8 hex digits of an FNV-1a hash of the host name: short, fixed-length, and different on
 * the hosts that may share a network folder. */
static void host_tag(char out[9])
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)host; *c; c++)
        h = (h ^ *c) * 16777619u;
    snprintf(out, 9, "%08x", (unsigned)h);
}

char *chorus_atomic_temp_prefix(const char *target, long pid)
{
    char tag[9];
    host_tag(tag);
    size_t n = strlen(target) + sizeof ".tmp.-." + 8 + 20;
    char *prefix = malloc(n);
    if (prefix) snprintf(prefix, n, "%s.tmp.%s-%ld.", target, tag, pid);
    return prefix;
}

static int is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The writer's pid if `rest` is exactly "<pid>.<CHORUS_ATOMIC_RANDOM_CHARS alphanumerics>", else 0.
 */
static long leftover_pid(const char *rest)
{
    long pid = 0;
    const char *c = rest;
    for (; *c >= '0' && *c <= '9'; c++) {
        pid = pid * 10 + (*c - '0');
        if (pid > INT32_MAX) return 0;
    }
    if (c == rest || *c != '.' || strlen(c + 1) != CHORUS_ATOMIC_RANDOM_CHARS) return 0;
    for (const char *r = c + 1; *r; r++)
        if (!is_alnum(*r)) return 0;
    return pid;
}

void chorus_atomic_sweep(const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    char *dir =
        slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
    /* The names this host gives the target, without the pid and random part. */
    char *prefix = chorus_atomic_temp_prefix(base, 0);
    DIR *d = NULL;
    if (!dir || !prefix) goto done;
    prefix[strlen(prefix) - 2] = '\0'; /* drop the "0." of pid 0 */
    size_t prefix_len = strlen(prefix);
    d = opendir(dir);
    if (!d) goto done;
    long self = (long)getpid();
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (strncmp(entry->d_name, prefix, prefix_len) != 0) continue;
        long pid = leftover_pid(entry->d_name + prefix_len);
        if (pid <= 0 || pid == self) continue;
        /* EPERM means the process runs under another user: alive, so keep its file. */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        struct stat st;
        if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlinkat(dirfd(d), entry->d_name, 0) == 0)
            chorus_log(CHORUS_LOG_INFO,
                       "%s/%s: removed, a temporary file left by process %ld, which has ended", dir,
                       entry->d_name, pid);
    }
done:
    if (d) closedir(d);
    free(dir);
    free(prefix);
}
