#!/usr/bin/env bash
# llm labeling functions end to end against the loopback test server ($CHORUS_LLM_SERVER,
# 127.0.0.1 only): votes, the cache (a rerun asks nothing; a killed run keeps its answers),
# the API key never leaving the request, the concurrency limit, failed requests, dry runs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"
export CHORUS_TEST_KEY=sk-secret-123

# write_spec CONCURRENCY CACHE: a spec with a zero-shot LF and a 2-variant ensemble.
write_spec() {
  cat >"$TMP/spec.yaml" <<EOF
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT, gold: LABEL}
lfs:
  - {name: kw_subscribe, kind: keyword, vote: SPAM, any: [subscribe]}
  - name: zero
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    api_key_env: CHORUS_TEST_KEY
    system: "Classify YouTube comments as SPAM or HAM."
    prompt: "Comment: {CONTENT}"
    verbalizer: {SPAM: [spam], HAM: [ham]}
    max_concurrency: $1
    retries: 1
    timeout: 10
    cache: $2
  - name: ens
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    api_key_env: CHORUS_TEST_KEY
    variants: ["Is this spam? {CONTENT}", "Spam or ham: {CONTENT}"]
    max_concurrency: $1
    retries: 1
    cache: $2
EOF
}

cat >"$TMP/data.csv" <<'EOF'
ID,CONTENT,LABEL
1,check out my channel,SPAM
2,I love this song,HAM
3,please subscribe,SPAM
4,FAULT429 great video,HAM
5,FAULT500 visit http://x.y,SPAM
6,FAULTBADJSON lovely,HAM
7,FAULTEMPTY what a voice,HAM
8,FAULTALWAYS500 nice,HAM
EOF

# Dry run: prompts and the call count, no request.
start_server
write_spec 2 "$TMP/cache.jsonl"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 2
expect_status 0 "dry run"
expect_out "Comment: check out my channel" "dry run shows the prompt"
expect_out "[system]" "dry run shows the messages"
expect_out "24 calls would be made" "dry run counts the calls"
run run "$TMP/spec.yaml" "$TMP/data.csv" --dry-run
expect_status 0 "run --dry-run"
expect_no_file "$TMP/cache.jsonl" "a dry run writes no cache"
stop_server
checks=$((checks + 1))
[ "$(stat_of requests)" = 0 ] || fail "dry run sent $(stat_of requests) requests"

# A real run: votes, a listed failure, the key sent but never written anywhere.
start_server
write_spec 2 "$TMP/cache.jsonl"
run run "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/outdir"
expect_status 0 "run with an always-failing request"
expect_err "3 LLM requests failed" "failures are counted"
expect_err "zero, data line 9: HTTP 500" "failures are listed with their line"
expect_err "llm: 24 calls" "the summary counts the calls"
cp "$TMP/out" "$TMP/run_out"
cp "$TMP/err" "$TMP/run_err"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes.csv"
expect_status 0 "apply"
expect_err "21 cache hits" "a rerun reports cache hits"
# The same server again: the cache key holds the endpoint URL, and so its port.
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes2.csv"
expect_status 0 "second rerun"
stop_server
checks=$((checks + 1))
[ "$(stat_of completions)" = 21 ] || fail "reruns got new answers: $(stat_of completions) in all, 21 expected"
cmp -s "$TMP/votes.csv" "$TMP/votes2.csv" || fail "rerun gives other votes"
checks=$((checks + 1))
[ "$(stat_of authorization_seen)" = true ] || fail "the server saw no Authorization header"
checks=$((checks + 1))
[ "$(stat_of max_in_flight)" -le 2 ] || fail "max_in_flight $(stat_of max_in_flight) > 2"
expected='kw_subscribe,zero,ens#1,ens#2
-1,1,1,1
-1,0,0,0
1,1,1,1
-1,0,0,0
-1,1,1,1
-1,0,0,0
-1,0,0,0
-1,-1,-1,-1'
checks=$((checks + 1))
[ "$(cat "$TMP/votes.csv")" = "$expected" ] || fail "votes: $(cat "$TMP/votes.csv")"
checks=$((checks + 1))
if grep -rqF sk-secret-123 "$TMP/out" "$TMP/err" "$TMP/run_out" "$TMP/run_err" "$TMP/votes.csv" \
  "$TMP/cache.jsonl" "$TMP/outdir/model.json"; then
  fail "the API key was written somewhere"
fi
checks=$((checks + 1))
[ -s "$TMP/outdir/model.json" ] || fail "run wrote no model.json"

