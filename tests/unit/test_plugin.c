/* Plugin labeling functions: loading, calling, contexts, and missing libraries or symbols.
 * CHORUS_PLUGIN_EXAMPLE is the path of tests/data/lf/plugin_example.c built as a module. */
#include <stdio.h>
#include <string.h>

#include "lf/lf_internal.h"
#include "test_util.h"

static chorus_dataset *texts(void)
{
    const char *path = test_path("texts.csv");
    test_write_file(path, "id,text\n1,see http://x.example\n2,nice song\n", (size_t)-1);
    chorus_dataset *ds;
    ck_assert_ok(chorus_dataset_read(&ds, path, NULL));
    return ds;
}

START_TEST(test_load_and_call)
{
    lf_plugin plugin = {0};
    plugin.library = (char *)CHORUS_PLUGIN_EXAMPLE;
    plugin.symbol = (char *)"lf_has_link";
    ck_assert_ok(lf_plugin_load(&plugin));
    ck_assert_ptr_nonnull(plugin.fn);
    ck_assert_ptr_nonnull(plugin.ctx); /* from lf_has_link_init */
    chorus_dataset *ds = texts();
    chorus_record r0 = {ds, 0}, r1 = {ds, 1};
    ck_assert_int_eq(plugin.fn(&r0, plugin.ctx), 1);
    ck_assert_int_eq(plugin.fn(&r1, plugin.ctx), 0);
    lf_plugin_unload(&plugin); /* lf_has_link_fini frees the context; LSan would see a leak */
    ck_assert_ptr_null(plugin.handle);
    ck_assert_ptr_null(plugin.fn);

    plugin.symbol = (char *)"lf_no_context";
    ck_assert_ok(lf_plugin_load(&plugin));
    ck_assert_ptr_null(plugin.ctx);
    ck_assert_int_eq(plugin.fn(&r0, plugin.ctx), 0);
    lf_plugin_unload(&plugin);
    lf_plugin_unload(&plugin); /* twice is harmless */
    chorus_dataset_free(ds);
}
END_TEST

START_TEST(test_missing_symbol_and_library)
{
    lf_plugin plugin = {0};
    plugin.library = (char *)CHORUS_PLUGIN_EXAMPLE;
    plugin.symbol = (char *)"lf_nope";
    ck_assert_error(lf_plugin_load(&plugin), CHORUS_EFORMAT,
                    "the plugin library has no function 'lf_nope' (");
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), "undefined symbol: lf_nope"));
    ck_assert_ptr_null(plugin.handle);
    ck_assert_ptr_null(plugin.fn);
    plugin.library = (char *)"/nonexistent/libnothing.so";
    ck_assert_error(lf_plugin_load(&plugin), CHORUS_EIO,
                    "cannot load the plugin library: /nonexistent/libnothing.so: cannot open "
                    "shared object file");
    ck_assert_ptr_null(plugin.handle);
    /* A file that is not a shared library. */
    plugin.library = (char *)test_path("fake.so");
    test_write_file(plugin.library, "not an ELF file\n", (size_t)-1);
    ck_assert_error(lf_plugin_load(&plugin), CHORUS_EIO, "cannot load the plugin library");
}
END_TEST

