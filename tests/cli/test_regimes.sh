#!/usr/bin/env bash
# The default label model against majority vote on synthetic regimes with known truth
# (the protocol of bench/regimes.sh, smaller): chorus synth draws 2n items, the first n
# are the train split and the last n the test split (same LFs, independent items); fit on
# train without gold, score the test items. Asserted only where the model promises it:
# with independent LFs above chance that are multi-class, one-class (up to 164 sparse ones
# over 9 classes) or a mix, and with copied LFs declared as groups, the default is not
# more than 1 point of accuracy below majority vote; likewise for crowd sets of thousands
# of sparse workers and of hundreds with a few hundred answers each over 5 and 8 classes.
# Fixed seeds, so the numbers are the same on every run.
#
# Mixed sets of one-class and multi-class LFs are asserted too, from 30% one-class LFs up
# (auto fits ds once a fifth of the votes come from one-class LFs), and with copies
# declared.
# One-class sets with a single LF per class (bench/regimes.sh rows 57-60) are asserted for
# what the default promises there: the votes cannot tell a class's size from its LF's
# recall, so every item without a vote gets the uniform distribution, and with it majority
# vote's own tie-break label.
source "$(dirname "$0")/lib.sh"
n=5000

# accuracy MODEL_JSON -> test accuracy x 100, two decimals
accuracy() {
  run predict "$1" "$TMP/test.csv" -o "$TMP/probs.csv" -q
  expect_status 0 "predict $1"
  run eval "$TMP/probs.csv" "$TMP/test_gold.csv" --json
  expect_status 0 "eval $1"
  grep -o '"accuracy": [0-9.e+-]*' "$TMP/out" | head -1 | awk '{printf "%.2f", $2 * 100}'
}

