#!/usr/bin/env bash
# --progress on apply, fit, predict and run: with stderr to a file, `always` writes plain
# progress lines of the documented form (CHORUS_PROGRESS_INTERVAL=0: one per update),
# `never` and -q write none, `auto` writes none for a stage shorter than the interval, a
# terminal gets a bar that is erased; outputs are the same bytes whatever the setting.
source "$(dirname "$0")/lib.sh"
SPEC=$CHORUS_SOURCE_DIR/labeling_functions/youtube_spam.yaml
TRAIN=$DATA/youtube/train.csv
number='-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?'

# count_lines REGEX FILE: lines of FILE matching REGEX (extended).
count_lines() { grep -cE -- "$1" "$2" || true; }

# expect_same A B DESCRIPTION: two outputs are the same bytes.
expect_same() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" || fail "$3: $1 and $2 differ"
}

run synth -n 20000 -m 10 -k 3 --seed 3 -o "$TMP/votes.chv" -q
expect_status 0 "synth the votes"

# fit: one line per EM iteration at interval 0, then a closing line with the total.
CHORUS_PROGRESS_INTERVAL=0 run fit "$TMP/votes.chv" -o "$TMP/always.json" --progress always
expect_status 0 "fit --progress always"
cp "$TMP/err" "$TMP/fit_always.err"
iterations=$(sed -nE 's/.*, ([0-9]+) EM iterations -> .*/\1/p' "$TMP/fit_always.err")
checks=$((checks + 1))
[ -n "$iterations" ] && [ "$iterations" -gt 1 ] || fail "fit did not say its EM iterations: $(cat "$TMP/fit_always.err")"
every="^chorus fit: EM start 1/1, iteration [0-9]+/500( \(converged\))?, log-posterior $number(, change $number)?"
checks=$((checks + 1))
[ "$(count_lines "$every, $number iterations/s\$" "$TMP/fit_always.err")" = "$iterations" ] ||
  fail "not $iterations iteration lines: $(head -c 600 "$TMP/fit_always.err")"
checks=$((checks + 1))
[ "$(count_lines "$every, $iterations iterations in $number""s\$" "$TMP/fit_always.err")" = 1 ] ||
  fail "no closing line with $iterations iterations: $(tail -c 400 "$TMP/fit_always.err")"
checks=$((checks + 1))
[ "$(sed -nE 's/^chorus fit: EM start 1\/1, iteration ([0-9]+)\/500.*iterations\/s$/\1/p' "$TMP/fit_always.err" |
  tr '\n' ' ')" = "$(seq -s ' ' 1 "$iterations") " ] || fail "the iteration lines do not count 1..$iterations"
checks=$((checks + 1))
grep -E "iteration $iterations/500 \(converged\)" "$TMP/fit_always.err" | grep -q "iterations in" ||
  fail "the closing line does not say the fit converged"

CHORUS_PROGRESS_INTERVAL=0 run fit "$TMP/votes.chv" -o "$TMP/never.json" --progress never
expect_status 0 "fit --progress never"
checks=$((checks + 1))
grep -q "EM start" "$TMP/err" && fail "--progress never wrote progress: $(head -c 300 "$TMP/err")"
checks=$((checks + 1))
[ "$(grep -v '^chorus fit: EM start' "$TMP/fit_always.err" | sed 's/always.json/never.json/')" = "$(cat "$TMP/err")" ] ||
  fail "--progress always changed what else fit says"
expect_same "$TMP/always.json" "$TMP/never.json" "fit --progress always / never"

# auto with stderr to a file: lines at interval 0, none for a fit shorter than the interval.
CHORUS_PROGRESS_INTERVAL=0 run fit "$TMP/votes.chv" -o "$TMP/auto.json"
expect_status 0 "fit, --progress auto at interval 0"
checks=$((checks + 1))
[ "$(count_lines "$every" "$TMP/err")" = "$((iterations + 1))" ] ||
  fail "auto at interval 0 did not write every iteration and the closing line"
