#!/usr/bin/env bash
# Paraphrase ensembles (paraphrases: N) against the loopback test server: written once by the
# endpoint and pinned in the lock file; a rerun with the server stopped pays nothing; an edited
# lock file is used as edited; bad rewordings and bad values are errors naming the file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/llm_server.sh"

# write_spec PROMPT [EXTRA_KEY_LINE]: one llm LF with 2 paraphrases.
write_spec() {
  cat >"$TMP/spec.yaml" <<EOF
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT}
lfs:
  - name: para
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "$1"
    paraphrases: 2
    retries: 0
    constrain: none
    cache: $TMP/cache.jsonl
${2:-}
EOF
}

cat >"$TMP/data.csv" <<'EOF'
ID,CONTENT
1,check out my channel
2,I love this song
3,please subscribe
EOF

# A dry run before anything is generated: one call for the paraphrases, then 3 per prompt.
start_server
write_spec "Comment: {CONTENT}"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run
expect_status 0 "dry run"
expect_out "1 calls for paraphrases" "dry run counts the paraphrase request"
expect_out "a paraphrase not written yet" "dry run says the paraphrases will be written"
expect_out "9 calls would be made" "dry run counts every record of every prompt"
expect_no_file "$TMP/spec.lock.yaml" "a dry run pins nothing"

# The first run: 1 request for the paraphrases, 3 records x 3 prompts (the server answers
# each prompt by its text, so the 9 are distinct requests).
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes.csv"
expect_status 0 "first run"
expect_err "llm: 9 calls, 0 cache hits, 0 retries, 0 failures" "the summary counts the item requests"
# The server answers SPAM for "check out" and "subscribe", whatever the wording around them.
expected='para#1,para#2,para#3
1,1,1
0,0,0
1,1,1'
checks=$((checks + 1))
[ "$(cat "$TMP/votes.csv")" = "$expected" ] || fail "votes: $(cat "$TMP/votes.csv")"
checks=$((checks + 1))
grep -qF -- '- "Version 2: Comment: {CONTENT}"' "$TMP/spec.lock.yaml" ||
  fail "lock file: $(cat "$TMP/spec.lock.yaml")"
cp "$TMP/spec.lock.yaml" "$TMP/first.lock.yaml"

# A dry run now shows the pinned paraphrase and needs no call.
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 1
expect_status 0 "dry run with the lock"
expect_out "Version 1: Comment: check out my channel" "dry run shows a paraphrase"
expect_out "0 calls would be made" "everything is cached"

# An edited lock file is used as edited: its prompt is new, so its 3 requests are paid for
# (the same server: the cache key holds the URL, and so its port).
sed 's/Version 2: Comment: {CONTENT}/Is this spam? {CONTENT}/' "$TMP/first.lock.yaml" >"$TMP/spec.lock.yaml"
cp "$TMP/spec.lock.yaml" "$TMP/edited.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 1
expect_out "Is this spam? check out my channel" "the edited paraphrase is the prompt"
expect_out "3 calls would be made" "only the edited prompt is asked for"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes_edited.csv"
expect_status 0 "edited lock"
expect_err "llm: 3 calls, 6 cache hits, 0 retries, 0 failures" "the edited prompt is paid for"
cmp -s "$TMP/spec.lock.yaml" "$TMP/edited.lock.yaml" || fail "the edited lock file was rewritten"
stop_server
checks=$((checks + 1))
[ "$(stat_of completions)" = 13 ] || fail "$(stat_of completions) answers in all, 13 expected (1 + 9 + 3)"

# --lock FILE pins them elsewhere: the first lock, copied, is used as written (its prompts
# are cached: no call), and a lock file that does not exist yet is written there from the
# cached paraphrases, with the server gone and the spec's own lock left as it is.
mkdir -p "$TMP/locks"
cp "$TMP/first.lock.yaml" "$TMP/locks/first.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" --dry-run 1 --lock "$TMP/locks/first.yaml"
expect_status 0 "dry run with --lock"
expect_out "Version 2: Comment: check out my channel" "the paraphrase of the --lock file"
expect_out "0 calls would be made" "its prompts are cached"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes_lock.csv" --lock "$TMP/locks/new.yaml"
expect_status 0 "apply with a new --lock file, the server gone"
expect_err "llm: 0 calls" "no call with the paraphrases cached"
checks=$((checks + 1))
cmp -s "$TMP/locks/new.yaml" "$TMP/first.lock.yaml" ||
  fail "the --lock file holds the cached paraphrases: $(cat "$TMP/locks/new.yaml" 2>&1)"
cmp -s "$TMP/spec.lock.yaml" "$TMP/edited.lock.yaml" || fail "the spec's own lock was rewritten"

