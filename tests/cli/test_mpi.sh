#!/usr/bin/env bash
# fit and predict under mpirun: for 1 to 4 processes and 1 or 2 threads, model.json and the
# probabilities are byte for byte those of one plain process, on a matrix of many EM chunks
# (several per process) and on small ones with fewer chunks than processes (some processes
# hold no item), for 2 and 5 classes, with item and class names; predict sends rank 0 its
# rows in pieces of 32768 items, several per process on the large matrix. Options that need every
# item in one place are refused, and so is a build without MPI started by a launcher.
# Skipped (exit 77) when chorus was built without MPI, after checking that refusal.
source "$(dirname "$0")/lib.sh"

if [ "${CHORUS_MPI:-OFF}" != ON ]; then
  # What a launcher sets: without MPI, chorus must not run as N copies of the whole job.
  run synth -n 200 -m 4 -o "$TMP/v.chv" -q
  OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_RANK=0 "$CHORUS" fit "$TMP/v.chv" -o "$TMP/m.json" \
    >"$TMP/out" 2>"$TMP/err"
  status=$?
  expect_status 2 "a build without MPI under a launcher of 3 processes"
  expect_err "this build of chorus has no MPI support" "says the build has no MPI"
  expect_no_file "$TMP/m.json" "no model.json from a refused run"
  PMI_SIZE=2 "$CHORUS" predict "$TMP/m.json" "$TMP/v.chv" -o "$TMP/p.csv" >"$TMP/out" 2>"$TMP/err"
  status=$?
  expect_status 2 "a build without MPI under a PMI launcher of 2 processes"
  expect_no_file "$TMP/p.csv" "no probabilities from a refused run"
  finish || exit 1
  echo "skipped: this chorus was built without MPI (CHORUS_MPI=OFF); the refusal was checked"
  exit 77
fi

: "${CHORUS_MPIEXEC:?CHORUS_MPIEXEC must name mpirun}"
# Waiting OpenMP threads must not spin on a machine with fewer cores than processes.
mpi=("$CHORUS_MPIEXEC" --oversubscribe -x OMP_WAIT_POLICY=passive)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
# Under AddressSanitizer Open MPI's own allocations outlive MPI_Finalize, and its stacks
# unwind only slowly (7 s a run on 2 cores): most runs skip the leak check, one run
# (mpirun_leak_checked) does it with the suppressions for the MPI libraries only.
no_leak_check=(-x ASAN_OPTIONS=detect_leaks=0)
leak_check=(-x ASAN_OPTIONS=fast_unwind_on_malloc=0
  -x "LSAN_OPTIONS=suppressions=$(dirname "$0")/mpi_lsan.supp:print_suppressions=0")

# mpirun_chorus N ARGS...: chorus on N processes; status, out and err as run.
mpirun_chorus() {
  local n=$1
  shift
  "${mpi[@]}" "${no_leak_check[@]}" -np "$n" "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
}

mpirun_leak_checked() {
  local n=$1
  shift
  "${mpi[@]}" "${leak_check[@]}" -np "$n" "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
}

# same A B DESCRIPTION: the two files are byte for byte equal.
same() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" || fail "$3: $(basename "$2") differs from $(basename "$1")"
}

# 140000 items are 9 EM chunks of at most 16384: two or more for each of 4 processes; and
# 2 to 3 pieces of predicted rows (32768 items) for each of 2, 3 or 4 processes.
run synth -n 140000 -m 8 -k 2 --seed 11 -o "$TMP/big.chv" -q
expect_status 0 "synth the large matrix"
# 2000 items in 5 classes with names: one chunk, so with 2 or more processes some have none.
run synth -n 2000 -m 9 -k 5 --lf-kind mixed:0.4 --seed 12 -o "$TMP/five.chv" -q
run convert "$TMP/five.chv" "$TMP/five.csv" --to triples -q
awk -F, 'NR == 1 || $1 == "" {print; next} {OFS = ","; $1 = "doc-" $1; print}' \
  "$TMP/five.csv" >"$TMP/named.csv"
