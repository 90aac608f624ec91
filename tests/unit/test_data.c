/* Datasets: CSV (RFC 4180), TSV and JSONL reading, accessors, bad input, skipping bad rows,
 * and the limits that bound memory on hostile input. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

static chorus_dataset *read_with(const char *name, const char *text, size_t len,
                                 const chorus_data_options *opts, int *rc)
{
    const char *path = test_path(name);
    test_write_file(path, text, len);
    chorus_dataset *ds = (chorus_dataset *)0x1; /* must be reset to NULL on failure */
    *rc = chorus_dataset_read(&ds, path, opts);
    if (*rc) ck_assert_ptr_null(ds);
    return ds;
}

static chorus_dataset *read_text(const char *name, const char *text, int *rc)
{
    return read_with(name, text, (size_t)-1, NULL, rc);
}

static chorus_dataset *read_skipping(const char *name, const char *text, int *rc)
{
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    opts.skip_bad_rows = 1;
    return read_with(name, text, (size_t)-1, &opts, rc);
}

/* Asserts the value of (record, field) and that its length matches. */
static void assert_value(const chorus_dataset *ds, int64_t record, int32_t field,
                         const char *expected)
{
    size_t len = 99;
    const char *v = chorus_dataset_value(ds, record, field, &len);
    if (!expected) {
        ck_assert_msg(v == NULL, "record %lld field %d: expected missing, got \"%s\"",
                      (long long)record, field, v ? v : "");
        ck_assert_uint_eq(len, 0);
        return;
    }
    ck_assert_msg(v != NULL, "record %lld field %d: missing", (long long)record, field);
    ck_assert_str_eq(v, expected);
    ck_assert_uint_eq(len, strlen(expected));
}

/* Counts warnings sent to the log (reset per test: CK_FORK=no runs all in one process). */
static int n_warnings;
static char last_warning[1024];

static void count_warning(chorus_log_level level, const char *message, void *ctx)
{
    (void)ctx;
    if (level != CHORUS_LOG_WARN) return;
    n_warnings++;
    snprintf(last_warning, sizeof last_warning, "%s", message);
}

static void capture_warnings(void)
{
    n_warnings = 0;
    last_warning[0] = '\0';
    chorus_log_set_callback(count_warning, NULL);
}

/* ---- CSV ------------------------------------------------------------------------- */

START_TEST(test_csv_quotes_commas_newlines)
{
    int rc;
    chorus_dataset *ds = read_text("q.csv",
                                   "id,text,label\n"
                                   "1,plain,a\n"
                                   "2,\"has, comma\",b\n"
                                   "3,\"say \"\"hi\"\"\",\n"
                                   "4,\"two\nlines\",\"\"\n"
                                   "5,\"crlf\r\ninside\",\"\"\"\"\n"
                                   "6,,last\n",
                                   &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 6);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 3);
    ck_assert_str_eq(chorus_dataset_field_name(ds, 1), "text");
    assert_value(ds, 0, 1, "plain");
    assert_value(ds, 1, 1, "has, comma");
    assert_value(ds, 2, 1, "say \"hi\"");
    assert_value(ds, 2, 2, ""); /* an empty cell is "", never missing */
    assert_value(ds, 3, 1, "two\nlines");
    assert_value(ds, 3, 2, "");
    assert_value(ds, 4, 1, "crlf\r\ninside");
    assert_value(ds, 4, 2, "\"");
    assert_value(ds, 5, 0, "6");
    assert_value(ds, 5, 1, "");
    /* Lines where records start: record 4 spans lines 5-6, so record 5 starts on 7. */
    static const int64_t lines[] = {2, 3, 4, 5, 7, 9};
    for (int64_t i = 0; i < 6; i++)
        ck_assert_int_eq(chorus_dataset_source_line(ds, i), lines[i]);
    ck_assert_int_eq(chorus_dataset_n_skipped(ds), 0);
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(test_csv_bom_crlf_no_final_newline)
{
    int rc;
    chorus_dataset *ds =
        read_text("bom.csv", "\xEF\xBB\xBFname,v\r\nx,1\r\n\"y\r\n\",2\r\nz,\"3\"", &rc);
    ck_assert_ok(rc);
    ck_assert_str_eq(chorus_dataset_field_name(ds, 0), "name");
    ck_assert_int_eq(chorus_dataset_find_field(ds, "name"), 0);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 3);
    assert_value(ds, 0, 0, "x");
    assert_value(ds, 0, 1, "1"); /* the CR of CRLF is not part of the value */
    assert_value(ds, 1, 0, "y\r\n");
    assert_value(ds, 2, 1, "3");
    ck_assert_int_eq(chorus_dataset_source_line(ds, 1), 3);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 2), 5); /* "y\r\n" spans lines 3-4 */
    chorus_dataset_free(ds);
}
END_TEST

/* A lone CR ends a line (old Mac files), outside quotes and, for line numbers, inside. */
START_TEST(test_csv_cr_line_ends_and_trailing_comma)
{
    int rc;
    chorus_dataset *ds = read_text("cr.csv", "a,b,c\rx,y,\r\"p\rq\",2,3\rz,,\r", &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 3);
    assert_value(ds, 0, 0, "x");
    assert_value(ds, 0, 2, "");
    assert_value(ds, 1, 0, "p\rq"); /* inside quotes the CR is kept */
    assert_value(ds, 2, 0, "z");
    ck_assert_int_eq(chorus_dataset_source_line(ds, 0), 2);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 1), 3);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 2), 5);
    chorus_dataset_free(ds);

    /* CRLF, LF and CR mixed in one file, and a CR-only file without a final line end. */
    ds = read_text("mixed.csv", "a\r\n1\n2\r3\r\n4", &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 4);
    for (int i = 0; i < 4; i++) {
        char expected[2] = {(char)('1' + i), 0};
        assert_value(ds, i, 0, expected);
        ck_assert_int_eq(chorus_dataset_source_line(ds, i), i + 2);
    }
    chorus_dataset_free(ds);
}
END_TEST

