/* The review-file reader, CSV and JSONL; what it accepts must survive a write and a read. */
#include <string.h>

#include "fuzz_util.h"

static void same_rows(const chorus_review *a, const chorus_review *b)
{
    FUZZ_CHECK(chorus_review_n_rows(a) == chorus_review_n_rows(b), "round trip: rows");
    for (int64_t r = 0; r < chorus_review_n_rows(a); r++) {
        FUZZ_CHECK(!strcmp(chorus_review_item(a, r), chorus_review_item(b, r)), "round trip: item");
        const char *x = chorus_review_answer(a, r), *y = chorus_review_answer(b, r);
        FUZZ_CHECK((!x && !y) || (x && y && !strcmp(x, y)), "round trip: answer");
    }
}

static void one_format(const char *name, const char *out_name, const uint8_t *data, size_t size)
{
    chorus_review *review = NULL, *again = NULL;
    if (chorus_review_read(&review, fuzz_write_file(name, data, size)) == CHORUS_OK) {
        const char *out = fuzz_path(out_name);
        FUZZ_CHECK(chorus_review_write(review, out) == CHORUS_OK, "round trip: write");
        FUZZ_CHECK(chorus_review_read(&again, out) == CHORUS_OK,
                   "round trip: read what was written");
        same_rows(review, again);
    }
    chorus_review_free(review);
    chorus_review_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_format("review.csv", "review_out.csv", data, size);
    one_format("review.jsonl", "review_out.jsonl", data, size);
    return 0;
}
