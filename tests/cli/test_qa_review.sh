#!/usr/bin/env bash
# chorus qa with review files as ANSWERS: items matched to the probabilities' item ids or
# names, several files merged. The probabilities are written by hand, so each item's label
# is known: the class with the larger probability.
source "$(dirname "$0")/lib.sh"

# Items 0..4, labels HAM SPAM HAM SPAM HAM.
cat >"$TMP/probs.csv" <<'CSV'
item,covered,HAM,SPAM
0,1,0.9,0.1
1,1,0.2,0.8
2,1,0.7,0.3
3,1,0.4,0.6
4,1,0.6,0.4
CSV

# json_field KEY: prints a top-level key of the JSON report on stdout.
json_field() {
  /usr/bin/python3 -c "import json,sys; print(json.dumps(json.load(open('$TMP/out'))['$1']))"
}
# expect_counts REVIEWED CORRECT DESCRIPTION: the JSON report's overall counts.
expect_counts() {
  checks=$((checks + 1))
  local got
  got="$(json_field reviewed) $(json_field correct)"
  [ "$got" = "$1 $2" ] || fail "$3: reviewed correct = $got, expected $1 $2"
}

# A CSV review (chorus select's columns): item 0 right, 1 wrong, 3 right, 4 not reviewed.
printf 'item,text,label,answer\n0,hi,HAM,HAM\n1,"win, now",SPAM,HAM\n3,x,SPAM,SPAM\n4,y,HAM,\n' \
  >"$TMP/review.csv"
run qa "$TMP/probs.csv" "$TMP/review.csv" --json
expect_status 0 "qa with a CSV review file"
expect_counts 3 2 "CSV review: items 0 and 3 right, 1 wrong"
checks=$((checks + 1))
[ "$(json_field answers)" = "\"$TMP/review.csv\"" ] || fail "one ANSWERS is its path: $(json_field answers)"

# JSONL, integer and string ids, class indices, null = not reviewed.
printf '{"item": 1, "answer": 1}\n{"item": "2", "answer": "SPAM"}\n{"item": 4, "answer": null}\n{"item": 0}\n' \
  >"$TMP/review.jsonl"
run qa "$TMP/probs.csv" "$TMP/review.jsonl" --json
expect_status 0 "qa with a JSONL review file"
expect_counts 2 1 "JSONL review: item 1 right (SPAM), item 2 wrong"

# Several files merge; the same answer twice is fine.
printf '{"item": 2, "answer": "HAM"}\n{"item": 0, "answer": "HAM"}\n' >"$TMP/more.jsonl"
run qa "$TMP/probs.csv" "$TMP/review.csv" "$TMP/more.jsonl" --json
expect_status 0 "qa with two review files"
expect_counts 4 3 "merged: items 0, 2, 3 right, 1 wrong"
checks=$((checks + 1))
[ "$(json_field answers)" = "[\"$TMP/review.csv\", \"$TMP/more.jsonl\"]" ] ||
  fail "several ANSWERS are an array: $(json_field answers)"
run qa "$TMP/probs.csv" "$TMP/review.csv" "$TMP/more.jsonl"
expect_status 0 "qa table with two review files"
expect_out "4 of 5 items reviewed" "the table counts the merged answers"

# Probabilities of some items only (predict --drop-uncovered): ids 1 and 3 with a gap.
printf 'item,covered,HAM,SPAM\n1,1,0.2,0.8\n3,1,0.9,0.1\n' >"$TMP/gaps.csv"
printf 'item,answer\n3,HAM\n1,HAM\n' >"$TMP/gaps_review.csv"
run qa "$TMP/gaps.csv" "$TMP/gaps_review.csv" --json
expect_status 0 "qa on probabilities with item gaps"
expect_counts 2 1 "gaps: item 3 right (HAM), item 1 wrong"
printf 'item,answer\n2,HAM\n' >"$TMP/gap_item.csv"
run qa "$TMP/gaps.csv" "$TMP/gap_item.csv"
expect_status 2 "an item in the gap"
expect_err "gap_item.csv:2: item '2' is not in the probabilities (its 2 items are numbered 1..3, with gaps)" \
  "names the file, line and id"

