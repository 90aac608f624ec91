#!/usr/bin/env bash
# Few-shot examples chosen from labelled items (examples: {from: gold|review, ...}) against
# the loopback test server: chosen per class, deterministic for the seed, pinned in the lock
# file with their text, never voted on by the LF that shows them; bad values are errors
# naming the spec file and line.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"

# write_spec EXAMPLES_VALUE: one llm LF whose examples are EXAMPLES_VALUE.
write_spec() {
  cat >"$TMP/spec.yaml" <<EOF
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT}
lfs:
  - name: shots
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "Comment: {CONTENT}"
    examples: $1
    retries: 0
    constrain: none
    cache: $TMP/cache.jsonl
EOF
}

# Record 6 has the text of record 1 under another id.
cat >"$TMP/data.csv" <<'EOF'
ID,CONTENT
a1,check out my channel
a2,I love this song
a3,please subscribe
a4,what a voice
a5,visit http://x.y
a6,check out my channel
EOF
# Gold, one line per record: only a1 is SPAM and only a2 is HAM, so per_class: 1 must pick
# them whatever the seed; dealt class by class (HAM first, the classes' order).
printf '1\n0\n-1\n-1\n-1\n-1\n' >"$TMP/gold.txt"

start_server
write_spec "{from: gold, file: gold.txt, per_class: 1, seed: 7}"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 1
expect_status 0 "dry run"
checks=$((checks + 1))
[ "$(sed -n '/^-- data line 2/,$p' "$TMP/out" | head -9 | tr '\n' '|')" = \
  "-- data line 2|[user]|Comment: I love this song|[assistant]|ham|[user]|Comment: check out my channel|[assistant]|spam|" ] ||
  fail "dry run shows the chosen examples: $(cat "$TMP/out")"
expect_no_file "$TMP/spec.lock.yaml" "a dry run pins nothing"

run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes.csv"
expect_status 0 "apply with examples from gold"
# a1, a2 and a6 (a1's text) are shown as examples: the LF abstains on them; a3, a5 are spam.
expected='shots
-1
-1
1
0
1
-1'
checks=$((checks + 1))
[ "$(cat "$TMP/votes.csv")" = "$expected" ] || fail "votes: $(cat "$TMP/votes.csv")"
checks=$((checks + 1))
[ "$(sed -n '/examples:/,$p' "$TMP/spec.lock.yaml")" = '  examples:
    - item: "a2"
      label: "HAM"
      fields: {"CONTENT": "I love this song"}
    - item: "a1"
      label: "SPAM"
      fields: {"CONTENT": "check out my channel"}' ] || fail "lock file: $(cat "$TMP/spec.lock.yaml")"
cp "$TMP/spec.lock.yaml" "$TMP/first.lock.yaml"

# An edited example is used as edited: it changes every request, 5 new calls (a1 and a6 have
# one text, so one request).
sed -i 's/"I love this song"/"lovely tune"/' "$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 1
expect_out "Comment: lovely tune" "the edited example is in the prompt"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes_edited.csv"
expect_status 0 "edited examples"
expect_err "llm: 5 calls, 0 cache hits" "the new prompts are asked for"
stop_server

# Rerun with the server stopped: the lock's examples, the cache's answers, the same votes;
# the gold file is not read again (it is gone).
cp "$TMP/first.lock.yaml" "$TMP/spec.lock.yaml"
mv "$TMP/gold.txt" "$TMP/gold.saved"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes2.csv"
expect_status 0 "rerun with the server stopped"
expect_err "llm: 0 calls" "nothing paid twice"
cmp -s "$TMP/votes.csv" "$TMP/votes2.csv" || fail "the rerun votes otherwise"
mv "$TMP/gold.saved" "$TMP/gold.txt"

# The choice is deterministic for the seed: with 3 SPAM items and per_class: 2, two runs
# from scratch pin the same examples.
printf '1\n0\n1\n0\n1\n-1\n' >"$TMP/gold.txt"
write_spec "{from: gold, file: gold.txt, per_class: 2, seed: 11}"
for k in 1 2; do
  rm -f "$TMP/spec.lock.yaml"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 0
  expect_status 0 "dry run $k"
  cp "$TMP/out" "$TMP/dry$k.txt"
done
cmp -s "$TMP/dry1.txt" "$TMP/dry2.txt" || fail "the same seed chose other examples"

# From a review file: the answered items (by data.id) label the candidates.
printf 'item,text,answer\na5,visit,SPAM\na4,voice,HAM\na3,sub,\n' >"$TMP/review.csv"
write_spec "{from: review, file: review.csv, per_class: 3}"
rm -f "$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 1
expect_status 0 "examples from review"
expect_err "1 labelled items of class HAM, fewer than per_class: 3" "a short class is warned about"
checks=$((checks + 1))
[ "$(sed -n '/^-- data line 2/,$p' "$TMP/out" | head -9 | tr '\n' '|')" = \
  "-- data line 2|[user]|Comment: what a voice|[assistant]|ham|[user]|Comment: visit http://x.y|[assistant]|spam|" ] ||
  fail "examples from the review: $(cat "$TMP/out")"

# From the spec's data.gold field, with paraphrases: one lock entry pins both, and a rerun
# with the server stopped pays nothing.
printf 'ID,CONTENT,LABEL\nb1,great song,HAM\nb2,subscribe to me,SPAM\nb3,nice,\nb4,check out this,\n' >"$TMP/gdata.csv"
start_server
cat >"$TMP/both.yaml" <<EOF
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT, gold: LABEL}
lfs:
  - name: both
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "Comment: {CONTENT}"
    paraphrases: 1
    examples: {from: gold}
    constrain: none
    cache: $TMP/both_cache.jsonl
