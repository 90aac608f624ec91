#!/usr/bin/env bash
# apply and run on the data formats (CSV, TSV, JSONL; LF, CRLF and CR line ends), on data
# that would lose or shift items (blank lines, no records), and on hostile data, lists and
# specs: each fails with exit 2 in bounded time, naming the file and place, and writes
# nothing. Hostile inputs are generated here; `timeout` turns a hang into a failure.
source "$(dirname "$0")/lib.sh"

# Generous for sanitizer builds; without the limits these took minutes or all memory.
LIMIT=30

cat >"$TMP/spec.yaml" <<'EOF'
classes: [HAM, SPAM]
data: {text: text}
lfs:
  - {name: win, kind: keyword, vote: SPAM, any: [win]}
  - {name: hello, kind: keyword, vote: HAM, any: [hello]}
EOF

# expect_votes FILE EXPECTED: the votes CSV written by apply, rows joined by spaces.
expect_votes() {
  checks=$((checks + 1))
  local got
  got=$(tr '\n' ' ' <"$1")
  [ "$got" = "$2" ] || fail "votes of $(basename "$1"): got '$got', expected '$2'"
}

# bad_apply DATA MESSAGE [args]: apply and run both exit 2 with MESSAGE and write nothing.
bad_apply() {
  local data=$1 msg=$2
  shift 2
  rm -rf "$TMP/v.csv" "$TMP/outdir"
  run_timed apply "$TMP/spec.yaml" "$data" -o "$TMP/v.csv" "$@"
  expect_status 2 "apply $(basename "$data")"
  expect_err "$msg" "apply $(basename "$data") message"
  expect_no_file "$TMP/v.csv" "apply $(basename "$data") output"
  run_timed run "$TMP/spec.yaml" "$data" -o "$TMP/outdir" "$@"
  expect_status 2 "run $(basename "$data")"
  expect_err "$msg" "run $(basename "$data") message"
  expect_no_file "$TMP/outdir" "run $(basename "$data") output folder"
}

# run_timed ARGS: like run, under `timeout`; a timeout is exit 124.
run_timed() {
  timeout "$LIMIT" "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
}

# ---- formats and line ends ---------------------------------------------------------------

printf 'text\r\nhello there\r\nwin big\r\n' >"$TMP/crlf.csv"
printf 'text\rhello there\rwin big\r' >"$TMP/cr.csv"
printf 'id\ttext\n1\thello "friend"\n2\twin, now\n' >"$TMP/data.tsv"
printf 'id\ttext\n1\thello\n2\twin\n' >"$TMP/data.txt"
for data in crlf.csv cr.csv data.tsv; do
  run apply "$TMP/spec.yaml" "$TMP/$data" -o "$TMP/v.csv" -q
  expect_status 0 "apply $data"
  expect_votes "$TMP/v.csv" "win,hello -1,0 1,-1 "
done
run apply "$TMP/spec.yaml" "$TMP/data.txt" -o "$TMP/v.csv" -q --data-format tsv
expect_status 0 "apply --data-format tsv"
expect_votes "$TMP/v.csv" "win,hello -1,0 1,-1 "
run apply "$TMP/spec.yaml" "$TMP/data.txt" -o "$TMP/v.csv" -q --data-format xml
expect_status 2 "apply --data-format xml"
expect_err "--data-format expects csv, tsv or jsonl, got 'xml'" "unknown data format"

# ---- items are never lost silently -------------------------------------------------------

printf '{"text": "hello"}\n\n{"text": "win"}\n' >"$TMP/blank.jsonl"
bad_apply "$TMP/blank.jsonl" "blank.jsonl:2: a blank line between records"
printf 'text\nhello\n\nwin\n' >"$TMP/blank.csv"
bad_apply "$TMP/blank.csv" "blank.csv:3: a blank line between records"

# Blank lines at the end are not items.
printf '{"text": "hello"}\n{"text": "win"}\n\n\n' >"$TMP/trailing.jsonl"
run apply "$TMP/spec.yaml" "$TMP/trailing.jsonl" -o "$TMP/v.csv" -q
expect_status 0 "apply with trailing blank lines"
expect_votes "$TMP/v.csv" "win,hello -1,0 1,-1 "

