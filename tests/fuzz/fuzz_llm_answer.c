/*
 * The verbalizer that turns an LLM's free-text answer into a class: the input is the
 * answer, matched against the verbalizer of a fixed spec with one- and several-word
 * entries (loaded once, through the spec reader, so the words are what a spec can give).
 */
#include <stdlib.h>
#include <string.h>

#include "lf/lf_internal.h"

#include "fuzz_util.h"

static const char spec_text[] = "task: answers\n"
                                "classes: [HAM, SPAM, OTHER]\n"
                                "lfs:\n"
                                "  - name: ask\n"
                                "    kind: llm\n"
                                "    endpoint: http://127.0.0.1:9/v1\n"
                                "    model: m\n"
                                "    prompt: '{text}'\n"
                                "    verbalizer:\n"
                                "      SPAM: [spam, 'yes', junk mail, \"spam filter\"]\n"
                                "      HAM: [ham, 'no', not spam, legit]\n"
                                "      OTHER: [other, 'n/a', \"i don't know\"]\n";

static const lf_llm *verbalizer(void)
{
    return fuzz_fixed_spec("answers.yaml", spec_text)->lfs[0].u.llm.spec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const lf_llm *llm = verbalizer();
    /* Answers arrive as NUL-terminated strings; a NUL inside ends this one early. */
    char *answer = malloc(size + 1);
    if (!answer) return 0;
    memcpy(answer, data, size);
    answer[size] = '\0';
    int32_t vote = lf_llm_verbalize(llm, answer);
    FUZZ_CHECK(vote >= CHORUS_ABSTAIN && vote < 3, "a vote outside the spec's classes");
    free(answer);
    return 0;
}
