#!/usr/bin/env bash
# fit -> predict -> eval with majority vote on the shipped WRENCH data reproduces the
# published majority-vote numbers (WRENCH, NeurIPS 2021, label model alone, test split):
# youtube accuracy 84.00, sms F1 23.97, trec accuracy 60.80, spouse F1 20.81.
source "$(dirname "$0")/lib.sh"

# mv_metric DATASET POSITIVE JQ_FIELD -> prints the metric x 100 with two decimals
mv_metric() {
  local ds=$1 split=$2 extra=$3 field=$4
  run fit "$DATA/$ds/$split/votes.csv" --model mv -o "$TMP/$ds.json" -q
  expect_status 0 "fit $ds"
  run predict "$TMP/$ds.json" "$DATA/$ds/$split/votes.csv" -o "$TMP/$ds.csv" -q
  expect_status 0 "predict $ds"
  run eval "$TMP/$ds.csv" "$DATA/$ds/$split/gold.csv" --json $extra
  expect_status 0 "eval $ds"
  python_free_field "$field"
}

# Extracts a top-level number from the eval JSON without needing Python.
python_free_field() {
  grep -o "\"$1\": [0-9.e+-]*" "$TMP/out" | head -1 | awk '{printf "%.2f", $2 * 100}'
}

check() {
  checks=$((checks + 1))
  [ "$2" = "$3" ] || fail "$1: got $2, published $3"
}

check "youtube test accuracy" "$(mv_metric wrench_youtube test "" accuracy)" 84.00
check "sms test F1 (spam)" "$(mv_metric wrench_sms test "--positive 1" positive_f1)" 23.97
check "trec test accuracy" "$(mv_metric wrench_trec test "" accuracy)" 60.80
check "spouse test F1" "$(mv_metric wrench_spouse_test test "--positive 1" positive_f1)" 20.81

# A model fitted on train applies to test (same LFs, checked by name).
run fit "$DATA/wrench_youtube/train/votes.csv" --classes HAM,SPAM -o "$TMP/yt.json" -q
expect_status 0 "fit on train"
run predict "$TMP/yt.json" "$DATA/wrench_youtube/test/votes.csv" -o "$TMP/yt.jsonl" -q
expect_status 0 "predict jsonl"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/yt.jsonl")" -eq 250 ] || fail "jsonl has $(wc -l <"$TMP/yt.jsonl") lines, expected 250"
grep -q '"class": "SPAM"' "$TMP/yt.jsonl" || fail "jsonl lacks class names"
run predict "$TMP/yt.json" "$DATA/wrench_youtube/test/votes.csv" -o "$TMP/yt.npy" -q
expect_status 0 "predict npy"
run eval "$TMP/yt.npy" "$DATA/wrench_youtube/test/gold.csv"
expect_status 0 "eval npy"
expect_out "accuracy" "eval prints a table"

# Applying the model to votes of other LFs is refused.
run predict "$TMP/yt.json" "$DATA/wrench_sms/test/votes.csv" -o "$TMP/wrong.csv"
expect_status 2 "predict with other LFs"
expect_err "fitted on 10 labeling functions but the votes have 73" "LF count mismatch named"
expect_no_file "$TMP/wrong.csv" "no output after a refused predict"

finish
