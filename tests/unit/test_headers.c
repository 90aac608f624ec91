/* The public headers compile on their own with -pedantic (see tests/CMakeLists.txt). */
#include <chorus/chorus.h>

#include "test_util.h"

START_TEST(test_version)
{
    ck_assert_str_eq(chorus_version(), CHORUS_VERSION_STRING);
    chorus_error_clear();
    ck_assert_str_eq(chorus_error_last(), "");
    ck_assert_int_eq(chorus_error_last_code(), CHORUS_OK);
}
END_TEST

static int log_calls;
static void count_log(chorus_log_level level, const char *message, void *ctx)
{
    (void)level;
    (void)message;
    *(int *)ctx += 1;
}

START_TEST(test_error_is_per_thread_and_log_callback_is_optional)
{
    chorus_votes *v;
    ck_assert_int_eq(chorus_votes_new(&v, 0, 2), CHORUS_EINVAL);
    ck_assert_int_eq(chorus_error_last_code(), CHORUS_EINVAL);
    chorus_log_set_callback(count_log, &log_calls);
    chorus_log_set_callback(NULL, NULL);
    ck_assert_int_eq(log_calls, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("headers");
    TCase *tc = tcase_create("headers");
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_error_is_per_thread_and_log_callback_is_optional);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
