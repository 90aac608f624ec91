/*
 * The LLM answer cache: an append-only JSONL file mirrored by an in-memory hash table
 * (open addressing over an array of entries kept in first-seen order, so exports are
 * stable).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "core/error_internal.h"
#include "core/hash.h"
#include "llm/llm_cache.h"
#include "llm/llm_cache_internal.h"
#include "llm/llm_client.h"

/* An entry's tokens are a prompt and a completion count, each clamped by the client; a count
 * read back from the file is clamped the same way, so sums over entries cannot overflow. */
#define MAX_ENTRY_TOKENS (2 * CHORUS_LLM_MAX_TOKEN_COUNT)

static int64_t clamp_tokens(int64_t tokens)
{
    return tokens < 0 ? 0 : tokens > MAX_ENTRY_TOKENS ? MAX_ENTRY_TOKENS : tokens;
}

static uint64_t hash_key(const char *key)
{
    return chorus_fnv1a(key, strlen(key));
}

static size_t *find_slot(const chorus_llm_cache *cache, const char *key)
{
    size_t mask = cache->n_slots - 1;
    for (size_t i = hash_key(key) & mask;; i = (i + 1) & mask) {
        size_t s = cache->slots[i];
        if (s == 0 || strcmp(cache->entries[s - 1].key, key) == 0) return &cache->slots[i];
    }
}

/* Points fresh slots (n_slots zeroed entries, taken over) at the entries. */
void llm_cache_use_slots(chorus_llm_cache *cache, size_t *slots, size_t n_slots)
{
    free(cache->slots);
    cache->slots = slots;
    cache->n_slots = n_slots;
    for (size_t i = 0; i < cache->n_entries; i++)
        *find_slot(cache, cache->entries[i].key) = i + 1;
}

static int rebuild_slots(chorus_llm_cache *cache, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return chorus_error_nomem();
    llm_cache_use_slots(cache, slots, n_slots);
    return CHORUS_OK;
}

/* Inserts or replaces; takes ownership of nothing, copies key and answer. */
static int table_set(chorus_llm_cache *cache, const char *key, const char *answer, int64_t tokens,
                     double when, double confidence)
{
    /* Keep the load factor under 1/2 so probes stay short. */
    if (2 * (cache->n_entries + 1) > cache->n_slots) {
        int rc = rebuild_slots(cache, cache->n_slots ? 2 * cache->n_slots : 64);
        if (rc != CHORUS_OK) return rc;
    }
    size_t *slot = find_slot(cache, key);
    char *answer_copy = strdup(answer);
    if (!answer_copy) return chorus_error_nomem();
    if (*slot) {
        cache_entry *e = &cache->entries[*slot - 1];
        free(e->answer);
        e->answer = answer_copy;
        cache->tokens += tokens - e->tokens;
        e->tokens = tokens;
        e->time = when;
        e->confidence = confidence;
        return CHORUS_OK;
    }
    if (cache->n_entries == cache->cap_entries) {
        size_t cap = cache->cap_entries ? 2 * cache->cap_entries : 64;
        cache_entry *grown = realloc(cache->entries, cap * sizeof *grown);
        if (!grown) {
            free(answer_copy);
            return chorus_error_nomem();
        }
        cache->entries = grown;
        cache->cap_entries = cap;
    }
    char *key_copy = strdup(key);
    if (!key_copy) {
        free(answer_copy);
        return chorus_error_nomem();
    }
    cache->entries[cache->n_entries] =
        (cache_entry){key_copy, answer_copy, tokens, when, confidence};
    *slot = ++cache->n_entries;
    cache->tokens += tokens;
    return CHORUS_OK;
}

