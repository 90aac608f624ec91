#!/usr/bin/env bash
# chorus analyze --groups: the prompt sensitivity of variant groups, on a matrix whose
# numbers are worked out by hand in tests/unit/test_prompt_sensitivity.c (v1, v2, v3 are
# one prompt in three wordings, kw an LF of its own).
source "$(dirname "$0")/lib.sh"

printf 'v1,v2,v3,kw\n1,1,1,1\n0,0,1,-1\n1,0,-1,-1\n0,0,0,-1\n-1,1,1,0\n0,-1,-1,-1\n' >"$TMP/votes.csv"
printf '1\n0\n0\n0\n1\n1\n' >"$TMP/gold.csv"
printf 'v1,v2,v3\n' >"$TMP/groups.txt"

run analyze "$TMP/votes.csv" --gold "$TMP/gold.csv" --groups "$TMP/groups.txt"
expect_status 0 "analyze --groups"
expect_out "prompt variants, group 1: answers flip on 0.4000 (2 of 5 items two or more variants vote on)" \
  "the flip share"
expect_out "v1 ~ v2: 4 items both vote on, agreement 0.7500, kappa 0.5000" "v1 ~ v2"
expect_out "v1 ~ v3: 3 items both vote on, agreement 0.6667, kappa 0.4000" "v1 ~ v3"
checks=$((checks + 1))
grep -qE '^v3 +0\.6667 +0\.7500 +0\.4000 +0\.5000 +1\.0000$' "$TMP/out" ||
  fail "the row of v3 (coverage, accuracy, kappas): $(cat "$TMP/out")"
expect_out "emp.acc" "the LF table is still there"

run analyze "$TMP/votes.csv" --groups "$TMP/groups.txt" --csv
expect_status 0 "analyze --groups --csv"
checks=$((checks + 1))
[ "$(head -1 "$TMP/out")" = "group,lf_a,lf_b,items_both,agreement,kappa,coverage_a,coverage_b,accuracy_a,accuracy_b,flip_rate" ] ||
  fail "CSV header: $(head -1 "$TMP/out")"
checks=$((checks + 1))
[ "$(grep -c . "$TMP/out")" = 4 ] || fail "CSV rows (3 pairs): $(cat "$TMP/out")"
expect_out "1,v2,v3,4,0.75,0.5," "a pair row"

run analyze "$TMP/votes.csv" --gold "$TMP/gold.csv" --groups "$TMP/groups.txt" --json
expect_status 0 "analyze --groups --json"
expect_out '"prompt_variants": [' "the JSON key"
expect_out '"flip_rate": 0.4' "the flip share in JSON"
expect_out '"accuracy": 0.75' "an accuracy in JSON"

# Review answers count as gold labels: the same answers as gold.csv give the same table,
# and half of them with the other half as gold too; an answer against gold is an error.
printf 'item,answer\n0,1\n1,0\n2,0\n3,0\n4,1\n5,1\n' >"$TMP/review.csv"
run analyze "$TMP/votes.csv" --gold "$TMP/gold.csv" --groups "$TMP/groups.txt"
grep -E '^(v[123] |  v)' "$TMP/out" >"$TMP/by_gold.txt"
run analyze "$TMP/votes.csv" --review "$TMP/review.csv" --groups "$TMP/groups.txt"
expect_status 0 "analyze --review --groups"
checks=$((checks + 1))
[ "$(grep -E '^(v[123] |  v)' "$TMP/out")" = "$(cat "$TMP/by_gold.txt")" ] ||
  fail "review answers as gold: $(cat "$TMP/out")"
printf 'item,answer\n0,1\n1,0\n2,0\n' >"$TMP/half_review.csv"
printf -- '-1\n-1\n-1\n0\n1\n1\n' >"$TMP/half_gold.csv"
run analyze "$TMP/votes.csv" --gold "$TMP/half_gold.csv" --review "$TMP/half_review.csv" \
  --groups "$TMP/groups.txt"
expect_status 0 "analyze --gold --review, each half of the labels"
checks=$((checks + 1))
[ "$(grep -E '^(v[123] |  v)' "$TMP/out")" = "$(cat "$TMP/by_gold.txt")" ] ||
  fail "gold and review answers merged: $(cat "$TMP/out")"
printf 'item,answer\n0,0\n' >"$TMP/against.csv"
run analyze "$TMP/votes.csv" --gold "$TMP/gold.csv" --review "$TMP/against.csv"
expect_status 2 "a review answer against a gold label"
expect_err "against.csv:2: item '0' is answered '0' but its gold label is '1'" "the contradiction named"

# Without --groups the output is as before.
run analyze "$TMP/votes.csv" --json
checks=$((checks + 1))
grep -q prompt_variants "$TMP/out" && fail "prompt_variants without --groups"

# A groups file naming an LF the votes lack: exit 2 naming the file and line.
printf 'v1,v2\nv1,nope\n' >"$TMP/bad_groups.txt"
run analyze "$TMP/votes.csv" --groups "$TMP/bad_groups.txt"
expect_status 2 "a groups file with an unknown LF"
expect_err "bad_groups.txt:2" "names the groups file and line"

finish