# draw DESCRIPTION SYNTH_ARGS...: 2n items from chorus synth (30 LFs unless the args say),
# split into $TMP/train.csv, test.csv and test_gold.csv; sets header.
draw() {
  local what=$1
  shift
  rm -f "$TMP"/all.csv "$TMP"/train.csv "$TMP"/test.csv "$TMP"/*.json
  run synth -q -n $((2 * n)) -m 30 "$@" -o "$TMP/all.csv" --gold "$TMP/all_gold.csv"
  expect_status 0 "synth $what"
  header=$(head -1 "$TMP/all.csv")
  { echo "$header"; sed -n "2,$((n + 1))p" "$TMP/all.csv"; } >"$TMP/train.csv"
  { echo "$header"; tail -n +$((n + 2)) "$TMP/all.csv"; } >"$TMP/test.csv"
  tail -n +$((n + 1)) "$TMP/all_gold.csv" >"$TMP/test_gold.csv"
  checks=$((checks + 1))
  if [ "$(wc -l <"$TMP/test.csv")" -ne $((n + 1)) ] || [ "$(wc -l <"$TMP/test_gold.csv")" -ne "$n" ]; then
    fail "$what: the test split is not $n items"
  fi
}

# expect_uncovered_probs WHAT PROBS: $TMP/default.jsonl has more than 1000 uncovered test
# items (counted in $uncovered), each with exactly these probabilities ("0.5, 0.5").
expect_uncovered_probs() {
  checks=$((checks + 1))
  uncovered=$(grep -c '"covered": false' "$TMP/default.jsonl")
  [ "$uncovered" -gt 1000 ] || fail "$1: only $uncovered uncovered test items"
  checks=$((checks + 1))
  local bad
  bad=$(grep '"covered": false' "$TMP/default.jsonl" | grep -vcF "\"probs\": [$2]")
  [ "$bad" -eq 0 ] || fail "$1: $bad uncovered items without the probabilities [$2]"
}

# regime DESCRIPTION GROUPS SYNTH_ARGS...: GROUPS is G:C to declare the G groups of C
# copies that --copies G:C plants (LFs 0..G*C-1, names from the votes header) to the
# default's fit, or -.
regime() {
  local what=$1 groups=$2 mv default
  shift 2
  draw "$what" "$@"

  if [ "$groups" != - ]; then
    awk -F, -v spec="$groups" 'NR == 1 { split(spec, f, ":")
      for (g = 0; g < f[1]; g++) { line = ""; for (c = 1; c <= f[2]; c++) line = line (c > 1 ? "," : "") $(g * f[2] + c); print line } }' \
      <<<"$header" >"$TMP/groups.txt"
    checks=$((checks + 1))
    [ "$(head -1 "$TMP/groups.txt")" = "lf0,lf1,lf2,lf3" ] || fail "$what: first group $(head -1 "$TMP/groups.txt")"
  fi

  run fit "$TMP/train.csv" -o "$TMP/mv.json" -q --model mv
  expect_status 0 "fit mv on $what"
  mv=$(accuracy "$TMP/mv.json")
  if [ "$groups" = - ]; then
    run fit "$TMP/train.csv" -o "$TMP/default.json" -q
  else
    run fit "$TMP/train.csv" -o "$TMP/default.json" -q --groups "$TMP/groups.txt"
  fi
  expect_status 0 "fit default on $what"
  default=$(accuracy "$TMP/default.json")
  checks=$((checks + 1))
  awk -v d="$default" -v m="$mv" 'BEGIN { exit !(d >= m - 1) }' ||
    fail "$what: default $default below majority vote $mv - 1"
  echo "$what: default $default, majority vote $mv"
}

# Independent multi-class LFs (crowd workers, models), accuracies 0.6-0.9.
regime "multi-class, K = 2" - --lf-kind multi-class -k 2 --seed 11
regime "multi-class, K = 4" - --lf-kind multi-class -k 4 --seed 12
regime "multi-class, K = 10" - --lf-kind multi-class -k 10 --seed 13
regime "multi-class, K = 2, imbalance 5" - --lf-kind multi-class -k 2 --imbalance 5 --seed 14
regime "multi-class, K = 2, sparse (m = 100)" - --lf-kind multi-class -k 2 -m 100 --coverage 0.005:0.05 --seed 17

# Independent one-class LFs (keyword and regex rules), precisions 0.6-0.9.
regime "one-class, K = 2" - --lf-kind one-class -k 2 --seed 31
regime "one-class, K = 4" - --lf-kind one-class -k 4 --seed 32
regime "one-class, K = 2, imbalance 5" - --lf-kind one-class -k 2 --imbalance 5 --seed 34
regime "one-class, K = 2, sparse (m = 100)" - --lf-kind one-class -k 2 -m 100 --coverage 0.005:0.05 --seed 37
# The same with the narrow rules the precise ones: the model keeps its own ties.
regime "one-class, K = 2, narrow precise" - --lf-kind one-class -k 2 --narrow-precise --seed 41

# Shaped like the larger WRENCH-style sets: 9 classes, 164 sparse one-class LFs (about one
# vote per item), balanced and 10:1.
regime "one-class, K = 9, sparse (m = 164)" - --lf-kind one-class -k 9 -m 164 --coverage 0.002:0.03 --accuracy 0.5:0.95 --seed 61
regime "one-class, K = 9, sparse (m = 164), imbalance 10" - --lf-kind one-class -k 9 -m 164 --coverage 0.002:0.03 --accuracy 0.4:0.9 --imbalance 10 --seed 63
# The same at the size of a corpus labelled by keyword rules, 2000 items, where each LF
# casts ten or twenty votes: too few for a firing rate per class, and auto fits class-acc.
n=2000
regime "one-class, K = 7, 2000 items (m = 200)" - --lf-kind one-class -k 7 -m 200 --coverage 0.002:0.02 --accuracy 0.4:0.9 --seed 73
checks=$((checks + 1))
grep -q '"model": "class-acc"' "$TMP/default.json" || fail "200 sparse rules: the default did not fit class-acc"
n=5000
# 20 undeclared groups of four correlated LFs among them: the model alone is 20 points
# below majority vote there, and the unanimous-vote check must see it.
regime "one-class, K = 9, sparse (m = 164), correlated 20:4:0.7, undeclared" - --lf-kind one-class -k 9 -m 164 --coverage 0.002:0.03 --accuracy 0.5:0.95 --correlated 20:4:0.7 --seed 64

# Five groups of four exact copies (LFs 0-19), declared to the fit.
regime "multi-class, copies 5:4, groups declared" 5:4 --lf-kind multi-class -k 2 --copies 5:4 --seed 19
regime "one-class, copies 5:4, groups declared" 5:4 --lf-kind one-class -k 2 --copies 5:4 --seed 38
regime "mixed:0.5, copies 5:4, groups declared" 5:4 --lf-kind mixed:0.5 -k 2 --copies 5:4 --seed 55

# Mixed sets: 30%, 40% and 50% of the LFs one-class.
regime "mixed:0.3, K = 2" - --lf-kind mixed:0.3 -k 2 --seed 57
regime "mixed:0.4, K = 2" - --lf-kind mixed:0.4 -k 2 --seed 57
regime "mixed:0.5, K = 4, imbalance 5" - --lf-kind mixed:0.5 -k 4 --imbalance 5 --seed 52

# Undeclared dependence, where the model alone is below majority vote and the default's
# held-out-LF check must see it (README "Label model", the second part of the safety net).
regime "one-class, correlated 5:4:0.7, undeclared" - --lf-kind one-class -k 2 --correlated 5:4:0.7 --seed 39
regime "mixed:0.5, copies 5:4, undeclared" - --lf-kind mixed:0.5 -k 2 --copies 5:4 --seed 55
regime "one-class, narrow precise, correlated 5:4:0.7, undeclared" - --lf-kind one-class -k 2 --narrow-precise --correlated 5:4:0.7 --seed 42

# One one-class LF per class (K = 5, as bench/regimes.sh row 57): on the items without a
# vote the default's probabilities are uniform and its labels are majority vote's, item
# for item; the fit and analyze say why.
n=5000
draw "one LF per class" -m 5 -k 5 --lf-kind one-class --coverage 0.03:0.25 --accuracy 0.3:0.8 --seed 101
run fit "$TMP/train.csv" -o "$TMP/mv.json" -q --model mv
expect_status 0 "fit mv, one LF per class"
run fit "$TMP/train.csv" -o "$TMP/default.json"
expect_status 0 "fit default, one LF per class"
expect_err "5 classes have at most one labeling function voting for them (0, 1, 2, 3, 4)" "fit names the one-LF classes"
run analyze "$TMP/train.csv" --model "$TMP/default.json"
expect_status 0 "analyze, one LF per class"
expect_out "one-LF classes             0, 1, 2, 3, 4" "analyze names the one-LF classes"
for m in mv default; do
  run predict "$TMP/$m.json" "$TMP/test.csv" -o "$TMP/$m.jsonl" -q
  expect_status 0 "predict $m, one LF per class"
done
expect_uncovered_probs "one LF per class" '0.2, 0.2, 0.2, 0.2, 0.2'
checks=$((checks + 1))
paste -d'|' "$TMP/mv.jsonl" "$TMP/default.jsonl" | awk -F'|' '
  /"covered": false/ { a = $1; b = $2; sub(/.*"label": /, "", a); sub(/,.*/, "", a)
    sub(/.*"label": /, "", b); sub(/,.*/, "", b); n++; if (a != b) d++ }
  END { if (n == 0 || d > 0) { print n + 0, d + 0; exit 1 } }' >"$TMP/diff.txt" ||
  fail "one LF per class: uncovered labels differ from majority vote's: $(cat "$TMP/diff.txt") (items, differing)"
