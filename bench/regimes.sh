#!/usr/bin/env bash
# Label quality across synthetic regimes with known truth, as one markdown table: for each
# regime, majority vote and the chorus default (no --model) fitted on a train matrix and
# scored on a test matrix drawn from the same LFs, then summary lines.
#
# Usage: bench/regimes.sh [CHORUS]
#   CHORUS defaults to build/chorus. CHORUS_REGIMES_N sets the items per split (default
#   20000), for a quicker look.
#
# Protocol: `chorus synth` draws 2n items; the LFs' parameters come from the seed alone and
# every item from its own random stream, so the first n rows (train) and the last n (test)
# are independent draws from the same LFs. Fit on train without gold, predict every test
# item (items without votes included), score with `chorus eval` (hash tie-break), x 100.
# "ds on train gold" is `--model ds` fitted with every train label clamped (its parameters
# estimated from the truth): what a conditionally independent model gets with its
# parameters known, a reference for the label-free fits. "chosen model kept" is the model
# the default chose, fitted with --model so that its gold-free check cannot replace it by
# majority vote: it differs from the default only where the default fell back.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
# OpenMP threads that spin while waiting make each small fit much slower when another
# process holds a core; results are the same for any threading.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
n=${CHORUS_REGIMES_N:-20000}
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-regimes-XXXXXX")
trap 'rm -rf "$work"' EXIT

