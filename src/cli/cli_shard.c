/*
 * fit and predict on N processes: rank 0 reads the .chv header, every rank reads its own
 * items, the library fits across the ranks (chorus_model_fit_sharded) or each rank
 * predicts its items and rank 0 writes them a piece at a time in rank order, which is item
 * order, so what it writes is the one-process output byte for byte.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_mpi.h"

int cli_mpi_fail_once(const char *cmd, int status)
{
    int first = -1;
    if (!cli_mpi_agree(status, &first)) return CLI_EXIT_OK;
    int rc = first == cli_mpi_rank() ? cli_fail(cmd, status) : CLI_EXIT_OK;
    return cli_mpi_agree(rc, NULL);
}

int cli_check_sharded_votes(const char *cmd, const char *path, const char *format)
{
    chorus_votes_format f = CHORUS_FORMAT_AUTO;
    if (format && chorus_format_parse(&f, format))
        return cli_usage_error(cmd, "%s", chorus_error_last());
    if (f == CHORUS_FORMAT_AUTO) f = chorus_format_from_path(path);
    if (f != CHORUS_FORMAT_CHV)
        return cli_usage_error(cmd,
                               "%s: on %d processes the votes must be a .chv file, the format a "
                               "process can read its part of; convert them first (chorus "
                               "convert %s VOTES.chv)",
                               path, cli_mpi_size(), path);
    return CLI_EXIT_OK;
}

/* The matrix's counts from its header, read by rank 0 and handed to every rank. */
static int share_shape(const char *cmd, const char *path, int64_t *shape)
{
    const chorus_comm *comm = cli_mpi_comm();
    int status = CHORUS_OK;
    int32_t m = 0, k = 0;
    memset(shape, 0, 3 * sizeof *shape);
    if (comm->rank == 0 && !(status = chorus_chv_shape(&shape[0], &m, &k, path))) {
        shape[1] = m;
        shape[2] = k;
    }
    int rc = cli_mpi_fail_once(cmd, status);
    if (rc) return rc;
    size_t *counts = calloc((size_t)comm->size, sizeof *counts);
    if (!counts) return cli_mpi_fail_once(cmd, CHORUS_ENOMEM);
    counts[0] = 3 * sizeof *shape;
    status = comm->allgather(comm->ctx, shape, counts);
    free(counts);
    return cli_mpi_fail_once(cmd, status);
}

int cli_fit_sharded(const char *cmd, const char *path, const chorus_fit_options *opts,
                    chorus_model **model)
{
    *model = NULL;
    int64_t shape[3], begin = 0, end = 0;
    int rc = share_shape(cmd, path, shape);
    if (rc) return rc;
    if (shape[0] == 0) {
        if (cli_mpi_rank() == 0)
            fprintf(stderr, "chorus %s: %s: no items (no rows of votes): nothing to fit\n", cmd,
                    path);
        return CLI_EXIT_USAGE;
    }
    chorus_votes *votes = NULL;
    int status = chorus_fit_shard_range(&begin, &end, shape[0], (int32_t)shape[1],
                                        (int32_t)shape[2], cli_mpi_rank(), cli_mpi_size());
    if (!status) status = chorus_votes_read_chv_range(&votes, path, begin, end);
    /* A bad range is reported by its own rank, with the file and byte offset. */
    rc = status ? cli_fail(cmd, status) : CLI_EXIT_OK;
    if ((rc = cli_mpi_agree(rc, NULL))) goto done;
    status = chorus_model_fit_sharded(model, votes, begin, shape[0], cli_mpi_comm(), opts);
    rc = cli_mpi_fail_once(cmd, status);
done:
    if (rc) {
        chorus_model_free(*model);
        *model = NULL;
    }
    chorus_votes_free(votes);
    return rc;
}

/*
 * Items a rank predicts and sends at once: rank 0 holds a piece of rows (PIECE_ITEMS x K
 * doubles with their ids, flags and names) at a time, never n x K.
 */
#define PIECE_ITEMS 32768

/* A piece of rows as bytes: u64 rows, rows ids (i64), rows covered flags, rows x K
 * doubles, then per row its name and a NUL ("" without a name). *buf grows to fit. */