echo "one LF per class: $uncovered uncovered test items, uniform, majority vote's labels"

# Two classes, three sparse rules, two of them for class 1 (bench/one_class_grid.py, K = 2
# at 1.5 LFs per class): with the class prior moved to 1/2 the other class wins the items
# without votes at no cost in likelihood, so the votes do not settle them, and the default
# leaves them to the coin (it was 9 points below majority vote handing them all to one
# class).
n=4000
regime "one-class, K = 2, 3 LFs, the uncovered split unsettled" - -m 3 -k 2 --lf-kind one-class --coverage 0.03:0.25 --accuracy 0.55:0.9 --seed 201
run fit "$TMP/train.csv" -o "$TMP/default.json"
expect_status 0 "fit default, uncovered split unsettled"
expect_err "the votes do not settle which of 2 classes (0, 1) the items without votes belong to" "fit names the unsettled classes"
run analyze "$TMP/train.csv" --model "$TMP/default.json"
expect_status 0 "analyze, uncovered split unsettled"
expect_out "unsettled uncovered split  0, 1" "analyze names the unsettled classes"
run report "$TMP/train.csv" --model "$TMP/default.json" -o "$TMP/report.html"
expect_status 0 "report, uncovered split unsettled"
checks=$((checks + 1))
grep -q "<li>The votes do not settle which of 2 classes (0, 1) the items without votes belong to" "$TMP/report.html" ||
  fail "the report does not name the unsettled classes"
