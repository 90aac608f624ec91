/*
 * A loopback stand-in for an OpenAI-compatible chat-completions endpoint, for the tests of
 * the LLM client only. It answers deterministically ("SPAM" when the prompt looks like
 * spam, else "HAM") and injects faults named by markers in the prompt, so retries, timeouts
 * and concurrency limits can be tested without a real model or network.
 *
 *   chorus_llm_server --port-file FILE [--stats-file FILE] [--delay-ms N]
 *                     [--status CODE] [--usage PROMPT,COMPLETION]
 *                     [--no-response-format | --ignore-response-format]
 *                     [--logprobs-dist WORD=LOGPROB,...] [--llama-probs] [--no-logprobs]
 *                     [--sample-answers ANSWER,...]
 *
 * A request with response_format {"type": "json_schema", ...} is answered as a server with
 * structured outputs does: {"KEY": "WORD"}, KEY the schema's one required property and WORD
 * the first of its enum that equals the answer in any case (else the first of the enum).
 * --no-response-format answers such a request HTTP 400 naming response_format, as older
 * servers do; --ignore-response-format answers it in free text, as servers that drop
 * unknown parameters do.
 *
 * A request for paraphrases ("Write N rewordings of the prompt between <prompt> and
 * </prompt>...") is answered with a JSON array of N strings, "Version I: PROMPT"; when the
 * prompt holds FAULTDROP the last one loses its {placeholders} ("the text" instead).
 *
 * --status answers every request with that HTTP status (e.g. 401 for a wrong key, 404 for
 * an unknown model); --usage puts those two JSON numbers, verbatim, in every answer's
 * "usage" (e.g. 9223372036854775807,-5, to test what the client does with hostile counts).
 * Binds 127.0.0.1 on an ephemeral port, writes the port to FILE (atomically, so a reader
 * never sees half a number), serves until SIGTERM/SIGINT (or 10 minutes, so a forgotten
 * server cannot linger), then writes its counters as JSON to the stats file.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

/*
 * Log-probabilities. A request with "logprobs": true gets them; by default the answer comes
 * as two tokens, its first byte (log-probability -0.25) and the rest (-0.5). With
 * --logprobs-dist the answer word is one token (a JSON answer's text before and after it
 * two more, of log-probability 0) whose log-probability is the one the list gives its word
 * (any case; -0.1 if not listed) and whose top_logprobs are the list, the chosen word
 * written as in the answer. --llama-probs sends them as llama.cpp's
 * completion_probabilities [{content, probs: [{tok_str, prob}]}] instead of OpenAI's
 * choices[0].logprobs.content. --no-logprobs never sends them, as servers without them do.
 *
 * --sample-answers: a request with an integer "seed" S is answered the S-th (from 0, modulo
 * the list) of these answers instead of SPAM / HAM, so sampled votes are known in advance.
 */

#define MAX_HEADER_BYTES 65536
#define MAX_BODY_BYTES (16 * 1024 * 1024)
#define LIFETIME_SECONDS 600

static volatile sig_atomic_t stop_requested;
static int delay_ms;
static int forced_status;        /* 0: answer normally */
static const char *forced_usage; /* "PROMPT,COMPLETION" JSON number texts, or NULL */
static int refuse_format, ignore_format;
#define MAX_DIST 8
static char *dist_words[MAX_DIST];
static double dist_logprobs[MAX_DIST];
static int n_dist, llama_probs, no_logprobs;
static char *sample_answers[64];
static int n_sample_answers;

static atomic_long n_requests;
static atomic_long n_completions;
static atomic_long n_in_flight;
static atomic_long max_in_flight;
static atomic_int authorization_seen;
static atomic_long n_constrained; /* requests that asked for a JSON schema */

