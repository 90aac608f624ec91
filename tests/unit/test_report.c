/* The HTML report: escaping, the colour scale, what the page holds, refused inputs. */
#include <math.h>
#include <stdio.h>

#include "report/report_internal.h"
#include "test_util.h"

/* Runs a writer into a memory stream and returns what it wrote (free it). */
static char *capture(void (*write)(FILE *, const char *, int), const char *text, int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    write(f, text, n);
    fclose(f);
    return buf;
}

static void write_text(FILE *f, const char *text, int n)
{
    (void)n;
    html_text(f, text);
}

START_TEST(test_escaping)
{
    char *s = capture(write_text, "<script>a&b\"c'd</script>", 0);
    ck_assert_str_eq(s, "&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;");
    free(s);
    s = capture(write_text, "plain ü", 0);
    ck_assert_str_eq(s, "plain ü");
    free(s);
    /* A cut counts characters, never splits a UTF-8 sequence, and escapes what it keeps. */
    s = capture(html_text_cut, "\xC3\xBC\xC3\xBC<\xC3\xBC", 3);
    ck_assert_str_eq(s, "\xC3\xBC\xC3\xBC&lt;\xE2\x80\xA6");
    free(s);
    s = capture(html_text_cut, "abc", 3);
    ck_assert_str_eq(s, "abc");
    free(s);
}
END_TEST

START_TEST(test_viridis_ends)
{
    char c[8];
    /* Viridis runs from dark purple (68, 1, 84) to yellow (253, 231, 37). */
    color_viridis(c, 0);
    ck_assert_str_eq(c, "#440154");
    color_viridis(c, 1);
    ck_assert_str_eq(c, "#fde725");
    color_viridis(c, 2);
    ck_assert_str_eq(c, "#fde725");
    color_viridis(c, NAN);
    ck_assert_str_eq(c, "#440154");
    /* Halfway is the fifth anchor, (33, 144, 141). */
    color_viridis(c, 0.5);
    ck_assert_str_eq(c, "#21908d");
}
END_TEST

/* Two LFs on four items; LF b named with markup. a and b overlap on items 0 and 1 and
 * differ on item 1. */
static chorus_votes *small_votes(void)
{
    const int32_t dense[] = {0, 0, 0, 1, 1, -1, -1, 1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 4, 2, 2, dense));
    ck_assert_ok(chorus_votes_set_lf_name(v, 0, "a"));
    ck_assert_ok(chorus_votes_set_lf_name(v, 1, "<b>&'"));
    return v;
}

START_TEST(test_page_holds_the_sections)
{
    chorus_votes *v = small_votes();
    chorus_fit_options fit = CHORUS_FIT_OPTIONS_INIT;
    fit.type = CHORUS_MODEL_MV;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &fit));
    const int32_t gold[] = {0, 1, 1, -1};
    chorus_report_options opts = CHORUS_REPORT_OPTIONS_INIT;
    opts.gold = gold;
    opts.n_gold = 4;
    const char *path = test_path("page.html");
    ck_assert_ok(chorus_report_write(path, v, m, &opts));
    size_t len;
    char *page = test_read_file(path, &len);
    const char *ids[] = {"overview",    "lf-summary", "overlaps",     "accuracy",  "class-balance",
                         "calibration", "confusion",  "dependencies", "fit-check", "review"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "<section id=\"%s\">", ids[i]);
        ck_assert_msg(strstr(page, needle), "no %s", needle);
    }
    ck_assert_ptr_nonnull(strstr(page, "&lt;b&gt;&amp;&#39;"));
    ck_assert_ptr_null(strstr(page, "<b>&'"));
    ck_assert_ptr_nonnull(strstr(page, "a \xC3\x97 &lt;b&gt;&amp;&#39;: overlap on 2 of 4 items"));
    ck_assert_ptr_nonnull(strstr(page, "a \xC3\x97 &lt;b&gt;&amp;&#39;: conflict on 1 of 4 items"));
    free(page);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_refused_inputs)
{
    chorus_votes *v = small_votes();
    chorus_fit_options fit = CHORUS_FIT_OPTIONS_INIT;
    fit.type = CHORUS_MODEL_MV;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &fit));
    const char *path = test_path("refused.html");
    chorus_report_options opts = CHORUS_REPORT_OPTIONS_INIT;
    opts.max_heatmap_lfs = 0;
    ck_assert_error(chorus_report_write(path, v, m, &opts), CHORUS_EINVAL, "heatmap LFs");
    opts = (chorus_report_options)CHORUS_REPORT_OPTIONS_INIT;
    opts.n_bins = 1001;
    ck_assert_error(chorus_report_write(path, v, m, &opts), CHORUS_EINVAL, "calibration bins");
    opts = (chorus_report_options)CHORUS_REPORT_OPTIONS_INIT;
    const int32_t gold[] = {0, 1, 2, -1};
    opts.gold = gold;
    opts.n_gold = 3;
    ck_assert_error(chorus_report_write(path, v, m, &opts), CHORUS_EINVAL,
                    "3 gold labels for 4 items");
    opts.n_gold = 4;
    ck_assert_error(chorus_report_write(path, v, m, &opts), CHORUS_EINVAL,
                    "item 2: gold label 2 is not -1 or a class in 0..1");
    opts = (chorus_report_options)CHORUS_REPORT_OPTIONS_INIT;
    const int32_t answers[] = {-2, -1, -1, -1};
    opts.review_answers = answers;
    opts.n_review_answers = 4;
    ck_assert_error(chorus_report_write(path, v, m, &opts), CHORUS_EINVAL,
                    "item 0: review answer -2");
    opts = (chorus_report_options)CHORUS_REPORT_OPTIONS_INIT;
    opts.version = 99;
    ck_assert_error(chorus_report_write(path, v, m, &opts), CHORUS_EINVAL, "version 99");
    ck_assert(!test_file_exists(path));
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *t = tcase_create("report");
    tcase_add_test(t, test_escaping);
    tcase_add_test(t, test_viridis_ends);
    tcase_add_test(t, test_page_holds_the_sections);
    tcase_add_test(t, test_refused_inputs);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