static int pack_piece(const chorus_probs *rows, unsigned char **buf, size_t *cap, size_t *size)
{
    const uint64_t n = (uint64_t)chorus_probs_n_items(rows);
    const size_t values = (size_t)n * (size_t)chorus_probs_n_classes(rows) * sizeof(double);
    size_t need = 8 + (size_t)n * 9 + values;
    for (int64_t i = 0; i < (int64_t)n; i++) {
        const char *name = chorus_probs_item_name(rows, i);
        need += (name ? strlen(name) : 0) + 1;
    }
    if (need > *cap) {
        unsigned char *grown = realloc(*buf, need);
        if (!grown) return CHORUS_ENOMEM;
        *buf = grown;
        *cap = need;
    }
    unsigned char *p = *buf;
    memcpy(p, &n, 8);
    p += 8;
    for (int64_t i = 0; i < (int64_t)n; i++, p += 8) {
        const int64_t id = chorus_probs_item_id(rows, i);
        memcpy(p, &id, 8);
    }
    memcpy(p, chorus_probs_covered(rows), (size_t)n);
    p += n;
    memcpy(p, chorus_probs_const_data(rows), values);
    p += values;
    for (int64_t i = 0; i < (int64_t)n; i++) {
        const char *name = chorus_probs_item_name(rows, i);
        const size_t len = name ? strlen(name) : 0;
        memcpy(p, name ? name : "", len + 1);
        p += len + 1;
    }
    *size = (size_t)(p - *buf);
    return CHORUS_OK;
}

/* Rank 0: a packed piece back into rows for the writer. */
static int unpack_piece(chorus_probs **out, const chorus_model *model, const unsigned char *buf,
                        size_t size)
{
    *out = NULL;
    const int32_t k = chorus_model_n_classes(model);
    uint64_t n;
    if (size < 8) return CHORUS_EINTERNAL;
    memcpy(&n, buf, 8);
    const size_t row_bytes = 9 + (size_t)k * sizeof(double);
    if (n > (size - 8) / row_bytes) return CHORUS_EINTERNAL;
    const unsigned char *ids = buf + 8, *covered = ids + 8 * n, *values = covered + n;
    const unsigned char *name = values + (size_t)n * (size_t)k * sizeof(double), *end = buf + size;
    chorus_probs *rows = NULL;
    int64_t *id = malloc((size_t)(n ? n : 1) * sizeof *id);
    int status = id ? chorus_probs_new(&rows, (int64_t)n, k) : CHORUS_ENOMEM;
    for (int32_t c = 0; !status && c < k; c++)
        status = chorus_probs_set_class_name(rows, c, chorus_model_class_name(model, c));
    if (!status) {
        memcpy(id, ids, (size_t)n * sizeof *id);
        memcpy(chorus_probs_data(rows), values, (size_t)n * (size_t)k * sizeof(double));
        status = chorus_probs_set_item_ids(rows, id);
    }
    if (!status) status = chorus_probs_set_covered(rows, covered);
    for (uint64_t i = 0; !status && i < n; i++) {
        const unsigned char *nul = memchr(name, '\0', (size_t)(end - name));
        if (!nul) {
            status = CHORUS_EINTERNAL;
            break;
        }
        if (nul > name) status = chorus_probs_set_item_name(rows, (int64_t)i, (const char *)name);
        name = nul + 1;
    }
    free(id);
    if (status) {
        chorus_probs_free(rows);
        return status;
    }
    *out = rows;
    return CHORUS_OK;
}

/* The pieces of a rank's `n` items: [at, at + PIECE_ITEMS) clipped to n. */
static int64_t piece_end(int64_t at, int64_t n)
{
    return n - at < PIECE_ITEMS ? n : at + PIECE_ITEMS;
}

/*
 * Rank r > 0: each piece predicted, then "header" {status, bytes} to rank 0, which answers
 * go (1) or stop (0), then the bytes. Either side's failure ends the exchange at the same
 * point on both: a failed header, or a stop.
 */
static int send_rows(const chorus_predictor *predictor, int64_t n)
{
    unsigned char *buf = NULL;
    size_t cap = 0, size = 0;
    int status = CHORUS_OK;
    for (int64_t at = 0; at < n; at = piece_end(at, n)) {
        chorus_probs *rows = NULL;
        status = chorus_predictor_rows(&rows, predictor, at, piece_end(at, n));
        if (!status) status = pack_piece(rows, &buf, &cap, &size);
        chorus_probs_free(rows);
        const int64_t header[2] = {status, status ? 0 : (int64_t)size};
        int32_t go = 0;
        if (cli_mpi_send(header, sizeof header, 0) || status || cli_mpi_recv(&go, sizeof go, 0) ||
            !go || cli_mpi_send(buf, size, 0))
            break;
    }
    free(buf);
    return status;
}

/* Rank 0: rank r's pieces, written as they come while rank 0 is well; *peer_failed when r
 * says it failed. Returns rank 0's own status. */
