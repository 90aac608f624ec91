#!/usr/bin/env bash
# chorus synth on the command line: the regimes' flags, the LF truth file, determinism
# across thread counts, and bad values refused with a message and no output file.
source "$(dirname "$0")/lib.sh"

# The options chorus synth always had draw what they drew before the regimes were added
# (the hash was taken from that version's output).
run synth -n 300 -m 6 -k 3 --balance 0.5 --copies 1:2 --seed 4 -o "$TMP/old.csv" --gold "$TMP/old_gold.csv" -q
expect_status 0 "synth with version 1 options"
checks=$((checks + 1))
[ "$(cat "$TMP/old.csv" "$TMP/old_gold.csv" | sha256sum | cut -d' ' -f1)" = \
  fc376d4297f7d9e827ed51782f73eb66592522eb0ca9eff5d8273ee0b204ce7a ] ||
  fail "version 1 options no longer draw the same matrix"

# One-class LFs: each column holds one class besides -1, the polarity in the truth file.
run synth -n 5000 -m 8 -k 3 --lf-kind one-class --imbalance 4 -o "$TMP/one.csv" --lf-truth "$TMP/one_truth.csv"
expect_status 0 "--lf-kind one-class"
checks=$((checks + 1))
head -1 "$TMP/one_truth.csv" | grep -qx 'lf,kind,polarity,coverage,accuracy,chance,adversarial,leader,rho,clamped,class_coverage,class_accuracy' ||
  fail "truth header: $(head -1 "$TMP/one_truth.csv")"
