#!/usr/bin/env bash
# Crowd files in long format (task,worker,label with string ids and labels), repeated
# answers, headerless and round-tripped triples, hostile triples and gold files, and gold
# given as class names, as np.savetxt floats or as a field of the data file.
source "$(dirname "$0")/lib.sh"

# Three workers, three tasks. t1 and t3 are unanimous (spam, ham), t2 is 2 ham to 1 spam.
cat >"$TMP/crowd.csv" <<'CSV'
task,worker,label
t1,alice,spam
t1,bob,spam
t1,carol,spam
t2,alice,ham
t2,bob,ham
t2,carol,spam
t3,alice,ham
t3,bob,ham
CSV

run fit "$TMP/crowd.csv" -o "$TMP/model.json" --model mv -q
expect_status 0 "fit on a crowd file"
checks=$((checks + 1))
grep -q '"spam"' "$TMP/model.json" && grep -q '"name": "carol"' "$TMP/model.json" ||
  fail "model.json lacks the class names or the worker names"
run predict "$TMP/model.json" "$TMP/crowd.csv" -o "$TMP/probs.csv" -q
expect_status 0 "predict on a crowd file"
# Rows are keyed by task id; unanimous tasks get their class, t2 the majority's.
checks=$((checks + 1))
[ "$(cut -d, -f1 "$TMP/probs.csv" | tr '\n' ' ')" = "item t1 t2 t3 " ] ||
  fail "probs.csv items: $(cut -d, -f1 "$TMP/probs.csv" | tr '\n' ' ')"
checks=$((checks + 1))
awk -F, 'NR > 1 && (($1 == "t1" && $3 <= $4) || ($1 != "t1" && $3 >= $4)) { bad = 1 }
  END { exit bad }' "$TMP/probs.csv" || fail "probs.csv labels: $(cat "$TMP/probs.csv")"
run predict "$TMP/model.json" "$TMP/crowd.csv" -o "$TMP/probs.jsonl" -q
expect_status 0 "predict JSONL on a crowd file"
checks=$((checks + 1))
grep -q '^{"item": "t3", "covered": true, "label": 1, "class": "ham"' "$TMP/probs.jsonl" ||
  fail "probs.jsonl: $(cat "$TMP/probs.jsonl")"
# The same answers with the workers met in another order (and ham first): the votes are
# matched to the model by name, and the rows still carry the task ids.
cat >"$TMP/crowd_reordered.csv" <<'CSV'
task,worker,label
t1,carol,spam
t1,bob,spam
t1,alice,spam
t2,carol,spam
t2,bob,ham
t2,alice,ham
t3,bob,ham
t3,alice,ham
CSV
run predict "$TMP/model.json" "$TMP/crowd_reordered.csv" -o "$TMP/probs_reordered.csv" -q
expect_status 0 "predict on a crowd file whose workers come in another order"
checks=$((checks + 1))
cmp -s "$TMP/probs.csv" "$TMP/probs_reordered.csv" ||
  fail "reordered workers: $(cat "$TMP/probs_reordered.csv")"
run predict "$TMP/model.json" "$TMP/crowd_reordered.csv" -o "$TMP/probs_reordered.jsonl" -q
checks=$((checks + 1))
cmp -s "$TMP/probs.jsonl" "$TMP/probs_reordered.jsonl" ||
  fail "reordered workers, JSONL: $(cat "$TMP/probs_reordered.jsonl")"

# Gold as class names, scored against the predictions: all three right.
printf 'spam\nham\nham\n' >"$TMP/gold_names.txt"
run eval "$TMP/probs.csv" "$TMP/gold_names.txt"
expect_status 0 "eval with gold as class names"
expect_out "accuracy       1.0000" "eval with gold names: accuracy"
# np.savetxt's floats; class indices in the order of first appearance (spam 0, ham 1).
printf '0.000000000000000000e+00\n1.000000000000000000e+00\n1.000000000000000000e+00\n' \
  >"$TMP/gold_floats.txt"
