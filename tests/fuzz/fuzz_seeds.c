/*
 * Writes the seed inputs of the fuzz targets: usage `chorus_fuzz_seeds SOURCE_DIR OUT_DIR
 * TARGET...`. It makes OUT_DIR/<target>/ for every target named, copies the first lines of
 * small shipped files (tests/data, datasets/, labeling_functions/) into the text targets'
 * folders, and from those votes writes the binary formats, fitted models and predicted
 * probabilities, so the binary and model targets start from real files too. Seeds stay a
 * few KiB: libFuzzer mutates small inputs far faster.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

static const char *source_dir, *out_dir;

static const char *in_source(const char *rel)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s/%s", source_dir, rel);
    return buf;
}

static const char *seed_path(const char *target, const char *name)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s/%s/%s", out_dir, target, name);
    return buf;
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

/* Copies the first max_lines lines (all of them if 0) of a source file into a seed. */
static void copy_head(const char *target, const char *name, const char *rel, int max_lines)
{
    FILE *in = fopen(in_source(rel), "rb");
    if (!in) {
        perror(in_source(rel));
        exit(1);
    }
    FILE *out = fopen(seed_path(target, name), "wb");
    if (!out) {
        perror(seed_path(target, name));
        exit(1);
    }
    int c, lines = 0;
    while ((c = fgetc(in)) != EOF && (!max_lines || lines < max_lines)) {
        fputc(c, out);
        lines += c == '\n';
    }
    fclose(in);
    if (fclose(out)) {
        perror(seed_path(target, name));
        exit(1);
    }
}

static void check(int rc, const char *what)
{
    if (rc == CHORUS_OK) return;
    fprintf(stderr, "chorus_fuzz_seeds: %s: %s\n", what, chorus_error_last());
    exit(1);
}

/* Everything a vote matrix leads to: its binary formats, models fitted on it and their
 * probabilities in every format. */
