/* Splitting one line of CSV into fields (RFC 4180 quotes within the line). */
#ifndef CHORUS_CSV_FIELDS_H
#define CHORUS_CSV_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chorus/io.h" /* chorus_csv_write_field, which front ends use too */

typedef struct chorus_csv_field {
    const char *text; /* points into the line, or into the unquoted copy */
    size_t len;
} chorus_csv_field;

typedef struct chorus_csv_fields {
    chorus_csv_field *fields;
    size_t count;
    size_t cap;
    char *unquoted; /* scratch for fields that had quotes */
    size_t unquoted_cap;
    /* Most fields a line may have, 0 for no limit: splitting stops at the first field
     * past it, so a hostile line costs no memory beyond the limit. */
    size_t max_fields;
} chorus_csv_fields;

/* chorus_csv_split's results besides 0 and CHORUS_ENOMEM. */
enum { CHORUS_CSV_BAD_QUOTES = -1, CHORUS_CSV_TOO_MANY_FIELDS = -2 };

/*
 * Splits `line` at commas. Quoted fields ("a,b", "say ""hi""") are unquoted; a quote left
 * open is an error. Returns 0, CHORUS_CSV_BAD_QUOTES for a malformed quote (with
 * *bad_column set), CHORUS_CSV_TOO_MANY_FIELDS when the line has more than out->max_fields
 * fields, or CHORUS_ENOMEM.
 */
int chorus_csv_split(chorus_csv_fields *out, const char *line, size_t len, size_t *bad_column);

/*
 * chorus_csv_split for line `line_no` of `path`: a malformed quote is CHORUS_EFORMAT with
 * "PATH:LINE: column N: malformed quotes", too many "PATH:LINE: more than N fields";
 * otherwise 0 or CHORUS_ENOMEM.
 */
int chorus_csv_split_line(chorus_csv_fields *out, const char *line, size_t len, const char *path,
                          int64_t line_no);

void chorus_csv_fields_free(chorus_csv_fields *fields);

#endif
