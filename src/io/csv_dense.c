/* Dense CSV vote matrices: a header of LF names (or none), one row of votes per item. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/csr_builder.h"
#include "io/csv_fields.h"
#include "io/read_options.h"
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

/* Copies the header's fields out of the line buffer, which the next read reuses, checking
 * each is a usable name as soon as the header is read (not after the last row). */
static int copy_names(char ***out, const chorus_csv_fields *header, const char *path)
{
    char **names = calloc(header->count, sizeof *names);
    if (!names) return chorus_error_nomem();
    *out = names;
    for (size_t j = 0; j < header->count; j++) {
        names[j] = strndup(header->fields[j].text, header->fields[j].len);
        if (!names[j]) return chorus_error_nomem();
        int rc = chorus_name_check(names[j], "labeling function");
        if (rc == CHORUS_EINVAL) {
            chorus_error_wrap("%s:1: column %zu: ", path, j + 1);
            return chorus_error_recode(CHORUS_EFORMAT);
        }
        if (rc) return rc;
    }
    int rc = chorus_names_check_unique((const char *const *)names, (int32_t)header->count,
                                       "labeling function");
    if (rc == CHORUS_EINVAL) {
        chorus_error_wrap("%s:1: ", path);
        return chorus_error_recode(CHORUS_EFORMAT);
    }
    return rc;
}

/* A first line whose every field is an integer is a row of votes, not LF names. */
static bool all_integers(const chorus_csv_fields *line)
{
    for (size_t j = 0; j < line->count; j++) {
        int64_t x;
        if (chorus_parse_int64(line->fields[j].text, line->fields[j].len, INT64_MIN, INT64_MAX,
                               &x) != 0)
            return false;
    }
    return true;
}

/* Everything one dense file's rows are read with. */
typedef struct dense_reader {
    const char *path;
    chorus_read_options opts;
    int32_t n_lfs;
    int32_t max_class;
    char **names; /* NULL without a header */
    chorus_csv_fields row;
    chorus_csr_builder builder;
} dense_reader;

/* Splits line `line_no` into at most n_lfs fields and adds its votes as one item. */
static int add_row(dense_reader *d, const char *line, size_t len, int64_t line_no)
{
    size_t bad;
    const char *path = d->path;
    const size_t n_lfs = (size_t)d->n_lfs;
    d->row.max_fields = n_lfs;
    int rc = chorus_csv_split(&d->row, line, len, &bad);
    if (rc == CHORUS_CSV_BAD_QUOTES)
        return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": column %zu: malformed quotes",
                                path, line_no, bad);
    if (rc == CHORUS_CSV_TOO_MANY_FIELDS || (!rc && d->row.count != n_lfs)) {
        /* The split stopped at the limit; without quotes the commas give the count. */
        size_t count = d->row.count;
        bool exact = !rc || !memchr(line, '"', len);
        if (rc && exact) {
            count = 1;
            for (const char *p = line; (p = memchr(p, ',', len - (size_t)(p - line))); p++)
                count++;
        }
        return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": %s%zu fields, expected %zu (%s)",
                                path, line_no, exact ? "" : "more than ", count, n_lfs,
                                d->names ? "one per column of the header"
                                         : "as many as the first line");
    }
    if (rc) return rc;
    const int32_t abstain = d->opts.abstain_value;
    for (int32_t j = 0; j < d->n_lfs; j++) {
        int64_t x;
        int32_t vote;
        const chorus_csv_field *f = &d->row.fields[j];
        if (chorus_parse_int64(f->text, f->len, INT64_MIN, INT64_MAX, &x) != 0 ||
            chorus_vote_from_value(x, abstain, d->max_class, &vote) != 0) {
            char expected[160], index_name[24];
            chorus_vote_expected(expected, sizeof expected, abstain, d->max_class);
            snprintf(index_name, sizeof index_name, "lf%" PRId32, j);
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": column %" PRId32 " (%s): '%.*s' is not a "
                                    "vote; expected %s",
                                    path, line_no, j + 1, d->names ? d->names[j] : index_name,
                                    (int)(f->len > 40 ? 40 : f->len), f->text, expected);
        }
        if (vote != CHORUS_ABSTAIN && (rc = chorus_csr_builder_add(&d->builder, j, vote)))
            return rc;
    }
    return chorus_csr_builder_end_row(&d->builder);
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
    return CHORUS_OK;
}