static void derive(const char *stem, const char *votes_seed_target, const char *votes_seed)
{
    chorus_votes *votes = NULL;
    check(chorus_votes_read(&votes, seed_path(votes_seed_target, votes_seed), NULL), stem);
    char name[256];
    snprintf(name, sizeof name, "%s.chv", stem);
    check(chorus_votes_write_chv(votes, seed_path("votes_chv", name)), name);
    snprintf(name, sizeof name, "%s.npy", stem);
    check(chorus_votes_write_npy(votes, seed_path("votes_npy", name)), name);

    /* auto: a model.json with the checks the default runs (held-out votes or LFs). */
    static const chorus_model_type types[] = {CHORUS_MODEL_MV, CHORUS_MODEL_DS,
                                              CHORUS_MODEL_CLASS_ACC, CHORUS_MODEL_ONECOIN,
                                              CHORUS_MODEL_AUTO};
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
        opts.type = types[t];
        opts.max_iter = 20;
        opts.n_threads = 1;
        opts.learn_structure = types[t] == CHORUS_MODEL_DS;
        chorus_model *model = NULL;
        check(chorus_model_fit(&model, votes, &opts), "fit");
        snprintf(name, sizeof name, "%s_%s.json", stem, chorus_model_type_name(types[t]));
        check(chorus_model_save(model, seed_path("model_json", name)), name);
        if (types[t] == CHORUS_MODEL_DS) {
            chorus_probs *probs = NULL;
            check(chorus_model_predict(&probs, model, votes), "predict");
            snprintf(name, sizeof name, "%s.csv", stem);
            check(chorus_probs_write(probs, seed_path("probs_csv", name), CHORUS_PROBS_CSV), name);
            snprintf(name, sizeof name, "%s.jsonl", stem);
            check(chorus_probs_write(probs, seed_path("probs_jsonl", name), CHORUS_PROBS_JSONL),
                  name);
            /* Without the uncovered rows the ids are not 0..n-1: the .npy gets an items file. */
            check(chorus_probs_drop_uncovered(probs), "drop uncovered");
            snprintf(name, sizeof name, "%s_covered.csv", stem);
            check(chorus_probs_write(probs, seed_path("probs_csv", name), CHORUS_PROBS_CSV), name);
            snprintf(name, sizeof name, "%s.npy", stem);
            check(chorus_probs_write(probs, seed_path("probs_npy", name), CHORUS_PROBS_NPY), name);
            snprintf(name, sizeof name, "%s.items.csv", stem);
            check(chorus_probs_write_items(probs, seed_path("probs_items", name)), name);
            /* The items file the .npy write left beside it is no .npy seed. */
            remove(seed_path("probs_npy", name));
            chorus_probs_free(probs);
        }
        chorus_model_free(model);
    }
    chorus_votes_free(votes);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: chorus_fuzz_seeds SOURCE_DIR OUT_DIR TARGET...\n");
        return 2;
    }
    source_dir = argv[1];
    out_dir = argv[2];
    make_dir(out_dir);
    for (int i = 3; i < argc; i++)
        make_dir(seed_path(argv[i], ""));

    copy_head("votes_csv", "youtube_valid.csv", "datasets/wrench_youtube/valid/votes.csv", 40);
    copy_head("votes_csv", "tennis_valid.csv", "datasets/wrench_tennis_flyingsquid/valid/votes.csv",
              40);
    copy_head("votes_csv", "trec_test.csv", "datasets/wrench_trec/test/votes.csv", 30);
    copy_head("votes_wrench", "youtube_valid.json",
              "datasets/wrench_youtube/wrench_json/valid.json", 0);
    copy_head("votes_triples", "patients.csv", "datasets/ds1979_patients/triples.csv", 80);
    copy_head("votes_triples", "bluebird.csv", "datasets/smeem_bluebird/triples.csv", 60);
    copy_head("votes_triples", "product.csv", "datasets/ctinfer_d_product/triples.csv", 60);
    copy_head("gold", "youtube_valid.csv", "datasets/wrench_youtube/valid/gold.csv", 0);
    copy_head("gold", "trec_test.csv", "datasets/wrench_trec/test/gold.csv", 60);
    copy_head("dataset_csv", "youtube_valid.csv", "datasets/youtube/valid.csv", 20);
    copy_head("dataset_csv", "psy.csv", "datasets/uci_youtube_spam/Youtube01-Psy.csv", 20);
    copy_head("dataset_csv", "comments.csv", "tests/data/lf/comments.csv", 0);
    copy_head("dataset_jsonl", "youtube_valid.jsonl", "datasets/wrench_youtube/valid/texts.jsonl",
              10);
    copy_head("dataset_jsonl", "sms_test.jsonl", "datasets/uci_sms_spam/test.jsonl", 10);
    copy_head("lf_spec", "full.yaml", "tests/data/lf/full.yaml", 0);
    copy_head("lf_spec", "youtube_spam.yaml", "labeling_functions/youtube_spam.yaml", 0);
    copy_head("lf_spec", "youtube_spam_llm.yaml", "labeling_functions/youtube_spam_llm.yaml", 0);
    copy_head("lf_spec", "sms_spam.yaml", "labeling_functions/sms_spam.yaml", 0);
    copy_head("lookup_list", "spam_authors.txt", "tests/data/lf/lists/spam_authors.txt", 0);
    static const char *const npy_votes[] = {"votes_int8",  "votes_int8_v2", "votes_int8_v3",
                                            "votes_int16", "votes_int32",   "votes_int32_be",
                                            "votes_int64", "votes_uint8",   "votes_fortran"};
    for (size_t i = 0; i < sizeof npy_votes / sizeof *npy_votes; i++) {
        char rel[256], name[256];
        snprintf(rel, sizeof rel, "tests/data/npy/%s.npy", npy_votes[i]);
        snprintf(name, sizeof name, "%s.npy", npy_votes[i]);
        copy_head("votes_npy", name, rel, 0);
    }
    copy_head("probs_npy", "probs_f8.npy", "tests/data/npy/probs_f8.npy", 0);
    copy_head("probs_npy", "probs_f4.npy", "tests/data/npy/probs_f4.npy", 0);

    derive("youtube_valid", "votes_csv", "youtube_valid.csv");
    derive("tennis_valid", "votes_csv", "tennis_valid.csv");
    derive("bluebird", "votes_triples", "bluebird.csv");
    return 0;
}