# One regime per line: chorus synth options (besides -n, -o, --gold, --lf-truth), then
# "+groups" to declare the planted copies / correlated groups to the default fit (`chorus
# fit --groups`), "+n N" to draw N items per split for that row instead of n, and last
# "+beside" with the LF options of a second draw (rows 52-56, below). Unless given: -m 30,
# --coverage 0.1:0.3, --accuracy 0.6:0.9, balanced classes, independent LFs, accuracy drawn independently of coverage
# (--narrow-precise ties them: the rarest LF the most precise). Rows 42-47 are shaped like
# the larger WRENCH-style sets: 9 classes and 164 sparse one-class LFs, 10 classes and 26,
# 5-7 classes and a dozen gazetteer-like rules, with LFs down to accuracy 0.3. Rows 48-51
# are crowd sets of sparse workers: thousands of workers with 1 to 6 answers each ("+n N":
# this row's items per split, N = 2000 or 4000 as in a crowd set), about 5 answers per item
# (row 51: 1, a third of the items unanswered). Rows 52-56 put a few prolific workers
# beside such sparse ones ("+beside ARGS": a second draw of the same items, the same seed,
# classes and balance, with these LF options, its columns beside the first's). Rows 57-60
# have one one-class LF per class, where the votes cannot tell a class's size from its LF's
# recall (README, "Uncovered items"). Rows 61-63 are the many-keyword sets of rows 42-47 at
# the size of a labelled-by-rules corpus of two thousand items, where each LF casts ten or
# twenty votes (README, "Label model": why auto fits class-acc there). Rows 64-66 are crowd
# sets of workers with a few hundred answers over five or eight classes, too few for a
# confusion table each (README, "Label model": the held-out-vote choice).
regimes=(
  "--lf-kind multi-class -k 2 --seed 11"
  "--lf-kind multi-class -k 4 --seed 12"
  "--lf-kind multi-class -k 10 --seed 13"
  "--lf-kind multi-class -k 2 --imbalance 5 --seed 14"
  "--lf-kind multi-class -k 2 --imbalance 20 --seed 15"
  "--lf-kind multi-class -k 4 --imbalance 20 --seed 16"
  "--lf-kind multi-class -k 2 -m 100 --coverage 0.005:0.05 --seed 17"
  "--lf-kind multi-class -k 4 -m 100 --coverage 0.005:0.05 --seed 18"
  "--lf-kind multi-class -k 2 --copies 5:4 --seed 19"
  "--lf-kind multi-class -k 2 --copies 5:4 --seed 19 +groups"
  "--lf-kind multi-class -k 2 --correlated 5:4:0.7 --seed 20"
  "--lf-kind multi-class -k 2 --correlated 5:4:0.7 --seed 20 +groups"
  "--lf-kind multi-class -k 2 --adversarial 0.2 --seed 21"
  "--lf-kind multi-class -k 4 --adversarial 0.2 --seed 22"
  "--lf-kind one-class -k 2 --seed 31"
  "--lf-kind one-class -k 4 --seed 32"
  "--lf-kind one-class -k 10 --seed 33"
  "--lf-kind one-class -k 2 --imbalance 5 --seed 34"
  "--lf-kind one-class -k 2 --imbalance 20 --seed 35"
  "--lf-kind one-class -k 2 --imbalance 20 --coverage 0.01:0.05 --seed 35"
  "--lf-kind one-class -k 4 --imbalance 5 --seed 36"
  "--lf-kind one-class -k 2 -m 100 --coverage 0.005:0.05 --seed 37"
  "--lf-kind one-class -k 2 --copies 5:4 --seed 38"
  "--lf-kind one-class -k 2 --copies 5:4 --seed 38 +groups"
  "--lf-kind one-class -k 2 --correlated 5:4:0.7 --seed 39"
  "--lf-kind one-class -k 2 --correlated 5:4:0.7 --seed 39 +groups"
  "--lf-kind one-class -k 2 --adversarial 0.2 --seed 40"
  "--lf-kind mixed:0.3 -k 2 --seed 57"
  "--lf-kind mixed:0.4 -k 2 --seed 57"
  "--lf-kind mixed:0.5 -k 2 --seed 51"
  "--lf-kind mixed:0.7 -k 2 --seed 58"
  "--lf-kind mixed:0.5 -k 4 --imbalance 5 --seed 52"
  "--lf-kind mixed:0.5 -k 10 --seed 53"
  "--lf-kind mixed:0.5 -k 2 -m 100 --coverage 0.005:0.05 --seed 54"
  "--lf-kind mixed:0.5 -k 2 --copies 5:4 --seed 55"
  "--lf-kind mixed:0.5 -k 2 --copies 5:4 --seed 55 +groups"
  "--lf-kind mixed:0.5 -k 2 --adversarial 0.2 --seed 56"
  "--lf-kind one-class -k 2 --narrow-precise --seed 41"
  "--lf-kind one-class -k 2 --narrow-precise --correlated 5:4:0.7 --seed 42"
  "--lf-kind one-class -k 6 --narrow-precise --correlated 5:4:0.7 --coverage 0.01:0.1 --seed 43"
  "--lf-kind one-class -k 6 --narrow-precise --copies 5:3 --coverage 0.01:0.1 --seed 44"
  "--lf-kind one-class -k 9 -m 164 --coverage 0.002:0.03 --accuracy 0.5:0.95 --seed 61"
  "--lf-kind one-class -k 9 -m 164 --coverage 0.002:0.03 --accuracy 0.4:0.9 --imbalance 10 --seed 63"
  "--lf-kind one-class -k 9 -m 164 --coverage 0.002:0.03 --accuracy 0.5:0.95 --correlated 20:4:0.7 --seed 64"
  "--lf-kind one-class -k 10 -m 26 --coverage 0.01:0.1 --accuracy 0.3:0.8 --imbalance 10 --seed 66"
  "--lf-kind one-class -k 7 -m 14 --coverage 0.02:0.15 --accuracy 0.4:0.9 --imbalance 5 --seed 68"
  "--lf-kind one-class -k 5 -m 12 --coverage 0.02:0.15 --accuracy 0.4:0.9 --correlated 2:3:0.8 --seed 70"
  "--lf-kind multi-class -k 2 -m 2500 --coverage 0.001:0.003 --seed 81 +n 2000"
  "--lf-kind multi-class -k 4 -m 2500 --coverage 0.001:0.003 --seed 82 +n 2000"
  "--lf-kind multi-class -k 2 --imbalance 20 -m 5000 --coverage 0.0005:0.0015 --seed 84 +n 2000"
  "--lf-kind multi-class -k 2 --imbalance 20 -m 1000 --coverage 0.0005:0.0015 --seed 86 +n 4000"
  "--lf-kind multi-class -k 2 -m 10 --coverage 0.05:0.2 --accuracy 0.55:0.95 --seed 91 +n 2000 +beside -m 2500 --coverage 0.0005:0.0015 --accuracy 0.55:0.95"
  "--lf-kind multi-class -k 2 --imbalance 20 -m 10 --coverage 0.05:0.2 --accuracy 0.55:0.95 --seed 92 +n 2000 +beside -m 2500 --coverage 0.0005:0.0015 --accuracy 0.55:0.95"
  "--lf-kind multi-class -k 2 -m 5 --coverage 0.1:0.3 --accuracy 0.55:0.95 --seed 93 +n 2000 +beside -m 1000 --coverage 0.001:0.003 --accuracy 0.55:0.95"
  "--lf-kind multi-class -k 2 -m 20 --coverage 0.1:0.3 --accuracy 0.55:0.95 --seed 94 +n 2000 +beside -m 1000 --coverage 0.0005:0.001 --accuracy 0.55:0.95"
  "--lf-kind multi-class -k 4 -m 10 --coverage 0.05:0.2 --accuracy 0.55:0.95 --seed 95 +n 2000 +beside -m 2500 --coverage 0.0005:0.0015 --accuracy 0.55:0.95"
  "--lf-kind one-class -k 5 -m 5 --coverage 0.03:0.25 --accuracy 0.3:0.8 --seed 101 +n 5000"
  "--lf-kind one-class -k 7 -m 7 --coverage 0.03:0.25 --accuracy 0.3:0.8 --imbalance 5 --seed 116 +n 5000"
  "--lf-kind one-class -k 2 -m 2 --coverage 0.01:0.05 --accuracy 0.55:0.9 --imbalance 5 --seed 302 +n 4000"
  "--lf-kind one-class -k 3 -m 3 --coverage 0.01:0.05 --accuracy 0.3:0.8 --imbalance 5 --seed 318 +n 4000"
  "--lf-kind one-class -k 9 -m 164 --coverage 0.002:0.012 --accuracy 0.5:0.95 --imbalance 3 --seed 501 +n 2000"
  "--lf-kind one-class -k 7 -m 200 --coverage 0.002:0.02 --accuracy 0.4:0.9 --seed 73 +n 2000"
  "--lf-kind one-class -k 5 -m 150 --coverage 0.002:0.02 --accuracy 0.4:0.9 --seed 71 +n 2000"
  "--lf-kind multi-class -k 5 -m 200 --coverage 0.01:0.04 --accuracy 0.3:0.95 --class-accuracy --seed 121 +n 4000"
  "--lf-kind multi-class -k 5 -m 200 --coverage 0.01:0.04 --accuracy 0.55:0.9 --class-accuracy --imbalance 5 --seed 122 +n 4000"
  "--lf-kind multi-class -k 8 -m 400 --coverage 0.005:0.02 --accuracy 0.4:0.99 --seed 123 +n 4000"
)

