#!/usr/bin/env bash
# Sampling in llm labeling functions against the loopback test server ($CHORUS_LLM_SERVER,
# 127.0.0.1 only), which answers a request with seed S the S-th of a known list: samples: n
# asks n requests (seeds 0..n-1), the vote is the most frequent class and min_confidence
# holds it to the share of the samples that gave it; each sample is cached (a rerun with the
# server gone pays nothing, more samples pay only the new ones); the dry run counts
# samples; bad values.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"

expect_votes() {
  checks=$((checks + 1))
  [ "$(tr '\n' ' ' <"$1")" = "$2" ] || fail "$3: votes $(tr '\n' ' ' <"$1"), expected $2"
}

# write_spec [KEY: VALUE lines...]: one llm LF on the cache c.jsonl.
write_spec() { write_ask_spec "$TMP/c.jsonl" "$@"; }

printf 'ID,CONTENT\n1,check out my channel\n2,I love this song\n3,please subscribe\n4,great video\n' >"$TMP/data.csv"

# Seeds 0, 1, 2 answer spam, spam, ham (then again from the start): with 3 samples every
# record votes SPAM (class 1) with a share of 2/3.
start_server --sample-answers SPAM,SPAM,HAM
write_spec "samples: 3" "temperature: 0.7" "min_confidence: 0.6"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v1.csv"
expect_status 0 "samples: 3"
expect_votes "$TMP/v1.csv" "ask 1 1 1 1 " "the majority of spam, spam, ham"
expect_err "llm: 12 calls, 0 cache hits" "one request per record and sample"
checks=$((checks + 1))
# The answer of each cache line, one per line.
answers() { /usr/bin/python3 -c 'import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["answer"])' "$1"; }
[ "$(answers "$TMP/c.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = " 4 {\"label\":\"ham\"}; 8 {\"label\":\"spam\"};" ] ||
  fail "each sample is cached: $(answers "$TMP/c.jsonl" | sort | uniq -c)"

# Five samples: seeds 3 and 4 answer spam, spam; only those are asked. 4 of 5 say spam.
write_spec "samples: 5" "temperature: 0.7" "min_confidence: 0.8"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
expect_status 0 "dry run with samples"
expect_out "== ask: 4 records, 12 cached, 8 calls" "the dry run counts samples"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v3.csv"
expect_status 0 "samples: 5"
expect_votes "$TMP/v3.csv" "ask 1 1 1 1 " "4 of 5 samples say spam"
expect_err "llm: 8 calls, 12 cache hits" "only the new samples are asked"
stop_server
expect_stat requests 20 "4 x 3 samples, then the two new samples of each record"

# With the server gone, thresholds above the shares abstain everywhere, from the cache.
write_spec "samples: 3" "temperature: 0.7" "min_confidence: 0.7"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v2.csv"
expect_status 0 "min_confidence above 2/3, from the cache"
expect_votes "$TMP/v2.csv" "ask -1 -1 -1 -1 " "2/3 is below 0.7"
expect_err "llm: 0 calls, 12 cache hits" "a rerun pays nothing"
expect_err "llm: 4 answers below min_confidence" "the abstentions are counted"
write_spec "samples: 5" "temperature: 0.7" "min_confidence: 0.9"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/v4.csv"
expect_status 0 "min_confidence above 4/5, from the cache"
expect_votes "$TMP/v4.csv" "ask -1 -1 -1 -1 " "4/5 is below 0.9"
expect_err "llm: 0 calls, 20 cache hits" "five cached samples a record"

# samples with temperature 0 is warned about (the answers would agree).
write_spec "samples: 3"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
expect_status 0 "samples at temperature 0"
expect_err "spec.yaml:12: labeling function 'ask': samples: 3 with temperature 0" "the warning names the line"

# Bad values name the spec file and line; no votes are written.
for bad in "samples: 0" "samples: -1" "samples: 1.5" "samples: 101" "samples: many"; do
  write_spec "$bad"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
  expect_status 2 "$bad"
  expect_err "spec.yaml:12: labeling function 'ask': samples is not a whole number in 1..100" "$bad: the key and line are named"
  expect_no_file "$TMP/bad.csv" "no votes for $bad"
done

finish
