/* Atomic output files: leftovers of killed writers, permissions, symbolic links, failures. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "test_util.h"

/* A fresh folder for one test (Check forks each test, but they share test_tmpdir()). */
static const char *fresh_dir(const char *name)
{
    const char *dir = test_path(name);
    ck_assert_int_eq(mkdir(dir, 0777), 0);
    return dir;
}

static char *join(const char *dir, const char *name)
{
    static char slots[4][600];
    static int next;
    char *out = slots[next++ % 4];
    snprintf(out, sizeof slots[0], "%s/%s", dir, name);
    return out;
}

/* Writes text through the atomic file; returns its status. */
static int write_text(const char *path, const char *text)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    fputs(text, file.fp);
    return chorus_atomic_commit(&file);
}

static void assert_content(const char *path, const char *want)
{
    size_t len;
    char *got = test_read_file(path, &len);
    ck_assert_str_eq(got, want);
    free(got);
}

/* Number of entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* The pid of a child that has exited and been reaped: a process that no longer runs. */
static long dead_pid(void)
{
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) _exit(0);
    ck_assert_int_eq(waitpid(child, NULL, 0), child);
    return (long)child;
}

/* A temporary file as the process `pid` of this host would name it for target. */
static const char *leftover(const char *target, long pid, const char *random)
{
    static char slots[4][700];
    static int next;
    char *prefix = chorus_atomic_temp_prefix(target, pid);
    ck_assert_ptr_nonnull(prefix);
    char *out = slots[next++ % 4];
    snprintf(out, sizeof slots[0], "%s%s", prefix, random);
    free(prefix);
    test_write_file(out, "partial", (size_t)-1);
    return out;
}

START_TEST(test_temporary_name)
{
    char *prefix = chorus_atomic_temp_prefix("out/model.json", 4242);
    ck_assert_ptr_nonnull(prefix);
    /* "out/model.json.tmp." + 8 hex digits of the host + "-4242." */
    ck_assert_int_eq(strncmp(prefix, "out/model.json.tmp.", 19), 0);
    ck_assert_uint_eq(strlen(prefix), 19 + 8 + strlen("-4242."));
    for (int i = 19; i < 27; i++)
        ck_assert_msg(strchr("0123456789abcdef", prefix[i]) != NULL, "host tag %s", prefix);
    ck_assert_str_eq(prefix + 27, "-4242.");
    free(prefix);
}
END_TEST

START_TEST(test_dead_writers_leftovers_are_removed)
{
    const char *dir = fresh_dir("sweep");
    const char *target = join(dir, "votes.chv");
    long dead = dead_pid();
    const char *stale = leftover(target, dead, "Ab3xYz");
    /* Kept: a live writer (the parent of this test process), this process, another host,
     * an older naming, a name that does not end as a temporary does, another target. */
    const char *live = leftover(target, (long)getppid(), "Ab3xYz");
    const char *self = leftover(target, (long)getpid(), "Ab3xYz");
    char other_host[700];
    snprintf(other_host, sizeof other_host, "%s.tmp.zzzzzzzz-%ld.Ab3xYz", target, dead);
    test_write_file(other_host, "x", (size_t)-1);
    const char *old_style = join(dir, "votes.chv.tmp.Ab3xYz");
    test_write_file(old_style, "x", (size_t)-1);
    char longer[700];
    snprintf(longer, sizeof longer, "%s7", stale); /* seven random characters, not six */
    test_write_file(longer, "x", (size_t)-1);
    const char *other_target = leftover(join(dir, "gold.csv"), dead, "Ab3xYz");
    ck_assert_int_eq(count_entries(dir), 7);

    ck_assert_ok(write_text(target, "new\n"));
    assert_content(target, "new\n");
    ck_assert_int_eq(test_file_exists(stale), 0);
    ck_assert_int_eq(test_file_exists(live), 1);
    ck_assert_int_eq(test_file_exists(self), 1);
    ck_assert_int_eq(test_file_exists(other_host), 1);
    ck_assert_int_eq(test_file_exists(old_style), 1);
    ck_assert_int_eq(test_file_exists(longer), 1);
    ck_assert_int_eq(test_file_exists(other_target), 1);
    /* The six kept files and the target. */
    ck_assert_int_eq(count_entries(dir), 7);
}
END_TEST