static int receive_rows(chorus_probs_writer *writer, const chorus_model *model, int r, int64_t n,
                        int status, int *peer_failed)
{
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (int64_t at = 0; at < n; at = piece_end(at, n)) {
        int64_t header[2];
        if (cli_mpi_recv(header, sizeof header, r)) {
            status = status ? status : CHORUS_EINTERNAL;
            break;
        }
        if (header[0]) {
            *peer_failed = 1;
            break;
        }
        if (!status && (size_t)header[1] > cap) {
            unsigned char *grown = realloc(buf, (size_t)header[1]);
            if (grown) {
                buf = grown;
                cap = (size_t)header[1];
            } else {
                status = CHORUS_ENOMEM;
            }
        }
        const int32_t go = !status && !*peer_failed;
        if (cli_mpi_send(&go, sizeof go, r) || !go) break;
        if ((status = cli_mpi_recv(buf, (size_t)header[1], r))) break;
        chorus_probs *rows = NULL;
        status = unpack_piece(&rows, model, buf, (size_t)header[1]);
        if (!status) status = chorus_probs_writer_add(writer, rows);
        chorus_probs_free(rows);
    }
    free(buf);
    return status;
}

/* Rank 0: the writer opened for every rank's rows, its own written a piece at a time. */
static int write_own_rows(chorus_probs_writer **writer, const chorus_predictor *predictor,
                          int64_t n, const char *output, chorus_probs_format format,
                          const chorus_probs_layout *layout)
{
    int status = chorus_probs_writer_open(writer, output, format, layout);
    for (int64_t at = 0; !status && at < n; at = piece_end(at, n)) {
        chorus_probs *rows = NULL;
        status = chorus_predictor_rows(&rows, predictor, at, piece_end(at, n));
        if (!status) status = chorus_probs_writer_add(*writer, rows);
        chorus_probs_free(rows);
    }
    return status;
}

int cli_predict_sharded(const char *cmd, const char *path, const chorus_model *model,
                        const char *output, chorus_probs_format format, int drop_uncovered,
                        int64_t *n_items, int64_t *n_covered)
{
    int64_t shape[3];
    int rc = share_shape(cmd, path, shape);
    if (rc) return rc;
    const int64_t n = shape[0], rank = cli_mpi_rank(), size = cli_mpi_size();
    const int64_t begin = n * rank / size, end = n * (rank + 1) / size;
    const chorus_comm *comm = cli_mpi_comm();
    chorus_votes *votes = NULL;
    chorus_predictor *predictor = NULL;
    chorus_probs_writer *writer = NULL;
    chorus_predict_write_options opts = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    chorus_probs_layout layout;
    int64_t *counts = NULL; /* per rank: rows it writes, whether they need an items file,
                               covered items */
    size_t *sizes = NULL;
    int status = chorus_votes_read_chv_range(&votes, path, begin, end);
    rc = status ? cli_fail(cmd, status) : CLI_EXIT_OK;
    if ((rc = cli_mpi_agree(rc, NULL))) goto done;
    opts.drop_uncovered = drop_uncovered;
    status = chorus_predictor_new(&predictor, model, votes, begin, &opts);
    counts = calloc((size_t)size * 3, sizeof *counts);
    sizes = malloc((size_t)size * sizeof *sizes);
    if (!status && (!counts || !sizes)) status = CHORUS_ENOMEM;
    if ((rc = cli_mpi_fail_once(cmd, status))) goto done;
    chorus_predictor_layout(predictor, &layout);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    counts[3 * rank] = layout.n_rows;
    counts[3 * rank + 1] = layout.items_file;
    for (int64_t i = 0; i < end - begin; i++)
        counts[3 * rank + 2] += row_ptr[i + 1] > row_ptr[i];
    for (int64_t r = 0; r < size; r++)
        sizes[r] = 3 * sizeof *counts;
    if ((rc = cli_mpi_fail_once(cmd, comm->allgather(comm->ctx, counts, sizes)))) goto done;
    layout.n_rows = layout.items_file = 0;
    *n_items = n;
    *n_covered = 0;
    for (int64_t r = 0; r < size; r++) {
        layout.n_rows += counts[3 * r];
        layout.items_file = layout.items_file || counts[3 * r + 1];
        *n_covered += counts[3 * r + 2];
    }
    /* Rank 0 writes, in rank order, which is item order: its rows, then each rank's. */
    int peer_failed = 0;
    if (rank == 0) {
        status = write_own_rows(&writer, predictor, end, output, format, &layout);
        for (int r = 1; r < size; r++)
            status = receive_rows(writer, model, r, n * (r + 1) / size - n * r / size, status,
                                  &peer_failed);
        if (!status && !peer_failed) {
            status = chorus_probs_writer_commit(writer);
            writer = NULL;
        }
    } else {
        status = send_rows(predictor, end - begin);
    }
    rc = cli_mpi_fail_once(cmd, status);
done:
    chorus_probs_writer_abort(writer);
    free(counts);
    free(sizes);
    chorus_predictor_free(predictor);
    chorus_votes_free(votes);
    return rc;
}