/* Prompts seen so far: faults apply to the first attempt only, so a retry succeeds. */
static pthread_mutex_t prompts_lock = PTHREAD_MUTEX_INITIALIZER;
static char **prompts;
static size_t n_prompts, cap_prompts;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Returns 1 the first time a prompt is seen, 0 afterwards. */
static int first_sighting(const char *prompt)
{
    int first = 1;
    pthread_mutex_lock(&prompts_lock);
    for (size_t i = 0; i < n_prompts; i++) {
        if (strcmp(prompts[i], prompt) == 0) {
            first = 0;
            break;
        }
    }
    if (first) {
        if (n_prompts == cap_prompts) {
            size_t cap = cap_prompts ? 2 * cap_prompts : 64;
            char **grown = realloc(prompts, cap * sizeof *grown);
            if (grown) {
                prompts = grown;
                cap_prompts = cap;
            }
        }
        char *copy = strdup(prompt);
        if (copy && n_prompts < cap_prompts)
            prompts[n_prompts++] = copy;
        else
            free(copy);
    }
    pthread_mutex_unlock(&prompts_lock);
    return first;
}

static int contains_ci(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return 1;
    return 0;
}

static long count_words(const char *s)
{
    long words = 0;
    int in_word = 0;
    for (; *s; s++) {
        if (isspace((unsigned char)*s))
            in_word = 0;
        else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    return words;
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        /* MSG_NOSIGNAL: a client that gave up (timeout) must not kill the server. */
        ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static int send_response(int fd, int status, const char *reason, const char *extra_headers,
                         const char *body, size_t declared_len)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n%s\r\n",
                     status, reason, declared_len, extra_headers ? extra_headers : "");
    if (n < 0 || (size_t)n >= sizeof head) return -1;
    if (send_all(fd, head, (size_t)n) != 0) return -1;
    return send_all(fd, body, strlen(body));
}

/* The last message with role "user", or NULL. */
static const char *last_user_prompt(json_t *request)
{
    json_t *messages = json_object_get(request, "messages");
    const char *prompt = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        const char *content = json_string_value(json_object_get(m, "content"));
        if (role && content && strcmp(role, "user") == 0) prompt = content;
    }
    return prompt;
}

/* The JSON answer a schema asks for, or NULL when the request has no json_schema format. */
static char *schema_answer(json_t *request, const char *answer)
{
    json_t *format = json_object_get(request, "response_format");
    const char *type = json_string_value(json_object_get(format, "type"));
    if (!type || strcmp(type, "json_schema") != 0) return NULL;
    json_t *schema = json_object_get(json_object_get(format, "json_schema"), "schema");
    const char *key = json_string_value(json_array_get(json_object_get(schema, "required"), 0));
    if (!key) return NULL;
    json_t *values =
        json_object_get(json_object_get(json_object_get(schema, "properties"), key), "enum");
    const char *pick = json_string_value(json_array_get(values, 0));
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        const char *word = json_string_value(v);
        if (word && strcasecmp(word, answer) == 0) {
            pick = word;
            break;
        }
    }
    json_t *out = json_pack("{s:s}", key, pick ? pick : answer);
    char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    return text;
}

/* One token in OpenAI's form, or llama.cpp's; top is a list of alternatives or NULL. */
static json_t *token_entry(const char *text, size_t len, double logprob, json_t *top)
{
    if (llama_probs) {
        json_t *probs = top ? top : json_pack("[{s:s#, s:f}]", "tok_str", text, len, "prob", 1.0);
        return json_pack("{s:s#, s:o}", "content", text, len, "probs", probs);
    }
    json_t *entry = json_pack("{s:s#, s:f}", "token", text, len, "logprob", logprob);
    if (entry && top) json_object_set_new(entry, "top_logprobs", top);
    return entry;
}