run fit "$TMP/crowd.csv" -o "$TMP/model2.json" --model mv -q --eval-gold "$TMP/gold_floats.txt"
expect_status 0 "fit --eval-gold with np.savetxt floats"
expect_out "accuracy       1.0000" "fit --eval-gold floats: accuracy"
# Gold from a field of the data file; an empty value is unknown.
printf 'id,text,label\nt1,buy now,spam\nt2,hello,ham\nt3,lunch?,\n' >"$TMP/data.csv"
run fit "$TMP/crowd.csv" -o "$TMP/model3.json" --model mv -q --eval-gold "$TMP/data.csv:label"
expect_status 0 "fit --eval-gold DATA:FIELD"
expect_out "gold known     2" "fit --eval-gold DATA:FIELD: one unknown"
printf '{"label": "spam"}\n{"label": "ham"}\n{"label": "ham"}\n' >"$TMP/data.jsonl"
run eval "$TMP/probs.csv" "$TMP/data.jsonl:label"
expect_status 0 "eval GOLD as DATA.jsonl:FIELD"
expect_out "accuracy       1.0000" "eval DATA.jsonl:FIELD: accuracy"

# Bad gold: exit 2, the file, line and value named, and no model written.
printf 'spam\neggs\nham\n' >"$TMP/gold_bad.txt"
run fit "$TMP/crowd.csv" -o "$TMP/bad.json" --eval-gold "$TMP/gold_bad.txt"
expect_status 2 "fit --eval-gold with an unknown class"
expect_err "gold_bad.txt:2: 'eggs' is not a gold label" "unknown class message"
expect_no_file "$TMP/bad.json" "fit with bad --eval-gold"
printf 'spam\nham\n' >"$TMP/short.txt"
run fit "$TMP/crowd.csv" -o "$TMP/bad.json" --eval-gold "$TMP/short.txt"
expect_status 2 "fit --eval-gold too short"
expect_err "short.txt has 2 labels but the votes have 3 items" "short --eval-gold message"
expect_no_file "$TMP/bad.json" "fit with short --eval-gold"
printf 'id,label\n1,spam\n2,eggs\n3,ham\n' >"$TMP/data_bad.csv"
run fit "$TMP/crowd.csv" -o "$TMP/bad.json" --gold "$TMP/data_bad.csv:label"
expect_status 2 "fit --gold DATA:FIELD with an unknown class"
expect_err "data_bad.csv:3: field 'label': 'eggs' is not a gold label" "DATA:FIELD message"
expect_no_file "$TMP/bad.json" "fit with bad --gold DATA:FIELD"
run fit "$TMP/crowd.csv" -o "$TMP/bad.json" --gold "$TMP/data_bad.csv:nope"
expect_status 2 "fit --gold DATA:missing field"
expect_err "has no field 'nope'" "missing field message"

# Repeated answers: carol answers t1 twice (lines 4 and 10).
cp "$TMP/crowd.csv" "$TMP/dup.csv"
echo 't1,carol,ham' >>"$TMP/dup.csv"
run convert "$TMP/dup.csv" "$TMP/dup_out.csv" --to triples
expect_status 0 "convert with a repeated answer (default all)"
expect_err "1 repeated answer" "duplicates warning: count"
expect_err "the first at line 10, repeating line 4" "duplicates warning: lines"
checks=$((checks + 1))
grep -q '^t1,carol#2,ham$' "$TMP/dup_out.csv" || fail "carol's 2nd answer is not kept as carol#2"
run convert "$TMP/dup.csv" "$TMP/dup_err.csv" --to triples --duplicates error
expect_status 2 "--duplicates error"
expect_err "dup.csv:10: labeling function carol answers item t1 again (first at line 4)" \
  "--duplicates error message"
expect_no_file "$TMP/dup_err.csv" "--duplicates error output"
run convert "$TMP/dup.csv" "$TMP/dup_last.csv" --to triples --duplicates last
expect_status 0 "--duplicates last"
checks=$((checks + 1))
grep -q '^t1,carol,ham$' "$TMP/dup_last.csv" || fail "--duplicates last did not keep the last"
run convert "$TMP/dup.csv" "$TMP/x.csv" --duplicates most
expect_status 2 "--duplicates with an unknown policy"
# The shipped Dawid-Skene 1979 data has observer 1's three ratings per patient.
run fit "$DATA/ds1979_patients/triples.csv" -o "$TMP/ds.json" -q
expect_status 0 "fit on ds1979 triples (repeated ratings)"
expect_err "kept as votes of 2 extra labeling functions" "ds1979 warning"

