#!/usr/bin/env bash
# Each item keeps its identity in every per-item output: the spec's data.id, or the data row
# number from 0 (counting skipped bad rows, so a skipped row does not shift later ids).
# Expected ids are read off the data files written here.
source "$(dirname "$0")/lib.sh"

cat >"$TMP/spec.yaml" <<'EOF'
task: spam
classes: [ham, spam]
data:
  id: cid
  text: text
lfs:
  - name: kw_free
    kind: keyword
    any: [free]
    vote: spam
  - name: kw_hello
    kind: keyword
    any: [hello]
    vote: ham
EOF
grep -v '^  id: cid$' "$TMP/spec.yaml" >"$TMP/spec_noid.yaml"
printf 'cid,text\nc17,free money\nc18,hello there\nc20,nothing here\nc21,free hello\n' >"$TMP/data.csv"
expected_ids=$'c17\nc18\nc20\nc21'

# first_column FILE: the CSV's first column without the header
first_column() { tail -n +2 "$1" | cut -d, -f1; }

expect_ids() { # DESCRIPTION EXPECTED ACTUAL
  checks=$((checks + 1))
  [ "$2" = "$3" ] || fail "$1: ids $(echo $3), expected $(echo $2)"
}

# apply -> .chv keeps the ids; triples show them; predict writes them everywhere.
run apply "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/votes.chv" -q
expect_status 0 "apply with data.id"
run convert "$TMP/votes.chv" "$TMP/triples.csv" --to triples -q
expect_status 0 "convert to triples"
expect_ids "triples items" "$expected_ids" "$(awk -F, 'NR > 1 && $1 != ""' "$TMP/triples.csv" |
  cut -d, -f1 | uniq)"
run convert "$TMP/votes.chv" "$TMP/copy.chv" -q
run convert "$TMP/copy.chv" "$TMP/triples2.csv" --to triples -q
checks=$((checks + 1))
cmp -s "$TMP/triples.csv" "$TMP/triples2.csv" || fail ".chv to .chv loses item names"

