#!/usr/bin/env bash
# bench/quality.sh: bash -n and shellcheck (when installed) clean, and one run prints the
# full table: a row per dataset, every row as many cells as the header, none empty.
source "$(dirname "$0")/lib.sh"
script=$CHORUS_SOURCE_DIR/bench/quality.sh

checks=$((checks + 1))
bash -n "$script" || fail "bash -n $script"
if command -v shellcheck >/dev/null; then
  checks=$((checks + 1))
  shellcheck "$script" || fail "shellcheck $script"
else
  echo "shellcheck not installed: skipped"
fi

checks=$((checks + 1))
if bash "$script" "$CHORUS" >"$TMP/table.md" 2>"$TMP/err"; then
  # The main table, then the dev-set table after the line that introduces it.
  sed '/^With a labelled dev set/,$d' "$TMP/table.md" >"$TMP/main.md"
  sed -n '/^With a labelled dev set/,/^On the items with votes alone/p' "$TMP/table.md" >"$TMP/dev.md"
  sed -n '/^On the items with votes alone/,/^On the fitted items without a vote/p' "$TMP/table.md" >"$TMP/covered.md"
  sed -n '/^On the fitted items without a vote/,$p' "$TMP/table.md" >"$TMP/uncovered.md"
  rows=$(grep -c '^| ' "$TMP/main.md")
  checks=$((checks + 1))
  [ "$rows" -eq 13 ] || fail "quality.sh: $rows table lines, expected header + 12 datasets"
  rows=$(grep -c '^| ' "$TMP/dev.md")
  checks=$((checks + 1))
  [ "$rows" -eq 6 ] || fail "quality.sh: $rows dev-set table lines, expected header + 5 rows"
  rows=$(grep -c '^| ' "$TMP/covered.md")
  checks=$((checks + 1))
  [ "$rows" -eq 13 ] || fail "quality.sh: $rows items-with-votes table lines, expected header + 12"
  # The spouse test split: 750 of its 2701 items have a vote (counted by awk).
  spouse=$CHORUS_SOURCE_DIR/datasets/wrench_spouse_test/test/votes.csv
  covered=$(awk -F, 'NR > 1 { sub(/\r$/, ""); for (i = 1; i <= NF; i++) if ($i + 0 != -1) { n++; break } } END { print n }' "$spouse")
  checks=$((checks + 1))
  grep -q "^| spouse F1 (fit on test) | $covered / 2701 |" "$TMP/covered.md" ||
    fail "quality.sh: the spouse row does not count $covered of 2701 items with votes"
  rows=$(grep -c '^| ' "$TMP/uncovered.md")
  checks=$((checks + 1))
  [ "$rows" -eq 6 ] || fail "quality.sh: $rows items-without-a-vote table lines, expected header + 5"
  # trec's train split: 242 of its 5033 items have no vote, 96 of them of class 0 and 34
  # of class 5 (counted by awk from the votes and the gold).
  trec=$CHORUS_SOURCE_DIR/datasets/wrench_trec/train
  counts=$(awk -F, 'NR == FNR { g[FNR] = $1; next }
                    FNR > 1 { sub(/\r$/, ""); c = 0; for (i = 1; i <= NF; i++) if ($i + 0 != -1) c = 1
                              if (!c) { u++; n[g[FNR - 1]]++ } }
                    END { printf "%d %d %d", u, n[0], n[5] }' "$trec/gold.csv" "$trec/votes.csv")
  checks=$((checks + 1))
  [ "$counts" = "242 96 34" ] || fail "awk counts trec train's items without a vote as $counts"
  checks=$((checks + 1))
  grep -q "^| trec | 242 / 5033 | 5 | [0-9.]* | $(awk 'BEGIN { printf "%.3f", 34 / 242 }') | 0 ($(awk 'BEGIN { printf "%.3f", 96 / 242 }')) |$" "$TMP/uncovered.md" ||
    fail "quality.sh: the trec row of the items without a vote: $(grep '^| trec' "$TMP/uncovered.md")"
  for part in main dev covered uncovered; do
    checks=$((checks + 1))
    awk -F'|' '/^\| / { if (!n) n = NF; if (NF != n) exit 1; for (i = 2; i < NF; i++) if ($i ~ /^ *$/) exit 1 }' \
      "$TMP/$part.md" || fail "quality.sh: ragged row or empty cell: $(cat "$TMP/$part.md")"
  done
  expect_summary() {
    checks=$((checks + 1))
    grep -qF -- "$1" "$TMP/table.md" || fail "quality.sh: no line '$1'"
  }
  expect_summary "- mean over the 6 WRENCH LF sets: chorus default"
  expect_summary "- mean over the 12 rows of all sets"
  expect_summary "- chorus default below MV − 0.5 on"
else
  fail "quality.sh failed: $(head -c 500 "$TMP/err")"
fi
finish