# --skip-bad-rows names the lines it skipped, and the count.
{
  printf '{"text": "hello"}\n'
  for i in $(seq 1 12); do printf 'bad %d\n' "$i"; done
  printf '\n{"text": "win"}\n'
} >"$TMP/skip.jsonl"
run apply "$TMP/spec.yaml" "$TMP/skip.jsonl" -o "$TMP/v.csv" -q --skip-bad-rows
expect_status 0 "apply --skip-bad-rows"
expect_err "warning: $TMP/skip.jsonl:2: column" "the first skipped row is described"
expect_err "skip.jsonl: skipped 13 bad rows, on lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ..." \
  "the skipped lines and the count"
expect_votes "$TMP/v.csv" "win,hello -1,0 1,-1 "

# No records: nothing to fit on or to label.
printf 'text\n' >"$TMP/header_only.csv"
bad_apply "$TMP/header_only.csv" "header_only.csv: no records; expected one or more rows"
printf '\n\n' >"$TMP/none.jsonl"
bad_apply "$TMP/none.jsonl" "none.jsonl: no records"

# ---- hostile data and lists ---------------------------------------------------------------

mkfifo "$TMP/fifo.csv" "$TMP/fifo.jsonl" "$TMP/fifo.txt"
bad_apply /dev/zero "/dev/zero: is a character device; expected the data in a regular file"
bad_apply /dev/zero "/dev/zero: is a character device" --data-format jsonl
bad_apply "$TMP/fifo.csv" "fifo.csv: is a FIFO (a pipe); expected the data in a regular file"
bad_apply "$TMP/fifo.jsonl" "fifo.jsonl: is a FIFO (a pipe)"

# A 1 GiB line, as a sparse file (no disk is used): refused at the 64 MiB limit.
printf 'text\n' >"$TMP/huge.csv"
truncate -s 1G "$TMP/huge.csv"
bad_apply "$TMP/huge.csv" "huge.csv:2: field 1 (text) contains a NUL byte"
{ printf 'text\nhello\n'; head -c $((65 << 20)) /dev/zero | tr '\0' 'x'; } >"$TMP/long.csv"
bad_apply "$TMP/long.csv" "long.csv:3: a record longer than 64 MiB"
{ printf '{"text": "hello"}\n'; head -c $((65 << 20)) /dev/zero | tr '\0' ' '; } >"$TMP/long.jsonl"
bad_apply "$TMP/long.jsonl" "long.jsonl:2: a line longer than 64 MiB"
rm -f "$TMP/huge.csv" "$TMP/long.csv" "$TMP/long.jsonl"

# One new key per line (30,000 lines, 0.9 MB): stored sparse, applied in a moment.
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "{\"text\": \"win %d\", \"k%d\": %d}\n", i, i, i }' \
  >"$TMP/keys.jsonl"
run_timed apply "$TMP/spec.yaml" "$TMP/keys.jsonl" -o "$TMP/v.csv" -q
expect_status 0 "apply a new key per line"
checks=$((checks + 1))
[ "$(grep -c '^1,-1$' "$TMP/v.csv")" = 30000 ] || fail "a new key per line: 30000 votes for win"

# Deep nesting in a value.
awk 'BEGIN { printf "{\"text\": \"a\"}\n{\"text\": "; for (i = 0; i < 100000; i++) printf "["; \
  for (i = 0; i < 100000; i++) printf "]"; print "}" }' >"$TMP/deep.jsonl"
bad_apply "$TMP/deep.jsonl" "deep.jsonl:2: column"

# A lookup list that is a device or a FIFO.
printf 'text\nhello\n' >"$TMP/ok.csv"
for list in /dev/zero "$TMP/fifo.txt"; do
  cat >"$TMP/lookup.yaml" <<EOF
classes: [HAM, SPAM]
data: {text: text}
lfs:
  - {name: listed, kind: lookup, vote: SPAM, list: $list}
EOF
  run_timed apply "$TMP/lookup.yaml" "$TMP/ok.csv" -o "$TMP/v.csv"
  expect_status 2 "lookup list $(basename "$list")"
  expect_err "lookup.yaml:4: labeling function 'listed': cannot read the list: $list: is a" \
    "lookup list $(basename "$list") message"
  expect_no_file "$TMP/v.csv" "lookup list $(basename "$list") output"
done

# ---- hostile specs ------------------------------------------------------------------------