/* Every record is an item: a blank line between records would shift every later item
 * against the file's lines, so it is an error naming its line; blank lines at the very end
 * (or before the header) are not records and are ignored. */
START_TEST(test_blank_lines_between_records)
{
    int rc;
    chorus_dataset *ds = read_text("b.csv", "a,b\n1,2\n\n3,4\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "b.csv:3: a blank line between records");
    ds = read_text("b.csv", "a\r\n1\r\n\r\n3\r\n", &rc); /* one column: still not an item */
    ck_assert_error(rc, CHORUS_EFORMAT, "b.csv:3: a blank line between records");
    ds = read_text("b.jsonl", "{\"a\": 1}\n \t\r\n{\"a\": 2}\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "b.jsonl:2: a blank line between records");

    ds = read_text("end.csv", "\n\na,b\n1,2\n\n\r\n", &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 1);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 0), 4);
    chorus_dataset_free(ds);
    ds = read_text("end.jsonl", "{\"a\": 1}\n\n   \n", &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 1);
    chorus_dataset_free(ds);

    /* Skipped, each blank line is a bad row with its line number. */
    capture_warnings();
    ds = read_skipping("skip.jsonl", "{\"a\": 1}\n\n\n{\"a\": 2}\n", &rc);
    chorus_log_set_callback(NULL, NULL);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 2);
    ck_assert_int_eq(chorus_dataset_n_skipped(ds), 2);
    ck_assert_int_eq(chorus_dataset_skipped_line(ds, 0), 2);
    ck_assert_int_eq(chorus_dataset_skipped_line(ds, 1), 3);
    ck_assert_int_eq(chorus_dataset_skipped_line(ds, 2), -1);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 1), 4);
    ck_assert_ptr_nonnull(strstr(last_warning, "skip.jsonl: skipped 2 bad rows, on lines 2, 3"));
    chorus_dataset_free(ds);
}
END_TEST