expect_same "$TMP/always.json" "$TMP/auto.json" "fit --progress always / auto"
CHORUS_PROGRESS_INTERVAL=3600 run fit "$TMP/votes.chv" -o "$TMP/auto.json" --progress auto
expect_status 0 "fit, --progress auto at interval 3600"
checks=$((checks + 1))
grep -q "EM start" "$TMP/err" && fail "auto wrote progress for a short fit: $(head -c 300 "$TMP/err")"
CHORUS_PROGRESS_INTERVAL=3600 run fit "$TMP/votes.chv" -o "$TMP/auto.json" --progress always
checks=$((checks + 1))
[ "$(count_lines "$every, $iterations iterations in $number""s\$" "$TMP/err")" = 1 ] &&
  [ "$(count_lines "$every" "$TMP/err")" = 1 ] ||
  fail "always did not write exactly the closing line of a short fit: $(head -c 300 "$TMP/err")"

# -q is quiet: no progress even when asked for.
CHORUS_PROGRESS_INTERVAL=0 run fit "$TMP/votes.chv" -o "$TMP/quiet.json" -q --progress always
expect_status 0 "fit -q --progress always"
checks=$((checks + 1))
[ -s "$TMP/err" ] && fail "fit -q wrote: $(head -c 300 "$TMP/err")"
expect_same "$TMP/always.json" "$TMP/quiet.json" "fit -q"

# predict: 140000 items are written 65536 at a time, so two lines before the last one.
run synth -n 140000 -m 6 --seed 5 -o "$TMP/big.chv" -q
run fit "$TMP/big.chv" -o "$TMP/big.json" -q
expect_status 0 "fit the larger votes"
CHORUS_PROGRESS_INTERVAL=0 run predict "$TMP/big.json" "$TMP/big.chv" -o "$TMP/always.csv" --progress always
expect_status 0 "predict --progress always"
checks=$((checks + 1))
[ "$(sed -nE "s/^chorus predict: predicting ([0-9]+\/140000 items \([0-9.]+%\)), [0-9]+ items\/s, (ETA [0-9]+s|done in [0-9.]+s)\$/\1 \2/p" "$TMP/err" |
  sed -E 's/(ETA|done in) [0-9.]+s/\1/' | tr '\n' ';')" = \
  "65536/140000 items (46.8%) ETA;131072/140000 items (93.6%) ETA;140000/140000 items (100.0%) done in;" ] ||
  fail "predict progress lines: $(cat "$TMP/err")"
run predict "$TMP/big.json" "$TMP/big.chv" -o "$TMP/never.csv" --progress never
expect_status 0 "predict --progress never"
checks=$((checks + 1))
grep -q "predicting" "$TMP/err" && fail "predict --progress never wrote progress"
expect_same "$TMP/always.csv" "$TMP/never.csv" "predict --progress always / never"

# synth: two passes of 65536-item blocks over 140000 items, each pass half the work.
CHORUS_PROGRESS_INTERVAL=0 run synth -n 140000 -m 6 --seed 5 -o "$TMP/drawn.chv" --progress always
expect_status 0 "synth --progress always"
checks=$((checks + 1))
[ "$(count_lines '^chorus synth: drawing [0-9]+/140000 items \([0-9.]+%\), [0-9]+ items/s, ETA [0-9]+s$' "$TMP/err")" = 5 ] &&
  grep -qE '^chorus synth: drawing 70000/140000 items \(50.0%\), [0-9]+ items/s, ETA' "$TMP/err" &&
  grep -qE '^chorus synth: drawing 140000/140000 items \(100.0%\), [0-9]+ items/s, done in [0-9.]+s$' "$TMP/err" ||
  fail "synth progress lines: $(cat "$TMP/err")"
expect_same "$TMP/big.chv" "$TMP/drawn.chv" "synth --progress always / -q"

# apply: the streamed records, the last line at 1586 of 1586.
CHORUS_PROGRESS_INTERVAL=0 run apply "$SPEC" "$TRAIN" -o "$TMP/always.chv" --progress always
expect_status 0 "apply --progress always"
checks=$((checks + 1))
[ "$(count_lines "^chorus apply: applying [0-9]+/1586 items \([0-9.]+%\), [0-9]+ items/s, (ETA [0-9]+s|done in [0-9.]+s)\$" "$TMP/err")" -ge 1 ] &&
  [ "$(grep '^chorus apply: applying' "$TMP/err" | tail -1 | grep -cE '1586/1586 items \(100.0%\), [0-9]+ items/s, done in')" = 1 ] ||
  fail "apply progress lines: $(head -c 600 "$TMP/err")"
