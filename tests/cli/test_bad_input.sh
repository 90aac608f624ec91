#!/usr/bin/env bash
# Every reader and argument of the CLI refuses bad input with a message naming the file
# and place, exit code 2, and no output file left behind.
source "$(dirname "$0")/lib.sh"

printf 'a,b\n0,1\n1\n' >"$TMP/ragged.csv"
printf 'a,b\n0,x\n' >"$TMP/word.csv"
printf 'a,b\n0,7\n' >"$TMP/big.csv"
: >"$TMP/empty.csv"
printf 'a,b\n' >"$TMP/header.csv"
printf 'item,lf,label\n0,0,1\n0,0,1\n' >"$TMP/dup.csv"
printf 'a,b\n0,1\n1,0\n' >"$TMP/good.csv"

# bad_votes FILE EXPECTED_MESSAGE [extra args]
bad_votes() {
  local file=$1 msg=$2
  shift 2
  run fit "$file" -o "$TMP/model.json" "$@"
  expect_status 2 "fit $(basename "$file")"
  expect_err "$msg" "fit $(basename "$file") message"
  expect_no_file "$TMP/model.json" "fit $(basename "$file") output"
  run convert "$file" "$TMP/out.chv" "$@"
  expect_status 2 "convert $(basename "$file")"
  expect_no_file "$TMP/out.chv" "convert $(basename "$file") output"
}

bad_votes "$TMP/ragged.csv" "ragged.csv:3: 1 fields, expected 2"
bad_votes "$TMP/word.csv" "word.csv:2: column 2 (b): 'x' is not a vote"
bad_votes "$TMP/big.csv" "big.csv:2: column 2 (b): '7' is not a vote; expected -1 (abstain) or a class in 0..1" --classes 2
bad_votes "$TMP/empty.csv" "empty.csv: the file is empty"
# A header alone is a matrix of no items: it converts (and reads back), but cannot be fitted.
run fit "$TMP/header.csv" -o "$TMP/model.json"
expect_status 2 "fit header.csv"
expect_err "header.csv: no items (no rows of votes): nothing to fit" "fit header.csv message"
expect_no_file "$TMP/model.json" "fit header.csv output"
run convert "$TMP/header.csv" "$TMP/header.chv"
expect_status 0 "convert a header-only CSV"
run convert "$TMP/header.chv" "$TMP/header_back.csv"
expect_status 0 "convert 0 items back to CSV"
checks=$((checks + 1))
cmp -s "$TMP/header.csv" "$TMP/header_back.csv" || fail "a 0-item CSV round-trips through .chv"
bad_votes "$TMP/dup.csv" "dup.csv:3: labeling function 0 answers item 0 again" --duplicates error
bad_votes "$TMP/missing.csv" "missing.csv: cannot open: No such file or directory"
bad_votes "$TMP" "is a directory"

# Truncated and mislabelled binary files.
run convert "$TMP/good.csv" "$TMP/good.npy" -q
expect_status 0 "convert to npy"
head -c 100 "$TMP/good.npy" >"$TMP/trunc.npy"
bad_votes "$TMP/trunc.npy" "trunc.npy"
run convert "$TMP/good.csv" "$TMP/good.chv" -q
expect_status 0 "convert to chv"
head -c 60 "$TMP/good.chv" >"$TMP/trunc.chv"
bad_votes "$TMP/trunc.chv" "trunc.chv"
printf 'not a chv file at all, just text pretending to be one....................' >"$TMP/fake.chv"
bad_votes "$TMP/fake.chv" "fake.chv"
cp "$TMP/good.csv" "$TMP/text.npy"
bad_votes "$TMP/text.npy" "text.npy"

# Gold and probabilities.
run fit "$TMP/good.csv" -o "$TMP/m.json" -q
expect_status 0 "fit good"
run predict "$TMP/m.json" "$TMP/good.csv" -o "$TMP/p.csv" -q
expect_status 0 "predict good"
printf '0\n' >"$TMP/short_gold.csv"
run eval "$TMP/p.csv" "$TMP/short_gold.csv"
expect_status 2 "eval with too few gold labels"
expect_err "short_gold.csv" "gold size mismatch names the file"
printf '0\nspam\n' >"$TMP/word_gold.csv"
run eval "$TMP/p.csv" "$TMP/word_gold.csv"
expect_status 2 "eval with a word in gold"
expect_err "word_gold.csv:2: 'spam' is not a gold label" "bad gold line named"
printf '0\n5\n' >"$TMP/big_gold.csv"
run eval "$TMP/p.csv" "$TMP/big_gold.csv"
expect_status 2 "eval with gold class out of range"
expect_err "big_gold.csv:2" "gold class out of range named"
printf 'A,B\n0.5,0.7\n0.5,0.5\n' >"$TMP/bad_p.csv"
printf '0\n1\n' >"$TMP/gold.csv"
run eval "$TMP/bad_p.csv" "$TMP/gold.csv"
expect_status 2 "eval with probabilities not summing to 1"
expect_err "bad_p.csv:2: probabilities sum to 1.2" "bad probability row named"

