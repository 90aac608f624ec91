#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "test_util.h"
#include "votes/votes_internal.h"

START_TEST(test_utf8)
{
    static const struct {
        const char *text;
        bool valid;
        size_t bad;
    } cases[] = {
        {"plain", true, 0},
        {"caf\xc3\xa9", true, 0},
        {"\xe2\x82\xac", true, 0},
        {"\xf0\x9f\x98\x80", true, 0},
        {"a\xff", false, 1},
        {"\xc3", false, 0},
        {"ab\xc0\xaf", false, 2},       /* overlong '/' */
        {"\xed\xa0\x80", false, 0},     /* a UTF-16 surrogate */
        {"\xf4\x90\x80\x80", false, 0}, /* above U+10FFFF */
        {"x\xe2\x82", false, 1},        /* cut short */
        {"\x80", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i].text);
        ck_assert_int_eq(chorus_utf8_valid(cases[i].text, len), cases[i].valid);
        ck_assert_uint_eq(chorus_utf8_valid_prefix(cases[i].text, len),
                          cases[i].valid ? len : cases[i].bad);
    }
}
END_TEST

static char last_warning[1024];
static void keep_warning(chorus_log_level level, const char *message, void *ctx)
{
    (void)ctx;
    if (level == CHORUS_LOG_WARN) snprintf(last_warning, sizeof last_warning, "%s", message);
}

START_TEST(test_class_coding_warnings)
{
    chorus_log_set_callback(keep_warning, NULL);
    /* Classes 1 and 2 voted, 0 never: the 1..K coding. */
    int32_t dense[] = {1, 2, -1, 2, 1, 1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 3, 3, dense));
    last_warning[0] = '\0';
    ck_assert_int_eq(chorus_votes_warn_class_coding(v), 1);
    ck_assert_ptr_nonnull(strstr(last_warning, "class 0 never receives a vote"));
    ck_assert_ptr_nonnull(strstr(last_warning, "use --abstain 0"));
    chorus_votes_free(v);
    /* Classes 0 and 1 voted, 2 and 3 (SPAM) never. */
    int32_t dense2[] = {0, 1, -1, 0, 1, 1};
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 3, 4, dense2));
    ck_assert_ok(chorus_votes_set_class_name(v, 3, "SPAM"));
    last_warning[0] = '\0';
    ck_assert_int_eq(chorus_votes_warn_class_coding(v), 2);
    ck_assert_ptr_nonnull(strstr(last_warning, "classes 2, 3 (SPAM) never receive a vote"));
    chorus_votes_free(v);
    /* Every class voted: nothing to say. */
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 3, 2, dense2));
    last_warning[0] = '\0';
    ck_assert_int_eq(chorus_votes_warn_class_coding(v), 0);
    ck_assert_str_eq(last_warning, "");
    chorus_votes_free(v);
    chorus_log_set_callback(NULL, NULL);
}
END_TEST

