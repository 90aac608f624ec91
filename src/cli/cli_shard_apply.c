/*
 * apply on N processes: each rank finds its byte range of the data file on record boundaries
 * (chorus/data_range.h: it scans its raw chunk, adds the counts of the chunks before its own
 * and locates its first record), applies the LFs to that range, and rank 0 gathers the
 * ranges' vote matrices in rank order, which is record order, and merges them into the matrix
 * of the whole file (chorus_lf_apply_merge), the one a single process gives.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_mpi.h"

/* ---- the library's messages on ranks other than 0 ------------------------------------ */

/* Only rank 0 prints as it goes (main.c); the others keep their messages (e.g. the rows their
 * range skipped) for rank 0 to print after its own, so every message is said once. */
typedef struct log_buffer {
    const char *cmd;
    char *text;
    size_t len, cap;
    int lost; /* a message did not fit in memory */
} log_buffer;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* A chorus_log_fn: the line main.c's callback would print, appended to the buffer. */
static void keep_log(chorus_log_level level, const char *message, void *ctx)
{
    log_buffer *b = ctx;
    if (level < CHORUS_LOG_INFO) return;
    const char *warning = level == CHORUS_LOG_WARN ? "warning: " : "";
    const int n = snprintf(NULL, 0, "chorus %s: %s%s\n", b->cmd, warning, message);
    if (n < 0) return;
    pthread_mutex_lock(&log_lock);
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = 2 * (b->len + (size_t)n + 1);
        char *text = realloc(b->text, cap);
        if (!text) {
            b->lost = 1;
            goto done;
        }
        b->text = text;
        b->cap = cap;
    }
    snprintf(b->text + b->len, (size_t)n + 1, "chorus %s: %s%s\n", b->cmd, warning, message);
    b->len += (size_t)n;
done:
    pthread_mutex_unlock(&log_lock);
}

/* ---- finding the ranges ------------------------------------------------------------- */

/* Every rank's `size` bytes at `mine` into block r of `all` (size bytes each), on every
 * rank. 0 or a chorus_status. */
static int allgather_blocks(void *all, const void *mine, size_t size)
{
    const chorus_comm *comm = cli_mpi_comm();
    size_t *counts = malloc((size_t)comm->size * sizeof *counts);
    if (!counts) return CHORUS_ENOMEM;
    for (int r = 0; r < comm->size; r++)
        counts[r] = size;
    memcpy((unsigned char *)all + (size_t)comm->rank * size, mine, size);
    int status = comm->allgather(comm->ctx, all, counts);
    free(counts);
    return status;
}

/*
 * ranges[0..size) on every rank: rank r locates range r from the counts of chunks 0..r-1
 * (added in rank order), and range r ends where range r + 1 begins (the last at the end of
 * the file, -1). An exit code; a failure is reported once.
 */
static int find_ranges(const char *cmd, const char *path, const chorus_data_options *opts,
                       chorus_data_range *ranges)
{
    const int rank = cli_mpi_rank(), size = cli_mpi_size();
    chorus_data_split_counts mine = CHORUS_DATA_SPLIT_COUNTS_INIT;
    chorus_data_split_counts before = CHORUS_DATA_SPLIT_COUNTS_INIT;
    chorus_data_split_counts *all = calloc((size_t)size, sizeof *all);
    chorus_data_range range;
    memset(&range, 0, sizeof range);
    int status = all ? chorus_data_split_scan(&mine, path, opts, rank, size) : CHORUS_ENOMEM;
    int rc = cli_mpi_fail_once(cmd, status);
    if (rc) goto done;
    status = allgather_blocks(all, &mine, sizeof mine);
    if ((rc = cli_mpi_fail_once(cmd, status))) goto done;
    for (int r = 0; r < rank; r++)
        chorus_data_split_counts_add(&before, &all[r]);
    status = chorus_data_split_locate(&range, path, opts, rank, size, &before);
    if ((rc = cli_mpi_fail_once(cmd, status))) goto done;
    status = allgather_blocks(ranges, &range, sizeof range);
    if ((rc = cli_mpi_fail_once(cmd, status))) goto done;
    for (int r = 0; r + 1 < size; r++)
        ranges[r].end = ranges[r + 1].begin;
    ranges[size - 1].end = -1;
done:
    free(all);
    return rc;
}

