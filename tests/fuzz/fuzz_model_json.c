/*
 * The model.json loader; a model it accepts must save and load again as the same model:
 * type, classes, labeling functions, prior, one-LF classes, every confusion table, the
 * groups and the held-out-vote choice.
 */
#include <string.h>

#include "fuzz_util.h"

static void check_same_model(const chorus_model *a, const chorus_model *b)
{
    int32_t k = chorus_model_n_classes(a), m = chorus_model_n_lfs(a);
    FUZZ_CHECK(chorus_model_get_type(b) == chorus_model_get_type(a), "round trip: type");
    FUZZ_CHECK(chorus_model_n_classes(b) == k, "round trip: classes");
    FUZZ_CHECK(chorus_model_n_lfs(b) == m, "round trip: labeling functions");
    for (int32_t c = 0; c < k; c++) {
        FUZZ_CHECK(!strcmp(chorus_model_class_name(a, c), chorus_model_class_name(b, c)),
                   "round trip: class name");
        FUZZ_CHECK(chorus_model_prior(a)[c] == chorus_model_prior(b)[c], "round trip: prior");
        FUZZ_CHECK(chorus_model_one_lf_class(a, c) == chorus_model_one_lf_class(b, c),
                   "round trip: one-LF class");
    }
    FUZZ_CHECK(chorus_model_n_groups(b) == chorus_model_n_groups(a), "round trip: groups");
    const chorus_fit_check *check_a = chorus_model_check(a), *check_b = chorus_model_check(b);
    FUZZ_CHECK(!check_a == !check_b, "round trip: a check on one side only");
    if (check_a) {
        FUZZ_CHECK(check_a->heldout_votes_ran == check_b->heldout_votes_ran &&
                       check_a->heldout_votes_scored == check_b->heldout_votes_scored &&
                       check_a->heldout_votes_first == check_b->heldout_votes_first &&
                       check_a->heldout_votes_switched == check_b->heldout_votes_switched,
                   "round trip: the held-out-vote choice");
        for (int32_t i = 0; check_a->heldout_votes_ran && i < CHORUS_HELDOUT_VOTES_MODELS; i++)
            FUZZ_CHECK(check_a->heldout_votes_agreement[i] == check_b->heldout_votes_agreement[i],
                       "round trip: a held-out-vote agreement");
    }
    for (int32_t j = 0; j < m; j++) {
        FUZZ_CHECK(!strcmp(chorus_model_lf_name(a, j), chorus_model_lf_name(b, j)),
                   "round trip: LF name");
        FUZZ_CHECK(chorus_model_lf_group(a, j) == chorus_model_lf_group(b, j),
                   "round trip: group of an LF");
        const double *ca = chorus_model_confusion(a, j), *cb = chorus_model_confusion(b, j);
        FUZZ_CHECK(!ca == !cb, "round trip: a confusion table on one side only");
        for (int32_t e = 0; ca && e < k * (k + 1); e++)
            FUZZ_CHECK(ca[e] == cb[e], "round trip: a confusion entry changed");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("model.json", data, size);
    chorus_model *model = NULL, *again = NULL;
    if (chorus_model_load(&model, path) == CHORUS_OK) {
        FUZZ_CHECK(chorus_model_save(model, fuzz_path("model_out.json")) == CHORUS_OK,
                   "round trip: save");
        FUZZ_CHECK(chorus_model_load(&again, fuzz_path("model_out.json")) == CHORUS_OK,
                   "round trip: load what was saved");
        check_same_model(model, again);
    }
    chorus_model_free(model);
    chorus_model_free(again);
    return 0;
}
