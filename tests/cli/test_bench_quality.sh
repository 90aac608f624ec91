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
  sed -n '/^On the items with votes alone/,$p' "$TMP/table.md" >"$TMP/covered.md"
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
  for part in main dev covered; do
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
