/*
 * A program outside the source tree, built against an installed chorus: it fits a label
 * model to a small vote matrix through the public API and checks the labels. Exit 0 when
 * the result is the one the votes imply.
 */
#include <stdio.h>
#include <string.h>

#include <chorus/chorus.h>

int main(void)
{
    /* Six items, three LFs, two classes. Items 0-2: every LF that votes says class 1;
     * items 3-5: class 0; item 6 has no vote. Any label model labels them so. */
    const int64_t row_ptr[] = {0, 3, 5, 7, 10, 12, 14, 14};
    const int32_t lf_index[] = {0, 1, 2, 0, 1, 1, 2, 0, 1, 2, 0, 2, 1, 2};
    const int32_t label[] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
    const int expected[] = {1, 1, 1, 0, 0, 0};
    chorus_votes *votes = NULL;
    chorus_model *model = NULL;
    chorus_probs *probs = NULL;
    int rc = 1;
#ifdef EXPECTED_VERSION
    /* The library found is the one installed with these headers and chorus.pc. */
    if (strcmp(chorus_version(), EXPECTED_VERSION) != 0) {
        fprintf(stderr, "fit_votes: chorus %s, expected %s\n", chorus_version(), EXPECTED_VERSION);
        return 1;
    }
#endif
    if (chorus_votes_from_csr(&votes, 7, 3, 2, row_ptr, lf_index, label, CHORUS_COPY) ||
        chorus_model_fit(&model, votes, NULL) || chorus_model_predict(&probs, model, votes)) {
        fprintf(stderr, "fit_votes: %s\n", chorus_error_last());
        goto done;
    }
    const double *p = chorus_probs_const_data(probs);
    const uint8_t *covered = chorus_probs_covered(probs);
    for (int i = 0; i < 6; i++) {
        const int best = p[2 * i + 1] > p[2 * i] ? 1 : 0;
        if (best != expected[i] || !covered[i]) {
            fprintf(stderr, "fit_votes: item %d: P(1) = %g, expected class %d\n", i, p[2 * i + 1],
                    expected[i]);
            goto done;
        }
    }
    if (covered[6]) {
        fprintf(stderr, "fit_votes: item 6 has no vote but is marked covered\n");
        goto done;
    }
    printf("fit_votes: %s, 6 items labelled as voted\n",
           chorus_model_type_name(chorus_model_get_type(model)));
    rc = 0;
done:
    chorus_probs_free(probs);
    chorus_model_free(model);
    chorus_votes_free(votes);
    return rc;
}