# option NAME DEFAULT ARGS... -> the value given to NAME in ARGS, else DEFAULT
option() {
  local name=$1 value=$2
  shift 2
  while [ $# -gt 0 ]; do
    if [ "$1" = "$name" ] && [ $# -gt 1 ]; then value=$2; shift; fi
    shift
  done
  echo "$value"
}

# groups HEADER COPIES CORRELATED -> the planted groups as lines of LF names: --copies G:C
# makes LFs 0..G*C-1 groups of C, --correlated G:C:RHO the next G*C LFs.
groups() {
  awk -F, -v copies="$2" -v correlated="$3" '
    function emit(spec, first,   f, g, c, line) {
      split(spec, f, ":")
      for (g = 0; g < f[1]; g++) {
        line = ""
        for (c = 0; c < f[2]; c++) line = line (c ? "," : "") $(first + g * f[2] + c + 1)
        print line
      }
      return first + f[1] * f[2]
    }
    NR == 1 { next_lf = 0; if (copies != "-") next_lf = emit(copies, next_lf); if (correlated != "-") emit(correlated, next_lf) }' <<<"$1"
}

# score MODEL_JSON -> "accuracy macro_f1 vote_coverage" on the test split, x 100
score() {
  rm -f "$work/probs.csv" "$work/eval.json"
  "$chorus" predict "$1" "$work/test.csv" -o "$work/probs.csv" -q
  "$chorus" eval "$work/probs.csv" "$work/test_gold.csv" --json >"$work/eval.json"
  local metric value values=""
  for metric in accuracy macro_f1 vote_coverage; do
    value=$(grep -o "\"$metric\": [0-9.e+-]*" "$work/eval.json" | head -1 | awk '{printf "%.2f", $2 * 100}')
    if [ -z "$value" ]; then
      echo "regimes.sh: no $metric from chorus eval" >&2
      return 1
    fi
    values="$values $value"
  done
  echo "$values"
}

# One tab-separated line per regime: kind, K, imbalance, coverage (m), dependence,
# adversarial, clamped LFs, test vote coverage, MV acc, MV F1, default acc, default F1,
# default's model, fell back, supervised ds acc, the chosen model's acc without fallback.
row=0
for regime in "${regimes[@]}"; do
  row=$((row + 1))
  read -r -a args <<<"$regime"
  declare_groups=0
  synth_args=()
  beside_args=()
  n_row=$n
  for ((a = 0; a < ${#args[@]}; a++)); do
    if [ "${args[a]}" = "+groups" ]; then
      declare_groups=1
    elif [ "${args[a]}" = "+n" ]; then
      a=$((a + 1))
      n_row=${args[a]}
    elif [ "${args[a]}" = "+beside" ]; then
      beside_args=("${args[@]:a+1}")
      break
    else
      synth_args+=("${args[a]}")
    fi
  done
  m=$(option -m 30 "${synth_args[@]}")
  coverage=$(option --coverage 0.1:0.3 "${synth_args[@]}")
  copies=$(option --copies - "${synth_args[@]}")
  correlated=$(option --correlated - "${synth_args[@]}")
  rm -f "$work"/*.csv "$work"/*.json "$work"/groups.txt
  if ! "$chorus" synth -q -n $((2 * n_row)) -m "$m" --coverage "$coverage" "${synth_args[@]}" \
    -o "$work/all.csv" --gold "$work/all_gold.csv" --lf-truth "$work/truth.csv"; then
    echo "regimes.sh: chorus synth failed on: $regime" >&2
    exit 1
  fi
  if [ ${#beside_args[@]} -gt 0 ]; then
    # A second draw of the same items (same seed, classes and balance, so the same truth)
    # with other LFs, its columns (named sp0, sp1, ...) beside the first draw's.
    if ! "$chorus" synth -q -n $((2 * n_row)) -k "$(option -k 2 "${synth_args[@]}")" \
      --imbalance "$(option --imbalance 1 "${synth_args[@]}")" \
      --seed "$(option --seed 1 "${synth_args[@]}")" "${beside_args[@]}" \
      -o "$work/beside.csv" --gold "$work/beside_gold.csv" ||
      ! cmp -s "$work/all_gold.csv" "$work/beside_gold.csv"; then
      echo "regimes.sh: the second draw failed or has other true classes on: $regime" >&2
      exit 1
    fi
    paste -d, "$work/all.csv" <(sed '1s/lf/sp/g' "$work/beside.csv") >"$work/both.csv"
    mv "$work/both.csv" "$work/all.csv"
  fi
  header=$(head -1 "$work/all.csv")
  { echo "$header"; sed -n "2,$((n_row + 1))p" "$work/all.csv"; } >"$work/train.csv"
  { echo "$header"; tail -n +$((n_row + 2)) "$work/all.csv"; } >"$work/test.csv"
  head -n "$n_row" "$work/all_gold.csv" >"$work/train_gold.csv"
  tail -n +$((n_row + 1)) "$work/all_gold.csv" >"$work/test_gold.csv"
  clamped=$(awk -F, 'NR == 1 { for (j = 1; j <= NF; j++) if ($j == "clamped") c = j; next } $c == 1 { k++ } END { print k + 0 }' "$work/truth.csv")

  kind=$(option --lf-kind multi-class "${synth_args[@]}")
  for a in "${synth_args[@]}"; do
    if [ "$a" = --narrow-precise ]; then kind="$kind, narrow precise"; fi
    if [ "$a" = --class-accuracy ]; then kind="$kind, accuracy per class"; fi
  done
  accuracy=$(option --accuracy - "${synth_args[@]}")
  if [ "$accuracy" != - ]; then kind="$kind, accuracy $accuracy"; fi
  if [ ${#beside_args[@]} -gt 0 ]; then
    kind="$kind, beside $(option -m 50 "${beside_args[@]}") at $(option --coverage 0.1:0.3 "${beside_args[@]}")"
  fi
  default_args=()
  dependence=independent
  if [ "$copies" != - ]; then dependence="copies $copies"; fi
  if [ "$correlated" != - ]; then dependence="correlated $correlated"; fi
  if [ "$declare_groups" = 1 ]; then
    groups "$header" "$copies" "$correlated" >"$work/groups.txt"
    default_args=(--groups "$work/groups.txt")
    dependence="$dependence, groups declared"
  fi

  "$chorus" fit "$work/train.csv" -o "$work/mv.json" -q --model mv
  scores=$(score "$work/mv.json")
  read -r mv_acc mv_f1 test_coverage <<<"$scores"
  if ! "$chorus" fit "$work/train.csv" -o "$work/default.json" -q ${default_args[@]+"${default_args[@]}"} 2>"$work/fit.err"; then
    cat "$work/fit.err" >&2
    exit 1
  fi
  sed "s/^/regimes.sh: regime $row: /" "$work/fit.err" >&2
  scores=$(score "$work/default.json")
  read -r def_acc def_f1 _ <<<"$scores"
  chose=$(grep -o '"checked_model": "[^"]*"' "$work/default.json" | head -1 | sed 's/.*: "//; s/"$//')
  fell=$(grep -o '"fell_back_to_majority_vote": [a-z]*' "$work/default.json" | head -1 | sed 's/.*: //')
  if [ -z "$chose" ] || [ -z "$fell" ]; then
    echo "regimes.sh: no check in the default's model.json on: $regime" >&2
    exit 1
  fi
  # the model the default chose, kept whatever its check says
  "$chorus" fit "$work/train.csv" -o "$work/kept.json" -q --model "$chose" ${default_args[@]+"${default_args[@]}"} 2>/dev/null
  scores=$(score "$work/kept.json")
  read -r kept_acc _ _ <<<"$scores"
  "$chorus" fit "$work/train.csv" -o "$work/oracle.json" -q --model ds --gold "$work/train_gold.csv"
  scores=$(score "$work/oracle.json")
  read -r oracle_acc _ _ <<<"$scores"

  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$kind" "$(option -k 2 "${synth_args[@]}")" \
    "$(option --imbalance 1 "${synth_args[@]}")" "$coverage (m = $m)" "$dependence" \
    "$(option --adversarial 0 "${synth_args[@]}")" "$clamped" "$test_coverage" \
    "$mv_acc" "$mv_f1" "$def_acc" "$def_f1" "$chose" "$fell" "$oracle_acc" "$kept_acc" "$n_row"
done >"$work/measured.tsv"

version=$("$chorus" --version)
awk -F'\t' -v version="$version" '
function cents(x) { return x < 0 ? -int(-x * 100 + 0.5) : int(x * 100 + 0.5) }
function unsigned(c) { return sprintf("%d.%02d", c / 100, c % 100) }
function signed(c) { return (c < 0 ? "-" : "+") unsigned(c < 0 ? -c : c) }
BEGIN {
  print "| # | LF kind | K | imbalance | coverage | dependence | adversarial | clamped LFs | test items with a vote % | n train / test | MV acc | default acc | default − MV | default macro-F1 | MV macro-F1 | default chose | fell back to MV | chosen model kept acc | ds on train gold acc |"
  print "|---:|---|---:|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|---:|---:|"
}
{
  d = cents($11) - cents($9); sum += d; rows++
  printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
    NR, $1, $2, $3, $4, $5, $6, $7, $8, $17, $17, $9, $11, signed(d), $12, $10, $13, ($14 == "true" ? "yes" : "no"), $16, $15
  if (d < -100) { nbelow++; below = below (nbelow > 1 ? "; " : "") "#" NR " (" $1 ", K = " $2 ", " $5 ": " $11 " vs " $9 ", " signed(d) ")" }
  if ($14 == "true") nfell++
}
END {
  print ""
  printf "%s; accuracies and macro-F1 x 100 on the test split, hash tie-break.\n", version
  print ""
  printf "- mean of default − MV over the %d regimes: %s\n", rows, signed(sum < 0 ? -int(-sum / rows + 0.5) : int(sum / rows + 0.5))
  printf "- default fell back to majority vote on %d of %d regimes\n", nfell, rows
  printf "- default below MV − 1 on %d of %d regimes%s\n", nbelow, rows, nbelow ? ": " below : ""
}' "$work/measured.tsv"
