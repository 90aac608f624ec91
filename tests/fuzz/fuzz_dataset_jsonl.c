/*
 * The JSONL dataset reader (nested objects as dotted fields), strict and skipping bad
 * rows, with the same checks as the CSV target.
 */
#include "fuzz_util.h"

#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_dataset_one(fuzz_write_file("data.jsonl", data, size), CHORUS_DATA_JSONL);
    return 0;
}