/* The tokens of answer as --logprobs-dist describes them (see the top of the file). */
static json_t *dist_tokens(const char *answer, const char *word)
{
    const char *at = strstr(answer, word);
    size_t wl = at ? strlen(word) : strlen(answer);
    if (!at) at = answer;
    double chosen = -0.1;
    json_t *top = json_array();
    for (int i = 0; i < n_dist; i++) {
        int same = strcasecmp(dist_words[i], word) == 0;
        if (same) chosen = dist_logprobs[i];
        const char *text = same ? word : dist_words[i];
        json_array_append_new(
            top, llama_probs
                     ? json_pack("{s:s, s:f}", "tok_str", text, "prob", exp(dist_logprobs[i]))
                     : json_pack("{s:s, s:f}", "token", text, "logprob", dist_logprobs[i]));
    }
    json_t *tokens = json_array();
    if (at > answer)
        json_array_append_new(tokens, token_entry(answer, (size_t)(at - answer), 0, NULL));
    json_array_append_new(tokens, token_entry(at, wl, chosen, top));
    if (at[wl]) json_array_append_new(tokens, token_entry(at + wl, strlen(at + wl), 0, NULL));
    return tokens;
}

static char *completion_body(const char *answer, const char *word, long prompt_tokens,
                             int empty_choices, int logprobs)
{
    json_t *choices = json_array();
    json_t *tokens = NULL;
    if (logprobs && n_dist > 0)
        tokens = dist_tokens(answer, word);
    else if (logprobs)
        tokens = json_pack("[o, o]", token_entry(answer, 1, -0.25, NULL),
                           token_entry(answer + 1, strlen(answer + 1), -0.5, NULL));
    if (!empty_choices) {
        json_t *choice = json_pack("{s:i, s:{s:s, s:s}, s:s}", "index", 0, "message", "role",
                                   "assistant", "content", answer, "finish_reason", "stop");
        if (choice && tokens && !llama_probs)
            json_object_set_new(choice, "logprobs", json_pack("{s:O}", "content", tokens));
        json_array_append_new(choices, choice);
    }
    json_t *root =
        json_pack("{s:s, s:s, s:o, s:{s:I, s:i, s:I}}", "id", "x", "object", "chat.completion",
                  "choices", choices, "usage", "prompt_tokens", (json_int_t)prompt_tokens,
                  "completion_tokens", 1, "total_tokens", (json_int_t)prompt_tokens + 1);
    if (root && tokens && llama_probs) json_object_set(root, "completion_probabilities", tokens);
    json_decref(tokens);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (text && forced_usage) {
        /* Cut the object short of its "usage" and write the numbers as given. */
        char *usage = strstr(text, ",\"usage\":");
        const char *comma = strchr(forced_usage, ',');
        size_t n = strlen(text) + strlen(forced_usage) + 64;
        char *forged = usage && comma ? malloc(n) : NULL;
        if (forged) {
            *usage = '\0';
            snprintf(forged, n, "%s,\"usage\":{\"prompt_tokens\":%.*s,\"completion_tokens\":%s}}",
                     text, (int)(comma - forced_usage), forced_usage, comma + 1);
        }
        free(text);
        text = forged;
    }
    return text;
}

/* The rewordings asked for by a paraphrase request, as a JSON array text, or NULL. */
static char *paraphrase_answer(const char *prompt)
{
    int n = 0;
    const char *open = strstr(prompt, "<prompt>\n"), *close = strstr(prompt, "\n</prompt>");
    if (sscanf(prompt, "Write %d rewordings of the prompt", &n) != 1 || n < 1 || n > 1000 ||
        !open || !close || close < open + 9)
        return NULL;
    open += 9;
    json_t *array = json_array();
    for (int i = 1; array && i <= n; i++) {
        size_t len = 4 * (size_t)(close - open) + 64; /* "{X}" -> "the text" at most */
        char *text = malloc(len);
        if (!text) break;
        int at = snprintf(text, len, "Version %d: ", i);
        for (const char *p = open; p < close; p++) {
            if (i == n && *p == '{' && strstr(prompt, "FAULTDROP") && p[1] != '{') {
                const char *end = strchr(p, '}');
                if (end && end < close) {
                    at += snprintf(text + at, len - (size_t)at, "the text");
                    p = end;
                    continue;
                }
            }
            text[at++] = *p;
        }
        text[at] = '\0';
        json_array_append_new(array, json_string(text));
        free(text);
    }
    char *out = array ? json_dumps(array, JSON_COMPACT) : NULL;
    json_decref(array);
    return out;
}