/* ---- a range's result as bytes ------------------------------------------------------- */

/*
 * One rank's block: the header (n_items, nnz, n_lfs, n_classes, log bytes: int64), row_ptr
 * (n_items + 1 int64), the LF indices and labels (nnz int32 each), per item a uint32 name
 * length (0: no name) and the name, per LF its votes and limit hits (int64) and seconds
 * (double), the range's wall-clock seconds (double), its kept log text, then the fields
 * its records had: a uint32, 0 for a CSV or TSV file, else 1 + the number of fields (JSONL),
 * and per field a uint32 length and the name.
 */
enum { HEADER_WORDS = 5 };

static void put(unsigned char **p, const void *src, size_t n)
{
    if (n) memcpy(*p, src, n);
    *p += n;
}

static int pack_part(const chorus_votes *part, const chorus_apply_report *report,
                     const log_buffer *logs, unsigned char **out, size_t *size)
{
    const int64_t n = chorus_votes_n_items(part), nnz = chorus_votes_nnz(part);
    const int32_t m = chorus_votes_n_lfs(part);
    const int64_t *row_ptr = chorus_votes_row_ptr(part);
    const int32_t *lf = chorus_votes_lf_index(part);
    const int32_t *label = chorus_votes_labels(part);
    if (!row_ptr || !lf || !label) return CHORUS_ENOMEM;
    size_t bytes = HEADER_WORDS * 8 + (size_t)(n + 1) * 8 + (size_t)nnz * 8 + (size_t)m * 24 + 8 +
                   logs->len + 4;
    for (int32_t f = 0; f < report->n_fields_seen; f++)
        bytes += 4 + strlen(report->fields_seen[f]);
    for (int64_t i = 0; i < n; i++) {
        const char *name = chorus_votes_item_name(part, i);
        bytes += 4 + (name ? strlen(name) : 0);
    }
    unsigned char *buf = malloc(bytes), *p = buf;
    if (!buf) return CHORUS_ENOMEM;
    const int64_t header[HEADER_WORDS] = {n, nnz, m, chorus_votes_n_classes(part),
                                          (int64_t)logs->len};
    put(&p, header, sizeof header);
    put(&p, row_ptr, (size_t)(n + 1) * 8);
    put(&p, lf, (size_t)nnz * 4);
    put(&p, label, (size_t)nnz * 4);
    for (int64_t i = 0; i < n; i++) {
        const char *name = chorus_votes_item_name(part, i);
        const uint32_t len = name ? (uint32_t)strlen(name) : 0;
        put(&p, &len, 4);
        put(&p, name, len);
    }
    put(&p, report->n_votes, (size_t)m * 8);
    put(&p, report->n_limit_hits, (size_t)m * 8);
    put(&p, report->seconds, (size_t)m * 8);
    put(&p, &report->total_seconds, 8);
    put(&p, logs->text, logs->len);
    const uint32_t n_fields = (uint32_t)report->n_fields_seen;
    const uint32_t count = report->fields_seen ? n_fields + 1 : 0;
    put(&p, &count, 4);
    for (uint32_t f = 0; f < n_fields; f++) {
        const uint32_t len = (uint32_t)strlen(report->fields_seen[f]);
        put(&p, &len, 4);
        put(&p, report->fields_seen[f], len);
    }
    *out = buf;
    *size = bytes;
    return CHORUS_OK;
}

/*
 * Rank 0: the part at *p (advanced past it) as a matrix; the block's report added to
 * `report` unless it is rank 0's own, and its log text printed. 0 or a chorus_status.
 */
/* The fields the ranges' records had, joined in rank order (repeats kept), for JSONL. */
typedef struct field_list {
    char **names;
    int32_t n;
    int jsonl;
} field_list;

