/* The labeling-platform imports (Label Studio JSON, Argilla and Prodigy JSONL): whatever
 * they accept becomes a review file that the review reader reads back. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const chorus_platform platforms[] = {CHORUS_PLATFORM_LABEL_STUDIO,
                                                CHORUS_PLATFORM_ARGILLA, CHORUS_PLATFORM_PRODIGY};
    const char *in = fuzz_write_file("export.json", data, size);
    for (size_t p = 0; p < sizeof platforms / sizeof *platforms; p++) {
        chorus_platform_options opts = CHORUS_PLATFORM_OPTIONS_INIT;
        chorus_platform_import_stats stats;
        const char *out = fuzz_path("answers.jsonl");
        if (chorus_platform_import(in, platforms[p], out, &opts, &stats) != CHORUS_OK) continue;
        chorus_review *review = NULL;
        FUZZ_CHECK(chorus_review_read(&review, out) == CHORUS_OK,
                   "an imported review file reads back");
        FUZZ_CHECK(chorus_review_n_rows(review) == stats.n_items, "rows of the review file");
        FUZZ_CHECK(chorus_review_n_answered(review) == stats.n_answered, "answered rows");
        chorus_review_free(review);
        fuzz_remove("answers.jsonl");
    }
    return 0;
}
