#!/usr/bin/env bash
# How EM fit + predict time and peak memory grow with the number of items (m = 50 LFs,
# 10-30% coverage each, K = 2 and 5), against majority vote on the same file in the same
# run. Usage: bench/scale.sh [CHORUS] [SIZES...]
#
# bench/scale.sh [CHORUS] --stages [SIZES...] (default 1M 10M 100M; 100M x 50 LFs is about
# 1B votes) times each stage as a user runs it — synth to .chv, fit (the default model),
# predict to .npy — with its peak memory, against a plain sequential read of the .chv (the
# same bytes, from the page cache) and majority vote fit + predict on the same file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
shift || true
stages=0
if [ "${1:-}" = --stages ]; then
  stages=1
  shift
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000 5000000 20000000)
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-scale-XXXXXX")
trap 'rm -rf "$work"' EXIT

# measure CMD...: prints "seconds peak_MB cpu_seconds" of one run (cpu: user + system)
measure() {
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>&1
  awk '{printf "%.2f %.0f %.2f\n", $1, $2 / 1024, $3 + $4}' "$work/time"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"

if [ "$stages" = 1 ]; then
  [ ${#sizes[@]} -gt 0 ] && [ "${sizes[0]}" != 10000 ] || sizes=(1000000 10000000 100000000)
  printf '| n | votes | .chv MB | synth s (cpu) | synth peak MB | read s | fit s (cpu) | fit peak MB | fit cpu / read | iterations | predict s (cpu) | predict peak MB | predict cpu / read | mv fit+predict s (cpu) | fit+predict cpu / mv |\n'
  printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
  for n in "${sizes[@]}"; do
    rm -f "$work"/*
    read -r synth synth_mb synth_cpu < <(measure "$chorus" synth -n "$n" -m 50 -k 2 \
      --coverage 0.1:0.3 --accuracy 0.55:0.9 --seed 11 -o "$work/votes.chv" -q)
    chv_mb=$(du -m "$work/votes.chv" | cut -f1)
    read -r rd _ _ < <(measure dd if="$work/votes.chv" of=/dev/null bs=16M)
    read -r mv_fit _ mv_fit_cpu < <(measure "$chorus" fit "$work/votes.chv" --model mv -o "$work/mv.json" -q)
    read -r mv_pred _ mv_pred_cpu < <(measure "$chorus" predict "$work/mv.json" "$work/votes.chv" -o "$work/p.npy" -q)
    rm -f "$work/p.npy"
    read -r fit fit_mb fit_cpu < <(measure "$chorus" fit "$work/votes.chv" -o "$work/m.json" -q)
    read -r pred pred_mb pred_cpu < <(measure "$chorus" predict "$work/m.json" "$work/votes.chv" -o "$work/p.npy" -q)
    iters=$(grep -o '"iterations": [0-9]*' "$work/m.json" | awk '{print $2}')
    votes=$(grep -o '"n_votes": [0-9]*' "$work/m.json" | awk '{print $2}')
    awk -v n="$n" -v v="$votes" -v cm="$chv_mb" -v s="$synth" -v sc="$synth_cpu" -v sm="$synth_mb" \
      -v rd="$rd" -v f="$fit" -v fc="$fit_cpu" -v fm="$fit_mb" -v it="$iters" -v p="$pred" \
      -v pc="$pred_cpu" -v pm="$pred_mb" -v mf="$mv_fit" -v mfc="$mv_fit_cpu" -v mp="$mv_pred" \
      -v mpc="$mv_pred_cpu" 'BEGIN { r = (rd > 0) ? rd : 0.01; mv = mf + mp; mvc = mfc + mpc;
        printf "| %d | %d | %d | %.1f (%.1f) | %d | %.2f | %.1f (%.1f) | %d | %.0fx | %d | %.1f (%.1f) | %d | %.0fx | %.1f (%.1f) | %.1fx |\n",
          n, v, cm, s, sc, sm, rd, f, fc, fm, fc / r, it, p, pc, pm, pc / r, mv, mvc,
          (mvc > 0) ? (fc + pc) / mvc : 0 }'
  done
  echo
  echo "read = dd of the .chv to /dev/null right after it was written (page cache: the memory-bandwidth bound of one pass); fit = the default model with its checks; seconds of wall clock, in parentheses CPU seconds (user + system) of all threads; ratios use CPU seconds, which a busy machine does not inflate."
  exit 0
fi
printf '| n | K | votes | model | fit s | predict s | fit+predict s | peak MB | iterations | M votes/s per iteration | mv fit+predict s | ratio to mv |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for k in 2 5; do
  for n in "${sizes[@]}"; do
    "$chorus" synth -n "$n" -m 50 -k "$k" --coverage 0.1:0.3 --accuracy 0.55:0.9 --seed 11 \
      -o "$work/votes.chv" -q
    read -r mv_fit _ _ < <(measure "$chorus" fit "$work/votes.chv" --model mv -o "$work/mv.json" -q)
    read -r mv_pred _ _ < <(measure "$chorus" predict "$work/mv.json" "$work/votes.chv" -o "$work/p.npy" -q)
    for model in ds ds-noabstain; do
      read -r fit fit_mb _ < <(measure "$chorus" fit "$work/votes.chv" --model "$model" -o "$work/m.json" -q)
      read -r pred pred_mb _ < <(measure "$chorus" predict "$work/m.json" "$work/votes.chv" -o "$work/p.npy" -q)
      iters=$(grep -o '"iterations": [0-9]*' "$work/m.json" | awk '{print $2}')
      votes=$(grep -o '"n_votes": [0-9]*' "$work/m.json" | awk '{print $2}')
      awk -v n="$n" -v k="$k" -v v="$votes" -v m="$model" -v f="$fit" -v p="$pred" \
        -v fm="$fit_mb" -v pm="$pred_mb" -v it="$iters" -v mf="$mv_fit" -v mp="$mv_pred" \
        'BEGIN{tot=f+p; mvt=mf+mp; peak=(fm>pm)?fm:pm; thr=(f>0)?v*(it+1)/f/1e6:0;
               printf "| %d | %d | %d | %s | %.2f | %.2f | %.2f | %d | %d | %.0f | %.2f | %.1fx |\n",
               n,k,v,m,f,p,tot,peak,it,thr,mvt,(mvt>0)?tot/mvt:0}'
    done
  done
done
rm -f "$work/votes.chv"