EOF
run apply "$TMP/both.yaml" "$TMP/gdata.csv" -o "$TMP/both.csv"
expect_status 0 "examples from data.gold with paraphrases"
stop_server
checks=$((checks + 1))
grep -qF -- '- "Version 1: Comment: {CONTENT}"' "$TMP/both.lock.yaml" &&
  grep -qF -- '- item: "b2"' "$TMP/both.lock.yaml" || fail "both pinned: $(cat "$TMP/both.lock.yaml")"
# b1 and b2 are the examples: both variants abstain on them; b3 is ham, b4 spam.
checks=$((checks + 1))
[ "$(tr '\n' ' ' <"$TMP/both.csv")" = "both#1,both#2 -1,-1 -1,-1 0,0 1,1 " ] || fail "votes: $(cat "$TMP/both.csv")"
run apply "$TMP/both.yaml" "$TMP/gdata.csv" -o "$TMP/both2.csv"
expect_status 0 "rerun of both with the server stopped"
expect_err "llm: 0 calls" "nothing paid twice"
cmp -s "$TMP/both.csv" "$TMP/both2.csv" || fail "the rerun votes otherwise"

# A review naming an item the data lacks: exit 2 naming the spec, the review file and line.
printf 'item,answer\na4,HAM\nzz,SPAM\n' >"$TMP/review.csv"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "review item not in the data"
expect_err "spec.yaml:9: labeling function 'shots': examples from review: $TMP/review.csv:3: item 'zz' is not in the data" \
  "names the spec line, the review file and line"
expect_no_file "$TMP/bad.csv" "no votes after a bad review"
expect_no_file "$TMP/spec.lock.yaml" "no lock after a bad review"

# A gold file of another length.
printf '1\n0\n' >"$TMP/gold.txt"
write_spec "{from: gold, file: gold.txt}"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "gold file of another length"
expect_err "gold.txt: 2 gold labels for the 6 records of" "names the gold file"
expect_no_file "$TMP/bad.csv" "no votes after a short gold file"

# A lock example that is no class.
printf '1\n0\n-1\n-1\n-1\n-1\n' >"$TMP/gold.txt"
sed 's/label: "HAM"/label: "EGGS"/' "$TMP/first.lock.yaml" >"$TMP/spec.lock.yaml"
write_spec "{from: gold, file: gold.txt, per_class: 1, seed: 7}"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "lock example without a class"
expect_err "spec.lock.yaml:6: labeling function 'shots': example 1: label 'EGGS' is not a class" \
  "names the lock file and line"
expect_no_file "$TMP/bad.csv" "no votes after a bad lock"
rm -f "$TMP/spec.lock.yaml"

# Bad values: exit 2 naming the spec file and line, before any data is read.
bad_value() {
  write_spec "$1"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
  expect_status 2 "$1"
  expect_err "spec.yaml:9: labeling function 'shots': $2" "$1: the message"
  expect_no_file "$TMP/bad.csv" "$1 writes no votes"
}
bad_value "{from: gold, file: gold.txt, per_class: -1}" "per_class is not a whole number in 1..100"
bad_value "{from: gold, file: gold.txt, per_class: 0}" "per_class is not a whole number in 1..100"
bad_value "{from: gold, file: gold.txt, seed: -3}" "seed is not a whole number in 0.."
bad_value "{from: silver, file: gold.txt}" "examples from 'silver' is not a source; expected gold"
bad_value "{from: review}" "examples from review has no file"
bad_value "{from: gold}" "examples from gold has no file and the spec names no data.gold field"
bad_value "{file: gold.txt}" "examples has no from"
bad_value "{from: gold, file: gold.txt, per_klass: 2}" "unknown key 'per_klass' (did you mean 'per_class'?) in examples"

finish