START_TEST(test_append_and_read_back)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 3, 2));
    int32_t lf0[] = {2, 0}, y0[] = {0, 1};
    ck_assert_ok(chorus_votes_append_item(v, lf0, y0, 2));
    ck_assert_ok(chorus_votes_append_item(v, NULL, NULL, 0));
    int32_t lf2[] = {1, 2}, y2[] = {1, CHORUS_ABSTAIN};
    ck_assert_ok(chorus_votes_append_item(v, lf2, y2, 2));
    ck_assert_int_eq(chorus_votes_n_items(v), 3);
    ck_assert_int_eq(chorus_votes_nnz(v), 3);
    const int64_t *rp = chorus_votes_row_ptr(v);
    const int32_t *li = chorus_votes_lf_index(v), *lb = chorus_votes_labels(v);
    ck_assert_int_eq(rp[1], 2);
    ck_assert_int_eq(rp[2], 2);
    ck_assert_int_eq(rp[3], 3);
    /* The row was given out of order; it is stored sorted by LF. */
    ck_assert_int_eq(li[0], 0);
    ck_assert_int_eq(lb[0], 1);
    ck_assert_int_eq(li[1], 2);
    ck_assert_int_eq(lb[1], 0);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), 0);
    ck_assert_int_eq(chorus_votes_get(v, 0, 1), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 2, 1), 1);
    ck_assert_str_eq(chorus_votes_lf_name(v, 1), "lf1");
    ck_assert_str_eq(chorus_votes_class_name(v, 1), "1");
    ck_assert_int_eq(chorus_votes_has_class_names(v), 0);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_append_rejects_bad_votes)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 3, 2));
    int32_t lf[] = {0, 0}, y[] = {1, 1};
    ck_assert_error(chorus_votes_append_item(v, lf, y, 2), CHORUS_EINVAL, "votes twice");
    int32_t lf_big[] = {3}, y1[] = {1};
    ck_assert_error(chorus_votes_append_item(v, lf_big, y1, 1), CHORUS_EINVAL, "outside 0..2");
    int32_t lf1[] = {1}, y_big[] = {2};
    ck_assert_error(chorus_votes_append_item(v, lf1, y_big, 1), CHORUS_EINVAL, "neither -1");
    ck_assert_int_eq(chorus_votes_n_items(v), 0);
    ck_assert_int_eq(chorus_votes_nnz(v), 0);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_from_csr_borrow_and_copy)
{
    int64_t rp[] = {0, 2, 2, 3};
    int32_t li[] = {0, 2, 1}, lb[] = {1, 0, 1};
    chorus_votes *borrowed, *copied;
    ck_assert_ok(chorus_votes_from_csr(&borrowed, 3, 3, 2, rp, li, lb, CHORUS_BORROW));
    ck_assert_ptr_eq(chorus_votes_labels(borrowed), lb);
    ck_assert_ok(chorus_votes_from_csr(&copied, 3, 3, 2, rp, li, lb, CHORUS_COPY));
    ck_assert_ptr_ne(chorus_votes_labels(copied), lb);
    ck_assert_int_eq(chorus_votes_get(copied, 2, 1), 1);
    ck_assert_error(chorus_votes_append_item(borrowed, li, lb, 1), CHORUS_EINVAL, "does not own");
    chorus_votes_free(borrowed);
    chorus_votes_free(copied);
}
END_TEST

START_TEST(test_from_csr_validates)
{
    chorus_votes *v;
    int64_t rp_dec[] = {0, 2, 1};
    int32_t li[] = {0, 1}, lb[] = {1, 0};
    ck_assert_error(chorus_votes_from_csr(&v, 2, 2, 2, rp_dec, li, lb, CHORUS_COPY), CHORUS_EINVAL,
                    "decreases");
    int64_t rp[] = {0, 2};
    int32_t li_unsorted[] = {1, 0};
    ck_assert_error(chorus_votes_from_csr(&v, 1, 2, 2, rp, li_unsorted, lb, CHORUS_COPY),
                    CHORUS_EINVAL, "strictly increasing");
    int32_t lb_bad[] = {1, 5};
    ck_assert_error(chorus_votes_from_csr(&v, 1, 2, 2, rp, li, lb_bad, CHORUS_COPY), CHORUS_EINVAL,
                    "label 5");
    ck_assert_error(chorus_votes_from_csr(&v, 1, 2, 1, rp, li, lb, CHORUS_COPY), CHORUS_EINVAL,
                    "number of classes");
    ck_assert_ptr_null(v);
}
END_TEST

START_TEST(test_from_dense)
{
    int32_t dense[] = {1, -1, 0, -1, -1, -1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 3, 2, dense));
    ck_assert_int_eq(chorus_votes_nnz(v), 2);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), 0);
    chorus_votes_free(v);
    int32_t bad[] = {1, -2};
    ck_assert_error(chorus_votes_from_dense(&v, 1, 2, 2, bad), CHORUS_EINVAL, "vote -2");
}
END_TEST

