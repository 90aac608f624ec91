#!/usr/bin/env bash
# How EM fit + predict time and peak memory grow with the number of items (m = 50 LFs,
# 10-30% coverage each, K = 2 and 5), against majority vote on the same file in the same
# run. Usage: bench/scale.sh [CHORUS] [SIZES...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000 5000000 20000000)
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-scale-XXXXXX")
trap 'rm -rf "$work"' EXIT

# measure CMD...: prints "seconds peak_MB" of one run
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1
  awk '{printf "%.2f %.0f\n", $1, $2 / 1024}' "$work/time"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
printf '| n | K | votes | model | fit s | predict s | fit+predict s | peak MB | iterations | M votes/s per iteration | mv fit+predict s | ratio to mv |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for k in 2 5; do
  for n in "${sizes[@]}"; do
    "$chorus" synth -n "$n" -m 50 -k "$k" --coverage 0.1:0.3 --accuracy 0.55:0.9 --seed 11 \
      -o "$work/votes.chv" -q
    read -r mv_fit _ < <(measure "$chorus" fit "$work/votes.chv" --model mv -o "$work/mv.json" -q)
    read -r mv_pred _ < <(measure "$chorus" predict "$work/mv.json" "$work/votes.chv" -o "$work/p.npy" -q)
    for model in ds ds-noabstain; do
      read -r fit fit_mb < <(measure "$chorus" fit "$work/votes.chv" --model "$model" -o "$work/m.json" -q)
      read -r pred pred_mb < <(measure "$chorus" predict "$work/m.json" "$work/votes.chv" -o "$work/p.npy" -q)
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