run predict "$TMP/default.json" "$TMP/test.csv" -o "$TMP/default.jsonl" -q
expect_status 0 "predict default, uncovered split unsettled"
expect_uncovered_probs "uncovered split" '0.5, 0.5'
echo "uncovered split unsettled: $uncovered uncovered test items, equal shares"

# Crowd sets of sparse workers (2000 items, thousands of workers with 1 to 6 answers each,
# about 5 per item): a confusion table per worker is fitted to a handful of answers, and
# the default must see it and refit with one table shared by those workers (README "Label
# model").
n=2000
regime "crowd, 2500 sparse workers, K = 2" - --lf-kind multi-class -k 2 -m 2500 --coverage 0.001:0.003 --seed 81
checks=$((checks + 1))
grep -q '"model": "pooled"' "$TMP/default.json" || fail "sparse workers: the default did not refit pooled"
# analyze says so, and lists the agreement of the first 50 of the 2500 workers by name.
run analyze "$TMP/train.csv" --model "$TMP/default.json"
expect_status 0 "analyze the sparse workers' model"
expect_out "refitted as pooled" "analyze names the pooled refit"
expect_out "... and 2450 more (model.json: check.lf_agreement)" "analyze caps the agreement line"
regime "crowd, 2500 sparse workers, K = 4" - --lf-kind multi-class -k 4 -m 2500 --coverage 0.001:0.003 --seed 82
regime "crowd, 5000 sparse workers, K = 2, imbalance 20" - --lf-kind multi-class -k 2 --imbalance 20 -m 5000 --coverage 0.0005:0.0015 --seed 84

# Workers with a few hundred answers each over five or eight classes (bench/regimes.sh rows
# 64-66): too few for a confusion table each, which the other checks do not see; the
# default measures on hidden answers which model they support and says what it chose.
n=4000
regime "crowd, 200 workers, K = 5, accuracy per class" - --lf-kind multi-class -k 5 -m 200 --coverage 0.01:0.04 --accuracy 0.3:0.95 --class-accuracy --seed 121
run fit "$TMP/train.csv" -o "$TMP/default.json"
expect_status 0 "fit the five-class crowd"
expect_err "fitted first as ds-noabstain; with the votes dealt into folds" "fit says it moved off ds-noabstain"
expect_err "labels name the hidden votes: ds-noabstain " "fit gives each model's agreement"
run analyze "$TMP/train.csv" --model "$TMP/default.json"
expect_status 0 "analyze the five-class crowd's model"
expect_out "hidden votes named         ds-noabstain " "analyze gives the held-out-vote agreement"
regime "crowd, 400 workers, K = 8" - --lf-kind multi-class -k 8 -m 400 --coverage 0.005:0.02 --accuracy 0.4:0.99 --seed 123
finish