run convert "$TMP/named.csv" "$TMP/named.chv" --from triples --classes ant,bee,cat,dog,eel -q
expect_status 0 "convert the named matrix to .chv"
# Few items, one-class LFs (auto fits ds): 2 classes, one chunk.
run synth -n 300 -m 6 -k 2 --lf-kind one-class --seed 13 -o "$TMP/tiny.chv" -q
# A crowd set of 2500 sparse workers: auto fits ds-noabstain, its check finds the workers
# off their agreement, and it refits pooled; every step sums its counts over the processes.
run synth -n 2000 -m 2500 -k 2 --coverage 0.001:0.003 --seed 81 -o "$TMP/crowd.chv" -q
# Workers with a few hundred answers over five classes: the held-out-vote choice moves the
# default off a table per worker; its folds are fitted on the same sample on every process.
run synth -n 4000 -m 200 -k 5 --coverage 0.01:0.04 --accuracy 0.3:0.95 --class-accuracy \
  --seed 121 -o "$TMP/crowd5.chv" -q
# Sparse rules whose split of the items without votes the votes do not settle: the
# uncovered-split check's refits with the prior moved run on every process alike.
run synth -n 4000 -m 3 -k 2 --lf-kind one-class --coverage 0.03:0.25 --accuracy 0.55:0.9 \
  --seed 201 -o "$TMP/ridge.chv" -q
# Exact copies (5 groups of 4): every process must find the same copies from its slice.
run synth -n 6000 -m 30 --copies 5:4 --seed 3 -o "$TMP/copies.chv" -q

# The references: one plain process, no launcher.
for m in big named tiny crowd crowd5 ridge copies; do
  run fit "$TMP/$m.chv" -o "$TMP/$m.ref.json" --restarts 1 -q
  expect_status 0 "one-process fit of $m"
  run predict "$TMP/$m.ref.json" "$TMP/$m.chv" -o "$TMP/$m.ref.csv" -q
  expect_status 0 "one-process predict of $m"
done

# Every process count with 1 and 2 threads on the large matrix.
for n in 1 2 3 4; do
  for t in 1 2; do
    mpirun_chorus "$n" fit "$TMP/big.chv" -o "$TMP/big.$n.$t.json" --restarts 1 --threads "$t" -q
    expect_status 0 "fit of big on $n processes x $t threads"
    same "$TMP/big.ref.json" "$TMP/big.$n.$t.json" "fit of big on $n processes x $t threads"
  done
done
for n in 2 4; do
  OMP_NUM_THREADS=$((n / 2)) mpirun_chorus "$n" predict "$TMP/big.ref.json" "$TMP/big.chv" \
    -o "$TMP/big.$n.csv" -q
  expect_status 0 "predict of big on $n processes"
  same "$TMP/big.ref.csv" "$TMP/big.$n.csv" "predict of big on $n processes"
done

# The small matrices: fewer chunks than processes.
for n in 1 2 3 4; do
  t=$(((n + 1) % 2 + 1))
  mpirun_chorus "$n" fit "$TMP/named.chv" -o "$TMP/named.$n.json" --restarts 1 --threads "$t" -q
  expect_status 0 "fit of named on $n processes"
  same "$TMP/named.ref.json" "$TMP/named.$n.json" "fit of named on $n processes"
done
for n in 2 4; do
  mpirun_chorus "$n" predict "$TMP/named.ref.json" "$TMP/named.chv" -o "$TMP/named.$n.csv" -q
  same "$TMP/named.ref.csv" "$TMP/named.$n.csv" "predict of named on $n processes"
done
checks=$((checks + 1))
grep -q '"model": "pooled"' "$TMP/crowd.ref.json" || fail "crowd: the one-process default is not pooled"
for n in 2 3; do
  mpirun_chorus "$n" fit "$TMP/crowd.chv" -o "$TMP/crowd.$n.json" --restarts 1 -q
  expect_status 0 "fit of crowd on $n processes"
  same "$TMP/crowd.ref.json" "$TMP/crowd.$n.json" "fit of crowd on $n processes"
done
checks=$((checks + 1))
grep -q '"switched": true' "$TMP/crowd5.ref.json" || fail "crowd5: the one-process default did not switch"
for n in 2 3; do
  mpirun_chorus "$n" fit "$TMP/crowd5.chv" -o "$TMP/crowd5.$n.json" --restarts 1 --threads 1 -q
  expect_status 0 "fit of crowd5 on $n processes"
  same "$TMP/crowd5.ref.json" "$TMP/crowd5.$n.json" "fit of crowd5 on $n processes"
