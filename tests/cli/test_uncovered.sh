#!/usr/bin/env bash
# Items no labeling function voted on ("uncovered") are marked in every output of predict,
# left out by predict --drop-uncovered with the kept rows' ids, and counted by eval, which
# scores only the rows present. Expected values come from awk on the shipped files, not
# from chorus.
source "$(dirname "$0")/lib.sh"

votes=$DATA/wrench_spouse_test/test/votes.csv
gold=$DATA/wrench_spouse_test/test/gold.csv

# Per data row of the votes (CRLF lines): its 0-based item id and 1 if any vote is not -1.
awk -F, 'NR > 1 { sub(/\r$/, ""); c = 0; for (i = 1; i <= NF; i++) if ($i + 0 != -1) c = 1
                  print NR - 2 "," c }' "$votes" >"$TMP/expected_items.csv"
n_items=$(wc -l <"$TMP/expected_items.csv")
n_covered=$(awk -F, '$2 == 1' "$TMP/expected_items.csv" | wc -l)
checks=$((checks + 1))
[ "$n_items" -eq 2701 ] && [ "$n_covered" -eq 750 ] ||
  fail "awk counts $n_items items, $n_covered covered; expected 2701 and 750 (1951 without a vote)"
awk -F, '$2 == 1 { print $1 }' "$TMP/expected_items.csv" >"$TMP/expected_covered_ids"

run fit "$votes" -o "$TMP/m.json" -q
expect_status 0 "fit spouse"

# Every item, with its id and covered flag.
run predict "$TMP/m.json" "$votes" -o "$TMP/all.csv"
expect_status 0 "predict csv"
expect_err "2701 items x 2 classes, 1951 without any vote" "predict counts the uncovered items"
checks=$((checks + 1))
[ "$(head -1 "$TMP/all.csv")" = "item,covered,0,1" ] || fail "csv header: $(head -1 "$TMP/all.csv")"
checks=$((checks + 1))
tail -n +2 "$TMP/all.csv" | cut -d, -f1,2 | cmp -s - "$TMP/expected_items.csv" ||
  fail "csv item,covered columns differ from the votes' rows"

# fit says how many items have no vote (awk's count) and what each gets: the uncovered
# rows' probability in predict's output.
p_uncovered=$(awk -F, 'NR > 1 && $2 == 0 { printf "%.3f", $3; exit }' "$TMP/all.csv")
run fit "$votes" -o "$TMP/m2.json"
expect_status 0 "fit spouse, not quiet"
pct=$(awk -v u=$((n_items - n_covered)) -v n="$n_items" 'BEGIN { printf "%.1f", 100 * u / n }')
expect_err "fit: note: $((n_items - n_covered)) of the $n_items items ($pct%) have no vote; each gets P = $p_uncovered for 0: a guess the votes cannot check" \
  "fit's note on the items without a vote"
checks=$((checks + 1))
cmp -s "$TMP/m.json" "$TMP/m2.json" || fail "the note changed the model"
run fit "$DATA/wrench_tennis_flyingsquid/valid/votes.csv" -o "$TMP/tennis.json"
checks=$((checks + 1))
! grep -q "have no vote" "$TMP/err" || fail "fit noted items without a vote on a set where every item has one"

# A model fitted on the dev labels was fitted on the dev items: fit's first line and the
# note count those, never the dev items' coverage against the training items' number.
# trec: valid has 34 of 500 items without a vote, train 242 of 5033 (awk), both under a
# tenth, so no note either way.
trec=$DATA/wrench_trec
count_uncovered() {
  awk -F, 'NR > 1 { sub(/\r$/, ""); c = 0; for (i = 1; i <= NF; i++) if ($i + 0 != -1) c = 1
                    n++; u += !c } END { print n, u }' "$1"
}
checks=$((checks + 1))
[ "$(count_uncovered "$trec/valid/votes.csv")" = "500 34" ] &&
  [ "$(count_uncovered "$trec/train/votes.csv")" = "5033 242" ] ||
  fail "awk counts trec valid $(count_uncovered "$trec/valid/votes.csv"), train $(count_uncovered "$trec/train/votes.csv")"
run fit "$trec/train/votes.csv" --dev-votes "$trec/valid/votes.csv" --dev-gold "$trec/valid/gold.csv" \
  -o "$TMP/trec_dev.json"
expect_status 0 "fit trec with a dev set"
if grep -q "^chose .* fitted on the dev labels" "$TMP/err"; then
  expect_err "fit onecoin on 500 dev items x 68 labeling functions" "a dev-fitted model names the dev items"
else
  expect_err " on 5033 items x 68 labeling functions" "a model fitted on train names its items"
fi
checks=$((checks + 1))
! grep -q "have no vote" "$TMP/err" || fail "trec with a dev set: $(grep "have no vote" "$TMP/err")"

