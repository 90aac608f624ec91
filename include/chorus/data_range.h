/*
 * Byte ranges of a data file, for applying labeling functions to one file from several
 * processes (chorus_lf_apply_range in lf.h): each range starts and ends on a record
 * boundary, range 0 starts at byte 0 and holds the header (every range still reads the
 * header, so each knows the columns), and the ranges applied one by one and merged in order
 * give the same vote matrix as the whole file.
 *
 * A record boundary cannot be found from an arbitrary offset alone (a CSV field in quotes
 * may hold newlines), so the split takes three steps, each of which rank r of n can do on
 * its own, with a prefix over the ranks in between:
 *
 *   1. chorus_data_split_scan: counts in chunk r (bytes [r*S/n, (r+1)*S/n) of a file of S
 *      bytes): quote characters, line ends, and line ends outside quotes;
 *   2. the exclusive prefix of those counts over the chunks before r, combined with
 *      chorus_data_split_counts_add (associative, so an MPI_Exscan with a user operation
 *      computes it; rank 0's prefix is CHORUS_DATA_SPLIT_COUNTS_INIT);
 *   3. chorus_data_split_locate: from the quote parity at the chunk's start, the first line
 *      end outside quotes at or after it, and the blank lines after that: where range r
 *      begins, its first line, and the row number of its first record. Range r ends where
 *      range r + 1 begins (the last at the file's size, chorus_data_range.end = -1 there
 *      is taken as the end of the file).
 *
 * chorus_data_split does all three in one process. For CSV the parity of the quotes before a
 * point tells whether it is inside a quoted field, which holds for RFC 4180 files (a quote
 * inside an unquoted field breaks it, as does TSV's quote-as-text); JSONL records cannot
 * hold a raw newline, so there every line end is a boundary. Each range checks its end as
 * it reads: a record that runs past the start of the next range is CHORUS_EFORMAT, so a
 * wrong split is an error, never a different vote matrix.
 */
#ifndef CHORUS_DATA_RANGE_H
#define CHORUS_DATA_RANGE_H

#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One range of a data file. */
typedef struct chorus_data_range {
    int64_t begin;      /* byte offset of its first byte (0 for range 0) */
    int64_t end;        /* one past its last byte; -1 = the end of the file */
    int64_t first_line; /* the 1-based line number at begin */
    int64_t first_row;  /* row number (from 0, as chorus_dataset_source_row) at begin */
} chorus_data_range;

/* What step 1 counts in a chunk of the file. */
typedef struct chorus_data_split_counts {
    int64_t quotes;    /* '"' bytes (CSV, TSV; 0 for JSONL) */
    int64_t line_ends; /* physical line ends: LF, CRLF or a lone CR (JSONL: LF) */
    /* Line ends outside quotes, had the chunk started outside ([0]) or inside ([1]) a
     * quoted field. */
    int64_t record_ends[2];
} chorus_data_split_counts;

#define CHORUS_DATA_SPLIT_COUNTS_INIT                                                              \
    {                                                                                              \
        0, 0,                                                                                      \
        {                                                                                          \
            0, 0                                                                                   \
        }                                                                                          \
    }

/*
 * Step 1: the counts of chunk `rank` of n (1 <= n, 0 <= rank < n). Errors: CHORUS_EINVAL for
 * a bad rank or n, CHORUS_EIO for a file that cannot be read.
 */
int chorus_data_split_scan(chorus_data_split_counts *out, const char *path,
                           const chorus_data_options *opts, int32_t rank, int32_t n);

/* Step 2: *acc becomes the counts of acc's bytes followed by next's. */
void chorus_data_split_counts_add(chorus_data_split_counts *acc,
                                  const chorus_data_split_counts *next);

/*
 * Step 3: where range `rank` of n begins, given the counts of all the chunks before chunk
 * `rank` (step 2). Sets begin, first_line and first_row; sets end to -1 (the caller sets it
 * to the next range's begin). The header is read to find where the records start (CSV,
 * TSV): errors as chorus_dataset_read for a bad header, CHORUS_EIO.
 */
int chorus_data_split_locate(chorus_data_range *out, const char *path,
                             const chorus_data_options *opts, int32_t rank, int32_t n,
                             const chorus_data_split_counts *before);

/*
 * All three steps in one process: ranges[0..n) (n >= 1) cover the file in order, some
 * possibly empty (a file of fewer than n records). Errors as the steps.
 */
int chorus_data_split(chorus_data_range *ranges, int32_t n, const char *path,
                      const chorus_data_options *opts);

#ifdef __cplusplus
}
#endif
#endif