done
checks=$((checks + 1))
tr -d ' \n' <"$TMP/ridge.ref.json" | grep -q '"uncovered_unsettled_classes":\[0,1\]' ||
  fail "ridge: the one-process default did not leave the uncovered split unsettled"
for n in 2 3; do
  mpirun_chorus "$n" fit "$TMP/ridge.chv" -o "$TMP/ridge.$n.json" --restarts 1 --threads 1 -q
  expect_status 0 "fit of ridge on $n processes"
  same "$TMP/ridge.ref.json" "$TMP/ridge.$n.json" "fit of ridge on $n processes"
done
mpirun_chorus 2 predict "$TMP/ridge.ref.json" "$TMP/ridge.chv" -o "$TMP/ridge.2.csv" -q
same "$TMP/ridge.ref.csv" "$TMP/ridge.2.csv" "predict of ridge on 2 processes"
checks=$((checks + 1))
[ "$(grep -c '"copy_of"' "$TMP/copies.ref.json")" -eq 15 ] || fail "copies: the one-process fit did not find the 15 copies"
for n in 2 3; do
  mpirun_chorus "$n" fit "$TMP/copies.chv" -o "$TMP/copies.$n.json" --restarts 1 --threads 1 -q
  expect_status 0 "fit of copies on $n processes"
  same "$TMP/copies.ref.json" "$TMP/copies.$n.json" "fit of copies on $n processes"
done
mpirun_chorus 2 predict "$TMP/copies.ref.json" "$TMP/copies.chv" -o "$TMP/copies.2.csv" -q
same "$TMP/copies.ref.csv" "$TMP/copies.2.csv" "predict of copies on 2 processes"
checks=$((checks + 1))
head -2 "$TMP/named.4.csv" | tail -1 | grep -q '^doc-0,' || fail "the rows are not named by item"
mpirun_leak_checked 2 fit "$TMP/tiny.chv" -o "$TMP/tiny.2.json" --restarts 1 -q
expect_status 0 "fit of tiny on 2 processes, leaks checked"
same "$TMP/tiny.ref.json" "$TMP/tiny.2.json" "fit of tiny on 2 processes"
mpirun_chorus 3 predict "$TMP/tiny.ref.json" "$TMP/tiny.chv" -o "$TMP/tiny.3.csv" -q
same "$TMP/tiny.ref.csv" "$TMP/tiny.3.csv" "predict of tiny on 3 processes"

# The other output formats, and --drop-uncovered with its items file.
for f in jsonl npy; do
  run predict "$TMP/named.ref.json" "$TMP/named.chv" -o "$TMP/named.ref.$f" -q
  mpirun_chorus 3 predict "$TMP/named.ref.json" "$TMP/named.chv" -o "$TMP/named.3.$f" -q
  same "$TMP/named.ref.$f" "$TMP/named.3.$f" "predict of named to .$f on 3 processes"
done
run predict "$TMP/named.ref.json" "$TMP/named.chv" -o "$TMP/drop.ref.npy" --drop-uncovered -q
mpirun_chorus 2 predict "$TMP/named.ref.json" "$TMP/named.chv" -o "$TMP/drop.2.npy" \
  --drop-uncovered -q
same "$TMP/drop.ref.npy" "$TMP/drop.2.npy" "--drop-uncovered .npy on 2 processes"
same "$TMP/drop.ref.items.csv" "$TMP/drop.2.items.csv" "--drop-uncovered items file"

# The large matrix in the other formats, rows dropped: several pieces per process.
run predict "$TMP/big.ref.json" "$TMP/big.chv" -o "$TMP/big.ref.jsonl" -q
mpirun_chorus 3 predict "$TMP/big.ref.json" "$TMP/big.chv" -o "$TMP/big.3.jsonl" -q
expect_status 0 "predict of big to .jsonl on 3 processes"
same "$TMP/big.ref.jsonl" "$TMP/big.3.jsonl" "predict of big to .jsonl on 3 processes"
run predict "$TMP/big.ref.json" "$TMP/big.chv" -o "$TMP/bigdrop.ref.npy" --drop-uncovered -q
mpirun_chorus 4 predict "$TMP/big.ref.json" "$TMP/big.chv" -o "$TMP/bigdrop.4.npy" \
  --drop-uncovered
