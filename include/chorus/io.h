/*
 * Reading and writing vote matrices and gold labels. Every reader treats its input as
 * hostile: a malformed file yields CHORUS_EFORMAT with a message naming the file and the
 * line (text formats) or byte offset (binary formats) and what was expected there. Every
 * writer writes a temporary file beside the target and renames it, so an interrupted or
 * failed write never leaves a partial file under the target name.
 */
#ifndef CHORUS_IO_H
#define CHORUS_IO_H

#include <stdio.h>

#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum chorus_votes_format {
    CHORUS_FORMAT_AUTO = 0,    /* from the file name: .chv, .npy, .json, else CSV (sniffed) */
    CHORUS_FORMAT_CSV = 1,     /* dense: header of LF names, one row per item, -1 abstains */
    CHORUS_FORMAT_TRIPLES = 2, /* sparse: header "item,lf,label", one row per vote */
    CHORUS_FORMAT_NPY = 3,     /* NumPy .npy, 2-D C-order signed integers, -1 abstains */
    CHORUS_FORMAT_CHV = 4,     /* chorus' native binary format, see docs/chv-format.md */
    CHORUS_FORMAT_WRENCH = 5   /* WRENCH's dataset JSON (read only), chorus_votes_read_wrench */
} chorus_votes_format;

/*
 * Triples only: what to do when a labeling function (a crowd worker) answers an item it
 * has already answered, since a cell of the vote matrix holds one vote.
 */
typedef enum chorus_duplicates {
    CHORUS_DUPLICATES_ALL = 0,   /* keep every answer: worker w's k-th answer on an item is a
                                    vote of an extra LF "w#k" (k >= 2); logged as a warning */
    CHORUS_DUPLICATES_ERROR = 1, /* CHORUS_EFORMAT naming the file and both lines */
    CHORUS_DUPLICATES_FIRST = 2, /* keep the answer on the earliest line; the rest are logged */
    CHORUS_DUPLICATES_LAST = 3   /* keep the answer on the latest line; the rest are logged */
} chorus_duplicates;

/* Parses "all", "error", "first" or "last"; CHORUS_EINVAL for anything else. */
int chorus_duplicates_parse(chorus_duplicates *out, const char *name);

/* Whether the first line of a dense CSV file is a header of LF names. */
typedef enum chorus_csv_header {
    CHORUS_HEADER_AUTO = 0, /* a first line of integers only is data, anything else a header */
    CHORUS_HEADER_YES = 1,  /* the first line names the LFs, even if it is all numbers */
    CHORUS_HEADER_NO = 2    /* no header: every line is data and LFs are named lf0, lf1, ... */
} chorus_csv_header;

typedef struct chorus_read_options {
    unsigned version;
    chorus_votes_format format;
    /* Number of classes; 0 = as the file says, or one more than its largest label. */
    int32_t n_classes;
    /* Triples only: number of items; 0 = one more than the largest item index. */
    int64_t n_items;
    /* Triples only: number of LFs; 0 = one more than the largest LF index. */
    int32_t n_lfs;
    /* .chv only: check the checksum (reads the whole file once). */
    int verify_checksum;
    /* .chv only: map the file instead of reading it into memory. */
    int use_mmap;
    /* Version 2. Triples only: repeated answers, see chorus_duplicates. */
    chorus_duplicates duplicates;
    /*
     * Version 2. Triples only: n_classes names (n_classes must be set) that labels given as
     * names are resolved against, fixing the class order; NULL = classes in order of first
     * appearance. A label that is none of them is CHORUS_EFORMAT naming the line.
     */
    const char *const *class_names;
    /* Version 2. Dense CSV only: is the first line a header? */
    chorus_csv_header header;
    /* Version 2. CSV, triples and .npy: the value that means abstain, -1..CHORUS_MAX_CLASSES; -1
     * always means abstain too. The classes are the values after it: value
     * abstain_value + 1 + k is class k. With the default -1 the classes are 0..K-1
     * (Snorkel's convention); with 0, a file coded 0 (or -1) = abstain and classes 1..K is
     * read as classes 0..K-1. */
    int32_t abstain_value;
} chorus_read_options;

#define CHORUS_READ_OPTIONS_VERSION 2
#define CHORUS_READ_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CHORUS_READ_OPTIONS_VERSION, CHORUS_FORMAT_AUTO, 0, 0, 0, 1, 1, CHORUS_DUPLICATES_ALL,     \
            NULL, CHORUS_HEADER_AUTO, CHORUS_ABSTAIN                                               \
    }

/* Most labeling functions (columns) a dense CSV vote matrix may have; every line of a text
 * vote file is also at most 16 MiB (CHORUS_TEXT_MAX_LINE_BYTES). */
#define CHORUS_CSV_MAX_LFS 100000

/* Format implied by a file name: .chv, .npy, .json (WRENCH), otherwise CSV (dense or
 * triples, sniffed). */
chorus_votes_format chorus_format_from_path(const char *path);

/* Parses "csv", "triples", "npy", "chv", "wrench" or "auto". CHORUS_EINVAL for anything
 * else. */
int chorus_format_parse(chorus_votes_format *out, const char *name);
const char *chorus_format_name(chorus_votes_format format);

