/*
 * Confidence of llm answers without a network: reading log-probabilities in OpenAI's and
 * llama.cpp's forms, the class probability computed from them (expected values worked out
 * by hand from the log-probabilities given), min_confidence votes, the confidence stored in
 * the cache, and the spec keys with their errors.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lf/llm_confidence.h"
#include "llm/llm_cache.h"
#include "test_util.h"

#define HEAD                                                                                       \
    "classes: [HAM, SPAM]\n"                                                                       \
    "lfs:\n"                                                                                       \
    "  - name: ask\n"                                                                              \
    "    kind: llm\n"                                                                              \
    "    endpoint: http://127.0.0.1:9/v1\n"                                                        \
    "    model: m\n"                                                                               \
    "    prompt: 'Comment: {CONTENT}'\n"                                                           \
    "    verbalizer: {SPAM: [spam], HAM: [ham]}\n"

static chorus_lf_set *load_text(const char *name, const char *text, int *rc)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    chorus_lf_set *set = NULL;
    *rc = chorus_lf_set_load(&set, path);
    return set;
}

static const lf_llm *spam_ham(chorus_lf_set **set)
{
    int rc;
    *set = load_text("conf.yaml", HEAD "    logprobs: true\n", &rc);
    ck_assert_ok(rc);
    return (*set)->lfs[0].u.llm.spec;
}

/* An answer as the client reads it from a response body (root JSON). */
static void read_result(chorus_llm_result *res, const char *content, const char *root_json)
{
    memset(res, 0, sizeof *res);
    res->ok = 1;
    res->content = strdup(content);
    json_error_t err;
    json_t *root = json_loads(root_json, 0, &err);
    ck_assert_ptr_nonnull(root);
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    ck_assert_ok(chorus_llm_logprobs_read(res, root, choice));
    json_decref(root);
}

START_TEST(test_read_openai)
{
    chorus_llm_result res;
    read_result(&res, "SPAM",
                "{\"choices\":[{\"logprobs\":{\"content\":["
                "{\"token\":\"SP\",\"logprob\":-0.25,\"top_logprobs\":["
                "{\"token\":\"SP\",\"logprob\":-0.25},{\"token\":\"HAM\",\"logprob\":-2}]},"
                "{\"token\":\"AM\",\"logprob\":-0.5,\"top_logprobs\":[]}]}}]}");
    ck_assert_int_eq(res.n_tokens, 2);
    ck_assert_str_eq(res.tokens[0].text, "SP");
    ck_assert_int_eq(res.tokens[0].n_top, 2);
    ck_assert_str_eq(res.tokens[0].top_text[1], "HAM");
    ck_assert_double_eq(res.tokens[0].top_logprob[1], -2);
    ck_assert_double_eq_tol(res.logprob, -0.75, 1e-12);
    chorus_llm_result_clear(&res);

    /* A token without a log-probability: the answer has none at all. */
    read_result(&res, "SPAM",
                "{\"choices\":[{\"logprobs\":{\"content\":["
                "{\"token\":\"SP\",\"logprob\":-0.25},{\"token\":\"AM\"}]}}]}");
    ck_assert_int_eq(res.n_tokens, 0);
    ck_assert(isnan(res.logprob));
    chorus_llm_result_clear(&res);
    /* A positive log-probability is no probability. */
    read_result(
        &res, "SPAM",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"SPAM\",\"logprob\":3}]}}]}");
    ck_assert_int_eq(res.n_tokens, 0);
    chorus_llm_result_clear(&res);
}
END_TEST

START_TEST(test_read_llama)
{
    chorus_llm_result res;
    /* Old llama.cpp: probabilities, the chosen token's among its alternatives. */
    read_result(&res, "ham",
                "{\"choices\":[{}],\"completion_probabilities\":[{\"content\":\"ham\",\"probs\":["
                "{\"tok_str\":\"ham\",\"prob\":0.5},{\"tok_str\":\"spam\",\"prob\":0.25}]}]}");
    ck_assert_int_eq(res.n_tokens, 1);
    ck_assert_double_eq_tol(res.tokens[0].logprob, log(0.5), 1e-12);
    ck_assert_int_eq(res.tokens[0].n_top, 2);
    ck_assert_double_eq_tol(res.tokens[0].top_logprob[1], log(0.25), 1e-12);
    chorus_llm_result_clear(&res);
    /* Newer llama.cpp: token, logprob and top_logprobs, at the top level. */
    read_result(&res, "ham",
                "{\"choices\":[{}],\"completion_probabilities\":[{\"token\":\"ham\","
                "\"logprob\":-0.1,\"top_logprobs\":[{\"token\":\"ham\",\"logprob\":-0.1}]}]}");
    ck_assert_int_eq(res.n_tokens, 1);
    ck_assert_double_eq(res.tokens[0].logprob, -0.1);
    chorus_llm_result_clear(&res);
}
END_TEST

