/* llm labeling functions without a network: the spec and its errors, prompt rendering,
 * the verbalizer, variants, and the dry-run plan. The requests are tested by
 * tests/cli/test_llm.sh against the loopback server. */
#include <stdio.h>
#include <string.h>

#include "lf/lf_internal.h"
#include "test_util.h"

#define HEAD                                                                                       \
    "classes: [HAM, SPAM]\n"                                                                       \
    "lfs:\n"                                                                                       \
    "  - name: ask\n"                                                                              \
    "    kind: llm\n"

static int load_text(chorus_lf_set **set, const char *name, const char *text)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    return chorus_lf_set_load(set, path);
}

static chorus_dataset *comments(void)
{
    const char *path = test_path("comments.csv");
    test_write_file(path,
                    "ID,CONTENT,AUTHOR\n1,check out my channel,ann\n2,\"nice \"\"song\"\"\",bob\n",
                    (size_t)-1);
    chorus_dataset *ds = NULL;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    return ds;
}

START_TEST(test_render_body_and_examples)
{
    chorus_lf_set *set = NULL;
    ck_assert_ok(load_text(&set, "render.yaml",
                           HEAD "    endpoint: http://127.0.0.1:9/v1/\n"
                                "    model: m1\n"
                                "    system: 'Label {{spam}} for {AUTHOR}.'\n"
                                "    prompt: 'Comment: {CONTENT}'\n"
                                "    examples: [{CONTENT: 'sub 4 sub', label: SPAM}]\n"
                                "    verbalizer: {SPAM: [Spam, 'yes'], HAM: ham}\n"));
    const lf_llm *llm = set->lfs[0].u.llm.spec;
    ck_assert_str_eq(llm->url, "http://127.0.0.1:9/v1/chat/completions");
    ck_assert_int_eq(llm->max_tokens, 8);
    ck_assert_int_eq(llm->max_concurrency, 4);
    ck_assert_int_eq(llm->retries, 5);
    ck_assert(strstr(llm->cache_path, ".chorus-llm-cache.jsonl") != NULL);
    ck_assert_str_eq(chorus_lf_set_lf_kind(set, 0), "llm");
    chorus_dataset *ds = comments();
    int32_t *field = NULL;
    ck_assert_ok(lf_llm_bind(&field, set, "ask", llm, ds));
    char *body = NULL;
    ck_assert_ok(lf_llm_render_body(&body, llm, false, 0, ds, field, 1));
    ck_assert_str_eq(body, "{\"model\":\"m1\",\"messages\":["
                           "{\"role\":\"system\",\"content\":\"Label {spam} for bob.\"},"
                           "{\"role\":\"user\",\"content\":\"Comment: sub 4 sub\"},"
                           "{\"role\":\"assistant\",\"content\":\"spam\"},"
                           "{\"role\":\"user\",\"content\":\"Comment: nice \\\"song\\\"\"}],"
                           "\"temperature\":0.0,\"max_tokens\":8}");
    free(body);
    /* Constrained: the schema enumerates every answer word once, the shot answers in JSON,
     * and the default max_tokens leaves room for {"label":"spam"} (4 + 5 + 16). */
    ck_assert_int_eq(llm->constrain, LLM_CONSTRAIN_AUTO);
    ck_assert_ok(lf_llm_render_body(&body, llm, true, 0, ds, field, 1));
    ck_assert_str_eq(body, "{\"model\":\"m1\",\"messages\":["
                           "{\"role\":\"system\",\"content\":\"Label {spam} for bob.\"},"
                           "{\"role\":\"user\",\"content\":\"Comment: sub 4 sub\"},"
                           "{\"role\":\"assistant\",\"content\":\"{\\\"label\\\":\\\"spam\\\"}\"},"
                           "{\"role\":\"user\",\"content\":\"Comment: nice \\\"song\\\"\"}],"
                           "\"temperature\":0.0,\"max_tokens\":25,"
                           "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{"
                           "\"name\":\"chorus_label\",\"strict\":true,\"schema\":{"
                           "\"type\":\"object\",\"properties\":{\"label\":{\"type\":"
                           "\"string\",\"enum\":[\"ham\",\"spam\",\"yes\"]}},"
                           "\"required\":[\"label\"],\"additionalProperties\":false}}}}");
    free(body);
    char *text = NULL;
    ck_assert_ok(lf_llm_render_text(&text, llm, false, 0, ds, field, 0));
    ck_assert(strstr(text, "[user]\nComment: check out my channel\n") != NULL);
    free(text);
    free(field);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_verbalizer)
{
    chorus_lf_set *set = NULL;
    ck_assert_ok(load_text(&set, "verb.yaml",
                           HEAD "    endpoint: http://127.0.0.1:9/v1\n"
                                "    model: m1\n"
                                "    prompt: '{CONTENT}'\n"
                                "    verbalizer: {SPAM: [spam, 'yes'], HAM: [ham, 'no', "
                                "'not spam']}\n"));
    const lf_llm *llm = set->lfs[0].u.llm.spec;
    ck_assert_int_eq(lf_llm_verbalize(llm, "SPAM"), 1);
    ck_assert_int_eq(lf_llm_verbalize(llm, "  Ham."), 0);
    ck_assert_int_eq(lf_llm_verbalize(llm, "Not spam, I think"), 0); /* earliest wins */
    ck_assert_int_eq(lf_llm_verbalize(llm, "Yes - though no"), 1);
    ck_assert_int_eq(lf_llm_verbalize(llm, "spammy hammer"), CHORUS_ABSTAIN); /* whole words */
    ck_assert_int_eq(lf_llm_verbalize(llm, ""), CHORUS_ABSTAIN);
    ck_assert_int_eq(lf_llm_verbalize(llm, NULL), CHORUS_ABSTAIN);
    chorus_lf_set_free(set);

    /* Without a verbalizer the answer names a class. */
    ck_assert_ok(load_text(&set, "verb2.yaml",
                           HEAD "    endpoint: http://127.0.0.1:9/v1\n"
                                "    model: m1\n"
                                "    prompt: '{CONTENT}'\n"));
    ck_assert_int_eq(lf_llm_verbalize(set->lfs[0].u.llm.spec, "It is ham"), 0);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_read_answer)
{
    chorus_lf_set *set = NULL;
    ck_assert_ok(load_text(&set, "answer.yaml",
                           HEAD "    endpoint: http://127.0.0.1:9/v1\n"
                                "    model: m1\n"
                                "    prompt: '{CONTENT}'\n"
                                "    constrain: json_schema\n"
                                "    label_key: verdict\n"
                                "    verbalizer: {SPAM: [spam], HAM: [ham]}\n"));
    const lf_llm *llm = set->lfs[0].u.llm.spec;
    ck_assert_int_eq(llm->constrain, LLM_CONSTRAIN_JSON_SCHEMA);
    ck_assert_str_eq(llm->label_key, "verdict");
    bool ok = false;
    /* The label comes from the key alone, though the evidence names the other class. */
    ck_assert_int_eq(
        lf_llm_read_answer(llm, true, "{\"verdict\":\"ham\",\"evidence\":\"spam?\"}", &ok), 0);
    ck_assert(ok);
    ck_assert_int_eq(lf_llm_read_answer(llm, true, "SPAM", &ok), CHORUS_ABSTAIN);
    ck_assert(!ok); /* not JSON: the endpoint ignored the schema */
    ck_assert_int_eq(lf_llm_read_answer(llm, true, "{\"label\":\"spam\"}", &ok), CHORUS_ABSTAIN);
    ck_assert(ok); /* JSON, but without the key: abstains, says nothing of the endpoint */
    ck_assert_int_eq(lf_llm_read_answer(llm, true, "{\"verdict\":7}", &ok), CHORUS_ABSTAIN);
    /* Free text: a JSON object's key if it has one, else the whole answer. */
    ck_assert_int_eq(lf_llm_read_answer(llm, false, "SPAM", &ok), 1);
    ck_assert(ok);
    ck_assert_int_eq(lf_llm_read_answer(llm, false, "{\"verdict\":\"Ham\",\"why\":\"spam\"}", &ok),
                     0);
    ck_assert_int_eq(lf_llm_read_answer(llm, false, NULL, &ok), CHORUS_ABSTAIN);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_variants_expand)
{
    chorus_lf_set *set = NULL;
    ck_assert_ok(load_text(&set, "variants.yaml",
                           "classes: [HAM, SPAM]\n"
                           "data: {text: CONTENT}\n"
                           "lfs:\n"
                           "  - {name: kw, kind: keyword, vote: SPAM, any: [sub]}\n"
                           "  - name: ens\n"
                           "    kind: llm\n"
                           "    endpoint: http://127.0.0.1:9/v1\n"
                           "    model: m1\n"
                           "    variants: ['Spam? {CONTENT}', 'Is {CONTENT} spam?', 'Ad: "
                           "{CONTENT}']\n"
                           "  - {name: last, kind: keyword, vote: HAM, any: [song]}\n"));
    ck_assert_int_eq(chorus_lf_set_n_lfs(set), 5);
    static const char *const names[] = {"kw", "ens#1", "ens#2", "ens#3", "last"};
    for (int32_t j = 0; j < 5; j++)
        ck_assert_str_eq(chorus_lf_set_lf_name(set, j), names[j]);
    for (int32_t j = 1; j <= 3; j++) {
        ck_assert_str_eq(chorus_lf_set_lf_group(set, j), "ens");
        ck_assert_int_eq(set->lfs[j].u.llm.variant, j - 1);
        ck_assert_ptr_eq(set->lfs[j].u.llm.spec, set->lfs[1].u.llm.spec);
    }
    ck_assert_int_eq(set->lfs[1].u.llm.spec->refs, 3);

    /* The dry run: every record of every variant is a call, nothing is cached. */
    chorus_dataset *ds = comments();
    chorus_llm_plan *plan = NULL;
    ck_assert_ok(chorus_lf_set_llm_plan(&plan, set, ds, 1));
    ck_assert_int_eq(plan->n_lfs, 3);
    ck_assert_int_eq(plan->n_calls, 6);
    ck_assert_int_eq(plan->lfs[1].lf, 2);
    ck_assert_int_eq(plan->lfs[1].n_shown, 1);
    ck_assert(strstr(plan->lfs[1].prompts[0], "Is check out my channel spam?") != NULL);
    ck_assert_int_eq(plan->lfs[1].lines[0], 2);
    chorus_llm_plan_free(plan);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_spec_errors)
{
    chorus_lf_set *set = NULL;
    ck_assert_error(load_text(&set, "e1.yaml", HEAD "    model: m\n    prompt: '{X}'\n"),
                    CHORUS_EFORMAT, "e1.yaml:3: labeling function 'ask': no endpoint");
    ck_assert_error(
        load_text(&set, "e2.yaml", HEAD "    endpoint: http://h/v1\n    prompt: '{X}'\n"),
        CHORUS_EFORMAT, "e2.yaml:3: labeling function 'ask': no model");
    ck_assert_error(load_text(&set, "e3.yaml", HEAD "    endpoint: http://h/v1\n    model: m\n"),
                    CHORUS_EFORMAT, "e3.yaml:3: labeling function 'ask': no prompt");
    ck_assert_error(load_text(&set, "e4.yaml",
                              HEAD "    endpoint: http://h/v1\n    model: m\n    prompt: x\n"
                                   "    verbalizer: {SPAM: [spam], MAYBE: [maybe]}\n"),
                    CHORUS_EFORMAT,
                    "e4.yaml:8: labeling function 'ask': a verbalizer key: 'MAYBE'");
    ck_assert_error(
        load_text(&set, "e5.yaml", HEAD "    endpoint: ftp://h\n    model: m\n    prompt: x\n"),
        CHORUS_EFORMAT, "e5.yaml:5:");
    ck_assert_error(load_text(&set, "e6.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: 'a {b'\n"),
                    CHORUS_EFORMAT, "e6.yaml:7:");
    ck_assert_error(load_text(&set, "e7.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: x\n"
                                   "    vote: SPAM\n"),
                    CHORUS_EFORMAT, "verbalizer");
    ck_assert_error(load_text(&set, "e8.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: x\n"
                                   "    api_key_env: sk-secret-123\n"),
                    CHORUS_EFORMAT, "api_key_env");
    ck_assert(strstr(chorus_error_last(), "sk-secret") == NULL);
    ck_assert_error(load_text(&set, "e9.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: '{TEXT}'\n"
                                   "    examples: [{CONTENT: a, label: SPAM}]\n"),
                    CHORUS_EFORMAT, "example 1 has no field 'TEXT'");
    ck_assert_error(load_text(&set, "e10.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: x\n"
                                   "    max_concurrency: 0\n"),
                    CHORUS_EFORMAT, "e10.yaml:8:");
    ck_assert_error(load_text(&set, "e12.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: x\n"
                                   "    constrain: grammar\n"),
                    CHORUS_EFORMAT,
                    "e12.yaml:8: labeling function 'ask': constrain 'grammar' is not a mode; "
                    "expected auto");
    ck_assert_error(load_text(&set, "e13.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: x\n"
                                   "    label_key: ''\n"),
                    CHORUS_EFORMAT, "e13.yaml:8: labeling function 'ask': label_key is empty");
    ck_assert_ptr_null(set);

    /* A placeholder naming a field the data lacks: found when the data is known. */
    ck_assert_ok(load_text(&set, "e11.yaml",
                           HEAD "    endpoint: http://h\n    model: m\n"
                                "    prompt: 'Comment: {COMMENT}'\n"));
    chorus_dataset *ds = comments();
    chorus_llm_plan *plan = NULL;
    ck_assert_error(chorus_lf_set_llm_plan(&plan, set, ds, 3), CHORUS_EFORMAT,
                    "e11.yaml:7: labeling function 'ask': the prompt names the field {COMMENT}");
    chorus_votes *votes = NULL;
    ck_assert_error(chorus_lf_apply(&votes, NULL, set, ds, NULL), CHORUS_EFORMAT,
                    "field {COMMENT}, which the data lacks (fields: ID, CONTENT, AUTHOR)");
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_examples_file)
{
    test_write_file(test_path("shots.csv"), "CONTENT,label\nfree iphone,SPAM\nlovely,HAM\n",
                    (size_t)-1);
    chorus_lf_set *set = NULL;
    ck_assert_ok(load_text(&set, "shots.yaml",
                           HEAD "    endpoint: http://h\n    model: m\n    prompt: '{CONTENT}'\n"
                                "    examples_file: shots.csv\n"));
    const lf_llm *llm = set->lfs[0].u.llm.spec;
    ck_assert_int_eq(llm->n_examples, 2);
    ck_assert_int_eq(llm->examples[1].label, 0);
    ck_assert_str_eq(llm->examples[0].values[0], "free iphone");
    chorus_lf_set_free(set);
    test_write_file(test_path("bad_shots.csv"), "CONTENT,label\nfree iphone,EGGS\n", (size_t)-1);
    ck_assert_error(load_text(&set, "bad_shots.yaml",
                              HEAD "    endpoint: http://h\n    model: m\n    prompt: '{CONTENT}'\n"
                                   "    examples_file: bad_shots.csv\n"),
                    CHORUS_EFORMAT, "label 'EGGS' is not a class");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("llm_lf");
    TCase *tc = tcase_create("llm_lf");
    tcase_add_test(tc, test_render_body_and_examples);
    tcase_add_test(tc, test_verbalizer);
    tcase_add_test(tc, test_read_answer);
    tcase_add_test(tc, test_variants_expand);
    tcase_add_test(tc, test_spec_errors);
    tcase_add_test(tc, test_examples_file);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