run apply "$SPEC" "$TRAIN" -o "$TMP/never.chv" --progress never
checks=$((checks + 1))
grep -q "applying" "$TMP/err" && fail "apply --progress never wrote progress"
expect_same "$TMP/always.chv" "$TMP/never.chv" "apply --progress always / never"

# run: the apply and the fit stages both say where they are; the outputs do not change.
CHORUS_PROGRESS_INTERVAL=0 run run "$SPEC" "$TRAIN" -o "$TMP/run_always" --progress always
expect_status 0 "run --progress always"
cp "$TMP/out" "$TMP/run_always.out"
checks=$((checks + 1))
grep -qE '^chorus run: applying [0-9]+/1586 items' "$TMP/err" &&
  grep -qE "^chorus run: EM start 1/1, iteration 1/500, log-posterior $number" "$TMP/err" ||
  fail "run progress lines: $(head -c 600 "$TMP/err")"
CHORUS_PROGRESS_INTERVAL=0 run run "$SPEC" "$TRAIN" -o "$TMP/run_never" --progress never
expect_status 0 "run --progress never"
checks=$((checks + 1))
grep -qE "applying|EM start" "$TMP/err" && fail "run --progress never wrote progress"
sed -i 's/run_always/run_never/g' "$TMP/run_always.out"
expect_same "$TMP/run_always.out" "$TMP/out" "run's report on stdout"
for f in votes.chv model.json probs.csv lf_summary.csv gold.csv; do
  expect_same "$TMP/run_always/$f" "$TMP/run_never/$f" "run's $f"
done

# On a terminal: a bar redrawn in place and erased at the end (script(1) gives a terminal).
if command -v script >/dev/null; then
  CHORUS_PROGRESS_INTERVAL=3600 script -qec "'$CHORUS' fit '$TMP/votes.chv' -o '$TMP/tty.json' --max-iter 40 --tol 0" \
    /dev/null >"$TMP/tty.txt" 2>&1 </dev/null
  checks=$((checks + 1))
  grep -qF "$(printf '\rEM [')" "$TMP/tty.txt" && grep -qF "$(printf '\r\033[K')" "$TMP/tty.txt" ||
    fail "no bar on a terminal: $(head -c 300 "$TMP/tty.txt" | od -c | head -5)"
  checks=$((checks + 1))
  grep -q "^chorus fit: EM start" "$TMP/tty.txt" && fail "plain lines on a terminal"
fi

# Bad values: exit 2, the option or variable and the value named, no output written.
run fit "$TMP/votes.chv" -o "$TMP/bad.json" --progress sometimes
expect_status 2 "--progress sometimes"
expect_err "--progress expects auto, always or never, got 'sometimes'" "--progress sometimes"
expect_no_file "$TMP/bad.json" "--progress sometimes"
for value in -1 x 1e9 ""; do
  CHORUS_PROGRESS_INTERVAL=$value run predict "$TMP/big.json" "$TMP/big.chv" -o "$TMP/bad.csv"
  expect_status 2 "CHORUS_PROGRESS_INTERVAL='$value'"
  expect_err "CHORUS_PROGRESS_INTERVAL must be a number of seconds in 0..86400, got '$value'" \
    "CHORUS_PROGRESS_INTERVAL='$value'"
  expect_no_file "$TMP/bad.csv" "CHORUS_PROGRESS_INTERVAL='$value'"
done
CHORUS_PROGRESS_INTERVAL=x run apply "$SPEC" "$TRAIN" -o "$TMP/bad.chv"
expect_status 2 "apply, CHORUS_PROGRESS_INTERVAL=x"
expect_no_file "$TMP/bad.chv" "apply, CHORUS_PROGRESS_INTERVAL=x"
CHORUS_PROGRESS_INTERVAL=x run run "$SPEC" "$TRAIN" -o "$TMP/bad_run"
expect_status 2 "run, CHORUS_PROGRESS_INTERVAL=x"
expect_no_file "$TMP/bad_run" "run, CHORUS_PROGRESS_INTERVAL=x"
finish