/* Answers one request; returns 0 to keep the connection, -1 to close it. */
static int handle_request(int fd, const char *method, const char *target, const char *body,
                          size_t body_len)
{
    if (strcmp(method, "POST") != 0 || strcmp(target, "/v1/chat/completions") != 0) {
        return send_response(fd, 404, "Not Found", NULL, "{\"error\":\"not found\"}",
                             strlen("{\"error\":\"not found\"}"));
    }
    json_error_t err;
    json_t *request = json_loadb(body, body_len, 0, &err);
    const char *prompt = request ? last_user_prompt(request) : NULL;
    if (!prompt) {
        json_decref(request);
        const char *msg = "{\"error\":{\"message\":\"no user message\"}}";
        return send_response(fd, 400, "Bad Request", NULL, msg, strlen(msg));
    }
    int first = first_sighting(prompt);
    if (delay_ms > 0) sleep_ms(delay_ms);

    int rc;
    const char *msg;
    int constrained = json_object_get(request, "response_format") != NULL;
    if (constrained) atomic_fetch_add(&n_constrained, 1);
    if (constrained && refuse_format) {
        msg = "{\"error\":{\"message\":\"Unrecognized request argument supplied: "
              "response_format\",\"type\":\"invalid_request_error\"}}";
        rc = send_response(fd, 400, "Bad Request", NULL, msg, strlen(msg));
    } else if (forced_status) {
        char reason[32];
        snprintf(reason, sizeof reason, "Status %d", forced_status);
        msg = "{\"error\":{\"message\":\"forced status\"}}";
        rc = send_response(fd, forced_status, reason, NULL, msg, strlen(msg));
    } else if (strstr(prompt, "FAULTALWAYS500")) {
        msg = "{\"error\":{\"message\":\"always failing\"}}";
        rc = send_response(fd, 500, "Internal Server Error", NULL, msg, strlen(msg));
    } else if (first && strstr(prompt, "FAULT429")) {
        msg = "{\"error\":{\"message\":\"slow down\"}}";
        rc = send_response(fd, 429, "Too Many Requests", "Retry-After: 1\r\n", msg, strlen(msg));
    } else if (first && strstr(prompt, "FAULT500")) {
        msg = "{\"error\":{\"message\":\"oops\"}}";
        rc = send_response(fd, 500, "Internal Server Error", NULL, msg, strlen(msg));
    } else if (first && strstr(prompt, "FAULTBADJSON")) {
        msg = "<html>this is not json";
        rc = send_response(fd, 200, "OK", NULL, msg, strlen(msg));
    } else if (first && strstr(prompt, "FAULTTRUNC")) {
        msg = "{\"id\":\"x\",\"choi";
        send_response(fd, 200, "OK", NULL, msg, strlen(msg) + 100);
        rc = -1; /* close with the body short of its Content-Length */
    } else if (strncmp(prompt, "Write ", 6) == 0 && strstr(prompt, "rewordings of the prompt")) {
        char *array = paraphrase_answer(prompt);
        char *text = array ? completion_body(array, array, count_words(prompt), 0, 0) : NULL;
        rc = text ? send_response(fd, 200, "OK", NULL, text, strlen(text)) : -1;
        if (rc == 0) atomic_fetch_add(&n_completions, 1);
        free(array);
        free(text);
    } else {
        if (first && strstr(prompt, "FAULTSLOW")) sleep_ms(3000);
        int empty = first && strstr(prompt, "FAULTEMPTY") != NULL;
        int spam = contains_ci(prompt, "check out") || contains_ci(prompt, "subscribe") ||
                   contains_ci(prompt, "http") || contains_ci(prompt, "my channel");
        int logprobs = !no_logprobs && json_is_true(json_object_get(request, "logprobs"));
        const char *word = spam ? "SPAM" : "HAM";
        json_t *seed = json_object_get(request, "seed");
        if (n_sample_answers > 0 && json_is_integer(seed))
            word = sample_answers[json_integer_value(seed) % n_sample_answers];
        char *json = ignore_format ? NULL : schema_answer(request, word);
        /* The word as the answer writes it: a schema's enum word, in its case. */
        json_t *parsed = json ? json_loads(json, 0, NULL) : NULL;
        const char *key = json_object_iter_key(json_object_iter(parsed));
        const char *written = key ? json_string_value(json_object_get(parsed, key)) : NULL;
        char *text = completion_body(json ? json : word, written ? written : word,
                                     count_words(prompt), empty, logprobs);
        json_decref(parsed);
        free(json);
        if (!text) {
            rc = -1;
        } else {
            rc = send_response(fd, 200, "OK", NULL, text, strlen(text));
            if (rc == 0 && !empty) atomic_fetch_add(&n_completions, 1);
            free(text);
        }
    }
    json_decref(request);
    return rc;
}