START_TEST(test_names)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 2, 2));
    ck_assert_ok(chorus_votes_set_lf_name(v, 0, "keyword_free"));
    ck_assert_ok(chorus_votes_set_class_name(v, 1, "SPAM"));
    ck_assert_str_eq(chorus_votes_lf_name(v, 0), "keyword_free");
    ck_assert_str_eq(chorus_votes_class_name(v, 1), "SPAM");
    ck_assert_int_eq(chorus_votes_has_class_names(v), 1);
    ck_assert_int_eq(chorus_votes_find_lf(v, "keyword_free"), 0);
    ck_assert_int_eq(chorus_votes_find_lf(v, "nope"), -1);
    ck_assert_error(chorus_votes_set_lf_name(v, 1, ""), CHORUS_EINVAL, "empty");
    ck_assert_error(chorus_votes_set_lf_name(v, 1, "a\nb"), CHORUS_EINVAL, "control character");
    ck_assert_error(chorus_votes_set_lf_name(v, 2, "x"), CHORUS_EINVAL, "outside");
    ck_assert_ok(chorus_votes_set_n_classes(v, 4));
    ck_assert_str_eq(chorus_votes_class_name(v, 3), "3");
    ck_assert_str_eq(chorus_votes_class_name(v, 1), "SPAM");
    ck_assert_error(chorus_votes_set_n_classes(v, 3), CHORUS_EINVAL, "only grow");
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_item_names)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 2, 2));
    int32_t lf[] = {0}, label[] = {1};
    ck_assert_ok(chorus_votes_append_item(v, lf, label, 1));
    ck_assert(!chorus_votes_has_item_names(v));
    ck_assert_ptr_null(chorus_votes_item_name(v, 0));
    ck_assert_ok(chorus_votes_set_item_name(v, 0, "task-7"));
    ck_assert(chorus_votes_has_item_names(v));
    /* Items appended later have no name until one is set. */
    for (int i = 0; i < 40; i++)
        ck_assert_ok(chorus_votes_append_item(v, lf, label, 1));
    ck_assert_str_eq(chorus_votes_item_name(v, 0), "task-7");
    ck_assert_ptr_null(chorus_votes_item_name(v, 40));
    ck_assert_ptr_null(chorus_votes_item_name(v, 41));
    ck_assert_error(chorus_votes_set_item_name(v, 41, "x"), CHORUS_EINVAL, "outside 0..40");
    ck_assert_error(chorus_votes_set_item_name(v, 1, ""), CHORUS_EINVAL, "item name is empty");
    chorus_votes_free(v);
}
END_TEST

/* Votes are stored in the narrowest types the sizes allow; the public getters still give
 * int32 arrays (a copy, kept by the matrix) and every entry reads back as given. */
START_TEST(test_narrow_storage)
{
    struct {
        int32_t n_lfs, n_classes;
        int lf_width, label_width;
    } shapes[] = {
        {3, 2, 1, 1}, {256, 256, 1, 1}, {257, 257, 2, 4}, {65536, 2, 2, 1}, {65537, 1000, 4, 4}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int32_t m = shapes[s].n_lfs, k = shapes[s].n_classes;
        /* Two items: the top LF and class, then LF 0 with class 1 and the top LF again. */
        int64_t rp[] = {0, 1, 3};
        int32_t li[] = {m - 1, 0, m - 1}, lb[] = {k - 1, 1, 0};
        chorus_votes *copied, *appended;
        ck_assert_ok(chorus_votes_from_csr(&copied, 2, m, k, rp, li, lb, CHORUS_COPY));
        ck_assert_ok(chorus_votes_new(&appended, m, k));
        ck_assert_ok(chorus_votes_append_item(appended, li, lb, 1));
        ck_assert_ok(chorus_votes_append_item(appended, li + 1, lb + 1, 2));
        chorus_votes *both[] = {copied, appended};
        for (int b = 0; b < 2; b++) {
            chorus_votes *v = both[b];
            ck_assert_int_eq(v->lf_width, shapes[s].lf_width);
            ck_assert_int_eq(v->label_width, shapes[s].label_width);
            ck_assert_int_eq(chorus_votes_get(v, 0, m - 1), k - 1);
            ck_assert_int_eq(chorus_votes_get(v, 1, 0), 1);
            ck_assert_int_eq(chorus_votes_get(v, 1, m - 1), 0);
            const int32_t *wide_lf = chorus_votes_lf_index(v), *wide_label = chorus_votes_labels(v);
            for (int p = 0; p < 3; p++) {
                ck_assert_int_eq(wide_lf[p], li[p]);
                ck_assert_int_eq(wide_label[p], lb[p]);
            }
            /* Asked again: the same cached copy. */
            ck_assert_ptr_eq(chorus_votes_lf_index(v), wide_lf);
            ck_assert_ptr_eq(chorus_votes_labels(v), wide_label);
        }
        chorus_votes_free(copied);
        chorus_votes_free(appended);
    }
}
END_TEST