/* A header and nothing else, in any format, is no data to label. */
START_TEST(test_no_records_is_an_error)
{
    int rc;
    chorus_dataset *ds = read_text("h.csv", "\n\"quoted, name\",b\n\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "h.csv: no records; expected one or more rows after");
    ds = read_text("h.tsv", "a\tb\r\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "h.tsv: no records");
    ds = read_text("h.jsonl", "\n\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "h.jsonl: no records");
    ds = read_skipping("bad_rows.csv", "a,b\n1\n2\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    "bad_rows.csv: no records; expected one or more rows "
                    "after the header (every one was bad and skipped)");
    ck_assert_ptr_null(ds);
}
END_TEST

/* TSV: by extension or option; quotes work as in CSV at the start of a field, and a quote
 * inside an unquoted field is text (TSV writers rarely quote). */
START_TEST(test_tsv)
{
    int rc;
    chorus_dataset *ds =
        read_text("t.tsv", "id\ttext\r\n1\tsay \"hi\", twice\r\n2\t\"tab\there\"\r\n", &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 2);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 2);
    assert_value(ds, 0, 1, "say \"hi\", twice");
    assert_value(ds, 1, 1, "tab\there");
    chorus_dataset_free(ds);

    /* .tab too; and a TSV file read as CSV is one column per line. */
    ds = read_text("t.tab", "a\tb\n1\t2\n", &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 2);
    chorus_dataset_free(ds);
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    opts.format = CHORUS_DATA_TSV;
    ds = read_with("t.txt", "a\tb\n1\t2\n", (size_t)-1, &opts, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 2);
    assert_value(ds, 0, 1, "2");
    chorus_dataset_free(ds);
    opts.format = CHORUS_DATA_CSV;
    ds = read_with("t.tsv", "a\tb\n1\t2\n", (size_t)-1, &opts, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 1);
    assert_value(ds, 0, 0, "1\t2");
    chorus_dataset_free(ds);

    ds = read_text("bad.tsv", "a\tb\n1\t2\t3\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "bad.tsv:2: 3 fields, expected 2 (the header's)");
}
END_TEST

/* Each malformed file fails with CHORUS_EFORMAT and a message naming the file and line. */
START_TEST(test_csv_bad_input)
{
    static const struct {
        const char *text;
        size_t len;
        const char *needle;
    } cases[] = {
        {"", 0, "bad.csv: the file is empty; expected a header row"},
        {"\xEF\xBB\xBF", 3, "bad.csv: the file is empty; expected a header row"},
        {"\n\r\n", 3, "bad.csv: the file is blank; expected a header row"},
        {"a,,b\n1,2,3\n", 11, "bad.csv:1: field 2 of the header is empty"},
        {"\n\"\"\n", 4, "bad.csv:2: field 1 of the header is empty"},
        {"a,b,a\n", 6, "bad.csv:1: the header names \"a\" twice (fields 1 and 3)"},
        {"a,\"b\n", 5, "bad.csv:1: field 2: the quote opening this field is never closed"},
        {"a,b\n1,2\n3\n", 10, "bad.csv:3: 1 fields, expected 2 (the header's)"},
        {"a,b\n1,\"x\ny\",3\n", 14, "bad.csv:2: 3 fields, expected 2 (the header's)"},
        {"a,b\n1,2\n3,\"x\n\ny\n", 16,
         "bad.csv:3: field 2 (b): the quote opening this field is never closed"},
        {"a,b\n1,x\"y\n", 10, "bad.csv:2: field 2 (b): a quote inside an unquoted field"},
        {"a,b\n\"1\n\"z,2\n", 12, "bad.csv:3: field 1 (a): text after the closing quote"},
        {"a,b\n1,\"2\"\rx\n", 12, "bad.csv:3: 1 fields, expected 2 (the header's)"},
        {"a,b\n1,\"2\"\tx\n", 12, "bad.csv:2: field 2 (b): text after the closing quote"},
        {"a,b\n1,\0\n", 8, "bad.csv:2: field 2 (b) contains a NUL byte"},
        {"a,b\n1,\"x\0\"\n", 11, "bad.csv:2: field 2 (b) contains a NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc;
        chorus_dataset *ds = read_with("bad.csv", cases[i].text, cases[i].len, NULL, &rc);
        ck_assert_ptr_null(ds);
        ck_assert_error(rc, CHORUS_EFORMAT, cases[i].needle);
    }
}
END_TEST

START_TEST(test_missing_file_and_directory)
{
    chorus_dataset *ds;
    ck_assert_error(chorus_dataset_read(&ds, test_path("nope.csv"), NULL), CHORUS_EIO,
                    "nope.csv: cannot open: No such file");
    ck_assert_ptr_null(ds);
    ck_assert_error(chorus_dataset_read(&ds, test_path("nope.jsonl"), NULL), CHORUS_EIO,
                    "nope.jsonl: cannot open");
    ck_assert_error(chorus_dataset_read(&ds, test_tmpdir(), NULL), CHORUS_EIO, "is a directory");
}
END_TEST

START_TEST(test_bad_options)
{
    chorus_dataset *ds;
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    opts.version = 99;
    ck_assert_error(chorus_dataset_read(&ds, "x.csv", &opts), CHORUS_EINVAL, "version 99");
    opts.version = CHORUS_DATA_OPTIONS_VERSION;
    opts.format = (chorus_data_format)7;
    ck_assert_error(chorus_dataset_read(&ds, "x.csv", &opts), CHORUS_EINVAL, "data format 7");
    ck_assert_error(chorus_dataset_read(&ds, NULL, NULL), CHORUS_EINVAL, "path");
}
END_TEST

START_TEST(test_csv_skip_bad_rows)
{
    capture_warnings();
    int rc;
    chorus_dataset *ds = read_skipping("skip.csv",
                                       "a,b\n"
                                       "1,one\n"
                                       "2\n"                       /* too few fields */
                                       "3,x\"y\n"                  /* stray quote */
                                       "4,\"q\"z\n"                /* text after a closing quote */
                                       "5,\"multi\nline\",extra\n" /* a whole record */
                                       "6,six\n"
                                       "7,\"never closed\n"
                                       "8,eight\n",
                                       &rc);
    chorus_log_set_callback(NULL, NULL);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_skipped(ds), 5);
    ck_assert_int_eq(n_warnings, 6); /* one per row, then which lines were skipped */
    ck_assert_ptr_nonnull(
        strstr(last_warning, "skip.csv: skipped 5 bad rows, on lines 3, 4, 5, 6, 9"));
    static const int64_t skipped[] = {3, 4, 5, 6, 9};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(chorus_dataset_skipped_line(ds, i), skipped[i]);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 3);
    assert_value(ds, 0, 1, "one");
    assert_value(ds, 1, 1, "six");
    assert_value(ds, 2, 1, "eight"); /* reading resumes on the line after the open quote */
    ck_assert_int_eq(chorus_dataset_source_line(ds, 1), 8);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 2), 10);
    chorus_dataset_free(ds);

    /* The header is never skipped. */
    ds = read_skipping("skiph.csv", "a,a\n1,2\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "skiph.csv:1: the header names \"a\" twice");
}
END_TEST

START_TEST(test_skips_beyond_ten_are_counted_not_described)
{
    char text[1024] = "a,b\n";
    for (int i = 0; i < 25; i++)
        strcat(text, i % 2 ? "1,2\n" : "1,2,3\n");
    capture_warnings();
    int rc;
    chorus_dataset *ds = read_skipping("many.csv", text, &rc);
    chorus_log_set_callback(NULL, NULL);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 12);
    ck_assert_int_eq(chorus_dataset_n_skipped(ds), 13);
    ck_assert_int_eq(n_warnings, 11); /* ten rows described, then one summary */
    /* Row i is on line i + 2 and the even ones are bad: lines 2, 4, ..., 26. */
    ck_assert_ptr_nonnull(strstr(last_warning, "many.csv: skipped 13 bad rows, on lines 2, 4, 6, "
                                               "8, 10, 12, 14, 16, 18, 20, ..."));
    ck_assert_int_eq(chorus_dataset_skipped_line(ds, 9), 20);
    ck_assert_int_eq(chorus_dataset_skipped_line(ds, 10), -1); /* beyond the ones kept */
    chorus_dataset_free(ds);
}
END_TEST

/* A value of record i whose CSV form needs quoting in a way that depends on i. */
static void make_text(int i, char *buf, size_t size)
{
    static const char *const parts[] = {"plain",    "a, comma", "a \"quote\"", "new\nline",
                                        "cr\r\nlf", "",         "\"\"",        "x,\n\"y\""};
    snprintf(buf, size, "%d %s %.*s", i, parts[i % 8], i % 37,
             "abcdefghijklmnopqrstuvwxyz0123456789");
}

