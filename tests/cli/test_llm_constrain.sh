#!/usr/bin/env bash
# Constrained answers of llm labeling functions against the loopback test server
# ($CHORUS_LLM_SERVER, 127.0.0.1 only): the JSON schema by default, label_key, the fallback to
# free text (once per run, one warning) when the endpoint refuses the schema or ignores it,
# json_schema that never falls back, constrain: none, and bad option values.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"

# write_spec CACHE [KEY: VALUE lines for both LFs...]: two llm LFs on one endpoint.
write_spec() {
  local cache=$1 extra=
  shift
  for line in "$@"; do extra+="    $line"$'\n'; done
  cat >"$TMP/spec.yaml" <<EOF
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT}
lfs:
  - name: ask
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "Comment: {CONTENT}"
    verbalizer: {SPAM: [spam], HAM: [ham]}
    retries: 0
    max_concurrency: 2
    cache: $cache
$extra  - name: again
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "Spam or ham? {CONTENT}"
    verbalizer: {SPAM: [spam], HAM: [ham]}
    retries: 0
    cache: $cache
$extra
EOF
}

cat >"$TMP/data.csv" <<'EOF'
ID,CONTENT
1,check out my channel
2,I love this song
3,please subscribe
4,great video
EOF
# The server calls the first and third comments spam.
votes='ask,again
1,1
0,0
1,1
0,0'
expect_votes() {
  checks=$((checks + 1))
  [ "$(cat "$1")" = "$2" ] || fail "$3: votes $(tr '\n' ' ' <"$1")"
}

# By default the JSON schema is sent and the label read from its key; a rerun asks nothing.
start_server
write_spec "$TMP/c1.jsonl"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v1.csv"
expect_status 0 "constrained answers"
expect_votes "$TMP/v1.csv" "$votes" "constrained answers"
checks=$((checks + 1))
! grep -q "warning" "$TMP/err" || fail "a server that takes the schema is warned about: $(cat "$TMP/err")"
checks=$((checks + 1))
grep -qF '{\"label\":\"spam\"}' "$TMP/c1.jsonl" || fail "the cache holds no JSON answer"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v1b.csv"
expect_err "8 cache hits" "the rerun is answered by the cache"
# constrain: none asks again: a free-text answer never stands in for a constrained one.
write_spec "$TMP/c1.jsonl" "constrain: none"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v1c.csv"
expect_status 0 "constrain: none"
expect_votes "$TMP/v1c.csv" "$votes" "free text"
stop_server
expect_stat requests 16 "8 constrained, then 8 free-text requests"
expect_stat constrained 8 "constrain: none sends no response_format"

# label_key names the key the schema requires and the answer is read from.
start_server
write_spec "$TMP/c2.jsonl" "label_key: verdict"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v2.csv"
expect_status 0 "label_key"
expect_votes "$TMP/v2.csv" "$votes" "label_key"
stop_server
checks=$((checks + 1))
grep -qF '{\"verdict\":\"ham\"}' "$TMP/c2.jsonl" || fail "the answers do not use label_key"

# An older server answers HTTP 400 to response_format: one probe, one warning, free text
# for both LFs; the probe's failure is not reported as a failed item.
start_server --no-response-format
write_spec "$TMP/c3.jsonl"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v3.csv"
expect_status 0 "a server refusing response_format"
expect_votes "$TMP/v3.csv" "$votes" "after the fallback"
expect_err "spec.yaml:4: labeling function 'ask': http://127.0.0.1:$port/v1/chat/completions does not take constrained answers" "the fallback is warned about"
checks=$((checks + 1))
[ "$(grep -c "does not take constrained answers" "$TMP/err")" = 1 ] || fail "warned more than once: $(cat "$TMP/err")"
checks=$((checks + 1))
! grep -q "failed" "$TMP/err" || fail "the refused probe is reported: $(cat "$TMP/err")"
# The rerun probes once more (a refusal is not an answer to keep), then reads the cache.
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v3b.csv"
expect_status 0 "rerun against the older server"
expect_votes "$TMP/v3b.csv" "$votes" "rerun after the fallback"
stop_server
expect_stat requests 10 "1 probe + 8 free-text, then 1 probe"
expect_stat constrained 2 "one probe a run"
expect_stat completions 8 "no answer paid twice"

# A server that ignores response_format answers free text: the same fallback, and the answer
# it gave the probe, once cached, tells the next run as much without a request.
start_server --ignore-response-format
write_spec "$TMP/c4.jsonl"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v4.csv"
expect_status 0 "a server ignoring response_format"
expect_votes "$TMP/v4.csv" "$votes" "after an answer that is not JSON"
expect_err "does not take constrained answers" "the fallback is warned about"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v4b.csv"
expect_status 0 "rerun against the ignoring server"
expect_votes "$TMP/v4b.csv" "$votes" "rerun after an answer that is not JSON"
expect_err "8 cache hits" "the rerun is answered by the cache"
stop_server
expect_stat requests 9 "1 probe + 8 free-text requests, none on the rerun"

# constrain: json_schema never falls back: every request fails and its item abstains.
start_server --no-response-format
write_spec "$TMP/c5.jsonl" "constrain: json_schema"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v5.csv"
expect_status 0 "json_schema against an older server"
expect_err "8 LLM requests failed" "every request failed"
expect_err "HTTP 400: the endpoint does not take response_format" "the failure says why"
expect_votes "$TMP/v5.csv" 'ask,again
-1,-1
-1,-1
-1,-1
-1,-1' "json_schema abstains"
stop_server

# Bad values name the spec file and line; no votes are written.
write_spec "$TMP/c6.jsonl" "constrain: grammar"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "constrain: grammar"
expect_err "spec.yaml:13: labeling function 'ask': constrain 'grammar' is not a mode; expected auto" "the value and line are named"
expect_no_file "$TMP/bad.csv" "no votes for a bad constrain"
write_spec "$TMP/c6.jsonl" "label_key: [a, b]"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "label_key: a list"
expect_err "spec.yaml:13: labeling function 'ask': label_key" "the key and line are named"
expect_no_file "$TMP/bad.csv" "no votes for a bad label_key"

finish
