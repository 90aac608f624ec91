/*
 * The CSV dataset reader (RFC 4180 with quoted newlines), strict and skipping bad rows.
 * Every value of what it accepts is read to its end, and a file the strict reader accepts
 * must read the same with skipping on, nothing skipped.
 */
#include "fuzz_util.h"

#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_dataset_one(fuzz_write_file("data.csv", data, size), CHORUS_DATA_CSV);
    return 0;
}