# The cache subcommand.
run llm-cache stats "$TMP/cache.jsonl"
expect_status 0 "llm-cache stats"
expect_out "entries 21" "stats counts the entries"
run llm-cache export "$TMP/cache.jsonl" -o "$TMP/export.jsonl"
expect_status 0 "llm-cache export"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/export.jsonl")" -eq 21 ] || fail "export has $(wc -l <"$TMP/export.jsonl") lines"
run llm-cache prune "$TMP/cache.jsonl" --older-than 1
expect_status 0 "llm-cache prune"
run llm-cache stats "$TMP/no-such-cache.jsonl"
expect_status 2 "stats of a missing cache"

# A run killed midway keeps the answers it got; the rerun (same server, so same URL) asks
# only for the rest: at most the requests in flight at the kill are asked twice.
{
  echo "ID,CONTENT,LABEL"
  for i in $(seq 1 30); do echo "$i,comment number $i check out,SPAM"; done
} >"$TMP/many.csv"
start_server --delay-ms 200
write_spec 2 "$TMP/kill.jsonl"
"$CHORUS" apply "$TMP/spec.yaml" "$TMP/many.csv" -o "$TMP/k.csv" -q >/dev/null 2>&1 &
chorus_pid=$!
# Kill as soon as a few answers are cached (all 90 take at least 9 s at 2 x 200 ms), so a
# slow machine cannot make the run finish, or die, before anything was kept.
for _ in $(seq 160); do
  [ -f "$TMP/kill.jsonl" ] && [ "$(wc -l <"$TMP/kill.jsonl")" -ge 3 ] && break
  sleep 0.05
done
kill -9 "$chorus_pid" 2>/dev/null
wait "$chorus_pid" 2>/dev/null
kept=$(wc -l <"$TMP/kill.jsonl")
run apply "$TMP/spec.yaml" "$TMP/many.csv" -o "$TMP/k.csv" -q
expect_status 0 "rerun after a kill"
stop_server
total=$(stat_of completions)
checks=$((checks + 1))
if [ "$kept" -lt 1 ] || [ "$kept" -ge 90 ] || [ "$total" -lt 90 ] || [ "$total" -gt 92 ]; then
  fail "after a kill: $kept answers kept, $total answered in all (90 prompts, 2 in flight)"
fi

# Four processes sharing one cache pay each of 50 prompts once (they claim prompts through
# the cache's lock file and take each other's answers), and vote alike.
{
  echo "ID,CONTENT,LABEL"
  for i in $(seq 1 50); do echo "$i,shared comment $i,HAM"; done
} >"$TMP/fifty.csv"
start_server --delay-ms 20
cat >"$TMP/shared.yaml" <<EOF
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT}
lfs:
  - name: zero
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "Comment: {CONTENT}"
    max_concurrency: 2
    cache: $TMP/shared.jsonl
EOF
pids=
for k in 1 2 3 4; do
  "$CHORUS" apply "$TMP/shared.yaml" "$TMP/fifty.csv" -o "$TMP/shared$k.csv" -q 2>"$TMP/shared$k.err" &
  pids="$pids $!"
done
shared_failed=0
for p in $pids; do wait "$p" || shared_failed=1; done
stop_server
checks=$((checks + 1))
[ "$shared_failed" = 0 ] || fail "a process sharing the cache failed: $(cat "$TMP"/shared*.err)"
checks=$((checks + 1))
[ "$(stat_of requests)" = 50 ] || fail "4 processes sharing a cache sent $(stat_of requests) requests for 50 prompts"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/shared.jsonl")" -eq 50 ] || fail "the shared cache has $(wc -l <"$TMP/shared.jsonl") lines"
for k in 2 3 4; do
  checks=$((checks + 1))
  cmp -s "$TMP/shared1.csv" "$TMP/shared$k.csv" || fail "process $k voted otherwise"
done
checks=$((checks + 1))
[ "$(grep -c '^0$' "$TMP/shared1.csv")" = 50 ] || fail "shared votes: $(head -3 "$TMP/shared1.csv")"

# Without the key's variable the run stops before any request, naming the variable only.
start_server
write_spec 2 "$TMP/nokey.jsonl"
CHORUS_TEST_KEY= run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v.csv"
stop_server
expect_status 2 "no API key"
expect_err "CHORUS_TEST_KEY (api_key_env) is not set" "the variable is named"

# An endpoint nobody listens on (the port of a stopped server) stops the run within a
# second, naming the endpoint and why, instead of retrying every request for minutes.
start_server
stop_server
write_spec 2 "$TMP/down.jsonl"
t0=$(date +%s%N)
run run "$TMP/spec.yaml" "$TMP/many.csv" -o "$TMP/down_out"
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
expect_status 1 "endpoint down"
expect_err "labeling function 'zero': http://127.0.0.1:$port/v1/chat/completions: the LLM endpoint cannot be reached" \
  "the endpoint is named"
