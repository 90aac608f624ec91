#!/usr/bin/env bash
# Review files: select -> a person fills in answers -> fit/run --review clamps them.
. "$(dirname "$0")/lib.sh"

SPEC=$CHORUS_SOURCE_DIR/labeling_functions/youtube_spam.yaml
TRAIN=$DATA/youtube/train.csv
run apply "$SPEC" "$TRAIN" -o "$TMP/votes.csv" -q
expect_status 0 "apply"
run fit "$TMP/votes.csv" -o "$TMP/model.json" -q
expect_status 0 "fit"

run select "$TMP/model.json" "$TMP/votes.csv" --data "$TRAIN" --spec "$SPEC" -n 12 \
  --strategy margin -o "$TMP/review.csv"
expect_status 0 "select"
checks=$((checks + 1))
[ "$(head -1 "$TMP/review.csv")" = "item,CONTENT,label,confidence,votes,strategy,score,answer" ] ||
  fail "select header: $(head -1 "$TMP/review.csv")"
checks=$((checks + 1))
[ "$(($(wc -l <"$TMP/review.csv") - 1))" -eq 12 ] || fail "select wrote $(wc -l <"$TMP/review.csv") lines"

# The person answers the first 8 rows with the gold label (the CLASS field; the votes'
# classes are 0 = HAM, 1 = SPAM); gold.txt has item i's label on line i + 1.
python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    print(1 if r["CLASS"] == "SPAM" else 0)' "$TRAIN" >"$TMP/gold.txt"
awk 'NR==FNR { gold[NR - 1] = $0; next }
     FNR == 1 { print; next }
     { split($0, f, ","); if (FNR <= 9) print $0 gold[f[1]]; else print }' \
  "$TMP/gold.txt" "$TMP/review.csv" >"$TMP/filled.csv"
run fit "$TMP/votes.csv" --review "$TMP/filled.csv" -o "$TMP/m2.json"
expect_status 0 "fit --review"
expect_out "review answers: 8 clamped; held out over 5 folds" "fit --review reports held-out scores"
expect_out "F1 of 1" "binary: F1 of class 1"
checks=$((checks + 1))
grep -q '"review_answers": 8' "$TMP/m2.json" || fail "model.json lacks review_answers 8"

# predict --review: the answered items get their answers.
run predict "$TMP/m2.json" "$TMP/votes.csv" --review "$TMP/filled.csv" -o "$TMP/p.csv"
expect_status 0 "predict --review"
checks=$((checks + 1))
bad=$(awk -F, 'NR==FNR { if (FNR > 1 && $NF != "") ans[$1] = $NF; next }
  FNR > 1 && ($1 in ans) { lab = ($4 > $3) ? 1 : 0; if (lab != ans[$1]) print $1 }' \
  "$TMP/filled.csv" "$TMP/p.csv")
[ -z "$bad" ] || fail "answered items whose label is not the answer: $bad"

# --exclude: nothing already in the review file is selected again.
run select "$TMP/model.json" "$TMP/votes.csv" -n 12 --strategy margin --exclude "$TMP/filled.csv" \
  -o "$TMP/next.jsonl"
expect_status 0 "select --exclude"
checks=$((checks + 1))
again=$(awk -F, 'NR==FNR { if (FNR > 1) seen[$1] = 1; next }
  { match($0, /"item":[0-9]+/); id = substr($0, RSTART + 7, RLENGTH - 7); if (id in seen) print id }' \
  "$TMP/filled.csv" "$TMP/next.jsonl")
[ -z "$again" ] || fail "select --exclude chose items already listed: $again"

# The same seed gives the same file.
run select "$TMP/model.json" "$TMP/votes.csv" -n 5 --strategy random --seed 3 -o "$TMP/r1.csv"
run select "$TMP/model.json" "$TMP/votes.csv" -n 5 --strategy random --seed 3 -o "$TMP/r2.csv"
checks=$((checks + 1))
cmp -s "$TMP/r1.csv" "$TMP/r2.csv" || fail "select --seed is not repeatable"

# run --review
run run "$SPEC" "$TRAIN" --review "$TMP/filled.csv" -o "$TMP/outdir" -q
expect_status 0 "run --review"
expect_out "review answers: 8 clamped" "run --review reports held-out scores"
expect_out "8 reviewed items left out" "run leaves reviewed items out of the evaluation"

# Bad review files: exit 2, the file and line named, no model written.
bad_review() { # NAME CONTENT MESSAGE
  printf '%b' "$2" >"$TMP/$1"
  run fit "$TMP/votes.csv" --review "$TMP/$1" -o "$TMP/bad.json"
  expect_status 2 "fit --review $1"
  expect_err "$TMP/$1$3" "fit --review $1 names the place"
  expect_no_file "$TMP/bad.json" "fit --review $1"
}
bad_review empty.csv "" ": the file is empty"
bad_review noanswer.csv "item,label\n1,0\n" ":1: no 'answer' column"
bad_review unknown.csv "item,answer\n1,0\n99999,1\n" ":3: item '99999' is not in the data"
bad_review badclass.csv "item,answer\n1,EGGS\n" ":2: item '1': answer 'EGGS'"
bad_review twice.csv "item,answer\n1,0\n2,\n1,1\n" ":4: item '1' is answered '1' here but '0' at"
bad_review bad.jsonl '{"item": 1, "answer": 0}\n{"item": true}\n' ":2: 'item' is a boolean"

# Two files disagreeing: both named.
printf 'item,answer\n5,0\n' >"$TMP/a.csv"
printf '{"item": 5, "answer": 1}\n' >"$TMP/b.jsonl"
run fit "$TMP/votes.csv" --review "$TMP/a.csv" --review "$TMP/b.jsonl" -o "$TMP/bad.json"
expect_status 2 "two files disagree"
expect_err "$TMP/b.jsonl:1: item '5' is answered '1' here but '0' at $TMP/a.csv:2" "both files named"
expect_no_file "$TMP/bad.json" "two files disagree"

# run with a bad review file: exit 2, and no output folder at all.
run run "$SPEC" "$TRAIN" --review "$TMP/badclass.csv" -o "$TMP/badrun"
expect_status 2 "run --review with a bad file"
expect_err "badclass.csv:2: item '1': answer 'EGGS'" "run --review names the place"
checks=$((checks + 1))
[ ! -e "$TMP/badrun" ] || fail "run with a bad review file created its output folder"

# --review against --gold: a contradiction is an error.
awk '{ print (NR == 6 ? 1 : -1) }' "$TMP/gold.txt" >"$TMP/g.txt"
run fit "$TMP/votes.csv" --gold "$TMP/g.txt" --review "$TMP/a.csv" -o "$TMP/bad.json"
expect_status 2 "--gold vs --review"
expect_err "$TMP/a.csv:2: item '5' is answered '0' but its gold label is '1'" "gold conflict named"
expect_no_file "$TMP/bad.json" "--gold vs --review"

run select "$TMP/model.json" "$TMP/votes.csv" --exclude "$TMP/unknown.csv" -o "$TMP/s.csv"
expect_status 2 "select --exclude with an unknown item"
expect_no_file "$TMP/s.csv" "select --exclude bad"
run select "$TMP/model.json" "$TMP/votes.csv" --strategy nope -o "$TMP/s.csv"
expect_status 2 "select --strategy nope"
expect_no_file "$TMP/s.csv" "select --strategy nope"
run select "$TMP/model.json" "$TMP/votes.csv" -o "$TMP/s.txt"
expect_status 2 "select -o with another extension"
expect_err "a review file is .csv or .jsonl" "select -o extension"

finish