static void put_csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Several megabytes: many records cut by the ends of chunks, and one larger than a chunk. */
START_TEST(test_csv_large_file_across_chunks)
{
    const char *path = test_path("large.csv");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    const int n = 60000;
    char text[128];
    fputs("id,text\r\n", f);
    for (int i = 0; i < n; i++) {
        make_text(i, text, sizeof text);
        fprintf(f, "%d,", i);
        put_csv_field(f, text);
        fputs(i % 3 ? "\n" : "\r\n", f);
    }
    /* One field larger than a chunk makes the buffer grow. */
    fputs("big,\"", f);
    for (int i = 0; i < 3 << 20; i++)
        fputc(i % 1000 == 999 ? '\n' : 'x', f);
    fputs("\"\n", f);
    ck_assert_int_eq(fclose(f), 0);

    chorus_dataset *ds;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    ck_assert_int_eq(chorus_dataset_n_records(ds), n + 1);
    int64_t line = 2;
    for (int i = 0; i < n; i++) {
        make_text(i, text, sizeof text);
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        assert_value(ds, i, 0, id);
        assert_value(ds, i, 1, text);
        ck_assert_int_eq(chorus_dataset_source_line(ds, i), line);
        for (const char *p = text; *p; p++)
            line += *p == '\n';
        line++;
    }
    size_t len;
    const char *big = chorus_dataset_value(ds, n, 1, &len);
    ck_assert_uint_eq(len, 3u << 20);
    ck_assert_int_eq(big[998], 'x');
    ck_assert_int_eq(big[999], '\n');
    ck_assert_int_eq(chorus_dataset_source_line(ds, n), line);
    chorus_dataset_free(ds);
}
END_TEST

/*
 * The reader's first read is 1 MiB - 1 bytes. Shifting a tricky stretch of records across
 * that point cuts it at each byte: inside "", between CR and LF, after a closing quote.
 */
START_TEST(test_csv_cut_at_every_byte)
{
    static const char tail[] = "1,\"a\"\"b\"\r\n2,\"x\r\ny\"\r\n3,p\rq,r\r\n4,\"\"";
    const size_t first_read = (1u << 20) - 1, n_tail = sizeof tail - 1;
    char *text = malloc(first_read + n_tail);
    ck_assert_ptr_nonnull(text);
    for (size_t shift = 1; shift <= n_tail; shift++) {
        size_t head = first_read - shift; /* "a,b\n" and one long record before the tail */
        memcpy(text, "a,b\nf,", 6);
        memset(text + 6, 'z', head - 7);
        text[head - 1] = '\n';
        memcpy(text + head, tail, n_tail);
        int rc;
        chorus_dataset *ds = read_with("cut.csv", text, head + n_tail, NULL, &rc);
        ck_assert_ok(rc);
        ck_assert_int_eq(chorus_dataset_n_records(ds), 6);
        assert_value(ds, 1, 1, "a\"b");
        assert_value(ds, 2, 1, "x\r\ny");
        assert_value(ds, 3, 1, "p"); /* the CR ends the line */
        assert_value(ds, 4, 0, "q");
        assert_value(ds, 5, 1, "");
        ck_assert_int_eq(chorus_dataset_source_line(ds, 3), 6);
        ck_assert_int_eq(chorus_dataset_source_line(ds, 4), 7);
        ck_assert_int_eq(chorus_dataset_source_line(ds, 5), 8);
        chorus_dataset_free(ds);
    }
    free(text);
}
END_TEST

START_TEST(test_shipped_youtube_psy)
{
    chorus_dataset *ds;
    ck_assert_ok(
        chorus_dataset_read(&ds, test_dataset("uci_youtube_spam/Youtube01-Psy.csv"), NULL));
    /*
     * 350 records: counted independently with Python's csv module,
     * len(list(csv.reader(open(path, newline='', encoding='utf-8')))) - 1, every row of 5
     * fields; the file has 351 lines and no quoted newlines.
     */
    ck_assert_int_eq(chorus_dataset_n_records(ds), 350);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 5);
    static const char *const names[] = {"COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"};
    for (int32_t j = 0; j < 5; j++)
        ck_assert_str_eq(chorus_dataset_field_name(ds, j), names[j]);
    int32_t content = chorus_dataset_find_field(ds, "CONTENT");
    ck_assert_int_eq(content, 3);
    assert_value(ds, 0, content, "Huh, anyway check out this you[tube] channel: kobyoshi02");
    assert_value(ds, 0, 4, "1");
    assert_value(ds, 349, 1, "Ray Benich");
    ck_assert_int_eq(chorus_dataset_source_line(ds, 349), 351);
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(test_shipped_youtube_eminem_multiline)
{
    chorus_dataset *ds;
    ck_assert_ok(
        chorus_dataset_read(&ds, test_dataset("uci_youtube_spam/Youtube04-Eminem.csv"), NULL));
    /*
     * From Python's csv module (the start line of a record is the previous line_num + 1):
     * 448 records over 454 lines; record 269 starts on line 271 and its CONTENT, 1014 bytes,
     * holds newlines; the last record starts on line 454.
     */
    ck_assert_int_eq(chorus_dataset_n_records(ds), 448);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 269), 271);
    ck_assert_int_eq(chorus_dataset_source_line(ds, 447), 454);
    size_t len;
    const char *text = chorus_dataset_value(ds, 269, 3, &len);
    ck_assert_uint_eq(len, 1014);
    ck_assert_ptr_nonnull(strchr(text, '\n'));
    chorus_dataset_free(ds);
}
END_TEST

