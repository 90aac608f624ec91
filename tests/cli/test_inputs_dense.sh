#!/usr/bin/env bash
# Dense vote files as other tools write them (no header, 0 = abstain, classes 1..K, CR line
# ends), models applied to votes with their LFs in another order, and hostile inputs that
# must fail fast, in bounded memory, with exit 2 and a message naming the file and place.
source "$(dirname "$0")/lib.sh"

# seconds_since START_NS: elapsed wall time, for the "fails at once" checks.
now_ns() { date +%s%N; }
# expect_fast START_NS LIMIT_S DESCRIPTION
expect_fast() {
  checks=$((checks + 1))
  local ms=$((($(now_ns) - $1) / 1000000))
  [ "$ms" -le $(($2 * 1000)) ] || fail "$3: took ${ms} ms, expected under $2 s"
}

# --- Headerless CSV (np.savetxt(L, fmt='%d', delimiter=',')) ---------------------------
# Four items, three LFs; the first row has distinct values, the old failure mode (taken as
# the header, one item lost), and the second repeats -1 (the old "appears twice").
printf '0,1,-1\n-1,-1,1\n1,1,1\n0,0,-1\n' >"$TMP/savetxt.csv"
run convert "$TMP/savetxt.csv" "$TMP/savetxt.triples.csv" --to triples
expect_status 0 "headerless CSV converts"
expect_err "savetxt.csv: no header (the first line is votes)" "headerless CSV is said"
expect_err "lf0..lf2" "headerless CSV names LFs by index"
expect_err "4 items x 3 labeling functions, 8 votes" "headerless CSV keeps its first row"
run fit "$TMP/savetxt.csv" -o "$TMP/savetxt.json" -q
expect_status 0 "fit on a headerless CSV"
run predict "$TMP/savetxt.json" "$TMP/savetxt.csv" -o "$TMP/savetxt.probs.csv" -q
expect_status 0 "predict on a headerless CSV"
# --header forces the first line to be names: 3 items left, LFs named 0, 1, -1.
run convert "$TMP/savetxt.csv" "$TMP/forced.csv" --header
expect_status 0 "--header on an all-integer first line"
expect_err "3 items x 3 labeling functions" "--header takes the first line as names"
checks=$((checks + 1))
[ "$(head -1 "$TMP/forced.csv")" = "0,1,-1" ] || fail "--header: LF names are the first line"
# --no-header forces data: a first line of names is then a bad vote.
printf 'a,b\n0,1\n' >"$TMP/named.csv"
run fit "$TMP/named.csv" -o "$TMP/named.json" --no-header
expect_status 2 "--no-header on a named header"
expect_err "named.csv:1: column 1 (lf0): 'a' is not a vote" "--no-header message"
expect_no_file "$TMP/named.json" "--no-header output"
run fit "$TMP/named.csv" -o "$TMP/named.json" --header --no-header
expect_status 2 "--header with --no-header"
expect_err "exclude each other" "--header with --no-header message"

# --- --abstain and classes that never receive a vote ----------------------------------
# Classes coded 1..2 with -1 for abstain: class 0 is a phantom.
printf 'a,b,c\n1,2,-1\n2,2,1\n1,-1,1\n2,1,2\n' >"$TMP/one_based.csv"
run fit "$TMP/one_based.csv" -o "$TMP/one_based.json" -q
expect_status 0 "fit with a phantom class 0"
expect_err "warning: class 0 never receives a vote" "phantom class warning"
expect_err "use --abstain 0" "phantom class hint"
run analyze "$TMP/one_based.csv"
expect_err "class 0 never receives a vote" "analyze warns too"
run fit "$TMP/one_based.csv" -o "$TMP/one_based.json" --abstain 0
expect_status 0 "fit with --abstain 0"
expect_err "2 classes" "--abstain 0 shifts 1..2 to 0..1"
checks=$((checks + 1))
grep -q "never receives" "$TMP/err" && fail "--abstain 0: no phantom class left"
# 0 as abstain, classes 1..2: 0 is read as a class unless --abstain 0.
printf 'a,b,c\n0,2,1\n1,0,1\n2,2,0\n' >"$TMP/zero_abstain.csv"
run convert "$TMP/zero_abstain.csv" "$TMP/zero.triples.csv" --to triples --abstain 0
expect_status 0 "convert with --abstain 0"
expect_err "3 items x 3 labeling functions, 6 votes" "--abstain 0 drops the zeros"
checks=$((checks + 1))
grep -qx "0,b,1" "$TMP/zero.triples.csv" || fail "--abstain 0: value 2 is class 1"
run convert "$TMP/zero_abstain.csv" "$TMP/x.chv" --abstain 1
expect_status 2 "a value below the abstain value"
expect_err "zero_abstain.csv:2: column 1 (a): '0' is not a vote; expected -1 or 1 (abstain)" \
  "--abstain 1 message"