checks=$((checks + 1))
[ "$(grep -c ',one-class,' "$TMP/one_truth.csv")" -eq 8 ] || fail "not 8 one-class rows"
polarities=$(awk -F, 'NR > 1 {printf "%s ", $3}' "$TMP/one_truth.csv")
voted=$(awk -F, 'NR > 1 {for (j = 1; j <= NF; j++) if ($j != -1) seen[j] = seen[j] == "" || seen[j] == $j ? $j : "many"}
  END {for (j = 1; j <= 8; j++) printf "%s ", seen[j]}' "$TMP/one.csv")
checks=$((checks + 1))
[ "$polarities" = "$voted" ] || fail "one-class votes '$voted' are not the polarities '$polarities'"

run synth -n 1000 -m 10 --lf-kind mixed:0.3 -o "$TMP/mixed.csv" --lf-truth "$TMP/mixed_truth.csv" -q
expect_status 0 "--lf-kind mixed:0.3"
checks=$((checks + 1))
[ "$(grep -c ',one-class,' "$TMP/mixed_truth.csv")" -eq 3 ] || fail "mixed:0.3 of 10 is not 3 one-class LFs"

# --class-balance sets K.
run synth -n 2000 -m 4 --class-balance 0.5,0.3,0.2 -o "$TMP/cb.csv" --gold "$TMP/cb_gold.csv" -q
expect_status 0 "--class-balance"
checks=$((checks + 1))
[ "$(sort -u "$TMP/cb_gold.csv" | tr '\n' ' ')" = "0 1 2 " ] || fail "--class-balance 3 shares: classes $(sort -u "$TMP/cb_gold.csv" | tr '\n' ' ')"

# Sparse coverage leaves items without a vote, and says how many.
run synth -n 5000 -m 20 --coverage 0.005:0.05 -o "$TMP/sparse.chv"
expect_status 0 "sparse coverage"
checks=$((checks + 1))
n_empty=$(sed -n 's/.* votes, \([0-9]*\) items without a vote.*/\1/p' "$TMP/err")
[ "${n_empty:-0}" -gt 1000 ] || fail "sparse coverage: '${n_empty}' items without a vote: $(cat "$TMP/err")"

# Every regime at once: the same files on 1 and 2 threads.
every=(-n 20000 -m 30 -k 4 --lf-kind mixed:0.5 --class-accuracy --imbalance 10 --copies 2:3
  --correlated 2:4:0.5 --adversarial 0.2 --coverage 0.01:0.2 --seed 7 -q)
OMP_NUM_THREADS=1 "$CHORUS" synth "${every[@]}" -o "$TMP/t1.chv" --gold "$TMP/t1.gold" --lf-truth "$TMP/t1.truth"
OMP_NUM_THREADS=2 "$CHORUS" synth "${every[@]}" -o "$TMP/t2.chv" --gold "$TMP/t2.gold" --lf-truth "$TMP/t2.truth"
for f in chv gold truth; do
  checks=$((checks + 1))
  cmp -s "$TMP/t1.$f" "$TMP/t2.$f" || fail "every regime: .$f differs between 1 and 2 threads"
done
checks=$((checks + 1))
# 26 LFs have parameters of their own (30 less 4 exact copies, which repeat their leader).
[ "$(awk -F, 'NR > 1 && $7 == 1 && !($8 != -1 && $9 == 1)' "$TMP/t1.truth" | wc -l)" -eq 5 ] ||
  fail "not round(0.2 * 26) = 5 adversarial LFs"
checks=$((checks + 1))
awk -F, 'NR > 1 && $8 != -1 && $9 != 1 && $9 != 0.5 {bad = 1} END {exit bad}' "$TMP/t1.truth" ||
  fail "followers have a rho other than 1 (copies) or 0.5 (correlated)"

# A coverage impossible at the drawn precision is lowered, and the command says so.
run synth -n 1000 -m 5 -k 10 --lf-kind one-class --coverage 0.3:0.3 -o "$TMP/clamped.csv"
expect_status 0 "clamped one-class LFs"
expect_err "note: 5 one-class LF(s) vote less often than drawn" "clamping reported"

run synth --help
expect_status 0 "synth --help"
for flag in --lf-kind --class-accuracy --imbalance --class-balance --correlated --adversarial --salience --lf-truth; do
  checks=$((checks + 1))
  grep -q -- "$flag" "$TMP/out" || fail "--help does not mention $flag"
done

# Bad values: exit 2, a message naming the option and what it accepts, no output.
bad() { # expected-message args...
  local message=$1
  shift
  run synth -o "$TMP/bad.csv" "$@"
  expect_status 2 "synth $*"
  expect_err "$message" "synth $*: message"
  expect_no_file "$TMP/bad.csv" "synth $*"
}
bad "--lf-kind expects multi-class, one-class or mixed:F" --lf-kind regex
bad "--lf-kind mixed: expects a number in 0..1" --lf-kind mixed:1.5
bad "--correlated expects G:C:RHO" --correlated 2:3
bad "--correlated expects a number in 0..1" --correlated 2:3:1.5
bad "correlated groups" --correlated 2:1:0.5
bad "at most 50 LFs in all" --copies 10:6
bad "--adversarial expects a number in 0..1" --adversarial 2
bad "needs accuracies above 1/K = 0.5" --adversarial 0.2 --accuracy 0.4:0.9
bad "give at most one" --balance 0.3 --imbalance 5
bad "--imbalance expects a number in 1..1e+06" --imbalance 0.5
bad "--class-balance has 3 shares for 4 classes" -k 4 --class-balance 0.5,0.3,0.2
bad "must sum to 1" --class-balance 0.5,0.6
bad "--class-balance expects a number in 0..1" --class-balance 0.5,x
bad "--salience expects a number in 0..0.999999" --salience 1
bad "--salience expects a number in 0..0.999999" --salience -0.2

# Salience: more items without a vote (awk counts rows of -1 only), the same truth file.
run synth -q -n 4000 -m 6 --lf-kind one-class -o "$TMP/s0.csv" --lf-truth "$TMP/s0.truth"
expect_status 0 "synth without salience"
run synth -q -n 4000 -m 6 --lf-kind one-class --salience 0.6 -o "$TMP/s6.csv" --lf-truth "$TMP/s6.truth"
expect_status 0 "synth --salience 0.6"
checks=$((checks + 1))
cmp -s "$TMP/s0.truth" "$TMP/s6.truth" || fail "--salience changed the LF truth file"
empty() { awk -F, 'NR > 1 { e = 1; for (i = 1; i <= NF; i++) if ($i != -1) e = 0; n += e } END { print n + 0 }' "$1"; }
checks=$((checks + 1))
[ "$(empty "$TMP/s6.csv")" -gt $(($(empty "$TMP/s0.csv") * 3 / 2)) ] ||
  fail "--salience 0.6 left $(empty "$TMP/s6.csv") items without a vote, $(empty "$TMP/s0.csv") without it"

finish