static void field_list_free(field_list *l)
{
    for (int32_t f = 0; f < l->n; f++)
        free(l->names[f]);
    free(l->names);
}

static int unpack_fields(const unsigned char **p, field_list *fields)
{
    uint32_t count;
    memcpy(&count, *p, 4);
    *p += 4;
    if (count == 0) return CHORUS_OK;
    const uint32_t n = count - 1;
    fields->jsonl = 1;
    char **grown = realloc(fields->names, ((size_t)fields->n + n + 1) * sizeof *grown);
    if (!grown) return CHORUS_ENOMEM;
    fields->names = grown;
    for (uint32_t f = 0; f < n; f++) {
        uint32_t len;
        memcpy(&len, *p, 4);
        char *name = malloc((size_t)len + 1);
        if (!name) return CHORUS_ENOMEM;
        memcpy(name, *p + 4, len);
        name[len] = '\0';
        *p += 4 + (size_t)len;
        fields->names[fields->n++] = name;
    }
    return CHORUS_OK;
}

static int unpack_part(chorus_votes **out, const unsigned char **p, chorus_apply_report *report,
                       int own, field_list *fields)
{
    int64_t header[HEADER_WORDS];
    memcpy(header, *p, sizeof header);
    *p += sizeof header;
    const int64_t n = header[0], nnz = header[1];
    const int32_t m = (int32_t)header[2], k = (int32_t)header[3];
    /* The block is this program's own: aligned copies of its arrays are all it needs. */
    int64_t *row_ptr = malloc((size_t)(n + 1) * sizeof *row_ptr);
    int32_t *lf = malloc((size_t)(nnz ? nnz : 1) * sizeof *lf);
    int32_t *label = malloc((size_t)(nnz ? nnz : 1) * sizeof *label);
    char *name = NULL;
    int status = row_ptr && lf && label ? CHORUS_OK : CHORUS_ENOMEM;
    if (status) goto done;
    memcpy(row_ptr, *p, (size_t)(n + 1) * 8);
    memcpy(lf, *p + (size_t)(n + 1) * 8, (size_t)nnz * 4);
    memcpy(label, *p + (size_t)(n + 1) * 8 + (size_t)nnz * 4, (size_t)nnz * 4);
    *p += (size_t)(n + 1) * 8 + (size_t)nnz * 8;
    status = chorus_votes_from_csr(out, n, m, k, row_ptr, lf, label, CHORUS_COPY);
    for (int64_t i = 0; !status && i < n; i++) {
        uint32_t len;
        memcpy(&len, *p, 4);
        *p += 4;
        if (!len) continue;
        char *grown = realloc(name, (size_t)len + 1);
        if (!grown) {
            status = CHORUS_ENOMEM;
            break;
        }
        name = grown;
        memcpy(name, *p, len);
        name[len] = '\0';
        *p += len;
        status = chorus_votes_set_item_name(*out, i, name);
    }
    if (status) goto done;
    for (int32_t j = 0; j < m && !own; j++) {
        int64_t votes, limits;
        double seconds;
        memcpy(&votes, *p + (size_t)j * 8, 8);
        memcpy(&limits, *p + (size_t)(m + j) * 8, 8);
        memcpy(&seconds, *p + (size_t)(2 * m + j) * 8, 8);
        report->n_votes[j] += votes;
        report->n_limit_hits[j] += limits;
        report->seconds[j] += seconds;
    }
    double total_seconds;
    memcpy(&total_seconds, *p + (size_t)m * 24, 8);
    /* The ranges run side by side: the apply took as long as the slowest. */
    if (total_seconds > report->total_seconds) report->total_seconds = total_seconds;
    *p += (size_t)m * 24 + 8;
    if (header[4]) fwrite(*p, 1, (size_t)header[4], stderr);
    *p += header[4];
    status = unpack_fields(p, fields);
done:
    if (status) {
        chorus_votes_free(*out);
        *out = NULL;
    }
    free(name);
    free(row_ptr);
    free(lf);
    free(label);
    return status;
}