START_TEST(test_confidence_free_text)
{
    chorus_lf_set *set = NULL;
    const lf_llm *llm = spam_ham(&set);
    chorus_llm_result res;
    /* Two tokens without alternatives: the product, exp(-0.25 - 0.5). */
    read_result(&res, "SPAM",
                "{\"choices\":[{\"logprobs\":{\"content\":["
                "{\"token\":\"S\",\"logprob\":-0.25},{\"token\":\"PAM\",\"logprob\":-0.5}]}}]}");
    ck_assert_double_eq_tol(lf_llm_confidence(llm, false, &res), exp(-0.75), 1e-12);
    chorus_llm_result_clear(&res);

    /* One token with alternatives: spam's share of spam + ham; "maybe" begins no class. */
    read_result(&res, "spam",
                "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"spam\",\"logprob\":-0.2,"
                "\"top_logprobs\":[{\"token\":\"spam\",\"logprob\":-0.2},"
                "{\"token\":\"ham\",\"logprob\":-1.8},{\"token\":\"maybe\",\"logprob\":-3}]}]}}]}");
    ck_assert_double_eq_tol(lf_llm_confidence(llm, false, &res),
                            exp(-0.2) / (exp(-0.2) + exp(-1.8)), 1e-12);
    chorus_llm_result_clear(&res);

    /* " Spam." as " Sp" "am" ".": the word spans the first two tokens; the first one's
     * blank is taken off its alternatives (" Ham" is ham, " The" nothing); "." is not part
     * of the answer. (e^-0.1 / (e^-0.1 + e^-2.5)) * e^-0.05. */
    read_result(&res, " Spam.",
                "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\" Sp\",\"logprob\":-0.1,"
                "\"top_logprobs\":[{\"token\":\" Sp\",\"logprob\":-0.1},"
                "{\"token\":\" Ham\",\"logprob\":-2.5},{\"token\":\" The\",\"logprob\":-3}]},"
                "{\"token\":\"am\",\"logprob\":-0.05},{\"token\":\".\",\"logprob\":-1}]}}]}");
    ck_assert_double_eq_tol(lf_llm_confidence(llm, false, &res),
                            exp(-0.1) / (exp(-0.1) + exp(-2.5)) * exp(-0.05), 1e-12);
    chorus_llm_result_clear(&res);

    /* Tokens that do not spell out the answer say nothing about it. */
    read_result(
        &res, "spam",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"ham\",\"logprob\":-1}]}}]}");
    ck_assert(isnan(lf_llm_confidence(llm, false, &res)));
    chorus_llm_result_clear(&res);
    /* Nor do answers that name no class. */
    read_result(&res, "dunno",
                "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"dunno\",\"logprob\":-1}]}}"
                "]}");
    ck_assert(isnan(lf_llm_confidence(llm, false, &res)));
    chorus_llm_result_clear(&res);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_confidence_json)
{
    chorus_lf_set *set = NULL;
    const lf_llm *llm = spam_ham(&set);
    chorus_llm_result res;
    /* {"label":"spam"}: only the value's token counts; "sp" begins spam (and not ham), so
     * it adds to spam: (e^-0.3 + e^-2) / (e^-0.3 + e^-2 + e^-1.5). */
    read_result(&res, "{\"label\":\"spam\"}",
                "{\"choices\":[{\"logprobs\":{\"content\":["
                "{\"token\":\"{\\\"label\\\":\\\"\",\"logprob\":-0.7},"
                "{\"token\":\"spam\",\"logprob\":-0.3,\"top_logprobs\":["
                "{\"token\":\"spam\",\"logprob\":-0.3},{\"token\":\"ham\",\"logprob\":-1.5},"
                "{\"token\":\"sp\",\"logprob\":-2}]},"
                "{\"token\":\"\\\"}\",\"logprob\":-0.9}]}}]}");
    ck_assert_double_eq_tol(lf_llm_confidence(llm, true, &res),
                            (exp(-0.3) + exp(-2)) / (exp(-0.3) + exp(-2) + exp(-1.5)), 1e-12);
    chorus_llm_result_clear(&res);
    /* The value inside a token with the quote before it: "\"ham" vs "\"spam" alternatives. */
    read_result(&res, "{\"label\":\"ham\"}",
                "{\"choices\":[{\"logprobs\":{\"content\":["
                "{\"token\":\"{\\\"label\\\":\",\"logprob\":0},"
                "{\"token\":\"\\\"ham\",\"logprob\":-1,\"top_logprobs\":["
                "{\"token\":\"\\\"ham\",\"logprob\":-1},{\"token\":\"\\\"spam\",\"logprob\":-0.5},"
                "{\"token\":\"spam\",\"logprob\":-0.1}]},"
                "{\"token\":\"\\\"}\",\"logprob\":0}]}}]}");
    /* "spam" lacks the quote the chosen token starts with: not an alternative here. */
    ck_assert_double_eq_tol(lf_llm_confidence(llm, true, &res), exp(-1) / (exp(-1) + exp(-0.5)),
                            1e-12);
    chorus_llm_result_clear(&res);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_min_confidence_vote)
{
    int rc;
    chorus_lf_set *set =
        load_text("min.yaml", HEAD "    logprobs: true\n    min_confidence: 0.6\n", &rc);
    ck_assert_ok(rc);
    const lf_llm *llm = set->lfs[0].u.llm.spec;
    ck_assert(llm->logprobs);
    ck_assert_double_eq(llm->min_confidence, 0.6);
    chorus_apply_report rep = {0};
    bool wf;
    ck_assert_int_eq(lf_llm_vote(llm, false, "spam", 0.6, &wf, &rep), 1);
    ck_assert_int_eq(lf_llm_vote(llm, false, "ham", 0.59, &wf, &rep), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_llm_vote(llm, false, "ham", NAN, &wf, &rep), 0);
    ck_assert_int_eq(lf_llm_vote(llm, false, "what?", 0.99, &wf, &rep), CHORUS_ABSTAIN);
    ck_assert_int_eq(rep.llm_low_confidence, 1);
    ck_assert_int_eq(rep.llm_no_confidence, 1);
    ck_assert_int_eq(rep.llm_unparsed, 1);

    /* The request asks for the alternatives too. */
    const char *path = test_path("one.csv");
    test_write_file(path, "CONTENT\nhi\n", (size_t)-1);
    chorus_dataset *ds = NULL;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    int32_t *field = NULL;
    ck_assert_ok(lf_llm_bind(&field, set, "ask", llm, ds));
    char *body = NULL;
    ck_assert_ok(lf_llm_render_body(&body, llm, false, 0, ds, field, 0));
    ck_assert_ptr_nonnull(strstr(body, ",\"logprobs\":true,\"top_logprobs\":5"));
    free(body);
    free(field);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_cache_keeps_confidence)
{
    const char *path = test_path("scored.jsonl");
    char key[65], old_key[65];
    chorus_llm_cache_key(key, "u", "m", "body");
    chorus_llm_cache_key(old_key, "u", "m", "old");
    /* A line of a version without confidences still reads; one with a p out of 0..1 is
     * damaged. */
    char text[512];
    snprintf(text, sizeof text,
             "{\"key\":\"%s\",\"answer\":\"ham\",\"tokens\":3,\"time\":1}\n"
             "{\"key\":\"%.63sx\",\"answer\":\"ham\",\"p\":1.5}\n",
             old_key, old_key);
    test_write_file(path, text, (size_t)-1);
    chorus_llm_cache *cache = NULL;
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    const char *kept = NULL;
    ck_assert_ok(chorus_llm_cache_put_scored(cache, key, "spam", 5, 0.75, &kept));
    ck_assert_str_eq(kept, "spam");
    chorus_llm_cache_close(cache);
    ck_assert_ok(chorus_llm_cache_open(&cache, path));
    ck_assert_str_eq(chorus_llm_cache_get(cache, key), "spam");
    ck_assert_double_eq(chorus_llm_cache_confidence(cache, key), 0.75);
    ck_assert_str_eq(chorus_llm_cache_get(cache, old_key), "ham");
    ck_assert(isnan(chorus_llm_cache_confidence(cache, old_key)));
    chorus_llm_cache_stats stats;
    chorus_llm_cache_stats_get(cache, &stats);
    ck_assert_int_eq(stats.damaged, 1);
    /* An export keeps it. */
    const char *out = test_path("scored-export.jsonl");
    ck_assert_ok(chorus_llm_cache_export(cache, out));
    chorus_llm_cache_close(cache);
    size_t len;
    char *exported = test_read_file(out, &len);
    ck_assert_ptr_nonnull(strstr(exported, "\"answer\":\"spam\""));
    ck_assert_ptr_nonnull(strstr(exported, "\"p\":0.75"));
    free(exported);
}
END_TEST