/* Parses one line; 1 and the fields on success, 0 for a damaged line. */
static int parse_line(const char *line, size_t len, json_t **root_out)
{
    json_error_t err;
    json_t *root = json_loadb(line, len, 0, &err);
    *root_out = root;
    if (!json_is_object(root)) return 0;
    json_t *key = json_object_get(root, "key");
    json_t *answer = json_object_get(root, "answer");
    json_t *tokens = json_object_get(root, "tokens");
    json_t *when = json_object_get(root, "time");
    json_t *p = json_object_get(root, "p");
    if (!json_is_string(key) || !json_is_string(answer)) return 0;
    /* Keys are SHA-256 in lowercase hex; anything else was not written by chorus. */
    const char *k = json_string_value(key);
    if (strlen(k) != 64 || strspn(k, "0123456789abcdef") != 64) return 0;
    if (tokens && !json_is_integer(tokens)) return 0;
    /* Seconds since the epoch; beyond year 33,000 it is not a time chorus wrote (and its
     * milliseconds would not fit the int64 that export and prune use). */
    if (when &&
        !(json_is_number(when) && json_number_value(when) >= 0 && json_number_value(when) <= 1e12))
        return 0;
    /* Written by versions that know confidences; older lines have none. */
    if (p && !(json_is_number(p) && json_number_value(p) >= 0 && json_number_value(p) <= 1))
        return 0;
    return 1;
}

/* Takes one complete line (with its "\n") of the file, the line_no-th. */
static int take_line(chorus_llm_cache *cache, const char *line, size_t len, off_t offset)
{
    cache->lines++;
    cache->bytes += (int64_t)len;
    json_t *root = NULL;
    int rc = CHORUS_OK;
    if (parse_line(line, len, &root)) {
        json_t *tokens = json_object_get(root, "tokens");
        json_t *p = json_object_get(root, "p");
        rc = table_set(cache, json_string_value(json_object_get(root, "key")),
                       json_string_value(json_object_get(root, "answer")),
                       tokens ? clamp_tokens(json_integer_value(tokens)) : 0,
                       json_number_value(json_object_get(root, "time")),
                       p ? json_number_value(p) : NAN);
    } else if (++cache->damaged > CHORUS_LLM_CACHE_MAX_DAMAGED) {
        /* A crash damages at most the line being written; this many is another file. */
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": more than %d damaged lines (this one at byte "
                              "offset %lld); expected an LLM cache, one JSON object "
                              "{\"key\": ..., \"answer\": ...} per line",
                              cache->path, cache->lines, CHORUS_LLM_CACHE_MAX_DAMAGED,
                              (long long)offset);
    }
    json_decref(root);
    return rc;
}

/*
 * Reads the lines of bytes [from, to) of the file into the table. A last line without its
 * "\n" was cut off by a crash (writers hold the lock, so none is half-written now): it is
 * counted as damaged, even if what is left parses.
 */
static int read_span(chorus_llm_cache *cache, off_t from, off_t to)
{
    enum { CHUNK = 1 << 20 };
    int rc = CHORUS_OK;
    char *chunk = malloc(CHUNK), *line = NULL;
    size_t len = 0, cap = 0;
    off_t pos = from, line_start = from;
    if (!chunk) return chorus_error_nomem();
    while (pos < to && rc == CHORUS_OK) {
        size_t want = to - pos < CHUNK ? (size_t)(to - pos) : CHUNK;
        ssize_t got = pread(cache->fd, chunk, want, pos);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            rc = chorus_error_set(CHORUS_EIO, "%s: cannot read the LLM cache: %s", cache->path,
                                  strerror(errno));
            break;
        }
        if (got == 0) break; /* truncated under us: what is there is read */
        for (size_t i = 0; i < (size_t)got && rc == CHORUS_OK;) {
            const char *nl = memchr(chunk + i, '\n', (size_t)got - i);
            size_t piece = nl ? (size_t)(nl - (chunk + i)) + 1 : (size_t)got - i;
            if (len + piece > CHORUS_LLM_CACHE_MAX_LINE) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": a line longer than %d bytes (from byte "
                                      "offset %lld); expected an LLM cache, one short JSON "
                                      "object per line",
                                      cache->path, cache->lines + 1, CHORUS_LLM_CACHE_MAX_LINE,
                                      (long long)line_start);
                break;
            }
            if (len + piece + 1 > cap) {
                size_t grown_cap = cap ? cap : 4096;
                while (grown_cap < len + piece + 1)
                    grown_cap *= 2;
                char *grown = realloc(line, grown_cap);
                if (!grown) {
                    rc = chorus_error_nomem();
                    break;
                }
                line = grown;
                cap = grown_cap;
            }
            memcpy(line + len, chunk + i, piece);
            len += piece;
            line[len] = '\0';
            i += piece;
            if (nl) {
                rc = take_line(cache, line, len, line_start);
                line_start += (off_t)len;
                len = 0;
            }
        }
        pos += got;
    }
    if (rc == CHORUS_OK && len > 0) {
        cache->lines++;
        cache->bytes += (int64_t)len;
        cache->damaged++;
    }
    if (rc == CHORUS_OK && pos > from) cache->need_newline = len > 0;
    if (rc == CHORUS_OK) cache->read_to = pos;
    free(line);
    free(chunk);
    return rc;
}