/*
 * Rank 0: the gathered blocks of every rank (*all, freed once unpacked) merged into *votes,
 * with the ranks' reports added into `report`. An exit code (printed).
 */
static int merge_parts(const char *cmd, chorus_votes **votes, chorus_apply_report *report,
                       const chorus_lf_set *set, const char *path, const chorus_data_range *ranges,
                       void **all)
{
    const int size = cli_mpi_size();
    chorus_votes **parts = calloc((size_t)size, sizeof *parts);
    int64_t n_items = 0;
    int rc = CLI_EXIT_OK;
    int status = parts ? CHORUS_OK : CHORUS_ENOMEM;
    const unsigned char *p = *all;
    field_list fields = {0};
    for (int r = 0; !status && r < size; r++)
        if (!(status = unpack_part(&parts[r], &p, report, r == 0, &fields)))
            n_items += chorus_votes_n_items(parts[r]);
    free(*all);
    *all = NULL;
    if (!status && n_items == 0) {
        /* The merge's own message would not name the file. */
        fprintf(stderr,
                "chorus %s: %s: no records; expected one or more rows after the header (CSV, "
                "TSV) or one JSON object per line (JSONL)\n",
                cmd, path);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    /* A JSONL file's fields are known only once every range has been read. */
    if (!status && fields.jsonl)
        status = chorus_lf_apply_check_fields(set, (const char *const *)fields.names, fields.n);
    if (!status) status = chorus_lf_apply_merge(votes, set, parts, ranges, size);
    if (status) rc = cli_fail(cmd, status);
done:
    field_list_free(&fields);
    for (int r = 0; parts && r < size; r++)
        chorus_votes_free(parts[r]);
    free(parts);
    return rc;
}

/* ---- the sharded apply -------------------------------------------------------------- */

int cli_apply_sharded(const char *cmd, const chorus_lf_set *set, const char *path,
                      const chorus_data_options *data_opts, const chorus_apply_options *opts,
                      chorus_votes **votes, chorus_apply_report **report)
{
    *votes = NULL;
    *report = NULL;
    const int rank = cli_mpi_rank(), size = cli_mpi_size();
    chorus_data_range *ranges = calloc((size_t)size, sizeof *ranges);
    chorus_votes *part = NULL;
    log_buffer logs = {cmd, NULL, 0, 0, 0};
    unsigned char *packed = NULL;
    void *all = NULL;
    size_t packed_size = 0, total = 0;
    int rc = cli_mpi_fail_once(cmd, ranges ? CHORUS_OK : CHORUS_ENOMEM);
    if (rc || (rc = find_ranges(cmd, path, data_opts, ranges))) goto done;
    if (rank != 0) chorus_log_set_callback(keep_log, &logs);
    int status = chorus_lf_apply_range(&part, report, set, path, data_opts, &ranges[rank], opts);
    if (rank != 0) chorus_log_set_callback(NULL, NULL);
    if (!status && logs.lost) status = CHORUS_ENOMEM;
    if (!status) status = pack_part(part, *report, &logs, &packed, &packed_size);
    /* The packed copy is what goes on: the matrix's memory is needed for the merge. */
    chorus_votes_free(part);
    part = NULL;
    if ((rc = cli_mpi_fail_once(cmd, status))) goto done;
    status = cli_mpi_gather(packed, packed_size, &all, &total);
    free(packed);
    packed = NULL;
    if (status)
        rc = cli_fail(cmd, status);
    else if (rank == 0)
        rc = merge_parts(cmd, votes, *report, set, path, ranges, &all);
    rc = cli_mpi_agree(rc, NULL);
done:
    if (rc || rank != 0) {
        chorus_votes_free(*votes);
        *votes = NULL;
        chorus_apply_report_free(*report);
        *report = NULL;
    }
    free(all);
    free(packed);
    free(logs.text);
    free(ranges);
    return rc;
}