/* ---- JSONL ----------------------------------------------------------------------- */

START_TEST(test_jsonl_values)
{
    int rc;
    chorus_dataset *ds =
        read_text("v.jsonl",
                  "{\"id\": 1, \"data\": {\"text\": \"hi\", \"meta\": {\"n\": 2.5}},"
                  " \"ok\": true}\n"
                  "{\"ok\": false, \"id\": -7, \"extra\": null, \"tags\": [1, "
                  "\"a\\\"b\\n\", 0.5, null, {\"k\": []}]}\r\n"
                  "{\"data\": {\"text\": \"caf\\u00e9 \\ud83d\\ude00\"}, \"x\": "
                  "1e3, \"y\": 0.30000000000000004, \"z\": 12345678901234}\n"
                  "{}\n",
                  &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 4);
    /* The union of keys in first-seen order; null alone does not create "extra". */
    static const char *const names[] = {"id",   "data.text", "data.meta.n", "ok",
                                        "tags", "x",         "y",           "z"};
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 8);
    for (int32_t j = 0; j < 8; j++)
        ck_assert_str_eq(chorus_dataset_field_name(ds, j), names[j]);
    ck_assert_int_eq(chorus_dataset_find_field(ds, "extra"), -1);
    assert_value(ds, 0, 0, "1");
    assert_value(ds, 0, 1, "hi");
    assert_value(ds, 0, 2, "2.5");
    assert_value(ds, 0, 3, "true");
    assert_value(ds, 0, 4, NULL);
    assert_value(ds, 1, 0, "-7");
    assert_value(ds, 1, 1, NULL);
    assert_value(ds, 1, 3, "false");
    assert_value(ds, 1, 4, "[1,\"a\\\"b\\n\",0.5,null,{\"k\":[]}]");
    assert_value(ds, 2, 1, "caf\xC3\xA9 \xF0\x9F\x98\x80");
    assert_value(ds, 2, 5, "1000.0");
    assert_value(ds, 2, 6, "0.30000000000000004");
    assert_value(ds, 2, 7, "12345678901234");
    for (int32_t j = 0; j < 8; j++)
        assert_value(ds, 3, j, NULL);
    static const int64_t lines[] = {1, 2, 3, 4};
    for (int64_t i = 0; i < 4; i++)
        ck_assert_int_eq(chorus_dataset_source_line(ds, i), lines[i]);
    chorus_dataset_free(ds);
}
END_TEST

/*
 * Plain objects go through the reader's own parser, lines with an array through jansson:
 * the same value written both ways must come out the same.
 */
START_TEST(test_jsonl_fast_path_agrees_with_jansson)
{
    static const struct {
        const char *json, *text;
    } cases[] = {
        {"\"plain\"", "plain"},
        {"\"\"", ""},
        {"\"q \\\" b \\\\ s \\/ \\b\\f\\n\\r\\t\"", "q \" b \\ s / \b\f\n\r\t"},
        {"\"\\u00e9\\u4E2D\\ud83d\\ude00\\u0001\"", "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\x01"},
        {"\"raw \xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80\"",
         "raw \xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"},
        {"0", "0"},
        {"-0", "0"},
        {"42", "42"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"9223372036854775807", "9223372036854775807"},
        {"0.1", "0.1"},
        {"-0.0", "-0.0"},
        {"1e3", "1000.0"},
        {"1E-7", "1e-07"},
        {"2.50", "2.5"},
        {"123456789.123456789", "123456789.12345679"},
        {"1e308", "1e+308"},
        {"1e-400", "0.0"},
        {"true", "true"},
        {"false", "false"},
        {"null", NULL},
        {"{}", NULL},
    };
    const size_t n = sizeof cases / sizeof *cases;
    char text[8192] = "";
    for (size_t i = 0; i < n; i++) {
        char line[256];
        snprintf(line, sizeof line, "{\"v\": %s, \"w\": 1}\n{ \"v\" : %s , \"z\": [] }\n",
                 cases[i].json, cases[i].json);
        strcat(text, line);
    }
    int rc;
    chorus_dataset *ds = read_text("agree.jsonl", text, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 2 * (int64_t)n);
    int32_t v = chorus_dataset_find_field(ds, "v");
    for (size_t i = 0; i < n; i++) {
        assert_value(ds, 2 * (int64_t)i, v, cases[i].text);
        assert_value(ds, 2 * (int64_t)i + 1, v, cases[i].text);
    }
    chorus_dataset_free(ds);
}
END_TEST

