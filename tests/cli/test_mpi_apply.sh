#!/usr/bin/env bash
# apply under mpirun: each process applies the LFs to its byte range of the data file and
# rank 0 writes the merged votes, byte for byte those of one plain process, for 1 to 4
# processes, on CSV whose quoted fields hold newlines, commas and quotes, on JSONL, on a file
# of fewer records than processes, with data.id and with skipped rows. A bad record in the
# last process's part is reported once with the file and line, exit 2 and no output; what
# cannot run on several processes (--dry-run, llm LFs) is refused. Skipped (exit 77) when
# chorus was built without MPI.
source "$(dirname "$0")/lib.sh"

if [ "${CHORUS_MPI:-OFF}" != ON ]; then
  echo "skipped: this chorus was built without MPI (CHORUS_MPI=OFF)"
  exit 77
fi

: "${CHORUS_MPIEXEC:?CHORUS_MPIEXEC must name mpirun}"
mpi=("$CHORUS_MPIEXEC" --oversubscribe -x OMP_WAIT_POLICY=passive)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)

# mpirun_chorus N ARGS...: chorus on N processes with one thread each; status, out, err as run.
mpirun_chorus() {
  local n=$1
  shift
  OMP_NUM_THREADS=1 "${mpi[@]}" -x ASAN_OPTIONS=detect_leaks=0 -np "$n" "$CHORUS" "$@" \
    >"$TMP/out" 2>"$TMP/err"
  status=$?
}

# The same with the leak check, under AddressSanitizer with the suppressions for the MPI
# libraries' own allocations (slow to unwind: one run only).
mpirun_leak_checked() {
  local n=$1
  shift
  OMP_NUM_THREADS=1 "${mpi[@]}" -x ASAN_OPTIONS=fast_unwind_on_malloc=0 \
    -x "LSAN_OPTIONS=suppressions=$(dirname "$0")/mpi_lsan.supp:print_suppressions=0" \
    -np "$n" "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
}

# same A B DESCRIPTION: the two files are byte for byte equal.
same() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" || fail "$3: $(basename "$2") differs from $(basename "$1")"
}

cat >"$TMP/spec.yaml" <<'EOF'
classes: [HAM, SPAM]
data: {text: text}
lfs:
  - {name: win, kind: keyword, vote: SPAM, any: [win]}
  - {name: hello, kind: keyword, vote: HAM, any: [hello]}
  - {name: money, kind: regex, vote: SPAM, pattern: "\\$[0-9]+"}
EOF
sed 's/data: {text: text}/data: {id: id, text: text}/' "$TMP/spec.yaml" >"$TMP/spec_id.yaml"

# 300 records; every 7th has a quoted text over three lines with a comma and a "" quote, and
# every 11th a quoted one-line text, so a chunk may start inside a quoted field.
awk 'BEGIN {
  print "id,text"
  for (i = 0; i < 300; i++) {
    w = i % 3 == 0 ? "win $" i : i % 3 == 1 ? "hello" : "nothing"
    if (i % 7 == 0) printf "r%03d,\"%s, and\nwin \"\"more\"\"\non three lines\"\n", i, w
    else if (i % 11 == 0) printf "r%03d,\"%s, quoted\"\n", i, w
    else printf "r%03d,%s\n", i, w
  }
}' >"$TMP/quoted.csv"
awk 'BEGIN {
  for (i = 0; i < 300; i++) {
    w = i % 3 == 0 ? "win $" i : i % 3 == 1 ? "hello\\nthere" : "nothing"
    printf "{\"id\": \"j%03d\", \"text\": \"%s\"}\n", i, w
  }
}' >"$TMP/lines.jsonl"
printf 'id,text\na,win\nb,"hello\nwin"\n' >"$TMP/two.csv"