# The prompt sensitivity of the group, from the spec's groups: the server answers by the
# comment alone, so the three wordings always agree.
run analyze "$TMP/votes_edited.csv" --groups "$TMP/spec.yaml"
expect_status 0 "analyze the paraphrase group"
expect_out "answers flip on 0.0000 (0 of 3 items two or more variants vote on)" "no flips"
expect_out "para#1 ~ para#3: 3 items both vote on, agreement 1.0000, kappa 1.0000" "full agreement"

# Reruns with the server stopped: the lock files and the cache answer everything.
cp "$TMP/first.lock.yaml" "$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes2.csv"
expect_status 0 "rerun with the server stopped"
expect_err "llm: 0 calls" "the rerun pays nothing"
cmp -s "$TMP/votes.csv" "$TMP/votes2.csv" || fail "the rerun votes otherwise"
cmp -s "$TMP/spec.lock.yaml" "$TMP/first.lock.yaml" || fail "the rerun rewrote the lock file"
cp "$TMP/edited.lock.yaml" "$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes3.csv"
expect_status 0 "rerun of the edited lock with the server stopped"
cmp -s "$TMP/votes_edited.csv" "$TMP/votes3.csv" || fail "the edited rerun votes otherwise"

# Without the lock file (and no server) the cached answer for the paraphrases is used, and
# pinned again.
rm "$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes4.csv"
expect_status 0 "no lock, paraphrases from the cache"
cmp -s "$TMP/spec.lock.yaml" "$TMP/first.lock.yaml" || fail "the lock file written again differs"
cp "$TMP/edited.lock.yaml" "$TMP/spec.lock.yaml"

# An edit that drops the placeholder: exit 2 naming the lock file and line; no votes.
sed -i 's/Is this spam? {CONTENT}/Is this spam?/' "$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "lock paraphrase without the placeholder"
expect_err "spec.lock.yaml:8: labeling function 'para': paraphrase 2" "names the lock file and line"
expect_err "drops the placeholder {CONTENT}" "says what is missing"
expect_no_file "$TMP/bad.csv" "no votes after a bad lock"

# A lock entry with the wrong number of paraphrases.
printf 'para:\n  prompt: "Comment: {CONTENT}"\n  paraphrases:\n    - "A {CONTENT}"\n' >"$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "lock with too few paraphrases"
expect_err "spec.lock.yaml:4: labeling function 'para': 1 paraphrases, but the spec asks for 2" \
  "names the count"
expect_no_file "$TMP/bad.csv" "no votes after a short lock"

# A lock file that is no YAML mapping, and one that is not YAML.
printf -- '- a\n- b\n' >"$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "lock that is a list"
expect_err "spec.lock.yaml:1: the file is not a mapping" "names the lock file"
printf 'para: [\n' >"$TMP/spec.lock.yaml"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "lock that is not YAML"
expect_err "spec.lock.yaml:2: YAML syntax error" "names the lock file and line"
expect_no_file "$TMP/bad.csv" "no votes after a broken lock"
rm "$TMP/spec.lock.yaml"

# The endpoint writes a paraphrase without the placeholder: exit 1 naming the spec line;
# nothing cached or pinned, so the next run asks again.
start_server
write_spec "FAULTDROP Comment: {CONTENT}"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 1 "generated paraphrase drops the placeholder"
expect_err "spec.yaml:9: labeling function 'para': the paraphrases from http://127.0.0.1:$port/v1/chat/completions are not usable: paraphrase 2" \
  "names the spec file, line and endpoint"
expect_err "drops the placeholder {CONTENT}" "says what is missing"
expect_no_file "$TMP/bad.csv" "no votes after bad paraphrases"
expect_no_file "$TMP/spec.lock.yaml" "bad paraphrases are not pinned"
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 1 "asked again"
stop_server
checks=$((checks + 1))
[ "$(stat_of completions)" = 2 ] || fail "a bad answer was cached: $(stat_of completions) answers, 2 expected"

# Bad values stop the load with the spec file and line (exit 2), before any request.
for bad in "paraphrases: 0" "paraphrases: 101" "paraphrases: two" "paraphrases: 1.5"; do
  write_spec "Comment: {CONTENT}"
  sed -i "s/    paraphrases: 2/    $bad/" "$TMP/spec.yaml"
  run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
  expect_status 2 "$bad"
  expect_err "spec.yaml:9: labeling function 'para': paraphrases is not a whole number in 1..100" "$bad names the line"
  expect_no_file "$TMP/bad.csv" "$bad writes no votes"
done
cat >"$TMP/variants.yaml" <<EOF
classes: [HAM, SPAM]
lfs:
  - name: v
    kind: llm
    endpoint: http://127.0.0.1:1/v1
    model: m
    variants: ["a {T}", "b {T}"]
    paraphrases: 2
EOF
run apply "$TMP/variants.yaml" "$TMP/data.csv" -o "$TMP/bad.csv"
expect_status 2 "variants and paraphrases"
expect_err "variants.yaml:8: labeling function 'v': both variants and paraphrases" "names the line"

finish