# Named items (data ids): matched by name.
printf 'item,covered,HAM,SPAM\nm1,1,0.2,0.8\nm2,1,0.9,0.1\nm3,1,0.5,0.5\n' >"$TMP/named.csv"
printf '{"item": "m2", "answer": "HAM"}\n{"item": "m1", "answer": "HAM"}\n' >"$TMP/named.jsonl"
run qa "$TMP/named.csv" "$TMP/named.jsonl" --json
expect_status 0 "qa on named items"
expect_counts 2 1 "named: m2 right, m1 wrong"
printf '{"item": "m9", "answer": "HAM"}\n' >"$TMP/unknown_name.jsonl"
run qa "$TMP/named.csv" "$TMP/unknown_name.jsonl"
expect_status 2 "an unknown name"
expect_err "unknown_name.jsonl:1: item 'm9' is not in the probabilities" "names the id"

# A one-column CSV of labels is still a gold file (its header is no review header).
printf 'HAM\nHAM\n-1\n-1\nSPAM\n' >"$TMP/gold.csv"
run qa "$TMP/probs.csv" "$TMP/gold.csv" --json
expect_status 0 "a gold file named .csv"
expect_counts 3 1 "gold.csv: item 0 right, 1 and 4 wrong"

# Bad review files: exit 2 naming the file and line, nothing on stdout.
# bad_qa DESCRIPTION MESSAGE ANSWERS...
bad_qa() {
  local what=$1 msg=$2
  shift 2
  run qa "$TMP/probs.csv" "$@"
  expect_status 2 "qa: $what"
  expect_err "$msg" "qa: $what message"
  checks=$((checks + 1))
  [ ! -s "$TMP/out" ] || fail "qa: $what printed a report: $(head -c 200 "$TMP/out")"
}
printf 'item,answer\n0,HAM\n1,SPAM\n' >"$TMP/a.csv"
printf '{"item": 0, "answer": "HAM"}\n{"item": 1, "answer": "HAM"}\n' >"$TMP/b.jsonl"
bad_qa "answers that conflict across files" \
  "$TMP/b.jsonl:2: item '1' is answered 'HAM' here but 'SPAM' at $TMP/a.csv:3" "$TMP/a.csv" "$TMP/b.jsonl"
printf 'item,answer\n0,HAM\n0,SPAM\n' >"$TMP/twice.csv"
bad_qa "the same item twice" "twice.csv:3: item '0' is answered 'SPAM' here but 'HAM' at $TMP/twice.csv:2" \
  "$TMP/twice.csv"
printf 'item,answer\n0,HAM\n7,SPAM\n' >"$TMP/unknown.csv"
bad_qa "an item not in the probabilities" \
  "unknown.csv:3: item '7' is not in the probabilities (its 5 items are numbered 0..4)" "$TMP/unknown.csv"
printf 'item,answer\n0,EGGS\n' >"$TMP/badclass.csv"
bad_qa "an answer that is no class" "badclass.csv:2: item '0': answer 'EGGS'" "$TMP/badclass.csv"
: >"$TMP/empty.jsonl"
bad_qa "an empty JSONL file" "empty.jsonl" "$TMP/empty.jsonl"
printf '{"item": 0, "answer": "HAM"}\n{"item": true}\n' >"$TMP/bool.jsonl"
bad_qa "an item that is a boolean" "bool.jsonl:2: 'item' is a boolean" "$TMP/bool.jsonl"
printf 'item,answer\n2,\n' >"$TMP/unanswered.csv"
bad_qa "nothing answered" "none of the 5 items" "$TMP/unanswered.csv"
bad_qa "a gold file among several ANSWERS" "gold.csv is not a review file" "$TMP/a.csv" "$TMP/gold.csv"

finish
