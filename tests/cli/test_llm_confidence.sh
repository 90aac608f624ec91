#!/usr/bin/env bash
# Answer confidence of llm labeling functions against the loopback test server
# ($CHORUS_LLM_SERVER, 127.0.0.1 only): logprobs asks for log-probabilities, the class
# probability is stored with the answer in the cache (and kept by a rerun with the server
# gone), min_confidence abstains below it and counts how often, one warning when no
# log-probabilities come back, llama.cpp's form, and bad values.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"

expect_votes() {
  checks=$((checks + 1))
  [ "$(cat "$1")" = "$2" ] || fail "$3: votes $(tr '\n' ' ' <"$1")"
}

write_spec() { write_ask_spec "$@"; }

cat >"$TMP/data.csv" <<'EOF2'
ID,CONTENT
1,check out my channel
2,I love this song
3,please subscribe
EOF2

# The server answers items 1 and 3 spam, 2 ham, as one token whose alternatives are
# spam -0.2, ham -1.8 and maybe -3 ("maybe" names no class). So a spam answer has the
# probability e^-0.2 / (e^-0.2 + e^-1.8) = 1 / (1 + e^-1.6) and a ham answer the rest.
p_spam=$(awk 'BEGIN { printf "%.6f", 1 / (1 + exp(-1.6)) }')
p_ham=$(awk 'BEGIN { printf "%.6f", 1 - 1 / (1 + exp(-1.6)) }')
# confidences CACHE: the p of every line, in the cache's order, to 6 decimals.
confidences() { /usr/bin/python3 -c 'import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line).get("p")
    print("none" if p is None else p)' "$1" | awk '$1 == "none" { print; next } { printf "%.6f\n", $1 }' | sort | tr '\n' ' '; }
expect_confidences() {
  checks=$((checks + 1))
  [ "$(confidences "$1")" = "$2" ] || fail "$3: confidences $(confidences "$1"), expected $2"
}

# Constrained (the JSON schema) and free-text answers get the same probabilities: only the
# label value's token counts.
for mode in auto none; do
  start_server --logprobs-dist "SPAM=-0.2,HAM=-1.8,maybe=-3"
  write_spec "$TMP/c-$mode.jsonl" "logprobs: true" "constrain: $mode" "min_confidence: 0.5"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v-$mode.csv"
  expect_status 0 "logprobs with constrain: $mode"
  expect_votes "$TMP/v-$mode.csv" 'ask
1
-1
1' "min_confidence 0.5 abstains on the ham answer ($mode)"
  expect_err "llm: 1 answers below min_confidence (the LF abstained there)" "the abstention is counted ($mode)"
  expect_confidences "$TMP/c-$mode.jsonl" "$p_ham $p_spam $p_spam " "the cache holds the class probabilities ($mode)"
  stop_server
  expect_stat requests 3 "three requests ($mode)"
  # With the server gone, the rerun votes from the cached answers and their confidences.
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v-$mode-b.csv"
  expect_status 0 "rerun from the cache ($mode)"
  expect_votes "$TMP/v-$mode-b.csv" "$(cat "$TMP/v-$mode.csv")" "the cached confidences vote the same ($mode)"
  expect_err "0 calls, 3 cache hits" "no request on the rerun ($mode)"
  expect_err "llm: 1 answers below min_confidence" "the rerun counts the abstention too ($mode)"
done

# A stricter threshold over the same cache abstains on everything; the request body is the
# same (min_confidence is not sent), so nothing is asked again.
write_spec "$TMP/c-none.jsonl" "logprobs: true" "constrain: none" "min_confidence: 0.9"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v-strict.csv"
expect_status 0 "min_confidence 0.9"
expect_votes "$TMP/v-strict.csv" 'ask
-1
-1
-1' "every answer is below 0.9"

# inspect shows each item's cached answer and its probability (4 decimals), with the
# server gone: items 1 and 3 were answered SPAM, item 2 HAM (the server's tokens).
run inspect "$TMP/v-strict.csv" --data "$TMP/data.csv" --spec "$TMP/spec.yaml"
expect_status 0 "inspect with the llm LF's cached answers"
p4_spam=$(awk -v p="$p_spam" 'BEGIN { printf "%.4f", p }')
p4_ham=$(awk -v p="$p_ham" 'BEGIN { printf "%.4f", p }')
checks=$((checks + 1))
[ "$(grep -c "^  llm ask: SPAM  p=$p4_spam\$" "$TMP/out")" = 2 ] ||
  fail "the two spam answers and their probability: $(cat "$TMP/out")"
expect_out "  llm ask: HAM  p=$p4_ham" "the ham answer and its probability"
run inspect "$TMP/v-strict.csv" --data "$TMP/data.csv" --spec "$TMP/spec.yaml" --jsonl
expect_status 0 "inspect --jsonl with the llm LF's cached answers"
expect_out '"llm":{"ask":{"answer":"HAM","p":0.16798' "the answer and its probability in JSON"
expect_out '"samples":1,"cached":1}' "one sample, cached"
# A cache without the items' answers: said per item.
write_spec "$TMP/c-empty.jsonl" "logprobs: true" "constrain: none"
: >"$TMP/c-empty.jsonl"
run inspect "$TMP/v-strict.csv" --data "$TMP/data.csv" --spec "$TMP/spec.yaml" -n 1
expect_status 0 "inspect with an empty cache"
expect_out "  llm ask: (not in the cache)" "an answer not cached"

# llama.cpp's completion_probabilities give the same numbers.
start_server --logprobs-dist "SPAM=-0.2,HAM=-1.8,maybe=-3" --llama-probs
write_spec "$TMP/c-llama.jsonl" "logprobs: true" "constrain: none" "min_confidence: 0.5"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v-llama.csv"
expect_status 0 "llama.cpp probabilities"
expect_votes "$TMP/v-llama.csv" "$(cat "$TMP/v-none.csv")" "llama.cpp's form votes the same"
expect_confidences "$TMP/c-llama.jsonl" "$p_ham $p_spam $p_spam " "llama.cpp's form, the same probabilities"
stop_server

# A free answer of two tokens without alternatives: the product e^-0.25 * e^-0.5.
start_server
write_spec "$TMP/c-two.jsonl" "logprobs: true" "constrain: none"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v-two.csv"
expect_status 0 "two-token answers"
p_two=$(awk 'BEGIN { printf "%.6f", exp(-0.75) }')
expect_confidences "$TMP/c-two.jsonl" "$p_two $p_two $p_two " "the product over the answer's tokens"
stop_server

# No log-probabilities from the endpoint: one warning naming the LF, and no abstention.
start_server --no-logprobs
write_spec "$TMP/c-nolp.jsonl" "logprobs: true" "min_confidence: 0.5"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v-nolp.csv"
expect_status 0 "an endpoint without log-probabilities"
expect_votes "$TMP/v-nolp.csv" 'ask
1
0
1' "nothing abstained on"
expect_err "spec.yaml:4: labeling function 'ask': min_confidence is set but 3 answers came without a confidence" "one warning"
checks=$((checks + 1))
[ "$(grep -c "min_confidence is set" "$TMP/err")" = 1 ] || fail "warned more than once: $(cat "$TMP/err")"
expect_confidences "$TMP/c-nolp.jsonl" "none none none " "no confidence is stored"
stop_server

# stats counts the answers that have a confidence.
run llm-cache stats "$TMP/c-none.jsonl"
expect_out "scored  3" "three answers with a confidence"
run llm-cache stats "$TMP/c-nolp.jsonl"
expect_out "scored  0" "no answer with a confidence"

# The cache export shows the confidence with the answer.
run llm-cache export "$TMP/c-none.jsonl" -o "$TMP/export.jsonl"
expect_status 0 "llm-cache export"
expect_confidences "$TMP/export.jsonl" "$p_ham $p_spam $p_spam " "the export keeps the confidences"

# Bad values name the spec file and line; no votes are written.
expect_bad() {
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
  expect_status 2 "$1"
  expect_err "$2" "$1: the key and line are named"
  expect_no_file "$TMP/bad.csv" "no votes for $1"
}
for bad in "min_confidence: 2" "min_confidence: -0.5" "min_confidence: 0" "min_confidence: high"; do
  write_spec "$TMP/c-bad.jsonl" "logprobs: true" "$bad"
  expect_bad "$bad" "spec.yaml:13: labeling function 'ask': min_confidence is not a number in 0..1"
done
write_spec "$TMP/c-bad.jsonl" "logprobs: sometimes"
expect_bad "logprobs: sometimes" "spec.yaml:12: labeling function 'ask': logprobs"
write_spec "$TMP/c-bad.jsonl" "min_confidence: 0.5"
expect_bad "min_confidence without logprobs" \
  "spec.yaml:12: labeling function 'ask': min_confidence without logprobs: true or samples"

finish
