/*
 * Starting and stopping the loopback chat-completions test server (CHORUS_LLM_SERVER) from a
 * Check test: shared by the LLM client and cache suites. Only 127.0.0.1 is ever used.
 */
#ifndef CHORUS_LLM_TEST_SERVER_H
#define CHORUS_LLM_TEST_SERVER_H

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

typedef struct server {
    pid_t pid;
    char url[128];
    char stats_path[512];
} server;

/* Starts the server with --delay-ms delay_ms and extra (NULL-terminated, or NULL) options. */
static inline void server_start_with(server *srv, int delay_ms, const char *const *extra)
{
    static int serial;
    char port_path[512], delay[32];
    serial++;
    snprintf(port_path, sizeof port_path, "%s/port.%d.%d", test_tmpdir(), (int)getpid(), serial);
    snprintf(srv->stats_path, sizeof srv->stats_path, "%s/stats.%d.%d", test_tmpdir(),
             (int)getpid(), serial);
    snprintf(delay, sizeof delay, "%d", delay_ms);
    srv->pid = fork();
    ck_assert_int_ge(srv->pid, 0);
    if (srv->pid == 0) {
        /* The server must not outlive a test that failed before stopping it. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        const char *argv[32] = {CHORUS_LLM_SERVER, "--port-file", port_path, "--stats-file",
                                srv->stats_path,   "--delay-ms",  delay};
        for (int i = 0; extra && extra[i] && 7 + i < 31; i++)
            argv[7 + i] = extra[i];
        execv(CHORUS_LLM_SERVER, (char *const *)argv);
        _exit(127);
    }
    int port = 0;
    for (int i = 0; i < 500 && port == 0; i++) {
        FILE *fp = fopen(port_path, "r");
        if (fp) {
            if (fscanf(fp, "%d", &port) != 1) port = 0;
            fclose(fp);
        }
        if (port == 0) usleep(10000);
    }
    ck_assert_msg(port > 0, "the test server did not start");
    snprintf(srv->url, sizeof srv->url, "http://127.0.0.1:%d/v1/chat/completions", port);
}

static inline void server_start(server *srv, int delay_ms)
{
    server_start_with(srv, delay_ms, NULL);
}

/* Stops the server and returns its stats (json_decref them). */
static inline json_t *server_stop(server *srv)
{
    kill(srv->pid, SIGTERM);
    int status = 0;
    ck_assert_int_eq(waitpid(srv->pid, &status, 0), srv->pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server exit status %d", status);
    json_error_t err;
    json_t *stats = json_load_file(srv->stats_path, 0, &err);
    ck_assert_msg(stats != NULL, "server stats: %s", err.text);
    return stats;
}

#endif