/* Repeated keys and deep nesting are left to jansson: the last value of a key counts. */
START_TEST(test_jsonl_repeated_keys_and_deep_nesting)
{
    char text[2048] = "{\"a\": {\"x\": 1}, \"b\": 2, \"a\": {\"y\": 3}, \"b\": 4}\n"
                      "{\"c\": 1, \"c\": null}\n";
    for (int i = 0; i < 40; i++)
        strcat(text, "{\"d\": ");
    strcat(text, "5");
    for (int i = 0; i < 40; i++)
        strcat(text, "}");
    strcat(text, "\n");
    int rc;
    chorus_dataset *ds = read_text("dup.jsonl", text, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 3);
    ck_assert_str_eq(chorus_dataset_field_name(ds, 0), "a.y");
    ck_assert_str_eq(chorus_dataset_field_name(ds, 1), "b");
    assert_value(ds, 0, 1, "4");
    ck_assert_int_eq(chorus_dataset_find_field(ds, "c"), -1); /* its last value is null */
    const char *deep = chorus_dataset_field_name(ds, 2);
    ck_assert_uint_eq(strlen(deep), 40 * 2 - 1);
    assert_value(ds, 2, 2, "5");
    chorus_dataset_free(ds);

    /* A key repeated after many others is still noticed. */
    strcpy(text, "{\"k0\": {\"x\": 1}");
    for (int i = 1; i < 100; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), ", \"k%d\": %d", i, i);
    strcat(text, ", \"k0\": {\"y\": 2}}\n");
    ds = read_text("wide.jsonl", text, &rc);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), 100);
    ck_assert_int_eq(chorus_dataset_find_field(ds, "k0.x"), -1);
    assert_value(ds, 0, chorus_dataset_find_field(ds, "k0.y"), "2");
    assert_value(ds, 0, chorus_dataset_find_field(ds, "k99"), "99");
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(test_jsonl_format_from_extension_or_option)
{
    int rc;
    chorus_dataset *ds = read_text("a.ndjson", "{\"a\": \"x\"}\n", &rc);
    ck_assert_ok(rc);
    assert_value(ds, 0, 0, "x");
    chorus_dataset_free(ds);
    ds = read_text("b.JSON-LINES", "\xEF\xBB\xBF{\"a\": \"y\"}", &rc);
    ck_assert_ok(rc);
    assert_value(ds, 0, 0, "y");
    chorus_dataset_free(ds);
    /* Without a JSONL extension the file is read as CSV unless told otherwise. */
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    ds = read_with("c.txt", "{\"a\": 1}\n", (size_t)-1, &opts, &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c.txt:1: field 1: a quote inside an unquoted field");
    opts.format = CHORUS_DATA_JSONL;
    ds = read_with("d.txt", "{\"a\": 1}\n", (size_t)-1, &opts, &rc);
    ck_assert_ok(rc);
    assert_value(ds, 0, 0, "1");
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(test_jsonl_bad_input)
{
    static const struct {
        const char *text;
        size_t len;
        const char *needle;
    } cases[] = {
        {"", 0, "bad.jsonl: no records; expected one JSON object per line"},
        {"\n  \n\r\n", 6, "bad.jsonl: no records"},
        {"{\"a\": 1}\n{\"a\": 1} x\n", 20,
         "bad.jsonl:2: column 10: invalid JSON: end of file "
         "expected near 'x'"},
        {"{\"a\": 1}\n{\"a\": \n", 16, "bad.jsonl:2: column"},
        {"{\"a\": 1}\n[1, 2]\n", 16, "bad.jsonl:2: an array, expected a JSON object"},
        {"\"text\"\n", 7, "bad.jsonl:1: a string, expected a JSON object"},
        {"{\"a\": \"\\u0000\"}\n", 16, "bad.jsonl:1: column"},
        {"{\"a\": 1}\n{\"a\":\0}\n", 17, "bad.jsonl:2: contains a NUL byte"},
        {"{\"a\": 99999999999999999999}\n", 28, "too big integer"},
        {"{\"a\": -9223372036854775809}\n", 0, "too big negative integer"},
        {"{\"a\": 1e400}\n", 0, "real number overflow"},
        {"{\"a\": 01}\n", 0, "bad.jsonl:1: column"},
        {"{\"a\": 1.}\n", 0, "invalid token"},
        {"{\"a\": -}\n", 0, "invalid token"},
        {"{\"a\": tru}\n", 0, "invalid token"},
        {"{\"a\": 1,}\n", 0, "string or '}' expected"},
        {"{\"a\" 1}\n", 0, "':' expected"},
        {"{\"a\": \"\xff\"}\n", 0, "unable to decode byte 0xff"},
        {"{\"a\": \"\xED\xA0\x80\"}\n", 0, "unable to decode byte 0xed"},
        {"{\"a\": \"\xC0\xAF\"}\n", 0, "unable to decode byte 0xc0"},
        {"{\"a\": \"\x01\"}\n", 0, "control character 0x1"},
        {"{\"a\": \"\\ud800\"}\n", 0, "invalid Unicode"},
        {"{\"a\": \"\\udc00\\ud800\"}\n", 0, "invalid Unicode"},
        {"{\"a\": \"\\x\"}\n", 0, "invalid escape"},
        {"{\"a\": \"open}\n", 0, "premature end of input"},
        {"{\"a\\u0000b\": 1}\n", 0, "NUL byte in object key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc;
        /* len 0 means strlen, which is also right for the empty file */
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
        chorus_dataset *ds = read_with("bad.jsonl", cases[i].text, len, NULL, &rc);
        ck_assert_ptr_null(ds);
        ck_assert_error(rc, CHORUS_EFORMAT, cases[i].needle);
    }
}
END_TEST

START_TEST(test_jsonl_skip_bad_rows)
{
    capture_warnings();
    int rc;
    chorus_dataset *ds =
        read_skipping("s.jsonl", "{\"t\": \"a\"}\nnot json\n[1]\n{\"t\": \"b\"}\n{\"t\": \n", &rc);
    chorus_log_set_callback(NULL, NULL);
    ck_assert_ok(rc);
    ck_assert_int_eq(chorus_dataset_n_records(ds), 2);
    ck_assert_int_eq(chorus_dataset_n_skipped(ds), 3);
    ck_assert_int_eq(n_warnings, 4);
    ck_assert_ptr_nonnull(strstr(last_warning, "s.jsonl: skipped 3 bad rows, on lines 2, 3, 5"));
    assert_value(ds, 1, 0, "b");
    ck_assert_int_eq(chorus_dataset_source_line(ds, 1), 4);
    chorus_dataset_free(ds);

    ds = read_skipping("all_bad.jsonl", "x\ny\n", &rc);
    ck_assert_error(
        rc, CHORUS_EFORMAT,
        "all_bad.jsonl: no records; expected one JSON object per line (every one was bad");
}
END_TEST

/* ---- hostile input ---------------------------------------------------------------- */

/* A device that never ends and a FIFO that blocks until a writer comes are refused before
 * they are opened, in every format. */
START_TEST(test_devices_and_fifos_are_refused)
{
    static const chorus_data_format formats[] = {CHORUS_DATA_CSV, CHORUS_DATA_JSONL,
                                                 CHORUS_DATA_TSV};
    const char *fifo = test_path("data.fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    for (int i = 0; i < 3; i++) {
        chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
        opts.format = formats[i];
        chorus_dataset *ds = (chorus_dataset *)0x1;
        ck_assert_error(chorus_dataset_read(&ds, "/dev/zero", &opts), CHORUS_EIO,
                        "/dev/zero: is a character device; expected the data in a regular file");
        ck_assert_ptr_null(ds);
        ck_assert_error(chorus_dataset_read(&ds, fifo, &opts), CHORUS_EIO,
                        "data.fifo: is a FIFO (a pipe); expected the data in a regular file");
    }
}
END_TEST

/* Writes `head`, then n bytes of `fill` with no line end. */
static const char *write_long(const char *name, const char *head, size_t n, char fill)
{
    size_t h = strlen(head);
    char *text = malloc(h + n);
    ck_assert_ptr_nonnull(text);
    memcpy(text, head, h);
    memset(text + h, fill, n);
    const char *path = test_path(name);
    test_write_file(path, text, h + n);
    free(text);
    return path;
}

/* A record past 64 MiB (a file without line ends, a quote never closed) is refused with
 * its line before the rest is read, rather than read whole into memory. */
START_TEST(test_record_length_limit)
{
    const size_t over = ((size_t)64 << 20) + 2;
    chorus_dataset *ds;
    const char *path = write_long("long.csv", "a,b\n1,2\n", over, 'x');
    ck_assert_error(chorus_dataset_read(&ds, path, NULL), CHORUS_EFORMAT,
                    "long.csv:3: a record longer than 64 MiB");
    path = write_long("open.csv", "a,b\n1,\"", over, '\n');
    ck_assert_error(chorus_dataset_read(&ds, path, NULL), CHORUS_EFORMAT,
                    "open.csv:2: a record longer than 64 MiB");
    path = write_long("long.jsonl", "{\"a\": 1}\n", over, ' ');
    ck_assert_error(chorus_dataset_read(&ds, path, NULL), CHORUS_EFORMAT,
                    "long.jsonl:2: a line longer than 64 MiB");
    /* A file of NUL bytes fails on its first byte. */
    path = write_long("zeros.csv", "", 1 << 20, '\0');
    ck_assert_error(chorus_dataset_read(&ds, path, NULL), CHORUS_EFORMAT,
                    "zeros.csv:1: field 1 contains a NUL byte");

    /* Just under the limit is data: one 8 MiB value. */
    path = write_long("big.jsonl", "{\"a\": \"", (size_t)8 << 20, 'y');
    FILE *f = fopen(path, "ab");
    ck_assert_ptr_nonnull(f);
    fputs("\"}\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    size_t len;
    ck_assert_ptr_nonnull(chorus_dataset_value(ds, 0, 0, &len));
    ck_assert_uint_eq(len, (size_t)8 << 20);
    chorus_dataset_free(ds);
}
END_TEST

/*
 * One new key per line makes the record-by-field table quadratic (30,000 lines: 900
 * million cells, 7 GB dense); it is stored sparse, each value still where it belongs.
 */
START_TEST(test_jsonl_new_key_per_line_is_sparse)
{
    const int n = 30000;
    const char *path = test_path("keys.jsonl");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    /* The first record names x.y twice (dotted and nested): the later value wins. */
    fputs("{\"text\": \"t0\", \"x.y\": \"first\", \"x\": {\"y\": \"second\"}}\n", f);
    for (int i = 1; i < n; i++)
        fprintf(f, "{\"text\": \"t%d\", \"k%d\": %d}\n", i, i, i);
    ck_assert_int_eq(fclose(f), 0);
    chorus_dataset *ds;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    ck_assert_int_eq(chorus_dataset_n_records(ds), n);
    ck_assert_int_eq(chorus_dataset_n_fields(ds), n + 1); /* text, x.y, k1 .. k29999 */
    assert_value(ds, 0, chorus_dataset_find_field(ds, "x.y"), "second");
    char name[16], value[16];
    for (int i = 1; i < n; i += 997) {
        snprintf(name, sizeof name, "k%d", i);
        snprintf(value, sizeof value, "%d", i);
        int32_t k = chorus_dataset_find_field(ds, name);
        assert_value(ds, i, k, value);
        assert_value(ds, i - 1, k, NULL);
        snprintf(value, sizeof value, "t%d", i);
        assert_value(ds, i, 0, value);
    }
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(test_field_limit)
{
    const int n = 100001;
    const char *path = test_path("many.jsonl");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < n; i++)
        fprintf(f, "{\"k%d\": 1}\n", i);
    ck_assert_int_eq(fclose(f), 0);
    chorus_dataset *ds;
    ck_assert_error(chorus_dataset_read(&ds, path, NULL), CHORUS_EFORMAT,
                    "many.jsonl:100001: more than 100000 distinct fields");

    path = test_path("wide.csv");
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%sc%d", i ? "," : "", i);
    fputs("\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_error(chorus_dataset_read(&ds, path, NULL), CHORUS_EFORMAT,
                    "wide.csv:1: the header has 100001 fields; expected at most 100000");
}
END_TEST

/* Nesting deeper than jansson's limit is invalid JSON on that line, found fast. */
START_TEST(test_jsonl_deep_nesting)
{
    const int depth = 100000;
    char *text = malloc(2 * (size_t)depth + 32);
    ck_assert_ptr_nonnull(text);
    size_t used = (size_t)sprintf(text, "{\"a\": 1}\n{\"v\": ");
    for (int i = 0; i < depth; i++)
        text[used++] = '[';
    for (int i = 0; i < depth; i++)
        text[used++] = ']';
    text[used++] = '}';
    text[used++] = '\n';
    int rc;
    chorus_dataset *ds = read_with("deep.jsonl", text, used, NULL, &rc);
    free(text);
    ck_assert_ptr_null(ds);
    ck_assert_error(rc, CHORUS_EFORMAT, "deep.jsonl:2: column");
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), "maximum parsing depth"));
}
END_TEST

/* ---- accessors ------------------------------------------------------------------- */

START_TEST(test_record_get_by_name_and_index)
{
    int rc;
    chorus_dataset *ds =
        read_text("r.jsonl", "{\"a\": \"x\", \"b\": {\"c\": \"yz\"}}\n{\"a\": \"w\"}\n", &rc);
    ck_assert_ok(rc);
    chorus_record rec = {ds, 0};
    size_t len = 99;
    ck_assert_str_eq(chorus_record_get(&rec, "b.c", &len), "yz");
    ck_assert_uint_eq(len, 2);
    ck_assert_str_eq(chorus_record_get(&rec, "a", NULL), "x");
    ck_assert_str_eq(chorus_record_get_index(&rec, 1, &len), "yz");
    ck_assert_ptr_null(chorus_record_get(&rec, "b", &len));
    ck_assert_uint_eq(len, 0);
    ck_assert_ptr_null(chorus_record_get(&rec, "nope", NULL));
    ck_assert_ptr_null(chorus_record_get_index(&rec, 2, NULL));
    ck_assert_ptr_null(chorus_record_get_index(&rec, -1, NULL));
    rec.index = 1;
    ck_assert_str_eq(chorus_record_get(&rec, "a", NULL), "w");
    ck_assert_ptr_null(chorus_record_get(&rec, "b.c", NULL)); /* absent in this record */
    rec.index = 2;
    ck_assert_ptr_null(chorus_record_get(&rec, "a", NULL));
    ck_assert_ptr_null(chorus_dataset_value(ds, -1, 0, NULL));
    ck_assert_ptr_null(chorus_dataset_field_name(ds, 2));
    ck_assert_int_eq(chorus_dataset_source_line(ds, 2), -1);
    chorus_dataset_free(ds);
    chorus_dataset_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("data");
    TCase *csv = tcase_create("csv");
    tcase_set_timeout(csv, 120);
    tcase_add_test(csv, test_csv_quotes_commas_newlines);
    tcase_add_test(csv, test_csv_bom_crlf_no_final_newline);
    tcase_add_test(csv, test_csv_cr_line_ends_and_trailing_comma);
    tcase_add_test(csv, test_blank_lines_between_records);
    tcase_add_test(csv, test_no_records_is_an_error);
    tcase_add_test(csv, test_tsv);
    tcase_add_test(csv, test_csv_bad_input);
    tcase_add_test(csv, test_missing_file_and_directory);
    tcase_add_test(csv, test_bad_options);
    tcase_add_test(csv, test_csv_skip_bad_rows);
    tcase_add_test(csv, test_skips_beyond_ten_are_counted_not_described);
    tcase_add_test(csv, test_csv_large_file_across_chunks);
    tcase_add_test(csv, test_csv_cut_at_every_byte);
    tcase_add_test(csv, test_shipped_youtube_psy);
    tcase_add_test(csv, test_shipped_youtube_eminem_multiline);
    suite_add_tcase(s, csv);
    TCase *jsonl = tcase_create("jsonl");
    tcase_add_test(jsonl, test_jsonl_values);
    tcase_add_test(jsonl, test_jsonl_fast_path_agrees_with_jansson);
    tcase_add_test(jsonl, test_jsonl_repeated_keys_and_deep_nesting);
    tcase_add_test(jsonl, test_jsonl_format_from_extension_or_option);
    tcase_add_test(jsonl, test_jsonl_bad_input);
    tcase_add_test(jsonl, test_jsonl_skip_bad_rows);
    tcase_add_test(jsonl, test_record_get_by_name_and_index);
    TCase *hostile = tcase_create("hostile");
    /* Files of 64 MiB are written and read back; the timeout is for sanitizer builds. */
    tcase_set_timeout(hostile, 120);
    tcase_add_test(hostile, test_devices_and_fifos_are_refused);
    tcase_add_test(hostile, test_record_length_limit);
    tcase_add_test(hostile, test_jsonl_new_key_per_line_is_sparse);
    tcase_add_test(hostile, test_field_limit);
    tcase_add_test(hostile, test_jsonl_deep_nesting);
    suite_add_tcase(s, hostile);
    suite_add_tcase(s, jsonl);
    return test_run_suite(s);
}
