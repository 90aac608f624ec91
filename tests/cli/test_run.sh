#!/usr/bin/env bash
# chorus apply / analyze / run end to end on the shipped YouTube data, and the errors a
# broken spec or data file must give before any work is done.
source "$(dirname "$0")/lib.sh"
LFS=$CHORUS_SOURCE_DIR/labeling_functions
yt=$DATA/youtube

run run "$LFS/youtube_spam.yaml" "$yt/train.csv" -o "$TMP/outdir"
expect_status 0 "run on youtube train"
for f in votes.chv model.json probs.csv lf_summary.csv gold.csv; do
  checks=$((checks + 1))
  [ -s "$TMP/outdir/$f" ] || fail "run did not write $f"
done
expect_out "keyword_my" "run prints the LF summary"
expect_out "evaluation against the data's gold field 'CLASS'" "run evaluates with gold"
checks=$((checks + 1))
[ "$(($(wc -l <"$TMP/outdir/probs.csv") - 1))" -eq 1586 ] || fail "probs.csv should have 1586 rows"

# The same votes whatever the thread count.
run apply "$LFS/youtube_spam.yaml" "$yt/train.csv" -o "$TMP/v1.chv" --threads 1 -q
run apply "$LFS/youtube_spam.yaml" "$yt/train.csv" -o "$TMP/v2.chv" --threads 2 -q
checks=$((checks + 1))
cmp -s "$TMP/v1.chv" "$TMP/v2.chv" || fail "apply differs between 1 and 2 threads"
cmp -s "$TMP/v1.chv" "$TMP/outdir/votes.chv" || fail "run and apply give different votes"

# Fit on train, label the test split (WRENCH's protocol).
run apply "$LFS/youtube_spam.yaml" "$yt/test.csv" -o "$TMP/test.chv" -q
expect_status 0 "apply to test"
run predict "$TMP/outdir/model.json" "$TMP/test.chv" -o "$TMP/test_probs.csv" -q
expect_status 0 "predict test"
# datasets/youtube/test.csv lists WRENCH's test items in WRENCH's order.
run eval "$TMP/test_probs.csv" "$DATA/wrench_youtube/test/gold.csv"
expect_status 0 "eval test"
echo "youtube test accuracy (LFs applied by chorus): $(awk '/^accuracy/ {print $2}' "$TMP/out")"

run analyze "$TMP/outdir/votes.chv" --gold "$TMP/outdir/gold.csv" --model "$TMP/outdir/model.json"
expect_status 0 "analyze with gold and model"
expect_out "emp.acc" "analyze shows empirical accuracy"
expect_out "learn.acc" "analyze shows learned accuracy"
run analyze "$TMP/outdir/votes.chv" --json
expect_status 0 "analyze --json"
expect_out '"coverage"' "analyze json"

# A broken spec is reported with its line before the data is read (the data path does
# not even exist here).
printf 'classes: [a, b]\nlfs:\n  - name: x\n    kind: regex\n    vote: a\n    pattern: "(unclosed"\n' >"$TMP/bad_regex.yaml"
run apply "$TMP/bad_regex.yaml" "$TMP/no-such-data.csv" -o "$TMP/v.chv"
expect_status 2 "bad regex"
expect_err "bad_regex.yaml:6" "bad regex names the spec line"
expect_err "labeling function 'x'" "bad regex names the LF"
expect_no_file "$TMP/v.chv" "no votes after a bad spec"
printf 'classes: [a, b]\nlfs:\n  - name: x\n    kind: keyword\n    vote: c\n    any: [hi]\n' >"$TMP/bad_class.yaml"
run apply "$TMP/bad_class.yaml" "$yt/test.csv" -o "$TMP/v.chv"
expect_status 2 "unknown class"
expect_err "bad_class.yaml:" "unknown class names the spec line"
printf 'classes: [a, b]\ndata:\n  text: BODY\nlfs:\n  - name: x\n    kind: keyword\n    vote: a\n    any: [hi]\n' >"$TMP/bad_field.yaml"
run apply "$TMP/bad_field.yaml" "$yt/test.csv" -o "$TMP/v.chv"
expect_status 2 "unknown field"
expect_err "the data has no field 'BODY'" "unknown field named"
printf 'COMMENT_ID,CONTENT\n1,"unterminated\n' >"$TMP/bad.csv"
run apply "$LFS/youtube_spam.yaml" "$TMP/bad.csv" -o "$TMP/v.chv"
expect_status 2 "malformed data"
expect_err "bad.csv:2" "malformed data names the line"
run apply "$LFS/youtube_spam.yaml" "$yt/test.csv"
expect_status 2 "apply without -o"

# Declared groups: LFs sharing a `group:` in the spec are modelled jointly by run.
sed -e 's/^    any: \[please, plz\]$/    any: [please, plz]\n    group: asks/' \
    -e 's/^    any: \[subscribe\]$/    any: [subscribe]\n    group: asks/' \
    "$LFS/youtube_spam.yaml" >"$TMP/grouped.yaml"
run run "$TMP/grouped.yaml" "$yt/train.csv" -o "$TMP/grouped" -q
expect_status 0 "run with a declared group"
checks=$((checks + 1))
grep -q '"groups"' "$TMP/grouped/model.json" || fail "model.json of a grouped spec lacks groups"
run analyze "$TMP/grouped/votes.chv" --model "$TMP/grouped/model.json"
expect_out "1 dependency groups are modelled jointly" "analyze shows the declared group"
# The same groups from the spec through apply and fit.
run apply "$TMP/grouped.yaml" "$yt/train.csv" -o "$TMP/grouped_votes.chv" -q
run fit "$TMP/grouped_votes.chv" --groups "$TMP/grouped.yaml" -o "$TMP/grouped_fit.json" -q
expect_status 0 "fit --groups SPEC.yaml"
checks=$((checks + 1))
cmp -s "$TMP/grouped_fit.json" "$TMP/grouped/model.json" || fail "fit --groups spec.yaml differs from run"

# A plugin LF loaded by the chorus binary calls back into it (chorus_record_get).
printf 'classes: [HAM, SPAM]\ndata:\n  text: text\nlfs:\n  - name: link\n    kind: plugin\n    library: %s\n    symbol: lf_has_link\n' \
  "$CHORUS_PLUGIN_EXAMPLE" >"$TMP/plugin.yaml"
printf 'text\nsee http://x\nhello\n' >"$TMP/plugin_data.csv"
run apply "$TMP/plugin.yaml" "$TMP/plugin_data.csv" -o "$TMP/plugin_votes.csv" -q
expect_status 0 "apply a plugin LF"
checks=$((checks + 1))
[ "$(tail -n +2 "$TMP/plugin_votes.csv" | tr '\n' ' ')" = "1 0 " ] || fail "plugin votes: $(cat "$TMP/plugin_votes.csv")"
printf 'classes: [HAM, SPAM]\ndata:\n  text: text\nlfs:\n  - name: bad\n    kind: plugin\n    library: %s\n    symbol: lf_bad_vote\n' \
  "$CHORUS_PLUGIN_EXAMPLE" >"$TMP/bad_plugin.yaml"
run apply "$TMP/bad_plugin.yaml" "$TMP/plugin_data.csv" -o "$TMP/bad_votes.csv"
expect_status 2 "a plugin voting a class the task lacks"
expect_err "returned 7" "invalid plugin vote named"
expect_no_file "$TMP/bad_votes.csv" "no votes after a bad plugin"

finish