/* What a path that is not a regular file is, for the message. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

/*
 * Opens the file for reading and appending. Never blocks: a FIFO or a device is refused
 * before it is opened (and again after, O_NONBLOCK, should it have been swapped in between).
 */
static int open_file(chorus_llm_cache *cache, off_t *size)
{
    struct stat st;
    if (stat(cache->path, &st) == 0 && !S_ISREG(st.st_mode))
        return chorus_error_set(CHORUS_EIO, "%s: cannot use it as the LLM cache: it is %s",
                                cache->path, file_kind(st.st_mode));
    cache->fd = open(cache->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0666);
    if (cache->fd < 0)
        return chorus_error_set(CHORUS_EIO, "%s: cannot open the LLM cache: %s", cache->path,
                                strerror(errno));
    if (fstat(cache->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return chorus_error_set(CHORUS_EIO, "%s: cannot use it as the LLM cache: it is %s",
                                cache->path, file_kind(st.st_mode));
    int flags = fcntl(cache->fd, F_GETFL);
    if (flags >= 0) fcntl(cache->fd, F_SETFL, flags & ~O_NONBLOCK);
    if (st.st_size > CHORUS_LLM_CACHE_MAX_BYTES)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: the LLM cache is %lld bytes, over the limit of %lld; "
                                "expected a smaller file (use a new cache file)",
                                cache->path, (long long)st.st_size,
                                (long long)CHORUS_LLM_CACHE_MAX_BYTES);
    *size = st.st_size;
    return CHORUS_OK;
}

int llm_cache_open_for_append(chorus_llm_cache *cache)
{
    return open_file(cache, &cache->read_to);
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int chorus_llm_cache_lock(chorus_llm_cache *cache)
{
    if (cache->locked) return CHORUS_OK;
    if (cache->lock_fd < 0) {
        cache->lock_fd = open(cache->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0666);
        if (cache->lock_fd < 0)
            return chorus_error_set(CHORUS_EWRITE, "%s: cannot open the LLM cache's lock file: %s",
                                    cache->lock_path, strerror(errno));
    }
    int r;
    while ((r = flock(cache->lock_fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (r != 0)
        return chorus_error_set(CHORUS_EIO, "%s: cannot lock the LLM cache: %s", cache->lock_path,
                                strerror(errno));
    cache->locked = 1;
    /* Take in what other processes appended since the last look. */
    struct stat st;
    int rc = fstat(cache->fd, &st) != 0
                 ? chorus_error_set(CHORUS_EIO, "%s: cannot read the LLM cache: %s", cache->path,
                                    strerror(errno))
                 : CHORUS_OK;
    if (!rc && st.st_size > cache->read_to) rc = read_span(cache, cache->read_to, st.st_size);
    if (rc) chorus_llm_cache_unlock(cache);
    return rc;
}

void chorus_llm_cache_unlock(chorus_llm_cache *cache)
{
    if (!cache->locked) return;
    flock(cache->lock_fd, LOCK_UN);
    cache->locked = 0;
}

int chorus_llm_cache_lock_fd(const chorus_llm_cache *cache)
{
    return cache->locked ? cache->lock_fd : -1;
}

static void cache_free(chorus_llm_cache *cache)
{
    for (size_t i = 0; i < cache->n_entries; i++) {
        free(cache->entries[i].key);
        free(cache->entries[i].answer);
    }
    free(cache->entries);
    free(cache->slots);
    if (cache->lock_fd >= 0) close(cache->lock_fd); /* drops the lock too */
    free(cache->lock_path);
    free(cache->path);
    free(cache);
}

int chorus_llm_cache_open(chorus_llm_cache **out, const char *path)
{
    int rc;
    *out = NULL;
    if (!path || !*path) return chorus_error_set(CHORUS_EINVAL, "LLM cache path is empty");
    chorus_llm_cache *cache = calloc(1, sizeof *cache);
    if (!cache) return chorus_error_nomem();
    cache->fd = -1;
    cache->lock_fd = -1;
    cache->synced_at = monotonic_seconds();
    cache->path = strdup(path);
    size_t n = strlen(path) + sizeof ".lock";
    cache->lock_path = malloc(n);
    if (!cache->path || !cache->lock_path) {
        rc = chorus_error_nomem();
        goto cleanup;
    }
    snprintf(cache->lock_path, n, "%s.lock", path);
    rc = rebuild_slots(cache, 64);
    if (rc != CHORUS_OK) goto cleanup;
    off_t size = 0;
    rc = open_file(cache, &size);
    if (rc != CHORUS_OK) goto cleanup;
    /* Under the lock no other chorus is half-way through a line, so a cut-off one is real. */
    rc = chorus_llm_cache_lock(cache);
    if (rc != CHORUS_OK) goto cleanup;
    chorus_llm_cache_unlock(cache);
    *out = cache;
    return CHORUS_OK;
cleanup:
    if (cache->fd >= 0) close(cache->fd);
    cache_free(cache);
    return rc;
}

void chorus_llm_cache_close(chorus_llm_cache *cache)
{
    if (!cache) return;
    if (cache->fd >= 0) {
        fsync(cache->fd); /* nothing to report to from here; sync() is there for callers */
        close(cache->fd);
    }
    cache_free(cache);
}

void chorus_llm_cache_key(char out[65], const char *url, const char *model, const char *body)
{
    /* NUL separators keep ("ab", "c") and ("a", "bc") apart. */
    const char *parts[3] = {url ? url : "", model ? model : "", body ? body : ""};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (int i = 0; ok && i < 3; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
    ok = ok && EVP_DigestFinal_ex(ctx, digest, &digest_len) == 1 && digest_len == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        /* Only when libcrypto cannot allocate: an all-zero key never matches a real one. */
        memset(out, '0', 64);
        out[64] = '\0';
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}

const char *chorus_llm_cache_get(const chorus_llm_cache *cache, const char *key)
{
    if (!cache || !key) return NULL;
    size_t s = *find_slot(cache, key);
    return s ? cache->entries[s - 1].answer : NULL;
}

double llm_cache_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *llm_cache_render_line(const cache_entry *e, size_t *len)
{
    /* Milliseconds are plenty and keep lines short. */
    double when = (double)(int64_t)(e->time * 1000.0) / 1000.0;
    json_t *root = json_pack("{s:s, s:s, s:I, s:f}", "key", e->key, "answer", e->answer, "tokens",
                             (json_int_t)e->tokens, "time", when);
    if (root && isfinite(e->confidence) &&
        json_object_set_new(root, "p", json_real(e->confidence)) != 0) {
        json_decref(root);
        return NULL;
    }
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (!text) return NULL;
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) {
        free(text);
        return NULL;
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    *len = n + 1;
    return line;
}

static int put(chorus_llm_cache *cache, const char *key, const char *answer, int64_t tokens,
               double confidence, const char **kept)
{
    if (!cache || !key || !answer)
        return chorus_error_set(CHORUS_EINVAL, "LLM cache: key or answer missing");
    const int was_locked = cache->locked;
    int rc = chorus_llm_cache_lock(cache);
    if (rc != CHORUS_OK) return rc;
    if (kept && (*kept = chorus_llm_cache_get(cache, key))) {
        /* Another process stored it first: its answer is the one every process uses. */
        if (!was_locked) chorus_llm_cache_unlock(cache);
        return CHORUS_OK;
    }
    if (!(confidence >= 0 && confidence <= 1)) confidence = NAN;
    cache_entry e = {(char *)key, (char *)answer, clamp_tokens(tokens), llm_cache_wall_seconds(),
                     confidence};
    size_t len = 0;
    char *line = llm_cache_render_line(&e, &len);
    char *out = line;
    if (!line) {
        rc = chorus_error_nomem();
        goto cleanup;
    }
    if (cache->need_newline) {
        /* Prefix the "\n" inside the same write, so the line stays one write(). */
        out = malloc(len + 2);
        if (!out) {
            rc = chorus_error_nomem();
            goto cleanup;
        }
        out[0] = '\n';
        memcpy(out + 1, line, len + 1);
        len++;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(cache->fd, out + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            rc = chorus_error_set(CHORUS_EWRITE, "%s: cannot write the LLM cache: %s", cache->path,
                                  strerror(errno));
            goto cleanup;
        }
        done += (size_t)w;
    }
    cache->need_newline = 0;
    cache->lines++;
    cache->bytes += (int64_t)len;
    cache->read_to += (off_t)len; /* the lock is held: the line went where the file ended */
    rc = table_set(cache, key, answer, e.tokens, e.time, e.confidence);
    if (kept) *kept = chorus_llm_cache_get(cache, key);
    /* write() survives a killed process; a lost machine costs at most a second of answers. */
    if (rc == CHORUS_OK && monotonic_seconds() - cache->synced_at >= 1.0) {
        fdatasync(cache->fd);
        cache->synced_at = monotonic_seconds();
    }
cleanup:
    if (!was_locked) chorus_llm_cache_unlock(cache);
    if (out != line) free(out);
    free(line);
    return rc;
}

int chorus_llm_cache_put(chorus_llm_cache *cache, const char *key, const char *answer,
                         int64_t tokens)
{
    return put(cache, key, answer, tokens, NAN, NULL);
}

int chorus_llm_cache_put_first(chorus_llm_cache *cache, const char *key, const char *answer,
                               int64_t tokens, const char **kept)
{
    const char *ignored;
    return put(cache, key, answer, tokens, NAN, kept ? kept : &ignored);
}

int chorus_llm_cache_put_scored(chorus_llm_cache *cache, const char *key, const char *answer,
                                int64_t tokens, double confidence, const char **kept)
{
    const char *ignored;
    return put(cache, key, answer, tokens, confidence, kept ? kept : &ignored);
}

double chorus_llm_cache_confidence(const chorus_llm_cache *cache, const char *key)
{
    if (!cache || !key) return NAN;
    size_t s = *find_slot(cache, key);
    return s ? cache->entries[s - 1].confidence : NAN;
}

int chorus_llm_cache_sync(chorus_llm_cache *cache)
{
    if (!cache) return chorus_error_set(CHORUS_EINVAL, "LLM cache is NULL");
    if (fsync(cache->fd) != 0)
        return chorus_error_set(CHORUS_EWRITE, "%s: cannot sync the LLM cache: %s", cache->path,
                                strerror(errno));
    return CHORUS_OK;
}

void chorus_llm_cache_stats_get(const chorus_llm_cache *cache, chorus_llm_cache_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!cache) return;
    stats->entries = (int64_t)cache->n_entries;
    stats->lines = cache->lines;
    stats->damaged = cache->damaged;
    stats->bytes = cache->bytes;
    stats->tokens = cache->tokens;
    for (size_t i = 0; i < cache->n_entries; i++)
        stats->scored += isfinite(cache->entries[i].confidence);
}
