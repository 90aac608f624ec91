/*
 * The YAML labeling-function spec reader. The spec is read from the scratch folder, which
 * holds a lists/ folder with a small list file, so lookup LFs can get past the list; a
 * plugin it names is never there (absolute paths aside, which the corpus avoids).
 */
#include <sys/stat.h>

#include "fuzz_util.h"

static void make_lists(void)
{
    static int done;
    if (done) return;
    done = 1;
    mkdir(fuzz_path("lists"), 0700);
    static const char list[] = "# authors\nspammer one\nSpam  Bot\n\nad-king\n";
    fuzz_write_file("lists/spam_authors.txt", (const uint8_t *)list, sizeof list - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_lists();
    const char *path = fuzz_write_file("spec.yaml", data, size);
    chorus_lf_set *set = NULL;
    if (chorus_lf_set_load(&set, path) == CHORUS_OK) {
        int32_t n = chorus_lf_set_n_lfs(set), k = chorus_lf_set_n_classes(set);
        FUZZ_CHECK(n >= 0 && k >= 2, "sizes out of range");
        for (int32_t j = 0; j < n; j++)
            FUZZ_CHECK(chorus_lf_set_lf_name(set, j) && chorus_lf_set_lf_kind(set, j),
                       "an LF without a name or kind");
        for (int32_t c = 0; c < k; c++)
            FUZZ_CHECK(chorus_lf_set_class_name(set, c) != NULL, "a class without a name");
    }
    chorus_lf_set_free(set);
    return 0;
}