expect_no_file "$TMP/x.chv" "--abstain 1 output"
run convert "$TMP/zero_abstain.csv" "$TMP/x.chv" --abstain -2
expect_status 2 "--abstain out of range"
expect_no_file "$TMP/x.chv" "--abstain out of range output"
# The same option for triples.
printf 'item,lf,label\n0,0,1\n0,1,0\n1,0,2\n' >"$TMP/t.csv"
run convert "$TMP/t.csv" "$TMP/t.dense.csv" --abstain 0
expect_status 0 "triples with --abstain 0"
checks=$((checks + 1))
[ "$(tr '\n' ' ' <"$TMP/t.dense.csv")" = "lf0,lf1 0,-1 1,-1 " ] ||
  fail "triples --abstain 0: $(cat "$TMP/t.dense.csv")"

# --- Duplicate class names -------------------------------------------------------------
run fit "$TMP/named.csv" -o "$TMP/dup.json" --classes HAM,SPAM,HAM
expect_status 2 "--classes with a duplicate"
expect_err 'class "HAM" twice' "--classes duplicate message"
expect_no_file "$TMP/dup.json" "--classes duplicate output"

# --- Line ends --------------------------------------------------------------------------
printf 'a,b\n0,1\n1,-1\n' >"$TMP/lf.csv"
printf 'a,b\r\n0,1\r\n1,-1\r\n' >"$TMP/crlf.csv"
printf 'a,b\r0,1\r1,-1\r' >"$TMP/cr.csv"
printf 'a,b\r0,1\r1,-1' >"$TMP/cr_noend.csv"
run convert "$TMP/lf.csv" "$TMP/lf.out.csv" -q
for f in crlf cr cr_noend; do
  run convert "$TMP/$f.csv" "$TMP/$f.out.csv" -q
  expect_status 0 "$f line ends"
  checks=$((checks + 1))
  cmp -s "$TMP/lf.out.csv" "$TMP/$f.out.csv" || fail "$f line ends read differently"
done
printf '0\r1\r\n-1\n' >"$TMP/gold_cr.txt"
run fit "$TMP/lf.csv" -o "$TMP/m.json" -q --eval-gold "$TMP/gold_cr.txt"
expect_status 2 "gold with CR line ends has one label per item"
expect_err "gold_cr.txt" "gold with 3 lines for 2 items"

# --- Invalid UTF-8 in names ------------------------------------------------------------
printf 'a,b\xff\xfe\n0,1\n1,0\n' >"$TMP/latin.csv"
run fit "$TMP/latin.csv" -o "$TMP/latin.json"
expect_status 2 "invalid UTF-8 LF name"
expect_err "latin.csv:1: column 2: labeling function name is not valid UTF-8 (byte 1)" \
  "invalid UTF-8 message"
expect_no_file "$TMP/latin.json" "invalid UTF-8 output"
run fit "$TMP/named.csv" -o "$TMP/latin.json" --classes $'ok,\xc3\x28'
expect_status 2 "invalid UTF-8 class name"
expect_err "class name is not valid UTF-8" "invalid UTF-8 class message"
expect_no_file "$TMP/latin.json" "invalid UTF-8 class output"

# --- A model applied to votes with its LFs in another order ---------------------------
printf 'x,y,z\n0,1,0\n1,1,-1\n0,0,0\n1,-1,1\n' >"$TMP/xyz.csv"
printf 'z,x,y\n0,0,1\n-1,1,1\n' >"$TMP/zxy.csv"
printf 'x,y,z\n0,1,0\n1,1,-1\n' >"$TMP/xyz2.csv"
printf 'z,x,w\n0,0,1\n' >"$TMP/zxw.csv"
run fit "$TMP/xyz.csv" -o "$TMP/xyz.json" -q
expect_status 0 "fit xyz"
run predict "$TMP/xyz.json" "$TMP/xyz2.csv" -o "$TMP/p1.csv" -q
run predict "$TMP/xyz.json" "$TMP/zxy.csv" -o "$TMP/p2.csv" -q
expect_status 0 "predict with LFs reordered"
checks=$((checks + 1))
cmp -s "$TMP/p1.csv" "$TMP/p2.csv" || fail "reordered LFs give other probabilities"
run predict "$TMP/xyz.json" "$TMP/zxw.csv" -o "$TMP/p3.csv"
expect_status 2 "predict with a missing and an extra LF"
expect_err 'lack 1 of the model'"'"'s labeling functions: "y"' "missing LF named"
expect_err 'labeling function the model does not know: "w"' "extra LF named"
expect_no_file "$TMP/p3.csv" "missing LF output"
run analyze "$TMP/zxw.csv" --model "$TMP/xyz.json"
expect_status 2 "analyze --model with a missing LF"
expect_err '"w"' "analyze names the extra LF"
run analyze "$TMP/zxy.csv" --model "$TMP/xyz.json"
expect_status 0 "analyze --model with LFs reordered"

# --- Hostile inputs: each fails at once with exit 2 ------------------------------------
start=$(now_ns)
run_t() { timeout 10 "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"; status=$?; }
run_t fit /dev/zero -o "$TMP/h.json"
expect_status 2 "/dev/zero"
expect_err "/dev/zero:1: contains a NUL byte (byte offset 0)" "/dev/zero message"
expect_fast "$start" 2 "/dev/zero"
expect_no_file "$TMP/h.json" "/dev/zero output"