# Only the covered items, with their ids.
run predict "$TMP/m.json" "$votes" -o "$TMP/kept.csv" --drop-uncovered
expect_status 0 "predict --drop-uncovered"
expect_err "1951 without any vote (dropped)" "predict says it dropped them"
checks=$((checks + 1))
[ "$(($(wc -l <"$TMP/kept.csv") - 1))" -eq 750 ] || fail "kept.csv has $(($(wc -l <"$TMP/kept.csv") - 1)) rows, expected 750"
checks=$((checks + 1))
tail -n +2 "$TMP/kept.csv" | cut -d, -f1 | cmp -s - "$TMP/expected_covered_ids" ||
  fail "kept.csv ids are not the covered rows of the votes"
checks=$((checks + 1))
[ -z "$(tail -n +2 "$TMP/kept.csv" | cut -d, -f2 | grep -v '^1$')" ] || fail "kept.csv has an uncovered row"
# The kept rows are the full output's covered rows, unchanged.
checks=$((checks + 1))
awk -F, 'NR == 1 || $2 == 1' "$TMP/all.csv" | cmp -s - "$TMP/kept.csv" ||
  fail "kept.csv is not the covered rows of all.csv"

# JSONL: "item" and "covered" on every line.
run predict "$TMP/m.json" "$votes" -o "$TMP/all.jsonl"
expect_status 0 "predict jsonl"
checks=$((checks + 1))
sed -E 's/^\{"item": ([0-9]+), "covered": (true|false), .*/\1,\2/' "$TMP/all.jsonl" |
  sed 's/,true$/,1/; s/,false$/,0/' | cmp -s - "$TMP/expected_items.csv" ||
  fail "jsonl item/covered differ from the votes' rows"
run predict "$TMP/m.json" "$votes" -o "$TMP/kept.jsonl" --drop-uncovered -q
expect_status 0 "predict jsonl --drop-uncovered"
checks=$((checks + 1))
sed -E 's/^\{"item": ([0-9]+), "covered": true, .*/\1/' "$TMP/kept.jsonl" |
  cmp -s - "$TMP/expected_covered_ids" || fail "kept.jsonl ids are not the covered rows"

# .npy: the matrix only; the kept rows' ids beside it, and no stale file after a full run.
run predict "$TMP/m.json" "$votes" -o "$TMP/kept.npy" --drop-uncovered -q
expect_status 0 "predict npy --drop-uncovered"
checks=$((checks + 1))
[ "$(head -1 "$TMP/kept.items.csv")" = "item,covered" ] &&
  tail -n +2 "$TMP/kept.items.csv" | cut -d, -f1 | cmp -s - "$TMP/expected_covered_ids" ||
  fail "kept.items.csv does not list the covered items"
checks=$((checks + 1))
head -c 128 "$TMP/kept.npy" | grep -aq "'shape': (750, 2)" || fail "kept.npy is not 750 x 2"
run predict "$TMP/m.json" "$votes" -o "$TMP/kept.npy" -q
expect_status 0 "predict npy"
expect_no_file "$TMP/kept.items.csv" "a full .npy leaves no items file"

# eval: the votes' coverage (750 / 2701), on every format, and only the rows present.
share=$(awk -v c="$n_covered" -v n="$n_items" 'BEGIN { printf "%.4f", c / n }')
for f in all.csv all.jsonl kept.csv kept.jsonl; do
  run eval "$TMP/$f" "$gold"
  expect_status 0 "eval $f"
  expect_out "vote coverage  $share" "eval $f: vote coverage is the share of covered items"
done
run predict "$TMP/m.json" "$votes" -o "$TMP/kept.npy" --drop-uncovered -q
run eval "$TMP/kept.npy" "$gold" --json
expect_status 0 "eval kept.npy"
expect_out '"items": 750,' "eval kept.npy scores the kept rows"
expect_out '"gold_without_prediction": 1951,' "eval kept.npy counts the gold rows without a row"
checks=$((checks + 1))
got=$(grep -o '"vote_coverage": [0-9.e-]*' "$TMP/out" | awk '{print $2}')
awk -v g="$got" -v c="$n_covered" -v n="$n_items" 'BEGIN { d = g - c / n; exit !(d < 1e-12 && d > -1e-12) }' ||
  fail "vote_coverage $got, expected $n_covered / $n_items"