expect_status 0 "--drop-uncovered .npy of big on 4 processes"
same "$TMP/bigdrop.ref.npy" "$TMP/bigdrop.4.npy" "--drop-uncovered .npy of big on 4 processes"
same "$TMP/bigdrop.ref.items.csv" "$TMP/bigdrop.4.items.csv" "items file of big on 4 processes"
expect_err "predicted 140000 items x 2 classes" "rank 0 says what was written"
checks=$((checks + 1))
[ "$(grep -c '^predicted' "$TMP/err")" -eq 1 ] || fail "the summary is not said once"

# Rank 0 cannot write the output: every process stops, one message, no file.
mpirun_chorus 3 predict "$TMP/big.ref.json" "$TMP/big.chv" -o "$TMP/no-such-dir/p.csv"
expect_status 1 "an output in a missing directory on 3 processes"
expect_err "no-such-dir/p.csv" "the output is named"
checks=$((checks + 1))
[ "$(grep -c '^chorus predict' "$TMP/err")" -eq 1 ] || fail "the failure is not said once"
expect_no_file "$TMP/no-such-dir/p.csv" "no probabilities when rank 0 cannot write"

# Refused on several processes: exit 2, a message, no output.
mpirun_chorus 2 fit "$TMP/big.chv" -o "$TMP/r.json" --gold "$TMP/gold.csv"
expect_status 2 "--gold on 2 processes"
expect_err "--gold is not supported on 2 processes" "--gold refused"
checks=$((checks + 1))
[ "$(grep -c 'is not supported' "$TMP/err")" -eq 1 ] || fail "the refusal is not said once"
expect_no_file "$TMP/r.json" "no model.json after --gold is refused"
mpirun_chorus 2 fit "$TMP/five.csv" -o "$TMP/r.json"
expect_status 2 "CSV votes on 2 processes"
expect_err "the votes must be a .chv file" "CSV votes refused"
expect_no_file "$TMP/r.json" "no model.json after CSV votes are refused"
mpirun_chorus 2 predict "$TMP/big.ref.json" "$TMP/big.chv" -o "$TMP/r.csv" --review "$TMP/x.csv"
expect_status 2 "predict --review on 2 processes"
expect_no_file "$TMP/r.csv" "no probabilities after --review is refused"
mpirun_chorus 2 analyze "$TMP/big.chv"
expect_status 2 "analyze on 2 processes"
expect_err "only fit, predict and apply run on several processes" "analyze refused"

# A label changed to the other class in the last process's part: a valid matrix, so only
# the block checksums can tell. That process names the file and the block's bytes, and
# nothing is written. nnz and the label section's offset come from the header (bytes 40
# and 112), the width of a stored label from byte 29 and the block checksum table's
# offset from byte 144, so the changed vote is the 10th from the end, in the 1 MiB block
# at / 2^20.
cp "$TMP/big.chv" "$TMP/bad.chv"
nnz=$(od -An -t u8 -j 40 -N 8 "$TMP/bad.chv" | tr -d ' ')
labels=$(od -An -t u8 -j 112 -N 8 "$TMP/bad.chv" | tr -d ' ')
width=$(od -An -t u1 -j 29 -N 1 "$TMP/bad.chv" | tr -d ' ')
table=$(od -An -t u8 -j 144 -N 8 "$TMP/bad.chv" | tr -d ' ')
at=$((labels + width * (nnz - 10)))
old=$(od -An -t u1 -j "$at" -N 1 "$TMP/bad.chv" | tr -d ' ')
printf "\\x0$((1 - old))" | dd of="$TMP/bad.chv" bs=1 seek="$at" conv=notrunc status=none
block=$((at >> 20))
block_end=$((((block + 1) << 20) < table ? ((block + 1) << 20) - 1 : table - 1))
mpirun_chorus 3 fit "$TMP/bad.chv" -o "$TMP/r.json" --threads 1
expect_status 2 "a changed label on 3 processes"
expect_err "bad.chv: checksum mismatch in bytes $((block << 20))..$block_end (block $block)" \
  "the changed label's block is named"
expect_no_file "$TMP/r.json" "no model.json from a corrupt matrix"
mpirun_chorus 2 predict "$TMP/big.ref.json" "$TMP/bad.chv" -o "$TMP/r.csv"
expect_status 2 "a changed label on 2 processes (predict)"
expect_err "(block $block)" "predict names the changed label's block"
expect_no_file "$TMP/r.csv" "no probabilities from a corrupt matrix"

finish