static void note_in_flight(void)
{
    long now = atomic_fetch_add(&n_in_flight, 1) + 1;
    long seen = atomic_load(&max_in_flight);
    while (now > seen && !atomic_compare_exchange_weak(&max_in_flight, &seen, now)) {
    }
}

/* Serves one keep-alive connection: any number of requests, each with a Content-Length. */
static void *connection_thread(void *arg)
{
    int fd = (int)(intptr_t)arg;
    size_t cap = MAX_HEADER_BYTES, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) goto done;
    for (;;) {
        char *end;
        buf[len] = '\0';
        while (!(end = strstr(buf, "\r\n\r\n"))) {
            if (len >= MAX_HEADER_BYTES) goto done;
            ssize_t r = recv(fd, buf + len, MAX_HEADER_BYTES - len, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) goto done;
            len += (size_t)r;
            buf[len] = '\0';
        }
        size_t head_len = (size_t)(end - buf) + 4;
        char method[16] = "", target[256] = "";
        if (sscanf(buf, "%15s %255s", method, target) != 2) goto done;
        size_t content_length = 0;
        int keep_alive = 1;
        for (char *line = strstr(buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
            if (strncasecmp(line, "Content-Length:", 15) == 0)
                content_length = strtoul(line + 15, NULL, 10);
            else if (strncasecmp(line, "Authorization:", 14) == 0)
                atomic_store(&authorization_seen, 1);
            else if (strncasecmp(line, "Connection:", 11) == 0 && strstr(line, "close") &&
                     strstr(line, "close") < strstr(line, "\r\n"))
                keep_alive = 0;
        }
        if (content_length > MAX_BODY_BYTES) goto done;
        size_t need = head_len + content_length;
        if (need > cap) {
            char *grown = realloc(buf, need + 1);
            if (!grown) goto done;
            buf = grown;
            cap = need;
        }
        while (len < need) {
            ssize_t r = recv(fd, buf + len, need - len, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) goto done;
            len += (size_t)r;
        }
        atomic_fetch_add(&n_requests, 1);
        note_in_flight();
        int rc = handle_request(fd, method, target, buf + head_len, content_length);
        atomic_fetch_sub(&n_in_flight, 1);
        if (rc != 0 || !keep_alive) goto done;
        /* Keep whatever of the next request has already arrived. */
        memmove(buf, buf + need, len - need);
        len -= need;
    }
done:
    free(buf);
    close(fd);
    return NULL;
}