# The scores of the kept rows, from the full output by awk (hard label = the larger
# probability; eval reports no tie here, checked below).
run eval "$TMP/kept.csv" "$gold" --json
expect_out '"tied": 0,' "no tied rows, so awk's argmax is the hard label"
expect_out '"label_coverage": 1.0,' "label coverage stays the share of rows with a label"
tr -d '\r' <"$gold" >"$TMP/gold_lf"
expected_acc=$(awk -F, 'NR == FNR { g[FNR - 1] = $1; next }
  FNR > 1 && $2 == 1 { n++; if ((($4 > $3) ? 1 : 0) == g[$1]) right++ }
  END { printf "%.6f", right / n }' "$TMP/gold_lf" "$TMP/all.csv")
got_acc=$(grep -o '"accuracy": [0-9.e-]*' "$TMP/out" | head -1 | awk '{printf "%.6f", $2}')
check_eq() { checks=$((checks + 1)); [ "$2" = "$3" ] || fail "$1: got $2, expected $3"; }
check_eq "accuracy of the kept rows" "$got_acc" "$expected_acc"
run eval "$TMP/kept.csv" "$gold"
expect_out "no prediction  1951" "the table counts the gold rows without a prediction"
checks=$((checks + 1))
! grep -q "with votes" "$TMP/out" || fail "eval of covered rows only printed a covered-items block"
# The full output scores its covered rows apart too: the same accuracy as awk's above.
run eval "$TMP/all.csv" "$gold" --json
expect_status 0 "eval all.csv --json"
covered_only=$(tr -d ' \n' <"$TMP/out" | grep -o '"covered_only":{[^}]*}')
check_eq "covered_only items" "$(echo "$covered_only" | grep -o '"items":[0-9]*' | cut -d: -f2)" 750
check_eq "covered_only accuracy" \
  "$(echo "$covered_only" | grep -o '"accuracy":[0-9.e-]*' | cut -d: -f2 | awk '{printf "%.6f", $1}')" \
  "$expected_acc"
run eval "$TMP/all.csv" "$gold" --positive 1
expect_out "of them, the 750 with votes (the other 1951 get a guess):" "the table's covered-items block"
run eval "$TMP/all.csv" "$gold" --json --positive 1
tr -d ' \n' <"$TMP/out" | grep -q '"covered_only":{[^}]*"positive_f1":[0-9]' ||
  fail "covered_only has no positive_f1 with --positive"

# The older CSV (class names only) still reads; it does not know coverage.
cut -d, -f3- "$TMP/all.csv" >"$TMP/old.csv"
run eval "$TMP/old.csv" "$gold"
expect_status 0 "eval of the older CSV format"
expect_out "vote coverage  -" "older CSV: vote coverage unknown"
run eval "$TMP/old.csv" "$gold" --json
expect_out '"vote_coverage": null' "older CSV: vote_coverage null in JSON"
expect_out '"gold_without_prediction": 0,' "older CSV: every gold row has a row"

# Bad probabilities: a message naming the file and line, exit 2, nothing on stdout.
bad_probs() {
  local name=$1 text=$2 msg=$3
  printf "$text" >"$TMP/$name"
  run eval "$TMP/$name" "$gold"
  expect_status 2 "eval $name"
  expect_err "$msg" "eval $name message"
  checks=$((checks + 1))
  [ ! -s "$TMP/out" ] || fail "eval $name printed a report"
}
bad_probs ragged.csv 'item,covered,0,1\n0,1,0.5,0.5\n1,1,0.5\n' "ragged.csv:3: 3 fields, expected 4"
bad_probs cov2.csv 'item,covered,0,1\n0,2,0.5,0.5\n' "cov2.csv:2: column 2 (covered): '2' is neither 1"
bad_probs covword.csv 'item,covered,0,1\n0,yes,0.5,0.5\n' "covword.csv:2: column 2 (covered): 'yes'"
bad_probs order.csv 'item,covered,0,1\n3,1,0.5,0.5\n1,1,0.5,0.5\n' "order.csv:3: item 1 comes after item 3"
bad_probs cov.jsonl '{"item": 0, "covered": "yes", "probs": [0.5, 0.5]}\n' 'cov.jsonl:1: "covered" must be true or false'
bad_probs mixed.jsonl '{"item": 0, "covered": true, "probs": [0.5, 0.5]}\n{"item": 1, "probs": [0.5, 0.5]}\n' 'mixed.jsonl:2: "covered" is missing here'
printf 'item,covered\n0,1\n' >"$TMP/kept.items.csv"
run eval "$TMP/kept.npy" "$gold"
expect_status 2 "eval of a .npy whose items file does not match"
expect_err "kept.items.csv: 1 items for 750 rows" "items file mismatch named"
# Ids beyond the gold file.
printf 'item,covered,0,1\n5000,1,0.5,0.5\n' >"$TMP/far.csv"
run eval "$TMP/far.csv" "$gold"
expect_status 2 "eval with an item beyond the gold labels"
expect_err "far.csv has a row for item 5000" "the item without gold is named"

# Arguments and help.
run predict --help
expect_out "--drop-uncovered" "predict --help lists --drop-uncovered"
expect_out "item,covered" "predict --help describes the columns"
run eval --help
expect_out "vote coverage" "eval --help explains vote coverage"

finish
