#!/usr/bin/env bash
# The cost estimate of a dry run (apply and run --dry-run) against the loopback test server
# ($CHORUS_LLM_SERVER, 127.0.0.1 only): calls and cached answers counted exactly by cache
# key (a cold cache, then one half filled by a real run), the token estimate (request bytes
# / 4, the longest answer / 4), the cost from llm.prices, LFs without a price, and bad prices.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"
start_server

# write_spec PRICES: one free-text llm LF on test-model, and one on a model without a price.
write_spec() {
  cat >"$TMP/spec.yaml" <<EOF2
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT}
llm:
  prices:
$1
lfs:
  - name: ask
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    constrain: none
    prompt: "Comment: {CONTENT}"
    verbalizer: {SPAM: [spam], HAM: [ham, "not spam"]}
    retries: 0
    cache: $TMP/cache.jsonl
  - name: unpriced
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: free-model
    constrain: none
    prompt: "Comment: {CONTENT}"
    verbalizer: {SPAM: [spam], HAM: [ham]}
    retries: 0
    cache: $TMP/cache.jsonl
EOF2
}
write_spec "    test-model: {prompt_per_1k: 0.5, completion_per_1k: 2}"

comments=("check out my channel" "I love this song" "please subscribe" "great video")
{ echo "ID,CONTENT"; for i in 0 1 2 3; do echo "$((i + 1)),${comments[$i]}"; done; } >"$TMP/data.csv"
head -3 "$TMP/data.csv" >"$TMP/half.csv"

# The request body of a comment for a model, as docs/llm.md gives it, and its tokens.
body_tokens() {
  local body="{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"Comment: $2\"}],\"temperature\":0.0,\"max_tokens\":8}"
  echo $(((${#body} + 3) / 4))
}
# tokens_in MODEL FIRST LAST: the prompt tokens of comments FIRST..LAST (0-based).
tokens_in() {
  local sum=0
  for i in $(seq "$2" "$3"); do sum=$((sum + $(body_tokens "$1" "${comments[$i]}"))); done
  echo "$sum"
}
# The longest answer of ask is "not spam", 8 bytes: 2 tokens a call; of unpriced, "spam": 1.
# expect_row LF CALLS CACHED IN OUT COST: the LF's line of the estimate table.
expect_row() {
  checks=$((checks + 1))
  local row
  row=$(awk -v lf="$1" '$1 == lf && NF >= 6 { print $2, $3, $4, $5, $6 }' "$TMP/out")
  [ "$row" = "$2 $3 $4 $5 $6" ] || fail "$1: row '$row', expected '$2 $3 $4 $5 $6'"
}
cost() { awk -v i="$1" -v o="$2" 'BEGIN { printf "%.6f", i / 1000 * 0.5 + o / 1000 * 2 }'; }

# A cold cache: every record is a call.
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
expect_status 0 "dry run, cold cache"
in_all=$(tokens_in test-model 0 3)
in_free=$(tokens_in free-model 0 3)
expect_row ask 4 0 "$in_all" 8 "$(cost "$in_all" 8)"
expect_row unpriced 4 0 "$in_free" 4 "-"
expect_row total 8 0 $((in_all + in_free)) 12 "$(cost "$in_all" 8)"
expect_out "(1 LF without a price in llm.prices not counted)" "the unpriced LF is named as not counted"
expect_out "dry run: 8 calls would be made" "the calls in all"
checks=$((checks + 1))
[ ! -e "$TMP/cache.jsonl" ] || fail "a dry run created the cache"

# A real run over the first two records fills half of the cache; the dry run then counts
# those two as cached and estimates the other two only.
run apply "$TMP/spec.yaml" "$TMP/half.csv" -o "$TMP/half-votes.csv"
expect_status 0 "the run over two records"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
expect_status 0 "dry run, half-warm cache"
in_rest=$(tokens_in test-model 2 3)
in_free_rest=$(tokens_in free-model 2 3)
expect_row ask 2 2 "$in_rest" 4 "$(cost "$in_rest" 4)"
expect_row unpriced 2 2 "$in_free_rest" 2 "-"
expect_row total 4 4 $((in_rest + in_free_rest)) 6 "$(cost "$in_rest" 4)"
# run --dry-run prints the same table.
run run "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
expect_status 0 "run --dry-run"
expect_row ask 2 2 "$in_rest" 4 "$(cost "$in_rest" 4)"
kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=
checks=$((checks + 1))
grep -q '"requests": *4' "$TMP/stats.json" || fail "dry runs sent requests: $(cat "$TMP/stats.json")"

# Without llm.prices the cost is "-" throughout.
sed -i '/^llm:/,/^lfs:/{/^lfs:/!d}' "$TMP/spec.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
expect_status 0 "no price table"
expect_row total 4 4 $((in_rest + in_free_rest)) 6 "-"

# Bad prices name the spec file and line (exit 2); nothing is written.
for bad in "    test-model: {prompt_per_1k: -0.15, completion_per_1k: 0.6}|llm.prices: model 'test-model': prompt_per_1k is not a number in 0..1e+06" \
  "    test-model: {prompt_per_1k: 0.15, completion_per_1k: lots}|llm.prices: model 'test-model': completion_per_1k is not a number" \
  "    test-model: {prompt_per_1k: 0.15, per_call: 1}|unknown key 'per_call' in llm.prices" \
  "    test-model: {}|llm.prices: model 'test-model' has no price"; do
  write_spec "${bad%%|*}"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
  expect_status 2 "${bad%%|*}"
  expect_err "spec.yaml:5: ${bad#*|}" "${bad%%|*}: the file, line and key are named"
  expect_no_file "$TMP/bad.csv" "no votes for ${bad%%|*}"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
  expect_status 2 "${bad%%|*} (dry run)"
done

finish
