/* Sparse triples CSV: a header "item,lf,label", then one vote per row, in any order. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/csv_fields.h"
#include "io/read_options.h"
#include "io/text_reader.h"
#include "votes/votes_internal.h"

typedef struct triple {
    int64_t item;
    int32_t lf;
    int32_t label;
    int64_t line; /* for the error message of a duplicate */
} triple;

static int compare_triples(const void *a, const void *b)
{
    const triple *x = a, *y = b;
    if (x->item != y->item) return x->item < y->item ? -1 : 1;
    if (x->lf != y->lf) return x->lf < y->lf ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Item indices up to 2^40 keep row_ptr allocations sane on a hostile file. */
#define MAX_ITEM_INDEX ((int64_t)1 << 40)

int chorus_votes_read_triples(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options resolved;
    int rc = chorus_read_options_resolve(&resolved, opts);
    if (rc) return rc;
    opts = &resolved;
    const int64_t abstain = opts->abstain_value;
    chorus_text_reader reader;
    chorus_csv_fields row = {0};
    triple *triples = NULL;
    size_t n = 0, cap = 0;
    int64_t *row_ptr = NULL;
    int32_t *lf_index = NULL, *label = NULL;
    chorus_votes *votes = NULL;
    int64_t max_item = opts->n_items > 0 ? opts->n_items - 1 : MAX_ITEM_INDEX;
    int64_t max_lf = opts->n_lfs > 0 ? opts->n_lfs - 1 : CHORUS_MAX_LFS - 1;
    int64_t max_class = opts->n_classes > 0 ? opts->n_classes - 1 : CHORUS_MAX_CLASSES - 1;
    int64_t seen_items = 0, seen_lfs = 0, seen_classes = 0;
    char *line;
    size_t len;

    rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    rc = chorus_text_reader_header(&reader, &line, &len, "a header item,lf,label");
    if (rc) goto done;
    static const char *const columns[] = {"item", "labeling function", "label"};
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        rc = chorus_csv_split_line(&row, line, len, path, reader.line_no);
        if (rc) goto done;
        if (row.count != 3) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": %zu fields, expected 3 (item,lf,label)", path,
                                  reader.line_no, row.count);
            goto done;
        }
        int64_t v[3];
        /* Labels are read as written (abstain_value + 1 + class), then mapped. */
        const int64_t lo[3] = {0, 0, -1}, hi[3] = {max_item, max_lf, abstain + 1 + max_class};
        for (int c = 0; c < 3; c++) {
            const chorus_csv_field *f = &row.fields[c];
            if (chorus_parse_int64(f->text, f->len, lo[c], hi[c], &v[c]) != 0) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": %s '%.*s' is not an integer in %" PRId64
                                      "..%" PRId64,
                                      path, reader.line_no, columns[c],
                                      (int)(f->len > 40 ? 40 : f->len), f->text, lo[c], hi[c]);
                goto done;
            }
        }
        if (v[0] + 1 > seen_items) seen_items = v[0] + 1;
        if (v[1] + 1 > seen_lfs) seen_lfs = v[1] + 1;
        if (v[2] == abstain || v[2] == CHORUS_ABSTAIN) continue;
        v[2] -= abstain + 1;
        if (v[2] + 1 > seen_classes) seen_classes = v[2] + 1;
        if (n == cap) {
            size_t cap2 = cap ? cap * 2 : 4096;
            triple *t = realloc(triples, cap2 * sizeof *t);
            if (!t) {
                rc = chorus_error_nomem();
                goto done;
            }
            triples = t;
            cap = cap2;
        }
        triples[n++] = (triple){v[0], (int32_t)v[1], (int32_t)v[2], reader.line_no};
    }
    if (rc < 0) goto done;
    if (seen_items == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: only a header, no votes; expected rows "
                              "item,lf,label",
                              path);
        goto done;
    }
    if (n) qsort(triples, n, sizeof *triples, compare_triples);
    for (size_t t = 1; t < n; t++)
        if (triples[t].item == triples[t - 1].item && triples[t].lf == triples[t - 1].lf) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": labeling function %" PRId32
                                  " votes again on item %" PRId64 " (first at line %" PRId64 ")",
                                  path, triples[t].line, triples[t].lf, triples[t].item,
                                  triples[t - 1].line);
            goto done;
        }

    int64_t n_items = opts->n_items > 0 ? opts->n_items : seen_items;
    int32_t n_lfs = opts->n_lfs > 0 ? opts->n_lfs : (int32_t)seen_lfs;
    int32_t n_classes =
        opts->n_classes > 0 ? opts->n_classes : (int32_t)(seen_classes < 2 ? 2 : seen_classes);
    row_ptr = calloc((size_t)n_items + 1, sizeof *row_ptr);
    lf_index = malloc(n ? n * sizeof *lf_index : 1);
    label = malloc(n ? n * sizeof *label : 1);
    if (!row_ptr || !lf_index || !label) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (size_t t = 0; t < n; t++) {
        row_ptr[triples[t].item + 1]++;
        lf_index[t] = triples[t].lf;
        label[t] = triples[t].label;
    }
    for (int64_t i = 0; i < n_items; i++)
        row_ptr[i + 1] += row_ptr[i];
    rc = chorus_votes_adopt(&votes, n_items, n_lfs, n_classes, row_ptr, lf_index, label);
    if (rc) goto done;
    row_ptr = NULL;
    lf_index = label = NULL;
    if (opts->n_classes == 0) rc = chorus_votes_check_inferred_classes(votes, path);

done:
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&row);
    free(triples);
    free(row_ptr);
    free(lf_index);
    free(label);
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    *out = votes;
    return CHORUS_OK;
}

int chorus_votes_write_triples(const chorus_votes *votes, const char *path)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    fputs("item,lf,label\n", file.fp);
    for (int64_t i = 0; i < votes->n_items; i++)
        for (int64_t p = votes->row_ptr[i]; p < votes->row_ptr[i + 1]; p++)
            fprintf(file.fp, "%" PRId64 ",%" PRId32 ",%" PRId32 "\n", i, votes->lf_index[p],
                    votes->label[p]);
    return chorus_atomic_commit(&file);
}