/*
 * Reads a vote matrix. opts may be NULL for the defaults. A CSV file whose header is
 * item,lf,label (or task,worker,label, item,worker,label, item,source,label) is read as
 * triples. In a triples file each column holds integers (indices: item 7 is row 7, label
 * -1 abstains) or, as soon as one value is not an integer, names (task ids, worker names,
 * class names), numbered in order of first appearance and kept as the matrix's item, LF
 * and class names. A row with two empty fields declares the third without a vote ("t9,,"
 * an item, ",alice," an LF, ",,spam" a class); chorus' triples writer uses them so that
 * every item, LF and class reads back. An integer index must stay below the size given in
 * opts or, without one, below 16 x (data rows) + 1024, so one line cannot make the reader
 * allocate a huge matrix.
 */
int chorus_votes_read(chorus_votes **out, const char *path, const chorus_read_options *opts);

/* Writes a vote matrix; CHORUS_FORMAT_AUTO picks the format from the path. */
int chorus_votes_write(const chorus_votes *votes, const char *path, chorus_votes_format format);

/* The individual formats, for callers that know what they have. */
int chorus_votes_read_csv(chorus_votes **out, const char *path, const chorus_read_options *opts);
int chorus_votes_read_triples(chorus_votes **out, const char *path,
                              const chorus_read_options *opts);
int chorus_votes_read_npy(chorus_votes **out, const char *path, const chorus_read_options *opts);
int chorus_votes_read_chv(chorus_votes **out, const char *path, const chorus_read_options *opts);
/*
 * WRENCH's dataset file (train.json, valid.json, test.json): a JSON object whose keys are
 * the item ids (kept as the matrix's item names, in file order) and whose values hold
 * "weak_labels", one vote per LF (-1 abstains; opts' abstain_value applies as for CSV).
 * The LFs are named lf0, lf1, ...; the classes come from the label.json beside the file
 * ({"0": "ham", "1": "spam"}) when there is one, else as opts or the votes say. The file is
 * parsed whole (jansson), so it takes a few times its size in memory while it is read.
 * chorus_votes_write has no WRENCH writer: CHORUS_EINVAL.
 */
int chorus_votes_read_wrench(chorus_votes **out, const char *path, const chorus_read_options *opts);

/* The counts a .chv file's header gives, the header checked as chorus_votes_read_chv()
 * checks it; nothing else is read. */
int chorus_chv_shape(int64_t *n_items, int32_t *n_lfs, int32_t *n_classes, const char *path);

/*
 * Items [begin, end) of a .chv file as a matrix of end - begin items (its item i is the
 * file's item begin + i), with the file's names: for one process of a distributed job,
 * which reads only the header, the names and the range's part of the file. The range is
 * checked as chorus_votes_read_chv() checks the whole file, except for the checksum (it
 * covers the whole file). CHORUS_EINVAL for a range outside the file's items.
 */
int chorus_votes_read_chv_range(chorus_votes **out, const char *path, int64_t begin, int64_t end);
int chorus_votes_write_csv(const chorus_votes *votes, const char *path);
int chorus_votes_write_triples(const chorus_votes *votes, const char *path);
int chorus_votes_write_npy(const chorus_votes *votes, const char *path);
int chorus_votes_write_chv(const chorus_votes *votes, const char *path);

/*
 * Reads gold labels: one per line, -1 for unknown, else a class index (an integer, or a
 * float with an integral value such as np.savetxt's "1.000000000000000000e+00"). If
 * n_classes > 0, labels must be below it. The array (chorus_free it) has *out_n entries.
 * A blank last line is ignored. Errors: CHORUS_EIO, CHORUS_EFORMAT naming the file, line
 * and value, CHORUS_ENOMEM.
 */
int chorus_gold_read(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes);

/*
 * chorus_gold_read that also takes class names: class_names (NULL for none) has n_classes
 * entries, and a line may be one of them (surrounding blanks ignored). A value that names
 * one class and is the index of another ("1" when the classes are named 1..4) is an error.
 * A path ending in .json is a WRENCH dataset file (chorus_votes_read_wrench): the "label"
 * of each of its items, in file order, -1 where it is null or missing.
 */
int chorus_gold_read_named(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes,
                           const char *const *class_names);

/*
 * One gold label from text[0..len), by the rules of chorus_gold_read_named(), for front
 * ends that take gold from elsewhere (a field of a dataset). 0 and *out set, or -1 with no
 * message; chorus_gold_describe() then writes into buf (snprintf-style, returns the length
 * it wanted) why the text is not a label.
 */
int chorus_gold_parse(int32_t *out, const char *text, size_t len, int32_t n_classes,
                      const char *const *class_names);
int chorus_gold_describe(char *buf, size_t size, const char *text, size_t len, int32_t n_classes,
                         const char *const *class_names);

/* Writes gold labels in the same format (used by chorus synth). */
int chorus_gold_write(const int32_t *gold, int64_t n, const char *path);

/*
 * Reads dependency groups for chorus_fit_options.lf_group: one group per line, its
 * labeling functions by name (or index) separated by commas, 2 or more per group; a line
 * starting with '#' is a comment. *out (chorus_free it) has chorus_votes_n_lfs(votes)
 * entries: the group of each LF in order of the lines (0, 1, ...), or -1 for an LF in no
 * group. Errors: CHORUS_EIO, CHORUS_EFORMAT naming the file and line of an unknown LF, an LF
 * in two groups or a group of one; CHORUS_ENOMEM.
 */
int chorus_groups_read(int32_t **out, const char *path, const chorus_votes *votes);

/*
 * Writes one CSV field as chorus' own writers do: as is, or in double quotes (inner quotes
 * doubled, RFC 4180) if it holds a comma, quote, CR or LF; so a front end's CSV reads back
 * with chorus' readers. Errors show in ferror(fp).
 */
void chorus_csv_write_field(FILE *fp, const char *text);

#ifdef __cplusplus
}
#endif
#endif
