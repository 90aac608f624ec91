#!/usr/bin/env bash
# chorus fit's label-model options on real files: models, class balance, clamped gold,
# evaluation after fitting, restarts, and their bad values.
source "$(dirname "$0")/lib.sh"
yt=$DATA/wrench_youtube

for model in auto ds ds-noabstain class-acc onecoin mv; do
  run fit "$yt/train/votes.csv" --model "$model" --classes HAM,SPAM -o "$TMP/$model.json"
  expect_status 0 "fit --model $model"
  checks=$((checks + 1))
  grep -q '"classes": \[' "$TMP/$model.json" || fail "$model: model.json lacks classes"
done
checks=$((checks + 1))
grep -q '"model": "ds"' "$TMP/auto.json" || fail "auto should pick ds for one-class LFs"
run fit "$yt/train/votes.csv" -o "$TMP/auto.json"
expect_err "EM iterations" "fit reports EM iterations"

run fit "$yt/train/votes.csv" -o "$TMP/fixed.json" --class-balance 0.7,0.3 -q
expect_status 0 "--class-balance"
checks=$((checks + 1))
tr -d ' \n' <"$TMP/fixed.json" | grep -q '"class_prior":\[0.69999999999999996,0.29999999999999999\]' ||
  tr -d ' \n' <"$TMP/fixed.json" | grep -q '"class_prior":\[0.7,0.3\]' || fail "fixed prior not kept"

# Clamping the gold of the first half of the train items steers the fit; --eval-gold then
# scores only the other half (held out), and must do at least as well there as the
# unsupervised fit does on the same half.
awk 'NR <= 843 {print; next} {print -1}' "$yt/train/gold.csv" >"$TMP/half_gold.csv"
awk 'NR <= 843 {print -1; next} {print}' "$yt/train/gold.csv" >"$TMP/other_half.csv"
run fit "$yt/train/votes.csv" -o "$TMP/gold.json" --gold "$TMP/half_gold.csv" --eval-gold "$yt/train/gold.csv"
expect_status 0 "--gold with --eval-gold"
expect_out "(843 items with clamped labels left out)" "--eval-gold leaves clamped items out"
supervised=$(awk '/^accuracy/ {print $2}' "$TMP/out")
run fit "$yt/train/votes.csv" -o "$TMP/plain.json" --eval-gold "$TMP/other_half.csv"
unsupervised=$(awk '/^accuracy/ {print $2}' "$TMP/out")
checks=$((checks + 1))
awk -v a="$supervised" -v b="$unsupervised" 'BEGIN{exit !(a >= b)}' ||
  fail "half-clamped fit scored $supervised < unsupervised $unsupervised on the held-out half"
echo "held-out accuracy: $supervised with half the gold clamped, $unsupervised without"
checks=$((checks + 1))
grep -q '"gold_labels_clamped": 843' "$TMP/gold.json" || fail "clamped count not recorded"

run fit "$yt/train/votes.csv" -o "$TMP/bal.json" --gold "$yt/train/gold.csv" --class-balance gold -q
expect_status 0 "--class-balance gold"

# Restarts with the same seed give the same file, whatever the thread count.
run fit "$yt/train/votes.csv" -o "$TMP/r1.json" --restarts 3 --seed 9 --threads 1 -q
run fit "$yt/train/votes.csv" -o "$TMP/r2.json" --restarts 3 --seed 9 --threads 2 -q
checks=$((checks + 1))
cmp -s "$TMP/r1.json" "$TMP/r2.json" || fail "restarts differ between 1 and 2 threads"
run predict "$TMP/r1.json" "$yt/test/votes.csv" -o "$TMP/p1.csv" -q
run predict "$TMP/r2.json" "$yt/test/votes.csv" -o "$TMP/p2.csv" -q
checks=$((checks + 1))
cmp -s "$TMP/p1.csv" "$TMP/p2.csv" || fail "predictions differ between 1 and 2 threads"