/* Raising the classes past 256 widens the labels already stored before the next append. */
START_TEST(test_labels_widen_with_classes)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 2, 2));
    int32_t lf[] = {0, 1}, y[] = {1, 0};
    ck_assert_ok(chorus_votes_append_item(v, lf, y, 2));
    ck_assert_int_eq(v->label_width, 1);
    const int32_t *before = chorus_votes_labels(v);
    ck_assert_int_eq(before[0], 1);
    ck_assert_ok(chorus_votes_set_n_classes(v, 300));
    int32_t y2[] = {299, 256};
    ck_assert_ok(chorus_votes_append_item(v, lf, y2, 2));
    ck_assert_int_eq(v->label_width, 4);
    const int32_t *after = chorus_votes_labels(v);
    int32_t expected[] = {1, 0, 299, 256};
    for (int p = 0; p < 4; p++)
        ck_assert_int_eq(after[p], expected[p]);
    ck_assert_int_eq(chorus_votes_get(v, 1, 0), 299);
    chorus_votes_free(v);
}
END_TEST

/* A borrowed matrix keeps the caller's int32 arrays: the getters hand those back. */
START_TEST(test_borrowed_storage_is_int32)
{
    int64_t rp[] = {0, 1};
    int32_t li[] = {1}, lb[] = {1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_csr(&v, 1, 2, 2, rp, li, lb, CHORUS_BORROW));
    ck_assert_int_eq(v->lf_width, 4);
    ck_assert_ptr_eq(chorus_votes_lf_index(v), li);
    ck_assert_ptr_eq(chorus_votes_labels(v), lb);
    chorus_votes_free(v);
}
END_TEST

/* Arrays narrower than the sizes call for (as a .chv file may store them) are widened
 * before a vote that needs the room is appended. */
START_TEST(test_narrow_arrays_widen_on_append)
{
    int64_t *rp = malloc(2 * sizeof *rp);
    uint8_t *li = malloc(1), *lb = malloc(1);
    rp[0] = 0;
    rp[1] = 1;
    li[0] = 7;
    lb[0] = 1;
    const chorus_vote_view arrays = {rp, li, lb, 1, 1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_adopt_view(&v, 1, 300, 2, &arrays));
    int32_t lf[] = {299}, y[] = {0};
    ck_assert_ok(chorus_votes_append_item(v, lf, y, 1));
    ck_assert_int_eq(v->lf_width, 2);
    ck_assert_int_eq(chorus_votes_get(v, 0, 7), 1);
    ck_assert_int_eq(chorus_votes_get(v, 1, 299), 0);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("votes");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_append_and_read_back);
    tcase_add_test(tc, test_append_rejects_bad_votes);
    tcase_add_test(tc, test_from_csr_borrow_and_copy);
    tcase_add_test(tc, test_from_csr_validates);
    tcase_add_test(tc, test_from_dense);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_item_names);
    tcase_add_test(tc, test_utf8);
    tcase_add_test(tc, test_class_coding_warnings);
    tcase_add_test(tc, test_narrow_storage);
    tcase_add_test(tc, test_labels_widen_with_classes);
    tcase_add_test(tc, test_borrowed_storage_is_int32);
    tcase_add_test(tc, test_narrow_arrays_widen_on_append);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
