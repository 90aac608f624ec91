/* Dense CSV vote matrices: a header of LF names, one row of votes per item, -1 = abstain. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/csr_builder.h"
#include "io/csv_fields.h"
#include "io/text_reader.h"
#include "votes/votes_internal.h"

static int field_is(const chorus_csv_field *f, const char *const *names)
{
    for (; *names; names++)
        if (strlen(*names) == f->len && strncasecmp(f->text, *names, f->len) == 0) return 1;
    return 0;
}

/* A header "item,lf,label" (or worker/source, vote) marks a sparse triples file. */
static int is_triples_header(const chorus_csv_fields *h)
{
    static const char *const item[] = {"item", "task", NULL};
    static const char *const lf[] = {"lf", "worker", "source", NULL};
    static const char *const label[] = {"label", "vote", NULL};
    return h->count == 3 && field_is(&h->fields[0], item) && field_is(&h->fields[1], lf) &&
           field_is(&h->fields[2], label);
}

/* Copies the header's fields out of the line buffer, which the next read reuses. */
static char **copy_names(const chorus_csv_fields *header)
{
    char **names = calloc(header->count, sizeof *names);
    if (!names) return NULL;
    for (size_t j = 0; j < header->count; j++) {
        names[j] = strndup(header->fields[j].text, header->fields[j].len);
        if (!names[j]) {
            for (size_t k = 0; k < j; k++)
                free(names[k]);
            free(names);
            return NULL;
        }
    }
    return names;
}

static int set_header_names(chorus_votes *v, char **names, const char *path)
{
    for (int32_t j = 0; j < v->n_lfs; j++) {
        int rc = chorus_votes_set_lf_name(v, j, names[j]);
        if (rc == CHORUS_EINVAL) {
            chorus_error_wrap("%s:1: column %" PRId32 ": ", path, j + 1);
            return chorus_error_recode(CHORUS_EFORMAT);
        }
        if (rc) return rc;
    }
    int rc = chorus_votes_check_unique_lf_names(v);
    if (rc == CHORUS_EINVAL) {
        chorus_error_wrap("%s:1: ", path);
        return chorus_error_recode(CHORUS_EFORMAT);
    }
    if (rc) return rc;
    return CHORUS_OK;
}

int chorus_votes_read_csv(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options defaults = CHORUS_READ_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    chorus_text_reader reader;
    chorus_csv_fields header = {0}, row = {0};
    chorus_csr_builder builder = {0};
    chorus_votes *votes = NULL;
    char **names = NULL;
    int32_t n_lfs = 0;
    int32_t max_class = opts->n_classes > 0 ? opts->n_classes - 1 : CHORUS_MAX_CLASSES - 1;
    char *line;
    size_t len;

    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    rc = chorus_text_reader_header(&reader, &line, &len,
                                   "a header of labeling-function names, then one row of "
                                   "votes per item");
    if (rc) goto done;
    rc = chorus_csv_split_line(&header, line, len, path, 1);
    if (rc) goto done;
    if (is_triples_header(&header)) {
        chorus_text_reader_close(&reader);
        chorus_csv_fields_free(&header);
        return chorus_votes_read_triples(out, path, opts);
    }
    if (header.count > CHORUS_MAX_LFS) {
        rc = chorus_error_set(CHORUS_EFORMAT, "%s:1: %zu columns, at most %d allowed", path,
                              header.count, CHORUS_MAX_LFS);
        goto done;
    }
    n_lfs = (int32_t)header.count;
    names = copy_names(&header);
    if (!names) {
        rc = chorus_error_nomem();
        goto done;
    }
    rc = chorus_csr_builder_init(&builder);
    if (rc) goto done;

    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue; /* blank lines carry no item */
        rc = chorus_csv_split_line(&row, line, len, path, reader.line_no);
        if (rc) goto done;
        if (row.count != (size_t)n_lfs) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": %zu fields, expected %zu (one per column of "
                                  "the header)",
                                  path, reader.line_no, row.count, (size_t)n_lfs);
            goto done;
        }
        for (int32_t j = 0; j < n_lfs; j++) {
            int64_t x;
            const chorus_csv_field *f = &row.fields[j];
            if (chorus_parse_int64(f->text, f->len, -1, max_class, &x) != 0) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": column %" PRId32 " (%s): '%.*s' is not a "
                                      "vote; expected -1 (abstain) or a class in 0..%" PRId32,
                                      path, reader.line_no, j + 1, names[j],
                                      (int)(f->len > 40 ? 40 : f->len), f->text, max_class);
                goto done;
            }
            if (x != CHORUS_ABSTAIN && (rc = chorus_csr_builder_add(&builder, j, (int32_t)x)))
                goto done;
        }
        if ((rc = chorus_csr_builder_end_row(&builder))) goto done;
    }
    if (rc < 0) goto done;
    if (builder.n_items == 0) {
        rc = chorus_error_set(
            CHORUS_EFORMAT, "%s: only a header, no rows of votes; expected one row per item", path);
        goto done;
    }
    rc = chorus_csr_builder_finish(&builder, &votes, n_lfs, opts->n_classes);
    if (rc) goto done;
    rc = set_header_names(votes, names, path);

done:
    if (names)
        for (int32_t j = 0; j < n_lfs; j++)
            free(names[j]);
    free(names);
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&header);
    chorus_csv_fields_free(&row);
    chorus_csr_builder_free(&builder);
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    *out = votes;
    return CHORUS_OK;
}

/* Appends the decimal form of a small int (a vote) to buf; returns the new end. */
static char *put_vote(char *buf, int32_t x)
{
    if (x < 0) {
        *buf++ = '-';
        x = -x;
    }
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    while (n)
        *buf++ = digits[--n];
    return buf;
}

int chorus_votes_write_csv(const chorus_votes *votes, const char *path)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    int32_t m = votes->n_lfs;
    int32_t *dense = malloc((size_t)m * sizeof *dense);
    /* Each vote takes at most 6 characters plus its comma. */
    char *line = malloc((size_t)m * 8 + 2);
    if (!dense || !line) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t j = 0; j < m; j++) {
        if (j) fputc(',', file.fp);
        chorus_csv_write_field(file.fp, votes->lf_names[j]);
    }
    fputc('\n', file.fp);
    for (int64_t i = 0; i < votes->n_items; i++) {
        for (int32_t j = 0; j < m; j++)
            dense[j] = CHORUS_ABSTAIN;
        for (int64_t p = votes->row_ptr[i]; p < votes->row_ptr[i + 1]; p++)
            dense[votes->lf_index[p]] = votes->label[p];
        char *end = line;
        for (int32_t j = 0; j < m; j++) {
            if (j) *end++ = ',';
            end = put_vote(end, dense[j]);
        }
        *end++ = '\n';
        fwrite(line, 1, (size_t)(end - line), file.fp);
    }
    rc = chorus_atomic_commit(&file);
done:
    if (rc) chorus_atomic_abort(&file);
    free(dense);
    free(line);
    return rc;
}