int chorus_votes_read_csv(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    dense_reader d = {.path = path};
    int rc = chorus_read_options_resolve(&d.opts, opts);
    if (rc) return rc;
    d.max_class = d.opts.n_classes > 0 ? d.opts.n_classes - 1 : CHORUS_MAX_CLASSES - 1;
    chorus_text_reader reader;
    chorus_csv_fields first = {0};
    chorus_votes *votes = NULL;
    bool headerless = false;
    char *line;
    size_t len;

    rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    rc = chorus_text_reader_header(&reader, &line, &len,
                                   "a header of labeling-function names, then one row of "
                                   "votes per item");
    if (rc) goto done;
    first.max_fields = CHORUS_CSV_MAX_LFS;
    size_t bad_column;
    rc = chorus_csv_split(&first, line, len, &bad_column);
    if (rc == CHORUS_CSV_BAD_QUOTES)
        rc = chorus_error_set(CHORUS_EFORMAT, "%s:1: column %zu: malformed quotes", path,
                              bad_column);
    else if (rc == CHORUS_CSV_TOO_MANY_FIELDS)
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:1: more than %d columns; a CSV vote matrix has at most %d "
                              "labeling functions",
                              path, CHORUS_CSV_MAX_LFS, CHORUS_CSV_MAX_LFS);
    if (rc) goto done;
    if (d.opts.header != CHORUS_HEADER_NO && is_triples_header(&first)) {
        chorus_text_reader_close(&reader);
        chorus_csv_fields_free(&first);
        return chorus_votes_read_triples(out, path, opts);
    }
    d.n_lfs = (int32_t)first.count;
    headerless = d.opts.header == CHORUS_HEADER_NO ||
                 (d.opts.header == CHORUS_HEADER_AUTO && all_integers(&first));
    if (!headerless && (rc = copy_names(&d.names, &first, path))) goto done;
    rc = chorus_csr_builder_init(&d.builder);
    if (rc) goto done;
    if (headerless) {
        chorus_log(CHORUS_LOG_INFO,
                   "%s: no header (the first line is votes): the labeling functions are "
                   "named by index, lf0..lf%" PRId32 "%s",
                   path, d.n_lfs - 1,
                   d.opts.header == CHORUS_HEADER_AUTO ? "; use --header if it names them" : "");
        if ((rc = add_row(&d, line, len, 1))) goto done;
    }

    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue; /* blank lines carry no item */
        if ((rc = add_row(&d, line, len, reader.line_no))) goto done;
    }
    if (rc < 0) goto done;
    /* A header alone is a matrix of no items: what chorus writes for one, so it reads back
     * (commands that need items, like fit, refuse it themselves). */
    rc = chorus_csr_builder_finish(&d.builder, &votes, d.n_lfs, d.opts.n_classes);
    if (rc) goto done;
    if (d.names) rc = set_header_names(votes, d.names, path);
    if (!rc && d.opts.n_classes == 0) rc = chorus_votes_check_inferred_classes(votes, path);

done:
    if (d.names)
        for (int32_t j = 0; j < d.n_lfs; j++)
            free(d.names[j]);
    free(d.names);
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&first);
    chorus_csv_fields_free(&d.row);
    chorus_csr_builder_free(&d.builder);
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
    const chorus_vote_view w = chorus_votes_view(votes);
    for (int64_t i = 0; i < votes->n_items; i++) {
        for (int32_t j = 0; j < m; j++)
            dense[j] = CHORUS_ABSTAIN;
        for (int64_t p = votes->row_ptr[i]; p < votes->row_ptr[i + 1]; p++)
            dense[chorus_view_lf(&w, p)] = chorus_view_label(&w, p);
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