START_TEST(test_leftover_that_is_not_a_file_stays)
{
    const char *dir = fresh_dir("sweep_dir");
    const char *target = join(dir, "p.csv");
    char *prefix = chorus_atomic_temp_prefix(target, dead_pid());
    char name[700];
    snprintf(name, sizeof name, "%sabcdef", prefix);
    free(prefix);
    ck_assert_int_eq(mkdir(name, 0777), 0);
    ck_assert_ok(write_text(target, "x\n"));
    struct stat st;
    ck_assert_int_eq(stat(name, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

START_TEST(test_new_file_follows_umask)
{
    const char *dir = fresh_dir("umask");
    umask(022);
    ck_assert_ok(write_text(join(dir, "a.json"), "{}\n"));
    ck_assert_uint_eq(mode_of(join(dir, "a.json")), 0644);
    umask(077);
    ck_assert_ok(write_text(join(dir, "b.json"), "{}\n"));
    ck_assert_uint_eq(mode_of(join(dir, "b.json")), 0600);
    umask(022);
}
END_TEST

START_TEST(test_replaced_file_keeps_its_mode)
{
    const char *dir = fresh_dir("keep_mode");
    const char *target = join(dir, "model.json");
    umask(022);
    test_write_file(target, "old\n", (size_t)-1);
    ck_assert_int_eq(chmod(target, 0600), 0);
    ck_assert_ok(write_text(target, "new\n"));
    assert_content(target, "new\n");
    ck_assert_uint_eq(mode_of(target), 0600);
    /* Wider than the umask allows is kept too: the mode is the target's, not the umask's. */
    ck_assert_int_eq(chmod(target, 0664), 0);
    ck_assert_ok(write_text(target, "newer\n"));
    ck_assert_uint_eq(mode_of(target), 0664);
}
END_TEST

START_TEST(test_symbolic_link_is_written_through)
{
    const char *dir = fresh_dir("links");
    const char *real_dir = join(dir, "real");
    ck_assert_int_eq(mkdir(real_dir, 0777), 0);
    const char *real = join(dir, "real/model.json");
    test_write_file(real, "old\n", (size_t)-1);
    ck_assert_int_eq(chmod(real, 0640), 0);
    /* links/latest.json -> real/model.json (relative to the link's folder), and a second
     * hop links/current.json -> latest.json. */
    const char *latest = join(dir, "latest.json");
    ck_assert_int_eq(symlink("real/model.json", latest), 0);
    const char *current = join(dir, "current.json");
    ck_assert_int_eq(symlink("latest.json", current), 0);

    ck_assert_ok(write_text(current, "new\n"));
    struct stat st;
    ck_assert_int_eq(lstat(current, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(lstat(latest, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    assert_content(real, "new\n");
    ck_assert_uint_eq(mode_of(real), 0640);
    /* The temporary went beside the real file and is gone. */
    ck_assert_int_eq(count_entries(real_dir), 1);
    ck_assert_int_eq(count_entries(dir), 3);
}
END_TEST

/* /dev/stdout on a pipe is a link to /proc/self/fd/1, whose link text is "pipe:[N]", no
 * path: the pipe is written directly, through the path as given, as a link of its own to
 * it would be. */
START_TEST(test_a_pipe_through_proc_links_is_written_directly)
{
    const char *dir = fresh_dir("pipe");
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    char proc_path[64];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fds[1]);
    const char *link = join(dir, "stdout");
    ck_assert_int_eq(symlink(proc_path, link), 0);
    ck_assert_ok(write_text(proc_path, "one\n"));
    ck_assert_ok(write_text(link, "two\n"));
    close(fds[1]);
    char got[16] = {0};
    ck_assert_int_eq(read(fds[0], got, sizeof got - 1), 8);
    ck_assert_str_eq(got, "one\ntwo\n");
    close(fds[0]);
    /* Nothing was created beside the link. */
    ck_assert_int_eq(count_entries(dir), 1);
}
END_TEST

START_TEST(test_dangling_link_creates_its_file)
{
    const char *dir = fresh_dir("dangling");
    const char *link = join(dir, "out.csv");
    const char *real = join(dir, "made.csv");
    ck_assert_int_eq(symlink(real, link), 0);
    ck_assert_ok(write_text(link, "1\n"));
    assert_content(real, "1\n");
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));

    /* A link into a folder that does not exist fails naming both. */
    const char *nowhere = join(dir, "nowhere.csv");
    ck_assert_int_eq(symlink("no/such/dir/x.csv", nowhere), 0);
    ck_assert_error(write_text(nowhere, "1\n"), CHORUS_EWRITE, "nowhere.csv (a link to ");
    ck_assert_error(write_text(nowhere, "1\n"), CHORUS_EWRITE,
                    "no/such/dir/x.csv): cannot create the output file: No such file or directory");
    /* A cycle of links. */
    const char *a = join(dir, "a"), *b = join(dir, "b");
    ck_assert_int_eq(symlink("b", a), 0);
    ck_assert_int_eq(symlink("a", b), 0);
    ck_assert_error(write_text(a, "1\n"), CHORUS_EWRITE, "Too many levels of symbolic links");
    ck_assert_int_eq(count_entries(dir), 5);
}
END_TEST

START_TEST(test_write_failures)
{
    const char *dir = fresh_dir("failures");
    /* A folder under a regular file cannot exist, whoever runs the test (root included). */
    const char *plain = join(dir, "plain");
    test_write_file(plain, "x", (size_t)-1);
    ck_assert_error(write_text(join(dir, "plain/out.csv"), "1\n"), CHORUS_EWRITE,
                    "plain/out.csv: cannot create the output file: Not a directory");
    ck_assert_error(write_text(join(dir, "no/out.csv"), "1\n"), CHORUS_EWRITE,
                    "no/out.csv: cannot create the output file: No such file or directory");
    ck_assert_error(write_text(dir, "1\n"), CHORUS_EWRITE, "Is a directory");
    ck_assert_error(write_text("", "1\n"), CHORUS_EINVAL, "empty");
    if (test_file_exists("/dev/full")) {
        /* A full disk: the error comes from the flush and says why. */
        ck_assert_error(write_text("/dev/full", "1\n"), CHORUS_EWRITE,
                        "/dev/full: write failed: No space left on device");
        const char *full = join(dir, "full.csv");
        ck_assert_int_eq(symlink("/dev/full", full), 0);
        ck_assert_error(write_text(full, "1\n"), CHORUS_EWRITE, "No space left on device");
        /* More than a stdio buffer, so the writes themselves fail before the flush. */
        chorus_atomic_file file;
        ck_assert_ok(chorus_atomic_open(&file, full));
        for (int i = 0; i < 100000; i++)
            fprintf(file.fp, "%d\n", i);
        ck_assert_error(chorus_atomic_commit(&file), CHORUS_EWRITE, "No space left on device");
        ck_assert_int_eq(lstat(full, &(struct stat){0}), 0);
    }
    /* Nothing but the plain file and the link is left. */
    ck_assert_int_eq(count_entries(dir), test_file_exists("/dev/full") ? 2 : 1);
}
END_TEST

START_TEST(test_abort_keeps_the_target)
{
    const char *dir = fresh_dir("abort");
    const char *target = join(dir, "gold.csv");
    test_write_file(target, "old\n", (size_t)-1);
    chorus_atomic_file file;
    ck_assert_ok(chorus_atomic_open(&file, target));
    fputs("half", file.fp);
    ck_assert_int_eq(count_entries(dir), 2);
    chorus_atomic_abort(&file);
    chorus_atomic_abort(&file);
    assert_content(target, "old\n");
    ck_assert_int_eq(count_entries(dir), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("atomic_file");
    TCase *tc = tcase_create("atomic_file");
    tcase_add_test(tc, test_temporary_name);
    tcase_add_test(tc, test_dead_writers_leftovers_are_removed);
    tcase_add_test(tc, test_leftover_that_is_not_a_file_stays);
    tcase_add_test(tc, test_new_file_follows_umask);
    tcase_add_test(tc, test_replaced_file_keeps_its_mode);
    tcase_add_test(tc, test_symbolic_link_is_written_through);
    tcase_add_test(tc, test_a_pipe_through_proc_links_is_written_directly);
    tcase_add_test(tc, test_dangling_link_creates_its_file);
    tcase_add_test(tc, test_write_failures);
    tcase_add_test(tc, test_abort_keeps_the_target);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