run fit "$TMP/votes.chv" -o "$TMP/m.json" --model mv -q
expect_status 0 "fit"
run predict "$TMP/m.json" "$TMP/votes.chv" -o "$TMP/p.csv" -q
expect_status 0 "predict csv"
expect_ids "probabilities CSV" "$expected_ids" "$(first_column "$TMP/p.csv")"
run predict "$TMP/m.json" "$TMP/votes.chv" -o "$TMP/p.jsonl" -q
expect_ids "probabilities JSONL" "$expected_ids" \
  "$(sed -n 's/^{"item": "\([^"]*\)".*/\1/p' "$TMP/p.jsonl")"
run predict "$TMP/m.json" "$TMP/votes.chv" -o "$TMP/p.npy" -q
expect_status 0 "predict npy"
expect_ids "npy items file" "$expected_ids" "$(first_column "$TMP/p.items.csv")"
run predict "$TMP/m.json" "$TMP/votes.chv" -o "$TMP/pd.csv" --drop-uncovered -q
expect_ids "--drop-uncovered" $'c17\nc18\nc21' "$(first_column "$TMP/pd.csv")"
# What was written reads back (eval reads the names, matching gold line for line).
printf '1\n0\n0\n1\n' >"$TMP/gold.txt"
for f in p.csv p.jsonl p.npy; do
  run eval "$TMP/$f" "$TMP/gold.txt"
  expect_status 0 "eval $f"
done

# run: the probabilities of the pipeline carry the ids too.
run run "$TMP/spec.yaml" "$TMP/data.csv" -o "$TMP/res" --model mv -q
expect_status 0 "run with data.id"
expect_ids "run probs.csv" "$expected_ids" "$(first_column "$TMP/res/probs.csv")"

# Ids in JSONL data: strings stay strings, integers stay integers.
printf '{"cid": "a1", "text": "free"}\n{"cid": 7, "text": "hello"}\n' >"$TMP/data.jsonl"
run run "$TMP/spec.yaml" "$TMP/data.jsonl" -o "$TMP/outj" --model mv -q
expect_status 0 "run on JSONL"
run predict "$TMP/outj/model.json" "$TMP/outj/votes.chv" -o "$TMP/pj.jsonl" -q
checks=$((checks + 1))
grep -q '^{"item": "a1",' "$TMP/pj.jsonl" && grep -q '^{"item": 7,' "$TMP/pj.jsonl" ||
  fail "JSONL ids: $(cat "$TMP/pj.jsonl")"

# --skip-bad-rows: the bad row 1 (line 3) is skipped, and rows 2 and 3 keep their numbers.
printf 'cid,text\nc17,free money\nc18,hello,extra\nc20,nothing here\nc21,free hello\n' \
  >"$TMP/bad.csv"
run run "$TMP/spec_noid.yaml" "$TMP/bad.csv" -o "$TMP/skip" --model mv --skip-bad-rows -q
expect_status 0 "run --skip-bad-rows"
expect_ids "row numbers after a skipped row" $'0\n2\n3' "$(first_column "$TMP/skip/probs.csv")"
run apply "$TMP/spec_noid.yaml" "$TMP/bad.csv" -o "$TMP/skip.chv" --skip-bad-rows -q
run predict "$TMP/skip/model.json" "$TMP/skip.chv" -o "$TMP/skip.jsonl" -q
expect_ids "JSONL row numbers" $'0\n2\n3' "$(sed -n 's/^{"item": \([0-9]*\),.*/\1/p' "$TMP/skip.jsonl")"
# ... and with data.id the ids are the data's.
run run "$TMP/spec.yaml" "$TMP/bad.csv" -o "$TMP/skipid" --model mv --skip-bad-rows -q
expect_ids "data ids after a skipped row" $'c17\nc20\nc21' "$(first_column "$TMP/skipid/probs.csv")"
# Without skipped rows there are no names: items are 0..n-1 as before.
run run "$TMP/spec_noid.yaml" "$TMP/data.csv" -o "$TMP/plain" --model mv -q
expect_ids "row numbers" $'0\n1\n2\n3' "$(first_column "$TMP/plain/probs.csv")"

# Bad ids: exit 2 naming the file, the line and the id; no output.
printf 'cid,text\nc17,free money\nc18,hello there\nc17,again\n' >"$TMP/dup.csv"
run apply "$TMP/spec.yaml" "$TMP/dup.csv" -o "$TMP/dup.chv"
expect_status 2 "duplicate id"
expect_err "dup.csv:4: id 'c17' (field 'cid') is already the id of line 2" "duplicate id message"
expect_no_file "$TMP/dup.chv" "duplicate id"
run run "$TMP/spec.yaml" "$TMP/dup.csv" -o "$TMP/dupout"
expect_status 2 "run with a duplicate id"
expect_no_file "$TMP/dupout/probs.csv" "run with a duplicate id"
printf 'cid,text\nc17,free money\n,hello there\n' >"$TMP/empty.csv"
run apply "$TMP/spec.yaml" "$TMP/empty.csv" -o "$TMP/empty.chv"
expect_status 2 "empty id"
expect_err "empty.csv:3: the id (field 'cid'" "empty id message"
expect_no_file "$TMP/empty.chv" "empty id"
printf '{"cid": "a1", "text": "x"}\n{"text": "y"}\n' >"$TMP/missing.jsonl"
run apply "$TMP/spec.yaml" "$TMP/missing.jsonl" -o "$TMP/missing.chv"
expect_status 2 "missing id"
expect_err "missing.jsonl:2: the id (field 'cid', data.id in" "missing id message"
expect_no_file "$TMP/missing.chv" "missing id"
printf 'key,text\nc17,free\n' >"$TMP/nofield.csv"
run apply "$TMP/spec.yaml" "$TMP/nofield.csv" -o "$TMP/nofield.chv"
expect_status 2 "no id field"
expect_err "data.id names the field 'cid', which" "no id field message"
expect_no_file "$TMP/nofield.chv" "no id field"

# A .chv written before item names existed still reads.
run convert "$CHORUS_TEST_DATA_DIR/chv/v1_0_names.chv" "$TMP/old.csv" -q
expect_status 0 "old .chv"
checks=$((checks + 1))
[ "$(cat "$TMP/old.csv")" = $'kw_a,kw_b,re_c\n1,-1,0\n-1,-1,-1\n-1,1,-1' ] ||
  fail "old .chv reads as $(cat "$TMP/old.csv")"

finish