# Headerless triples with --from triples: the first row is a vote, not a header.
printf '0,0,1\n0,1,1\n1,0,0\n' >"$TMP/nohead.csv"
run convert "$TMP/nohead.csv" "$TMP/nohead.chv" --from triples
expect_status 0 "headerless triples"
expect_err "2 items x 2 labeling functions, 3 votes" "headerless triples keep the first vote"
printf 'x,y,z\n0,0,1\n' >"$TMP/badhead.csv"
run convert "$TMP/badhead.csv" "$TMP/badhead.chv" --from triples
expect_status 2 "triples with an unknown header"
expect_err "badhead.csv:1: 'x,y,z' is neither a header" "unknown header message"
expect_no_file "$TMP/badhead.chv" "unknown header output"

# Round trip: dense CSV -> triples -> dense keeps the trailing vote-less item and names.
printf 'kw_a,kw_b,re_c\n1,-1,-1\n-1,0,-1\n-1,-1,-1\n' >"$TMP/dense.csv"
run convert "$TMP/dense.csv" "$TMP/rt.csv" --to triples
expect_status 0 "dense -> triples"
run convert "$TMP/rt.csv" "$TMP/back.csv" --to csv
expect_status 0 "triples -> dense"
checks=$((checks + 1))
cmp -s "$TMP/dense.csv" "$TMP/back.csv" || fail "round trip differs: $(cat "$TMP/back.csv")"
# A matrix of 0 items written by chorus reads back.
printf 'a,b\n' >"$TMP/zero.csv"
run convert "$TMP/rt.csv" "$TMP/zero.chv"
printf 'item,lf,label\n,a,\n,b,\n' >"$TMP/zero_triples.csv"
run convert "$TMP/zero_triples.csv" "$TMP/zero2.csv" --to triples
expect_status 0 "0-item triples"
run convert "$TMP/zero2.csv" "$TMP/zero3.chv"
expect_status 0 "0-item triples written by chorus read back"
expect_err "0 items x 2 labeling functions" "0-item round trip sizes"

# Hostile triples: fast exit 2 naming the file and line, no output.
printf 'item,lf,label\n1000000000,0,1' >"$TMP/huge.csv"
for spec in "huge.csv:2: item '1000000000' is too far beyond"; do
  start=$(date +%s%N)
  run convert "$TMP/huge.csv" "$TMP/huge.chv"
  elapsed=$((($(date +%s%N) - start) / 1000000))
  expect_status 2 "huge item id"
  expect_err "$spec" "huge item id message"
  expect_no_file "$TMP/huge.chv" "huge item id output"
  checks=$((checks + 1))
  [ "$elapsed" -lt 1000 ] || fail "huge item id took $elapsed ms"
done
printf 'item,lf,label\n0,0,60000\n' >"$TMP/hugelabel.csv"
run convert "$TMP/hugelabel.csv" "$TMP/hl.chv"
expect_status 2 "huge class label"
expect_err "hugelabel.csv:2: label '60000' is above the largest allowed, 999" "huge label message"
run convert /dev/zero "$TMP/zero.chv" --from triples
expect_status 2 "/dev/zero as triples"
expect_err "/dev/zero:1: contains a NUL byte (byte offset 0)" "/dev/zero triples message"
mkfifo "$TMP/fifo"
run convert "$TMP/fifo" "$TMP/fifo.chv" --from triples
expect_status 2 "a FIFO without a writer as triples"
expect_err "fifo: the file is empty" "FIFO triples message"
run eval "$TMP/probs.csv" /dev/zero
expect_status 2 "/dev/zero as gold"
expect_err "/dev/zero:1: contains a NUL byte (byte offset 0)" "/dev/zero gold message"
run eval "$TMP/probs.csv" "$TMP/fifo"
expect_status 2 "a FIFO as gold"
expect_err "fifo: the file is empty" "FIFO gold message"
# A 1 GiB line (sparse file, so no disk is used) fails at once.
{ printf 'item,lf,label\n'; } >"$TMP/long.csv"
truncate -s 1G "$TMP/long.csv"
start=$(date +%s%N)
run convert "$TMP/long.csv" "$TMP/long.chv" --from triples
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_status 2 "1 GiB line of triples"
expect_err "long.csv:2:" "1 GiB line message"
checks=$((checks + 1))
[ "$elapsed" -lt 1000 ] || fail "1 GiB line took $elapsed ms"
truncate -s 0 "$TMP/long.csv"
printf '0\n' >"$TMP/long.csv"
truncate -s 1G "$TMP/long.csv"
run eval "$TMP/probs.csv" "$TMP/long.csv"
expect_status 2 "1 GiB line of gold"
expect_err "long.csv:2:" "1 GiB gold line message"
rm -f "$TMP/long.csv"

finish