# model.json
printf '{"format": "chorus-model", "format_version": 1, "model": "mv"' >"$TMP/bad_model.json"
run predict "$TMP/bad_model.json" "$TMP/good.csv" -o "$TMP/p2.csv"
expect_status 2 "predict with a truncated model"
expect_err "bad_model.json:1:" "truncated model named"
expect_no_file "$TMP/p2.csv" "no output after a bad model"

# Unwritable output: a failure of the run (exit 1) with the system's reason, not an input
# error; test_files_cli.sh covers the other ways a write fails.
run fit "$TMP/good.csv" -o /nonexistent-dir/model.json
expect_status 1 "fit to an unwritable path"
expect_err "/nonexistent-dir/model.json: cannot create the output file: No such file or directory" "unwritable path named"
run predict "$TMP/m.json" "$TMP/good.csv" -o /nonexistent-dir/p.csv
expect_status 1 "predict to an unwritable path"

# Arguments.
run fit "$TMP/good.csv"
expect_status 2 "fit without -o"
expect_err "missing -o" "missing -o named"
run fit "$TMP/good.csv" -o "$TMP/m.json" --model snorkel
expect_status 2 "unknown model"
expect_err "unknown model 'snorkel'" "unknown model named"
run fit "$TMP/good.csv" -o "$TMP/m.json" --bogus
expect_status 2 "unknown option"
expect_err "unknown option '--bogus'" "unknown option named"
run fit "$TMP/good.csv" -o "$TMP/m.json" --threads 0
expect_status 2 "zero threads"
run fit "$TMP/good.csv" -o "$TMP/m.json" --classes 1
expect_status 2 "one class"
run predict "$TMP/m.json" "$TMP/good.csv" -o "$TMP/p.xml" --format xml
expect_status 2 "unknown output format"
run eval "$TMP/p.csv" "$TMP/gold.csv" --tie-break coin
expect_status 2 "unknown tie-break"
run synth -o "$TMP/s.chv" --accuracy 0.9:0.5
expect_status 2 "inverted accuracy range"
run frobnicate
expect_status 2 "unknown command"
# "-o -" is no way to standard output: refused, and no file named "-" appears.
mkdir "$TMP/dash"
cd "$TMP/dash" || fail "cd"
run fit "$TMP/good.csv" -o "$TMP/model.json" -q
for args in "fit $TMP/good.csv -o -" "predict $TMP/model.json $TMP/good.csv -o -" \
  "synth -n 10 --output=-" "convert $TMP/good.csv -"; do
  # shellcheck disable=SC2086 # the words of $args are the arguments
  run $args
  expect_status 2 "chorus $args"
  expect_err " -: chorus writes its outputs to files" "chorus $args message"
  expect_no_file "$TMP/dash/-" "chorus $args output"
done
run run "$CHORUS_SOURCE_DIR/labeling_functions/youtube_spam.yaml" "$DATA/youtube/train.csv" -o -
expect_status 2 "run -o -"
expect_err "run writes its outputs into a folder; give its name" "run -o - message"
expect_no_file "$TMP/dash/-" "run -o - output"
cd - >/dev/null || fail "cd back"
# /dev/stdout is the way, into a pipe as into a file: the same bytes as -o FILE.
run predict "$TMP/model.json" "$TMP/good.csv" -o "$TMP/probs.csv" -q
"$CHORUS" predict "$TMP/model.json" "$TMP/good.csv" -o /dev/stdout -q | cat >"$TMP/piped.csv"
checks=$((checks + 1))
cmp -s "$TMP/probs.csv" "$TMP/piped.csv" || fail "predict -o /dev/stdout into a pipe: $(head -c 300 "$TMP/piped.csv")"

run fit --help
expect_status 0 "fit --help"
expect_out "usage: chorus fit" "help text"

finish