/* Every kind in one spec, the plugin among them, applied to a dataset. */
START_TEST(test_spec_with_every_kind)
{
    test_write_file(test_path("authors.txt"), "Spam Bot\n", (size_t)-1);
    char spec[2048];
    snprintf(spec, sizeof spec,
             "task: every_kind\n"
             "classes: [HAM, SPAM]\n"
             "data: {id: id, text: text}\n"
             "lfs:\n"
             "  - {name: kw, kind: keyword, vote: SPAM, any: [subscribe]}\n"
             "  - {name: re, kind: regex, vote: SPAM, pattern: 'free\\s+money', flags: i}\n"
             "  - {name: short, kind: heuristic, vote: HAM, when: {field: text, length_lt: 12}}\n"
             "  - {name: spammer, kind: lookup, vote: SPAM, field: author, list: authors.txt}\n"
             "  - {name: model, kind: column, field: pred, map: {s: SPAM, h: HAM}}\n"
             "  - name: has_link\n"
             "    kind: plugin\n"
             "    library: %s\n"
             "    symbol: lf_has_link\n",
             CHORUS_PLUGIN_EXAMPLE);
    const char *spec_path = test_path("every.yaml");
    test_write_file(spec_path, spec, (size_t)-1);
    const char *data_path = test_path("every.csv");
    test_write_file(data_path,
                    "id,author,text,pred\n"
                    "1,spam bot,please subscribe http://x,s\n"
                    "2,ann,nice song,h\n"
                    "3,bob,FREE  money at http://y,\n",
                    (size_t)-1);
    chorus_lf_set *set;
    chorus_dataset *ds;
    chorus_votes *votes;
    ck_assert_ok(chorus_lf_set_load(&set, spec_path));
    ck_assert_str_eq(chorus_lf_set_lf_kind(set, 5), "plugin");
    ck_assert_int_eq(set->lfs[5].vote, CHORUS_ABSTAIN);
    ck_assert_str_eq(set->lfs[5].u.plugin.library, CHORUS_PLUGIN_EXAMPLE);
    ck_assert_ok(chorus_dataset_read(&ds, data_path, NULL));
    ck_assert_ok(chorus_lf_apply(&votes, NULL, set, ds, NULL));
    static const int32_t expected[3][6] = {
        {1, -1, -1, 1, 1, 1},
        {-1, -1, 0, -1, 0, 0},
        {-1, 1, -1, -1, -1, 1},
    };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 6; j++)
            ck_assert_msg(chorus_votes_get(votes, i, j) == expected[i][j], "item %d lf %d: %d", i,
                          j, chorus_votes_get(votes, i, j));
    chorus_votes_free(votes);
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

START_TEST(test_spec_errors)
{
    char spec[1024];
    const char *path = test_path("plugin.yaml");
    snprintf(spec, sizeof spec,
             "classes: [HAM, SPAM]\n"
             "lfs:\n"
             "  - name: has_person\n"
             "    kind: plugin\n"
             "    library: %s\n"
             "    symbol: lf_has_person\n",
             CHORUS_PLUGIN_EXAMPLE);
    test_write_file(path, spec, (size_t)-1);
    chorus_lf_set *set;
    ck_assert_error(chorus_lf_set_load(&set, path), CHORUS_EFORMAT,
                    "plugin.yaml:6: labeling function 'has_person': the plugin library has no "
                    "function 'lf_has_person'");
    test_write_file(path,
                    "classes: [HAM, SPAM]\n"
                    "lfs:\n"
                    "  - name: has_person\n"
                    "    kind: plugin\n"
                    "    library: plugins/libmissing.so\n"
                    "    symbol: lf_has_person\n",
                    (size_t)-1);
    ck_assert_error(chorus_lf_set_load(&set, path), CHORUS_EIO,
                    "plugin.yaml:5: labeling function 'has_person': cannot load the plugin "
                    "library: ");
    /* Relative to the spec's folder, not the working directory. */
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), "/plugins/libmissing.so"));
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), test_tmpdir()));
}
END_TEST

/* A plugin voting a class the task lacks fails the apply, naming the LF and the record. */
START_TEST(test_bad_vote_from_plugin)
{
    char spec[1024];
    const char *path = test_path("badvote.yaml");
    snprintf(spec, sizeof spec,
             "classes: [HAM, SPAM]\n"
             "lfs:\n"
             "  - {name: broken, kind: plugin, library: %s, symbol: lf_bad_vote}\n",
             CHORUS_PLUGIN_EXAMPLE);
    test_write_file(path, spec, (size_t)-1);
    chorus_lf_set *set;
    chorus_votes *votes;
    ck_assert_ok(chorus_lf_set_load(&set, path));
    chorus_dataset *ds = texts();
    ck_assert_error(chorus_lf_apply(&votes, NULL, set, ds, NULL), CHORUS_EINVAL,
                    "labeling function 'broken' (plugin lf_bad_vote) returned 7");
    chorus_dataset_free(ds);
    chorus_lf_set_free(set);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plugin");
    TCase *tc = tcase_create("plugin");
    tcase_add_test(tc, test_load_and_call);
    tcase_add_test(tc, test_missing_symbol_and_library);
    tcase_add_test(tc, test_spec_with_every_kind);
    tcase_add_test(tc, test_spec_errors);
    tcase_add_test(tc, test_bad_vote_from_plugin);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
