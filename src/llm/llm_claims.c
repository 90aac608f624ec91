/*
 * The claims of processes sharing an LLM cache, kept in its lock file. The file is small
 * (one line per request in flight across the processes), so it is read whole and rewritten
 * whole each time; a damaged line (a process killed mid-rewrite) is a lost claim, which
 * costs at most one prompt paid twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "core/error_internal.h"
#include "llm/llm_claims.h"

/* A lock file this large was not written by chorus; its claims are dropped. */
#define MAX_CLAIMS_BYTES (64 * 1024 * 1024)
#define HOST_MAX 64

typedef struct claims_text {
    char *data;
    size_t len, cap;
} claims_text;

/* Room for n more bytes and a NUL. */
static int text_reserve(claims_text *t, size_t n)
{
    if (t->len + n + 1 <= t->cap) return CHORUS_OK;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + n + 1)
        cap *= 2;
    char *grown = realloc(t->data, cap);
    if (!grown) return chorus_error_nomem();
    t->data = grown;
    t->cap = cap;
    return CHORUS_OK;
}

static int text_append(claims_text *t, const char *s, size_t n)
{
    int rc = text_reserve(t, n);
    if (rc) return rc;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
    return CHORUS_OK;
}

static void host_name(char out[HOST_MAX])
{
    if (gethostname(out, HOST_MAX) != 0) snprintf(out, HOST_MAX, "localhost");
    out[HOST_MAX - 1] = '\0';
    for (char *c = out; *c; c++)
        if (*c == ' ' || *c == '\n') *c = '_';
}

static double epoch_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The whole lock file (empty when missing or absurdly large). */
static int read_claims(int fd, const char *what, claims_text *t)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return chorus_error_set(CHORUS_EIO, "%s: cannot read the claims: %s", what,
                                strerror(errno));
    int rc = text_append(t, "", 0);
    if (rc || st.st_size <= 0 || st.st_size > MAX_CLAIMS_BYTES) return rc;
    if ((rc = text_reserve(t, (size_t)st.st_size))) return rc;
    while (t->len < (size_t)st.st_size) {
        ssize_t got = pread(fd, t->data + t->len, (size_t)st.st_size - t->len, (off_t)t->len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0)
            return chorus_error_set(CHORUS_EIO, "%s: cannot read the claims: %s", what,
                                    strerror(errno));
        if (got == 0) break;
        t->len += (size_t)got;
    }
    t->data[t->len] = '\0';
    return CHORUS_OK;
}

static int write_claims(int fd, const char *what, const claims_text *t)
{
    if (ftruncate(fd, 0) != 0)
        return chorus_error_set(CHORUS_EWRITE, "%s: cannot write the claims: %s", what,
                                strerror(errno));
    for (size_t done = 0; done < t->len;) {
        ssize_t w = pwrite(fd, t->data + done, t->len - done, (off_t)done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0)
            return chorus_error_set(CHORUS_EWRITE, "%s: cannot write the claims: %s", what,
                                    strerror(errno));
        done += (size_t)w;
    }
    return CHORUS_OK;
}

/* A claim line, parsed; 0 when damaged. */
typedef struct claim {
    char key[65];
    long pid;
    char host[HOST_MAX];
    double expires;
} claim;

static int parse_claim(const char *line, claim *c)
{
    /* HOST_MAX - 1 = 63, as host_name() cuts its own name. */
    if (sscanf(line, "%64s %ld %63s %lf", c->key, &c->pid, c->host, &c->expires) != 4) return 0;
    return strlen(c->key) == 64 && strspn(c->key, "0123456789abcdef") == 64;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Whether the claim still holds for a process other than me. */
static int holds(const claim *c, const chorus_llm_cache *cache, const char *me_host, long me,
                 double now)
{
    if (c->expires < now || chorus_llm_cache_get(cache, c->key)) return 0;
    if (strcmp(c->host, me_host) != 0) return 1; /* only the clock can tell */
    if (c->pid == me) return 0;
    return kill((pid_t)c->pid, 0) == 0 || errno == EPERM;
}

/* Rewrites the claims keeping those that hold; returns the kept ones in *kept (sorted). */
static int prune_claims(chorus_llm_cache *cache, claims_text *out, char (**kept)[65],
                        size_t *n_kept)
{
    int fd = chorus_llm_cache_lock_fd(cache);
    if (fd < 0) return chorus_error_set(CHORUS_EINTERNAL, "LLM claims: the cache is not locked");
    char host[HOST_MAX];
    host_name(host);
    const long me = (long)getpid();
    const double now = epoch_seconds();
    claims_text in = {0};
    int rc = read_claims(fd, "LLM cache lock file", &in);
    size_t lines = 0;
    for (size_t i = 0; !rc && i < in.len; i++)
        lines += in.data[i] == '\n';
    *kept = NULL;
    *n_kept = 0;
    if (!rc && !(*kept = malloc((lines + 1) * sizeof **kept))) rc = chorus_error_nomem();
    if (!rc) rc = text_append(out, "", 0);
    for (char *line = in.data; !rc && line && *line;) {
        char *nl = strchr(line, '\n');
        if (!nl) break; /* cut off mid-rewrite */
        *nl = '\0';
        claim c;
        if (parse_claim(line, &c) && holds(&c, cache, host, me, now)) {
            memcpy((*kept)[(*n_kept)++], c.key, 65);
            rc = text_append(out, line, strlen(line));
            if (!rc) rc = text_append(out, "\n", 1);
        }
        line = nl + 1;
    }
    free(in.data);
    if (!rc) qsort(*kept, *n_kept, sizeof **kept, compare_keys);
    return rc;
}

int chorus_llm_claims_take(chorus_llm_cache *cache, const char (*keys)[65],
                           const unsigned char *pending, size_t n, size_t max, double ttl,
                           unsigned char *mine, size_t *n_mine, size_t *n_others)
{
    *n_mine = *n_others = 0;
    claims_text out = {0};
    char(*kept)[65] = NULL;
    size_t n_kept = 0;
    int rc = prune_claims(cache, &out, &kept, &n_kept);
    char host[HOST_MAX];
    host_name(host);
    char line[65 + 24 + HOST_MAX + 32];
    const double expires = epoch_seconds() + ttl;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!pending[i]) continue;
        if (n_kept && bsearch(keys[i], kept, n_kept, sizeof *kept, compare_keys)) {
            (*n_others)++;
        } else if (*n_mine < max) {
            mine[i] = 1;
            (*n_mine)++;
            int len = snprintf(line, sizeof line, "%s %ld %s %.0f\n", keys[i], (long)getpid(), host,
                               expires);
            rc = text_append(&out, line, (size_t)len);
        }
    }
    if (!rc) rc = write_claims(chorus_llm_cache_lock_fd(cache), "LLM cache lock file", &out);
    free(kept);
    free(out.data);
    return rc;
}

int chorus_llm_claims_release(chorus_llm_cache *cache)
{
    claims_text out = {0};
    char(*kept)[65] = NULL;
    size_t n_kept = 0;
    /* Pruning drops this process's claims with the lapsed ones. */
    int rc = prune_claims(cache, &out, &kept, &n_kept);
    if (!rc) rc = write_claims(chorus_llm_cache_lock_fd(cache), "LLM cache lock file", &out);
    free(kept);
    free(out.data);
    return rc;
}