# The references: one plain process, no launcher; then 1 to 4 processes.
for case in spec:quoted.csv spec_id:quoted.csv spec:lines.jsonl spec_id:lines.jsonl \
  spec_id:two.csv spec:two.csv; do
  spec=${case%%:*}
  data=${case#*:}
  ref="$TMP/$spec.$data.ref.chv"
  run apply "$TMP/$spec.yaml" "$TMP/$data" -o "$ref" -q
  expect_status 0 "one-process apply of $spec to $data"
  for n in 1 2 3 4; do
    out="$TMP/$spec.$data.$n.chv"
    mpirun_chorus "$n" apply "$TMP/$spec.yaml" "$TMP/$data" -o "$out" -q
    expect_status 0 "apply of $spec to $data on $n processes"
    same "$ref" "$out" "apply of $spec to $data on $n processes"
  done
done

# The text outputs are written by rank 0 from the merged matrix too; with the summary.
run apply "$TMP/spec_id.yaml" "$TMP/quoted.csv" -o "$TMP/ref.csv"
mpirun_chorus 3 apply "$TMP/spec_id.yaml" "$TMP/quoted.csv" -o "$TMP/three.csv"
expect_status 0 "apply to .csv on 3 processes"
same "$TMP/ref.csv" "$TMP/three.csv" "apply to .csv on 3 processes"
# win votes on the 100 records with i % 3 == 0 ("win $i") and on those of the 43 with
# i % 7 == 0 (their second line says win) that are not among them: 43 - 15 (i % 21 == 0).
win=128
expect_err "300 items x 3 labeling functions" "the summary counts every process's items"
checks=$((checks + 1))
grep -Eq "^win +keyword +$win " "$TMP/err" || fail "win's votes are not added over the processes"

# Skipped rows: a ragged row in the last process's part, skipped; items are named by their
# row in the whole file, and the skip is reported by rank 0 for the process that met it.
{ head -n -1 "$TMP/quoted.csv"; echo "x,a,ragged"; tail -n 1 "$TMP/quoted.csv"; } >"$TMP/skip.csv"
line=$(wc -l <"$TMP/quoted.csv")
run apply "$TMP/spec.yaml" "$TMP/skip.csv" -o "$TMP/skip.ref.chv" -q --skip-bad-rows
expect_status 0 "one-process apply skipping a row"
mpirun_leak_checked 3 apply "$TMP/spec.yaml" "$TMP/skip.csv" -o "$TMP/skip.3.chv" -q \
  --skip-bad-rows
expect_status 0 "apply skipping a row on 3 processes, leaks checked"
same "$TMP/skip.ref.chv" "$TMP/skip.3.chv" "apply skipping a row on 3 processes"
expect_err "skipped 1 bad row, on line $line" "the skipped row named by its line"

# A bad record in the last process's part: named once with the file and line; no output.
{ cat "$TMP/quoted.csv"; echo "x,a,ragged"; } >"$TMP/bad.csv"
line=$(($(wc -l <"$TMP/quoted.csv") + 1))
mpirun_chorus 4 apply "$TMP/spec.yaml" "$TMP/bad.csv" -o "$TMP/bad.chv"
expect_status 2 "a ragged row in the last part on 4 processes"
expect_err "bad.csv:$line: 3 fields, expected 2 (the header's)" "the ragged row's file and line"
checks=$((checks + 1))
[ "$(grep -c 'fields, expected' "$TMP/err")" -eq 1 ] || fail "the bad row is not reported once"
expect_no_file "$TMP/bad.chv" "no votes from a bad record"

# An id of the first part repeated in the last: found by the merge.
{ cat "$TMP/quoted.csv"; echo "r001,again"; } >"$TMP/dup.csv"
mpirun_chorus 3 apply "$TMP/spec_id.yaml" "$TMP/dup.csv" -o "$TMP/dup.chv"
expect_status 2 "an id repeated across parts"
expect_err "id 'r001' (field 'id'" "the repeated id named"
expect_no_file "$TMP/dup.chv" "no votes for a repeated id"

# No records at all: the file is named, nothing written.
echo "id,text" >"$TMP/empty.csv"
mpirun_chorus 2 apply "$TMP/spec.yaml" "$TMP/empty.csv" -o "$TMP/empty.chv"
expect_status 2 "a file without records on 2 processes"
expect_err "empty.csv: no records" "the empty file named"
expect_no_file "$TMP/empty.chv" "no votes for a file without records"

# A field no record of a JSONL file has: each part alone may lack a field, so the parts'
# fields are joined and checked as one process checks the file, with its message; a field
# only the last record has is found.
printf 'classes: [A, B]\ndata: {text: body}\nlfs:\n  - {name: win, kind: keyword, vote: B, any: [win]}\n' >"$TMP/body.yaml"
run apply "$TMP/body.yaml" "$TMP/lines.jsonl" -o "$TMP/body.ref.chv"
expect_status 2 "one-process apply reading a field no record has"
cp "$TMP/err" "$TMP/body.ref.err"
for n in 2 3; do
  mpirun_chorus "$n" apply "$TMP/body.yaml" "$TMP/lines.jsonl" -o "$TMP/body.chv"
  expect_status 2 "a field no record has on $n processes"
  expect_err "body.yaml:4: labeling function 'win': the data has no field 'body' (fields: id, text)" \
    "the missing field named as one process names it"
  checks=$((checks + 1))
  # chorus's own lines (mpirun adds its notice of the exit status).
  [ "$(grep '^chorus' "$TMP/err")" = "$(cat "$TMP/body.ref.err")" ] ||
    fail "the message differs from one process's on $n processes"
  expect_no_file "$TMP/body.chv" "no votes when a field is missing on $n processes"
done
{ cat "$TMP/lines.jsonl"; echo '{"id": "last", "body": "win"}'; } >"$TMP/last.jsonl"
run apply "$TMP/body.yaml" "$TMP/last.jsonl" -o "$TMP/last.ref.chv" -q
expect_status 0 "one-process apply, the field in the last record only"
mpirun_chorus 3 apply "$TMP/body.yaml" "$TMP/last.jsonl" -o "$TMP/last.3.chv" -q
expect_status 0 "the field in the last record only on 3 processes"
same "$TMP/last.ref.chv" "$TMP/last.3.chv" "the field in the last record only on 3 processes"

# A broken spec is said once.
printf 'classes: [A, B]\ndata: {text: text}\nlfs:\n  - {name: x, kind: nope}\n' >"$TMP/broken.yaml"
mpirun_chorus 3 apply "$TMP/broken.yaml" "$TMP/quoted.csv" -o "$TMP/broken.chv"
expect_status 2 "a broken spec on 3 processes"
checks=$((checks + 1))
[ "$(grep -c 'broken.yaml' "$TMP/err")" -eq 1 ] || fail "the broken spec is not reported once"
expect_no_file "$TMP/broken.chv" "no votes for a broken spec"

# Refused on several processes: exit 2, the reason, no output.
mpirun_chorus 2 apply "$TMP/spec.yaml" "$TMP/quoted.csv" -o "$TMP/r.chv" --dry-run
expect_status 2 "--dry-run on 2 processes"
expect_err "--dry-run is not supported on 2 processes" "--dry-run refused"
cat >"$TMP/llm.yaml" <<'EOF'
classes: [HAM, SPAM]
data: {text: text}
lfs:
  - {name: win, kind: keyword, vote: SPAM, any: [win]}
  - name: asked
    kind: llm
    endpoint: http://127.0.0.1:9/v1
    model: test-model
    prompt: "Comment: {text}"
    verbalizer: {SPAM: [spam], HAM: [ham]}
EOF
mpirun_chorus 2 apply "$TMP/llm.yaml" "$TMP/quoted.csv" -o "$TMP/r.chv"
expect_status 2 "llm LFs on 2 processes"
expect_err "llm labeling functions ('asked') are not supported on 2 processes" "llm LFs refused"
checks=$((checks + 1))
[ "$(grep -c 'not supported' "$TMP/err")" -eq 1 ] || fail "the refusal is not said once"
expect_no_file "$TMP/r.chv" "no votes after a refusal"

finish
