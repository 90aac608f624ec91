/*
 * Writing triples CSV so that it reads back as the same matrix: besides one row per vote,
 * rows with two empty fields declare what the votes alone would not show (an item without
 * votes, LFs and classes by name and in order, an LF or class without votes). A matrix
 * whose items all have votes, with every LF and class used and nothing named, is written
 * as plain item,lf,label rows, as other tools write it.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "chorus/io.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "votes/votes_internal.h"

static void write_item(FILE *fp, const chorus_votes *votes, int64_t i)
{
    const char *name = chorus_votes_item_name(votes, i);
    if (name)
        chorus_csv_write_field(fp, name);
    else
        fprintf(fp, "%" PRId64, i);
}

static void write_lf(FILE *fp, const chorus_votes *votes, int32_t j)
{
    if (votes->has_lf_names)
        chorus_csv_write_field(fp, votes->lf_names[j]);
    else
        fprintf(fp, "%" PRId32, j);
}

static void write_class(FILE *fp, const chorus_votes *votes, int32_t k)
{
    if (votes->has_class_names)
        chorus_csv_write_field(fp, votes->class_names[k]);
    else
        fprintf(fp, "%" PRId32, k);
}

/* Whether every LF votes somewhere, and the largest label. */
static int scan(const chorus_votes *votes, int *all_lfs_vote, int32_t *max_label)
{
    const int64_t nnz = votes->row_ptr[votes->n_items];
    unsigned char *used = calloc((size_t)votes->n_lfs, 1);
    if (!used) return chorus_error_nomem();
    *max_label = -1;
    const chorus_vote_view w = chorus_votes_view(votes);
    for (int64_t p = 0; p < nnz; p++) {
        used[chorus_view_lf(&w, p)] = 1;
        if (chorus_view_label(&w, p) > *max_label) *max_label = chorus_view_label(&w, p);
    }
    *all_lfs_vote = 1;
    for (int32_t j = 0; j < votes->n_lfs; j++)
        if (!used[j]) *all_lfs_vote = 0;
    free(used);
    return CHORUS_OK;
}

int chorus_votes_write_triples(const chorus_votes *votes, const char *path)
{
    int all_lfs_vote = 1;
    int32_t max_label = -1;
    int rc = scan(votes, &all_lfs_vote, &max_label);
    if (rc) return rc;
    chorus_atomic_file file;
    if ((rc = chorus_atomic_open(&file, path))) return rc;
    FILE *fp = file.fp;
    fputs("item,lf,label\n", fp);
    /* Declared up front, LFs and classes take their indices in order of these rows. */
    if (votes->has_lf_names || !all_lfs_vote)
        for (int32_t j = 0; j < votes->n_lfs; j++) {
            fputc(',', fp);
            write_lf(fp, votes, j);
            fputs(",\n", fp);
        }
    const int32_t implied = max_label + 1 < 2 ? 2 : max_label + 1;
    if (votes->has_class_names || implied != votes->n_classes)
        for (int32_t k = 0; k < votes->n_classes; k++) {
            fputs(",,", fp);
            write_class(fp, votes, k);
            fputc('\n', fp);
        }
    const chorus_vote_view w = chorus_votes_view(votes);
    for (int64_t i = 0; i < votes->n_items; i++) {
        if (votes->row_ptr[i] == votes->row_ptr[i + 1]) {
            write_item(fp, votes, i);
            fputs(",,\n", fp);
        }
        for (int64_t p = votes->row_ptr[i]; p < votes->row_ptr[i + 1]; p++) {
            write_item(fp, votes, i);
            fputc(',', fp);
            write_lf(fp, votes, chorus_view_lf(&w, p));
            fputc(',', fp);
            write_class(fp, votes, chorus_view_label(&w, p));
            fputc('\n', fp);
        }
    }
    return chorus_atomic_commit(&file);
}