# Correlated LFs: planted copies (5 groups of 4), declared in a file or learned.
run synth -n 20000 -m 30 --copies 5:4 --seed 3 -o "$TMP/copies.chv" --gold "$TMP/copies_gold.csv" -q
expect_status 0 "synth with copies"
printf '# five groups of copies\nlf0,lf1,lf2,lf3\nlf4,lf5,lf6,lf7\nlf8,lf9,lf10,lf11\nlf12,lf13,lf14,lf15\nlf16,lf17,lf18,lf19\n' >"$TMP/groups.txt"
acc() { awk '/^accuracy/ {print $2}' "$TMP/out"; }
# The copies vote alike on every item: the default fits each group as one source, and
# --keep-copies fits them apart, as independent LFs, which groups then model jointly.
run fit "$TMP/copies.chv" -o "$TMP/merged.json" --eval-gold "$TMP/copies_gold.csv"
expect_status 0 "fit with undeclared copies"
merged=$(acc)
expect_err "fit: note: 15 labeling functions vote exactly as another on every item, so each is fitted as one source with it: lf1 as lf0, lf2 as lf0, lf3 as lf0, lf5 as lf4," "the fit names the copies"
checks=$((checks + 1))
[ "$(grep -c '"copy_of": "lf0"' "$TMP/merged.json")" -eq 3 ] || fail "model.json does not say lf1-lf3 copy lf0"
run analyze "$TMP/copies.chv" --model "$TMP/merged.json"
expect_status 0 "analyze a model with copies"
expect_out "15 labeling functions vote exactly as another on every item fitted and are one source with it (learn.acc is the original's): lf1 as lf0, lf2 as lf0," "analyze names the copies"
run fit "$TMP/copies.chv" -o "$TMP/plain.json" --keep-copies --eval-gold "$TMP/copies_gold.csv" -q
independent=$(acc)
checks=$((checks + 1))
if grep -q '"copy_of"' "$TMP/plain.json"; then fail "--keep-copies still merged copies"; fi
run fit "$TMP/copies.chv" -o "$TMP/declared.json" --groups "$TMP/groups.txt" --eval-gold "$TMP/copies_gold.csv" -q
expect_status 0 "fit --groups"
declared=$(acc)
run fit "$TMP/copies.chv" -o "$TMP/learned.json" --keep-copies --learn-structure --eval-gold "$TMP/copies_gold.csv" -q
expect_status 0 "fit --learn-structure"
learned=$(acc)
echo "planted copies: independent $independent, one source each $merged, declared groups $declared, learned $learned"
checks=$((checks + 3))
awk -v a="$merged" -v b="$independent" 'BEGIN{exit !(a >= b + 0.03)}' || fail "copies as one source $merged vs independent $independent"
awk -v a="$declared" -v b="$independent" 'BEGIN{exit !(a >= b + 0.03)}' || fail "declared groups $declared vs independent $independent"
awk -v a="$learned" -v b="$independent" 'BEGIN{exit !(a >= b + 0.03)}' || fail "learned groups $learned vs independent $independent"
checks=$((checks + 1))
[ "$(grep -c '"labeling_functions": \[' "$TMP/learned.json")" -ge 1 ] && grep -q '"learned_dependencies"' "$TMP/learned.json" || fail "model.json lacks the learned dependencies"
run predict "$TMP/declared.json" "$TMP/copies.chv" -o "$TMP/declared_probs.csv" -q
expect_status 0 "predict with a grouped model"
run analyze "$TMP/copies.chv" --model "$TMP/learned.json"
expect_out "dependency groups are modelled jointly" "analyze reports the groups"
expect_out "dependency: lf0 ~ lf1" "analyze lists learned dependencies"
printf 'lf0,lf1\nlf1,lf2\n' >"$TMP/bad_groups.txt"
run fit "$TMP/copies.chv" -o "$TMP/x.json" --groups "$TMP/bad_groups.txt"
expect_status 2 "an LF in two groups"
expect_err "bad_groups.txt:2: labeling function 'lf1' is in two groups" "double group named"
printf 'lf0,nope\n' >"$TMP/bad_groups.txt"
run fit "$TMP/copies.chv" -o "$TMP/x.json" --groups "$TMP/bad_groups.txt"
expect_status 2 "an unknown LF in a group"
expect_err "no labeling function 'nope'" "unknown group member named"

# A fit cut off by --max-iter says so, and model.json keeps it; one that converges does not.
run fit "$yt/train/votes.csv" -o "$TMP/cut.json" --model ds --max-iter 3
expect_status 0 "fit cut off at 3 iterations"
expect_err "fit: note: EM stopped at the iteration limit (3) before converging" "the cut-off fit says so"
checks=$((checks + 1))
tr -d ' \n' <"$TMP/cut.json" | grep -q '"iterations":3,"converged":false' ||
  fail "model.json of the cut-off fit does not say it did not converge"
run fit "$yt/train/votes.csv" -o "$TMP/done.json" --model ds
expect_status 0 "fit run to convergence"
checks=$((checks + 1))
if grep -q "before converging" "$TMP/err"; then fail "a converged fit says it stopped at the limit"; fi
checks=$((checks + 1))
tr -d ' \n' <"$TMP/done.json" | grep -q '"converged":true' ||
  fail "model.json of the converged fit does not say it converged"

# Bad values.
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --class-balance 0.7
expect_status 2 "--class-balance with one value"
expect_err "1 values for 2 classes" "class balance count named"
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --class-balance 0.7,0.7
expect_status 2 "--class-balance not summing to 1"
expect_err "sums to 1.4" "class balance sum named"
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --class-balance gold
expect_status 2 "--class-balance gold without --gold"
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --gold "$yt/test/gold.csv"
expect_status 2 "--gold of the wrong length"
expect_err "has 250 labels but the votes have 1686 items" "gold length named"
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --smoothing 0
expect_status 2 "--smoothing 0"
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --max-iter 0
expect_status 2 "--max-iter 0"
run fit "$yt/train/votes.csv" -o "$TMP/x.json" --restarts -1
expect_status 2 "--restarts -1"
expect_no_file "$TMP/x.json" "no model after bad options"

finish
