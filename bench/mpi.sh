#!/usr/bin/env bash
# One process against N MPI processes on the same .chv, in the same run: time and peak
# memory (per process) of fit and predict, and that the outputs are the same bytes.
# Usage: bench/mpi.sh [CHORUS] [ITEMS] [PROCESSES...]   (default 5000000 items, 2 and 4)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
n=${2:-5000000}
shift 2 || shift $# || true
procs=("$@")
[ ${#procs[@]} -gt 0 ] || procs=(2 4)
command -v mpirun >/dev/null || { echo "mpi.sh: mpirun not found" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-mpi-XXXXXX")
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
export OMP_WAIT_POLICY=passive

# measure OUT CMD...: "seconds peak_MB" of one run; under mpirun each process records its
# own peak RSS (rss.RANK) and the largest is reported.
measure() {
  local out=$1
  shift
  rm -f "$work"/rss.*
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  if ls "$work"/rss.* >/dev/null 2>&1; then
    awk -v t="$(cut -d' ' -f1 "$work/time")" '$1 > m { m = $1 } END { printf "%.2f %.0f\n", t, m / 1024 }' "$work"/rss.*
  else
    awk '{printf "%.2f %.0f\n", $1, $2 / 1024}' "$work/time"
  fi >"$out"
}
# per_rank CMD...: CMD under /usr/bin/time, writing this process's peak RSS to rss.RANK
per_rank=(bash -c '/usr/bin/time -f "%M" -o "$0/rss.${OMPI_COMM_WORLD_RANK:-0}" "$@"' "$work")

"$chorus" synth -n "$n" -m 50 -k 2 --coverage 0.1:0.3 --accuracy 0.55:0.9 --seed 11 \
  -o "$work/votes.chv" -q
echo "machine: $cores cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $n items x 50 LFs, K = 2, $(du -m "$work/votes.chv" | cut -f1) MB .chv"
printf '| processes | threads each | fit s | fit peak MB per process | predict s | predict peak MB per process | fit ratio to 1 process | same model.json | same probabilities |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---|---|\n'
measure "$work/f1" "$chorus" fit "$work/votes.chv" -o "$work/m1.json" -q --threads "$cores"
OMP_NUM_THREADS=$cores measure "$work/p1" "$chorus" predict "$work/m1.json" "$work/votes.chv" -o "$work/p1.npy" -q
read -r f1 fm1 <"$work/f1"
read -r p1 pm1 <"$work/p1"
printf '| 1 | %d | %.2f | %d | %.2f | %d | 1.00x | — | — |\n' "$cores" "$f1" "$fm1" "$p1" "$pm1"
for np in "${procs[@]}"; do
  threads=$((cores / np > 0 ? cores / np : 1))
  launch=(mpirun "${root[@]}" --oversubscribe -x OMP_WAIT_POLICY -np "$np")
  measure "$work/fn" "${launch[@]}" "${per_rank[@]}" "$chorus" fit "$work/votes.chv" -o "$work/mn.json" -q --threads "$threads"
  OMP_NUM_THREADS=$threads measure "$work/pn" "${launch[@]}" -x OMP_NUM_THREADS "${per_rank[@]}" "$chorus" predict "$work/m1.json" "$work/votes.chv" -o "$work/pn.npy" -q
  read -r fn fmn <"$work/fn"
  read -r pn pmn <"$work/pn"
  same_model=no
  cmp -s "$work/m1.json" "$work/mn.json" && same_model=yes
  same_probs=no
  cmp -s "$work/p1.npy" "$work/pn.npy" && same_probs=yes
  awk -v np="$np" -v t="$threads" -v f="$fn" -v fm="$fmn" -v p="$pn" -v pm="$pmn" -v f1="$f1" \
    -v sm="$same_model" -v sp="$same_probs" \
    'BEGIN{printf "| %d | %d | %.2f | %d | %.2f | %d | %.2fx | %s | %s |\n", np, t, f, fm, p, pm, (f1>0)?f/f1:0, sm, sp}'
done
echo
echo "Peak MB per process under mpirun: the largest of the processes' own peak RSS (each measured by /usr/bin/time around it); the wall time includes mpirun's start-up."
