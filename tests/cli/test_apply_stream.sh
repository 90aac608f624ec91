#!/usr/bin/env bash
# chorus apply streams its data in batches of about 16 MiB: a problem found in a later batch
# or only at the end of the file still fails with exit 2, naming the file and place, and
# writes nothing; and the votes and item names are those of the whole file.
source "$(dirname "$0")/lib.sh"

cat >"$TMP/spec.yaml" <<'EOF2'
classes: [HAM, SPAM]
data: {text: text}
lfs:
  - {name: win, kind: keyword, vote: SPAM, any: [win]}
EOF2
cat >"$TMP/spec_id.yaml" <<'EOF2'
classes: [HAM, SPAM]
data: {id: id, text: text}
lfs:
  - {name: win, kind: keyword, vote: SPAM, any: [win]}
EOF2

# About 20 MB of CSV: 1M records of 20 bytes, past the first batch.
big_csv() { # LAST_LINE: what follows the records
  awk -v last="$1" 'BEGIN { print "id,text"; for (i = 0; i < 1000000; i++) printf "i%07d,win or lose\n", i;
    if (last != "") print last }' >"$TMP/big.csv"
}

big_csv "x,a,ragged"
run apply "$TMP/spec.yaml" "$TMP/big.csv" -o "$TMP/v.chv" -q
expect_status 2 "a ragged row after the first batch"
expect_err "big.csv:1000002: 3 fields, expected 2 (the header's)" "the ragged row's line"
expect_no_file "$TMP/v.chv" "no votes for a ragged row after the first batch"

big_csv "i0000007,win"
run apply "$TMP/spec_id.yaml" "$TMP/big.csv" -o "$TMP/v.chv" -q
expect_status 2 "an id of the first batch repeated in a later one"
expect_err "big.csv:1000002: id 'i0000007' (field 'id') is already the id of line 9" \
  "the repeated id's line and the earlier one's"
expect_no_file "$TMP/v.chv" "no votes for a repeated id"

# Skipped in a later batch: counted with its line, and the records around it all kept.
big_csv "x,a,ragged"
echo "j,win" >>"$TMP/big.csv"
run apply "$TMP/spec.yaml" "$TMP/big.csv" -o "$TMP/v.csv" -q --skip-bad-rows
expect_status 0 "skipping a bad row after the first batch"
expect_err "skipped 1 bad row, on line 1000002" "the skipped row counted"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/v.csv")" -eq 1000002 ] || fail "1000001 items and the header expected"

# JSONL: a field no record has is known only at the end of the file.
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "{\"body\": \"win %d\"}\n", i }' >"$TMP/big.jsonl"
run apply "$TMP/spec.yaml" "$TMP/big.jsonl" -o "$TMP/v.chv" -q
expect_status 2 "a JSONL file without the field an LF reads"
expect_err "spec.yaml:4: labeling function 'win': the data has no field 'text' (fields: body)" \
  "the LF, its line and the data's fields"
expect_no_file "$TMP/v.chv" "no votes when the field is missing"

# ... and a field that only the last record has is no error: the LF votes there.
echo '{"body": "x", "text": "win"}' >>"$TMP/big.jsonl"
run apply "$TMP/spec.yaml" "$TMP/big.jsonl" -o "$TMP/v.csv" -q
expect_status 0 "a field only the last record has"
checks=$((checks + 1))
[ "$(tail -1 "$TMP/v.csv")" = "1" ] && [ "$(sed -n 2p "$TMP/v.csv")" = "-1" ] ||
  fail "the last record votes win, the first abstains"

finish