static int write_text_atomically(const char *path, const char *text)
{
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    int ok = fp && fputs(text, fp) >= 0;
    if (fp && fclose(fp) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) unlink(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

static int write_stats(const char *path)
{
    pthread_mutex_lock(&prompts_lock);
    json_t *root = json_pack("{s:I, s:I, s:I, s:b, s:I, s:I}", "requests",
                             (json_int_t)atomic_load(&n_requests), "completions",
                             (json_int_t)atomic_load(&n_completions), "max_in_flight",
                             (json_int_t)atomic_load(&max_in_flight), "authorization_seen",
                             atomic_load(&authorization_seen), "prompts", (json_int_t)n_prompts,
                             "constrained", (json_int_t)atomic_load(&n_constrained));
    pthread_mutex_unlock(&prompts_lock);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    int rc = text ? write_text_atomically(path, text) : -1;
    free(text);
    json_decref(root);
    return rc;
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *stats_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc)
            port_file = argv[++i];
        else if (strcmp(argv[i], "--stats-file") == 0 && i + 1 < argc)
            stats_file = argv[++i];
        else if (strcmp(argv[i], "--delay-ms") == 0 && i + 1 < argc)
            delay_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc)
            forced_status = atoi(argv[++i]);
        else if (strcmp(argv[i], "--no-response-format") == 0)
            refuse_format = 1;
        else if (strcmp(argv[i], "--ignore-response-format") == 0)
            ignore_format = 1;
        else if (strcmp(argv[i], "--usage") == 0 && i + 1 < argc && strchr(argv[i + 1], ','))
            forced_usage = argv[++i];
        else if (strcmp(argv[i], "--llama-probs") == 0)
            llama_probs = 1;
        else if (strcmp(argv[i], "--no-logprobs") == 0)
            no_logprobs = 1;
        else if (strcmp(argv[i], "--logprobs-dist") == 0 && i + 1 < argc) {
            for (char *item = strtok(argv[++i], ","); item && n_dist < MAX_DIST;
                 item = strtok(NULL, ",")) {
                char *eq = strchr(item, '=');
                if (!eq) continue;
                *eq = '\0';
                dist_words[n_dist] = item;
                dist_logprobs[n_dist++] = atof(eq + 1);
            }
        } else if (strcmp(argv[i], "--sample-answers") == 0 && i + 1 < argc) {
            for (char *item = strtok(argv[++i], ","); item && n_sample_answers < 64;
                 item = strtok(NULL, ","))
                sample_answers[n_sample_answers++] = item;
        } else {
            fprintf(stderr,
                    "usage: %s --port-file FILE [--stats-file FILE] [--delay-ms N] "
                    "[--status CODE] [--usage PROMPT,COMPLETION] "
                    "[--no-response-format | --ignore-response-format] "
                    "[--logprobs-dist WORD=LOGPROB,...] [--llama-probs] [--no-logprobs] "
                    "[--sample-answers ANSWER,...]\n",
                    argv[0]);
            return 2;
        }
    }
    if (!port_file) {
        fprintf(stderr, "%s: --port-file is required\n", argv[0]);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() must wake up */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t addr_len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 128) != 0 ||
        getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0) {
        perror("bind/listen");
        return 1;
    }
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d\n", ntohs(addr.sin_port));
    if (write_text_atomically(port_file, port_text) != 0) {
        perror(port_file);
        return 1;
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    time_t deadline = time(NULL) + LIFETIME_SECONDS;
    while (!stop_requested && time(NULL) < deadline) {
        struct pollfd pfd = {listener, POLLIN, 0};
        int ready = poll(&pfd, 1, 200);
        if (ready <= 0) continue;
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        pthread_t thread;
        if (pthread_create(&thread, &attr, connection_thread, (void *)(intptr_t)fd) != 0) close(fd);
    }
    pthread_attr_destroy(&attr);
    close(listener);
    /* Connection threads may still be sleeping in a delay; the counters are final enough. */
    if (stats_file && write_stats(stats_file) != 0) {
        perror(stats_file);
        return 1;
    }
    return 0;
}
