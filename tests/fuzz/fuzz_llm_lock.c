/*
 * The lock file of a spec's llm LFs (spam.yaml -> spam.lock.yaml), read when the spec is
 * loaded: a fixed spec with one LF of 2 paraphrases and examples from gold, the input as
 * its lock file. No request
 * is ever made (loading sends nothing).
 */
#include <stdio.h>

#include "fuzz_util.h"

static const char spec[] = "classes: [HAM, SPAM]\n"
                           "lfs:\n"
                           "  - name: para\n"
                           "    kind: llm\n"
                           "    endpoint: http://127.0.0.1:9/v1\n"
                           "    model: m\n"
                           "    prompt: \"Comment: {CONTENT} by {AUTHOR}\"\n"
                           "    paraphrases: 2\n"
                           "    examples: {from: gold, file: gold.txt, per_class: 1}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[4096];
    if (!path[0])
        snprintf(path, sizeof path, "%s",
                 fuzz_write_file("spec.yaml", (const uint8_t *)spec, sizeof spec - 1));
    fuzz_write_file("spec.lock.yaml", data, size);
    chorus_lf_set *set = NULL;
    if (chorus_lf_set_load(&set, path) == CHORUS_OK)
        FUZZ_CHECK(chorus_lf_set_n_lfs(set) == 3, "paraphrases: 2 gives 3 LFs");
    chorus_lf_set_free(set);
    return 0;
}
