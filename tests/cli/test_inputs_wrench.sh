#!/usr/bin/env bash
# WRENCH's own dataset files (train.json, valid.json, test.json with label.json beside
# them) straight into fit, predict, eval and the dev-set selection: the same numbers as the
# same split shipped as CSV, WRENCH's item ids on every row, and bad files refused with
# exit 2, no output and a message naming the file and the item.
source "$(dirname "$0")/lib.sh"
W=$DATA/wrench_youtube/wrench_json
Y=$DATA/wrench_youtube

# --- The same fit and labels as from the CSV copy of the same splits -------------------
run fit "$W/valid.json" -o "$TMP/json.json" -q
expect_status 0 "fit on WRENCH's valid.json"
run fit "$Y/valid/votes.csv" -o "$TMP/csv.json" -q
expect_status 0 "fit on the same split as CSV"
run predict "$TMP/json.json" "$W/test.json" -o "$TMP/json.probs.csv" -q
expect_status 0 "predict WRENCH's test.json"
run predict "$TMP/csv.json" "$Y/test/votes.csv" -o "$TMP/csv.probs.csv" -q
expect_status 0 "predict the CSV test split"
checks=$((checks + 1))
# The JSON's classes are named by label.json and its LFs lf0..lf9; the probabilities are
# the same, bit for bit.
cmp -s <(tail -n +2 "$TMP/json.probs.csv" | cut -d, -f2-) \
  <(tail -n +2 "$TMP/csv.probs.csv" | cut -d, -f2-) ||
  fail "the probabilities from test.json differ from those of the CSV split"
checks=$((checks + 1))
[ "$(head -1 "$TMP/json.probs.csv")" = "item,covered,HAM,SPAM" ] ||
  fail "class names from label.json: $(head -1 "$TMP/json.probs.csv")"
checks=$((checks + 1))
# Row i is WRENCH's item "i" (its key in test.json), in the file's order.
[ "$(cut -d, -f1 "$TMP/json.probs.csv" | tail -n +2 | tr '\n' ' ')" = "$(seq -s ' ' 0 249) " ] ||
  fail "item column: not WRENCH's ids 0..249 in order"

# --- Gold from the same file: eval, and DATA:label -------------------------------------
run eval "$TMP/json.probs.csv" "$W/test.json"
expect_status 0 "eval against test.json"
cp "$TMP/out" "$TMP/eval_json.txt"
run eval "$TMP/csv.probs.csv" "$Y/test/gold.csv"
expect_status 0 "eval against gold.csv"
checks=$((checks + 1))
# The same scores; only the class names (HAM, SPAM from label.json; 0, 1) differ.
summary() { grep -E '^(items|gold known|covered|accuracy|macro-F1|Brier|ECE|log loss)' "$1"; }
[ -n "$(summary "$TMP/out")" ] && cmp -s <(summary "$TMP/out") <(summary "$TMP/eval_json.txt") ||
  fail "eval with test.json's labels differs from gold.csv"
run eval "$TMP/json.probs.csv" "$W/test.json:label"
expect_status 0 "eval against test.json:label"
checks=$((checks + 1))
cmp -s "$TMP/out" "$TMP/eval_json.txt" || fail "test.json:label differs from test.json"
run eval "$TMP/json.probs.csv" "$W/test.json:text"
expect_status 2 "a WRENCH file's other fields are no gold"
expect_err "a WRENCH .json file's gold labels are its items' \"label\"" "which field has gold"

# --- The dev-set selection on WRENCH's valid split -------------------------------------
run fit "$W/test.json" -o "$TMP/dev_json.json" --dev-votes "$W/valid.json" --dev-gold "$W/valid.json" -q
expect_status 0 "dev selection with valid.json as votes and gold"
run fit "$Y/test/votes.csv" -o "$TMP/dev_csv.json" --dev-votes "$Y/valid/votes.csv" \
  --dev-gold "$Y/valid/gold.csv" -q
expect_status 0 "dev selection on the CSV splits"
checks=$((checks + 1))
[ "$(grep -o '"chosen": [0-9]*' "$TMP/dev_json.json")" = "$(grep -o '"chosen": [0-9]*' "$TMP/dev_csv.json")" ] ||
  fail "the dev selection chose another candidate from the JSON files"

# --- Bad files: exit 2, the file and the item named, nothing written -------------------
printf '{"0": {"weak_labels": [0, -1]}, "1": {"weak_labels": [1]}}' >"$TMP/short.json"
run fit "$TMP/short.json" -o "$TMP/short.model.json"
expect_status 2 "an item with fewer votes"
expect_err "short.json: item \"1\": 1 vote in \"weak_labels\", expected 2 as in item \"0\"" "short item message"
expect_no_file "$TMP/short.model.json" "no model from a bad file"
printf '{"0": {"weak_labels": [0, "x"]}}' >"$TMP/word.json"
run predict "$TMP/json.json" "$TMP/word.json" -o "$TMP/word.probs.csv"
expect_status 2 "a vote that is not a number"
expect_err "word.json: item \"0\": \"weak_labels\"[1]: \"x\" is not a vote" "bad vote message"
expect_no_file "$TMP/word.probs.csv" "no probabilities from a bad file"
printf '{"0": {"weak_labels": [0, 1]' >"$TMP/cut.json"
run analyze "$TMP/cut.json"
expect_status 2 "a truncated file"
expect_err "cut.json:1:" "truncated file: line and column"
run convert "$W/test.json" "$TMP/back.json"
expect_status 2 "no WRENCH writer"
expect_err "chorus reads WRENCH's .json files but does not write them" "no writer message"
expect_no_file "$TMP/back.json" "no WRENCH file written"
printf '{"doc-a": {"weak_labels": [0, -1]}, "doc-b": {"weak_labels": [-1, 1]}}' >"$TMP/ids.json"
run convert "$TMP/ids.json" "$TMP/ids.chv"
expect_status 0 "convert a WRENCH file to .chv"
run convert "$TMP/ids.chv" "$TMP/ids.triples.csv" --to triples
expect_status 0 "and on to triples"
checks=$((checks + 1))
grep -q '^doc-b,' "$TMP/ids.triples.csv" || fail ".chv keeps the WRENCH file's item ids"

finish