mkfifo "$TMP/fifo"
start=$(now_ns)
run_t fit "$TMP/fifo" -o "$TMP/h.json"
expect_status 2 "a FIFO without a writer"
expect_err "fifo: the file is empty" "FIFO message"
expect_fast "$start" 2 "FIFO"
expect_no_file "$TMP/h.json" "FIFO output"

# A gigabyte of commas, streamed: the reader stops at its line limit.
start=$(now_ns)
run_t fit <(head -c 1073741824 /dev/zero | tr '\0' ',') -o "$TMP/h.json"
expect_status 2 "a header of 1 GiB of commas"
expect_err ":1: line starting at byte offset 0 is longer than 16777216 bytes" "huge header message"
expect_fast "$start" 5 "huge header"
# A header within the line limit but past the LF limit.
seq -f 'lf%g' 1 100001 | paste -sd, >"$TMP/wide_header.csv"
run fit "$TMP/wide_header.csv" -o "$TMP/h.json"
expect_status 2 "a header of 100001 LFs"
expect_err "wide_header.csv:1: more than 100000 columns" "LF limit message"
start=$(now_ns)
run_t fit <(printf 'a,b\n' && head -c 1073741824 /dev/zero | tr '\0' ',') -o "$TMP/h.json"
expect_status 2 "a row of 1 GiB of commas"
expect_err ":2: line starting at byte offset 4 is longer than 16777216 bytes" "huge row message"
expect_fast "$start" 5 "huge row"
expect_no_file "$TMP/h.json" "huge row output"
# A row a little too wide is refused while splitting, without splitting all of it.
printf 'a,b\n0,1,1,1\n' >"$TMP/wide.csv"
run fit "$TMP/wide.csv" -o "$TMP/h.json"
expect_status 2 "a row wider than the header"
expect_err "wide.csv:2: 4 fields, expected 2" "wide row message"

# Twelve bytes that once meant 3000 classes and a 595 MB model.json.
printf 'a,b\n3000,0' >"$TMP/k3000.csv"
start=$(now_ns)
run fit "$TMP/k3000.csv" -o "$TMP/h.json"
expect_status 2 "a vote above the class limit"
expect_err "k3000.csv:2: column 1 (a): '3000' is not a vote; expected -1 (abstain) or a class in 0..999" \
  "class limit message"
expect_fast "$start" 2 "class limit"
expect_no_file "$TMP/h.json" "class limit output"
printf 'a,b\n900,0\n1,-1\n' >"$TMP/k900.csv"
run fit "$TMP/k900.csv" -o "$TMP/h.json"
expect_status 2 "a stray large vote"
expect_err "k900.csv: the largest vote, 900, implies 901 classes, but only 3 of them receive a vote" \
  "stray vote message"
expect_no_file "$TMP/h.json" "stray vote output"
run fit "$TMP/k900.csv" -o "$TMP/h.json" --classes 901 --model mv -q
expect_status 0 "a large class count given on purpose"

# A model.json listing 65535 classes (once a 103 GB allocation).
{
  printf '{"format": "chorus-model", "format_version": 1, "model": "ds", "classes": ['
  seq -s, 1 65535 | sed 's/[0-9]\+/"&"/g'
  printf '], "labeling_functions": [{"name": "a", "confusion": []}], "class_prior": []}\n'
} >"$TMP/k65535.json"
start=$(now_ns)
run_t predict "$TMP/k65535.json" "$TMP/lf.csv" -o "$TMP/h.csv"
expect_status 2 "model.json with 65535 classes"
expect_err 'k65535.json: field "classes": expected an array of 2..1000 class names, found 65535' \
  "model class limit message"
expect_fast "$start" 2 "model class limit"
expect_no_file "$TMP/h.csv" "model class limit output"
# 1000 classes (allowed) but no table to back them: refused before anything is sized.
{
  printf '{"format": "chorus-model", "format_version": 1, "model": "ds", "classes": ['
  seq -s, 1 1000 | sed 's/[0-9]\+/"&"/g'
  printf '], "labeling_functions": [{"name": "a", "confusion": []}, {"name": "b", "group": 1}], "class_prior": []}\n'
} >"$TMP/k1000.json"
start=$(now_ns)
run_t predict "$TMP/k1000.json" "$TMP/lf.csv" -o "$TMP/h.csv"
expect_status 2 "model.json with tables too small"
expect_err 'k1000.json: labeling function 1 (a): "confusion" must have one row per class' \
  "model table shape message"
expect_fast "$start" 2 "model table shape"
printf '{"format": "chorus-model", "format_version": 1, "model": "mv", "classes": ["a", "b", "a"], "labeling_functions": ["x"], "class_prior": [0.3, 0.3, 0.4]}\n' >"$TMP/dupclass.json"
run predict "$TMP/dupclass.json" "$TMP/lf.csv" -o "$TMP/h.csv"
expect_status 2 "model.json with a duplicate class"
expect_err 'dupclass.json: field "classes": class name "a" appears twice' "model duplicate class"

finish
