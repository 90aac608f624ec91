/*
 * fit and predict on N processes: rank 0 reads the .chv header, every rank reads its own
 * items, the library fits across the ranks (chorus_model_fit_sharded) or each rank
 * predicts its items and rank 0 gathers the rows in rank order, which is item order, so
 * what it writes is the one-process output byte for byte.
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
                    chorus_model **model, int64_t *n_items, int32_t *n_lfs, int32_t *n_classes)
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
    *n_items = shape[0];
    *n_lfs = (int32_t)shape[1];
    *n_classes = (int32_t)shape[2];
    chorus_votes *votes = NULL;
    int status = chorus_fit_shard_range(&begin, &end, shape[0], *n_lfs, *n_classes, cli_mpi_rank(),
                                        cli_mpi_size());
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
 * A rank's rows as bytes: n x K doubles, n covered flags, then per row a u32 name length
 * (0 without a name) and the name.
 */
static int pack_rows(const chorus_probs *probs, unsigned char **out, size_t *size)
{
    const int64_t n = chorus_probs_n_items(probs);
    const size_t values = (size_t)n * (size_t)chorus_probs_n_classes(probs) * sizeof(double);
    size_t names = 0;
    for (int64_t i = 0; i < n; i++) {
        const char *name = chorus_probs_item_name(probs, i);
        names += 4 + (name ? strlen(name) : 0);
    }
    unsigned char *buf = malloc(values + (size_t)n + names + 1);
    if (!buf) return CHORUS_ENOMEM;
    memcpy(buf, chorus_probs_const_data(probs), values);
    const uint8_t *covered = chorus_probs_covered(probs);
    for (int64_t i = 0; i < n; i++)
        buf[values + (size_t)i] = covered ? covered[i] : 1;
    unsigned char *p = buf + values + (size_t)n;
    for (int64_t i = 0; i < n; i++) {
        const char *name = chorus_probs_item_name(probs, i);
        uint32_t len = name ? (uint32_t)strlen(name) : 0;
        memcpy(p, &len, 4);
        if (len) memcpy(p + 4, name, len);
        p += 4 + len;
    }
    *out = buf;
    *size = (size_t)(p - buf);
    return CHORUS_OK;
}

/* Rank 0: the ranks' packed rows, in rank order, into one matrix of n items. */
static int unpack_rows(chorus_probs **out, const chorus_model *model, const unsigned char *all,
                       int64_t n)
{
    const int32_t k = chorus_model_n_classes(model);
    const int size = cli_mpi_size();
    chorus_probs *probs = NULL;
    uint8_t *covered = malloc((size_t)(n ? n : 1));
    char name[4097];
    int status = covered ? chorus_probs_new(&probs, n, k) : CHORUS_ENOMEM;
    for (int32_t c = 0; !status && c < k; c++)
        status = chorus_probs_set_class_name(probs, c, chorus_model_class_name(model, c));
    const unsigned char *p = all;
    for (int r = 0; !status && r < size; r++) {
        const int64_t begin = n * r / size, rows = n * (r + 1) / size - begin;
        const size_t values = (size_t)rows * (size_t)k * sizeof(double);
        memcpy(chorus_probs_data(probs) + (size_t)begin * k, p, values);
        memcpy(covered + begin, p + values, (size_t)rows);
        p += values + (size_t)rows;
        for (int64_t i = 0; !status && i < rows; i++) {
            uint32_t len;
            memcpy(&len, p, 4);
            p += 4;
            if (!len) continue;
            memcpy(name, p, len < sizeof name ? len : sizeof name - 1);
            name[len < sizeof name ? len : sizeof name - 1] = '\0';
            status = chorus_probs_set_item_name(probs, begin + i, name);
            p += len;
        }
    }
    if (!status) status = chorus_probs_set_covered(probs, covered);
    free(covered);
    if (status) {
        chorus_probs_free(probs);
        return status;
    }
    *out = probs;
    return CHORUS_OK;
}

int cli_predict_sharded(const char *cmd, const char *path, const chorus_model *model,
                        chorus_probs **probs)
{
    *probs = NULL;
    int64_t shape[3];
    int rc = share_shape(cmd, path, shape);
    if (rc) return rc;
    const int64_t n = shape[0], rank = cli_mpi_rank(), size = cli_mpi_size();
    chorus_votes *votes = NULL;
    chorus_probs *mine = NULL;
    unsigned char *packed = NULL;
    void *all = NULL;
    size_t packed_size = 0, total = 0;
    int status = chorus_votes_read_chv_range(&votes, path, n * rank / size, n * (rank + 1) / size);
    rc = status ? cli_fail(cmd, status) : CLI_EXIT_OK;
    if ((rc = cli_mpi_agree(rc, NULL))) goto done;
    status = chorus_model_predict(&mine, model, votes);
    if (!status) status = pack_rows(mine, &packed, &packed_size);
    if ((rc = cli_mpi_fail_once(cmd, status))) goto done;
    status = cli_mpi_gather(packed, packed_size, &all, &total);
    if (!status && rank == 0) status = unpack_rows(probs, model, all, n);
    rc = rank == 0 && status ? cli_fail(cmd, status) : CLI_EXIT_OK;
    rc = cli_mpi_agree(rc, NULL);
done:
    free(all);
    free(packed);
    chorus_probs_free(mine);
    chorus_votes_free(votes);
    return rc;
}
