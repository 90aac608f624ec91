/*
 * The list files of lookup labeling functions (one entry per line, '#' comments), read
 * plain and with every normalisation; each line of the input is then looked up, so the
 * normaliser runs on the same hostile bytes.
 */
#include <string.h>

#include "lf/lf_internal.h"

#include "fuzz_util.h"

static void load_and_query(const char *path, unsigned normalize, const uint8_t *data, size_t size)
{
    chorus_string_set *set = NULL;
    if (chorus_string_set_load(&set, path, normalize) != CHORUS_OK) return;
    FUZZ_CHECK(chorus_string_set_size(set) >= 0, "a negative size");
    const char *text = (const char *)data;
    for (size_t at = 0; at < size;) {
        const char *nl = memchr(text + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (text + at)) : size - at;
        (void)chorus_string_set_contains(set, text + at, len);
        at += len + 1;
    }
    chorus_string_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("list.txt", data, size);
    load_and_query(path, 0, data, size);
    load_and_query(fuzz_path("list.txt"),
                   NORMALIZE_LOWER | NORMALIZE_STRIP | NORMALIZE_COLLAPSE_SPACE, data, size);
    return 0;
}