# bad_spec SPEC MESSAGE: apply exits 2 with MESSAGE, in time, writing nothing.
bad_spec() {
  rm -f "$TMP/v.csv"
  run_timed apply "$1" "$TMP/ok.csv" -o "$TMP/v.csv"
  expect_status 2 "apply $(basename "$1")"
  expect_err "$2" "apply $(basename "$1") message"
  expect_no_file "$TMP/v.csv" "apply $(basename "$1") output"
}

HEAD='classes: [HAM, SPAM]\ndata: {text: text}\nlfs:\n'
awk -v head="$HEAD" 'BEGIN { printf head "  - {name: a, kind: keyword, vote: HAM, any: "; \
  for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "}" }' \
  >"$TMP/nested.yaml"
bad_spec "$TMP/nested.yaml" "nested.yaml:4: lists and mappings nested more than 256 deep"

# A 1 MiB keyword list aliased 10,000 times.
awk -v head="$HEAD" 'BEGIN { printf head "  - {name: lf0, kind: keyword, vote: HAM, any: &w [";
  for (i = 0; i < 131072; i++) printf "%sw%06d", (i ? ", " : ""), i; print "]}";
  for (i = 1; i < 10000; i++) printf "  - {name: lf%d, kind: keyword, vote: HAM, any: *w}\n", i }' \
  >"$TMP/alias.yaml"
bad_spec "$TMP/alias.yaml" "the spec expands to more than 64 MiB of values"

# 300,000 LFs: past the limit of 100,000, counted while the file is read (before any LF is).
awk -v head="$HEAD" 'BEGIN { printf head; for (i = 0; i < 300000; i++)
  printf "  - {name: lf%d}\n", i }' >"$TMP/many.yaml"
bad_spec "$TMP/many.yaml" "many.yaml:100004: more than 100000 labeling functions"

# A repeated name among many is found through a hash, not all pairs.
awk -v head="$HEAD" 'BEGIN { printf head; for (i = 0; i < 50000; i++)
  printf "  - {name: lf%d, kind: keyword, vote: HAM, any: [w%d]}\n", i, i;
  print "  - {name: lf3, kind: keyword, vote: HAM, any: [x]}" }' >"$TMP/twice.yaml"
bad_spec "$TMP/twice.yaml" "twice.yaml:50004: labeling function 'lf3': defined twice (lines 7 and 50004)"

printf 'classes: [HAM, SPAM]\ndata: {text: text}\nlfs:\n  - {name: caf\xc3\x28, kind: keyword, vote: HAM, any: [x]}\n' \
  >"$TMP/utf8.yaml"
bad_spec "$TMP/utf8.yaml" "utf8.yaml:4: column 15: invalid UTF-8 (byte 0xC3"
bad_spec /dev/zero "/dev/zero: is a character device; expected a YAML spec in a regular file"

# ---- warnings -----------------------------------------------------------------------------

# "\b" in double quotes is a backspace: warned at load, and the LF that never votes after it.
cat >"$TMP/quotes.yaml" <<'EOF'
classes: [HAM, SPAM]
data: {text: text}
lfs:
  - {name: win_word, kind: regex, vote: SPAM, pattern: "\bwin\b"}
  - {name: always, kind: heuristic, vote: HAM, when: {field: text, missing: false}}
  - {name: hello, kind: keyword, vote: HAM, any: [hello]}
EOF
printf 'text\nhello\nwin now\n' >"$TMP/two.csv"
for cmd in apply run; do
  rm -rf "$TMP/outdir"
  if [ $cmd = apply ]; then run $cmd "$TMP/quotes.yaml" "$TMP/two.csv" -o "$TMP/v.csv" -q
  else run $cmd "$TMP/quotes.yaml" "$TMP/two.csv" -o "$TMP/outdir" -q; fi
  expect_status 0 "$cmd with warnings"
  expect_err "chorus $cmd: warning: " "$cmd warnings are printed"
  expect_err "quotes.yaml:4: labeling function 'win_word': the pattern contains a backspace (U+0008)" \
    "$cmd control character"
  expect_err "write it in single quotes" "$cmd suggests single quotes"
  expect_err "1 labeling function voted on none of the 2 items: win_word" "$cmd zero coverage"
  expect_err "1 labeling function voted on every one of the 2 items: always" "$cmd full coverage"
done

finish