expect_err "Connection refused" "the system's reason is given"
expect_no_file "$TMP/down_out/model.json" "no model after a run that stopped"
checks=$((checks + 1))
[ "$elapsed_ms" -lt 3000 ] || fail "endpoint down: stopped after $elapsed_ms ms"
# max_connection_failures: 0 keeps going (each request fails after its retries).
sed -i 's/^    retries: 1$/    retries: 0\n    max_connection_failures: 0/' "$TMP/spec.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/down.csv"
expect_status 0 "max_connection_failures: 0 never stops"
expect_err "24 LLM requests failed" "every request failed (8 records, 3 LLM LFs)"
sed -i 's/max_connection_failures: 0/max_connection_failures: -1/' "$TMP/spec.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "a negative max_connection_failures"
expect_err "max_connection_failures is not a whole number" "the key is named"
expect_no_file "$TMP/bad.csv" "no votes for a bad spec"

# An endpoint that answers 401 (or 404) to everything: a wrong key or model; stop at once.
for code in 401 404; do
  start_server --status "$code"
  write_spec 2 "$TMP/status.jsonl"
  run apply "$TMP/spec.yaml" "$TMP/many.csv" -o "$TMP/status.csv"
  stop_server
  expect_status 1 "HTTP $code for every request"
  expect_err "the LLM endpoint answered HTTP $code" "the status is named"
  expect_no_file "$TMP/status.csv" "no votes after HTTP $code"
  checks=$((checks + 1))
  [ "$(stat_of requests)" -le 2 ] || fail "HTTP $code: $(stat_of requests) requests sent, 2 in flight at most"
done

# Hostile usage counts are clamped into 0..2^31-1 per request (the summary sums them).
printf 'ID,CONTENT,LABEL\n1,check out my channel,SPAM\n2,I love this song,HAM\n' >"$TMP/two.csv"
start_server --usage 9223372036854775807,-9223372036854775807
write_spec 2 "$TMP/usage.jsonl"
run apply "$TMP/spec.yaml" "$TMP/two.csv" -o "$TMP/usage.csv"
stop_server
expect_status 0 "huge and negative usage"
expect_err "12884901882 prompt + 0 completion tokens" "6 calls, each clamped to 2147483647 + 0"
run llm-cache stats "$TMP/usage.jsonl"
expect_out "tokens  12884901882" "the cache keeps the clamped counts"

# Hostile cache files are refused at once (exit 2), naming the file and the place, and the
# apply writes no votes. No server is needed: the cache is read before any request.
mkfifo "$TMP/fifo.jsonl"
write_spec 2 "$TMP/fifo.jsonl"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/fifo.csv"
expect_status 2 "a FIFO as the cache"
expect_err "$TMP/fifo.jsonl: cannot use it as the LLM cache: it is a FIFO" "the FIFO is named"
expect_no_file "$TMP/fifo.csv" "no votes with a FIFO cache"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run
expect_status 2 "a dry run with a FIFO cache"
run llm-cache stats /dev/zero
expect_status 2 "/dev/zero as the cache"
expect_err "/dev/zero: cannot use it as the LLM cache: it is a character device" "the device is named"
truncate -s 1G "$TMP/line.jsonl" # one 1 GiB line of zeros (sparse)
t0=$(date +%s%N)
run llm-cache stats "$TMP/line.jsonl"
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
expect_status 2 "a 1 GiB line"
expect_err "$TMP/line.jsonl:1: a line longer than 8388608 bytes (from byte offset 0)" "the line is named"
checks=$((checks + 1))
[ "$elapsed_ms" -lt 1000 ] || fail "a 1 GiB line took $elapsed_ms ms to refuse"
truncate -s 2G "$TMP/line.jsonl"
run llm-cache stats "$TMP/line.jsonl"
expect_status 2 "a 2 GiB cache"
expect_err "$TMP/line.jsonl: the LLM cache is 2147483648 bytes, over the limit of 1073741824" "the size is named"
# The data named as the cache by mistake: a few junk lines are tolerated (a crash leaves one).
run llm-cache stats "$TMP/data.csv"
expect_status 0 "a small non-cache file"
expect_out "damaged 9" "its lines are damaged ones"
seq 2000 >"$TMP/numbers.jsonl"
run llm-cache stats "$TMP/numbers.jsonl"
expect_status 2 "a file of 2000 lines of junk"
expect_err "$TMP/numbers.jsonl:1001: more than 1000 damaged lines" "the 1001st line is named"

finish