START_TEST(test_spec_errors)
{
    int rc;
    chorus_lf_set *set =
        load_text("c1.yaml", HEAD "    logprobs: true\n    min_confidence: 2\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    "c1.yaml:10: labeling function 'ask': min_confidence is not a number in 0..1");
    set = load_text("c2.yaml", HEAD "    logprobs: true\n    min_confidence: 0\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c2.yaml:10:");
    set = load_text("c3.yaml", HEAD "    min_confidence: 0.5\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    "c3.yaml:9: labeling function 'ask': min_confidence without logprobs: true "
                    "or samples");
    set = load_text("c4.yaml", HEAD "    samples: 0\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    "c4.yaml:9: labeling function 'ask': samples is not a whole number in 1..100");
    set = load_text("c5.yaml", HEAD "    samples: 2.5\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c5.yaml:9:");
    set = load_text("c6.yaml", HEAD "    logprobs: maybe\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c6.yaml:9:");
    set = load_text("c7.yaml",
                    HEAD "llm:\n  prices:\n    m: {prompt_per_1k: -0.1, completion_per_1k: 1}\n",
                    &rc);
    ck_assert_error(rc, CHORUS_EFORMAT,
                    "c7.yaml:11: llm.prices: model 'm': prompt_per_1k is not a number in 0..");
    set =
        load_text("c8.yaml", HEAD "llm:\n  prices:\n    m: {prompt_per_1k: 1, per_call: 2}\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c8.yaml:11:");
    set = load_text("c9.yaml", HEAD "llm:\n  price: {}\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c9.yaml:10:");
    set = load_text("c10.yaml", HEAD "llm:\n  prices:\n    m: {}\n", &rc);
    ck_assert_error(rc, CHORUS_EFORMAT, "c10.yaml:11: llm.prices: model 'm' has no price");
    ck_assert_ptr_null(set);

    set = load_text("ok.yaml",
                    HEAD "    samples: 3\n    temperature: 0.7\n    min_confidence: 0.5\n"
                         "llm:\n  prices:\n    m: {prompt_per_1k: 0.15, completion_per_1k: 0.6}\n"
                         "    other: {completion_per_1k: 2}\n",
                    &rc);
    ck_assert_ok(rc);
    const llm_price *price = lf_set_llm_price(set, "m");
    ck_assert_ptr_nonnull(price);
    ck_assert_double_eq(price->prompt_per_1k, 0.15);
    ck_assert_double_eq(price->completion_per_1k, 0.6);
    ck_assert_double_eq(lf_set_llm_price(set, "other")->prompt_per_1k, 0);
    ck_assert_ptr_null(lf_set_llm_price(set, "gpt"));
    ck_assert_int_eq(set->lfs[0].u.llm.spec->samples, 3);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_samples_vote)
{
    int rc;
    chorus_lf_set *set = load_text(
        "samples.yaml", HEAD "    samples: 4\n    temperature: 1\n    min_confidence: 0.5\n", &rc);
    ck_assert_ok(rc);
    const lf_llm *llm = set->lfs[0].u.llm.spec;
    chorus_apply_report rep = {0};
    const int32_t A = CHORUS_ABSTAIN;
    /* 2 of 4: the share is 0.5, not below min_confidence. */
    ck_assert_int_eq(lf_llm_samples_vote(llm, (const int32_t[]){0, 1, 1, A}, 4, &rep), 1);
    /* A tie goes to the class answered first. */
    ck_assert_int_eq(lf_llm_samples_vote(llm, (const int32_t[]){1, 0, 0, 1}, 4, &rep), 1);
    ck_assert_int_eq(lf_llm_samples_vote(llm, (const int32_t[]){0, 1, 1, 0}, 4, &rep), 0);
    ck_assert_int_eq(rep.llm_low_confidence, 0);
    /* 1 of 4 (failed and unparsed samples count in the share): below 0.5. */
    ck_assert_int_eq(lf_llm_samples_vote(llm, (const int32_t[]){A, 1, A, A}, 4, &rep), A);
    ck_assert_int_eq(rep.llm_low_confidence, 1);
    ck_assert_int_eq(lf_llm_samples_vote(llm, (const int32_t[]){A, A, A, A}, 4, &rep), A);
    ck_assert_int_eq(rep.llm_low_confidence, 1);
    /* Per answer, min_confidence does not apply: the samples' agreement does. */
    bool wf;
    ck_assert_int_eq(lf_llm_vote(llm, false, "spam", 0.01, &wf, &rep), 1);

    char *body = NULL;
    ck_assert_ok(lf_llm_sample_body(&body, "{\"model\":\"m\",\"max_tokens\":8}", 3));
    ck_assert_str_eq(body, "{\"model\":\"m\",\"max_tokens\":8,\"seed\":3}");
    free(body);
    chorus_lf_set_free(set);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("llm_confidence");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_read_openai);
    tcase_add_test(tc, test_read_llama);
    tcase_add_test(tc, test_confidence_free_text);
    tcase_add_test(tc, test_confidence_json);
    tcase_add_test(tc, test_min_confidence_vote);
    tcase_add_test(tc, test_cache_keeps_confidence);
    tcase_add_test(tc, test_spec_errors);
    tcase_add_test(tc, test_samples_vote);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
