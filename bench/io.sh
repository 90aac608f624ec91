#!/usr/bin/env bash
# Load and majority-vote predict at 1M items x 50 LFs (K = 2, ~20% coverage) from each
# vote-matrix format: time and peak memory per format, with ratios against dense CSV
# measured in the same run. Usage: bench/io.sh [CHORUS BENCH_IO_LOAD] [N_ITEMS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
loader=${2:-$here/../build/bench/bench_io_load}
n=${3:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$chorus" synth -n "$n" -m 50 -k 2 --coverage 0.1:0.3 --accuracy 0.6:0.9 --seed 7 \
  -o "$work/votes.chv" -q
"$chorus" convert "$work/votes.chv" "$work/votes.csv" -q
"$chorus" convert "$work/votes.chv" "$work/votes.npy" -q
"$chorus" convert "$work/votes.chv" "$work/votes.triples.csv" --to triples -q

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
echo "matrix: $n items x 50 LFs, K = 2, $(du -h "$work/votes.csv" | cut -f1) as CSV"
printf '%-8s %10s %9s %11s %9s %13s %10s\n' format file_MB load_s load_ratio mv_s peak_RSS_MB rss_ratio
best() { # best of 3 runs of one format: prints "load predict rss"
  local b_load=999999 b_pred=999999 b_rss=999999
  for _ in 1 2 3; do
    read -r load pred rss < <("$loader" "$1" | sed -E 's/[a-z_]+=//g')
    b_load=$(awk -v a="$b_load" -v b="$load" 'BEGIN{print (b<a)?b:a}')
    b_pred=$(awk -v a="$b_pred" -v b="$pred" 'BEGIN{print (b<a)?b:a}')
    b_rss=$(awk -v a="$b_rss" -v b="$rss" 'BEGIN{print (b<a)?b:a}')
  done
  echo "$b_load $b_pred $b_rss"
}
read -r csv_load csv_pred csv_rss < <(best "$work/votes.csv")
for f in csv triples npy chv; do
  file=$work/votes.$f
  [ "$f" = triples ] && file=$work/votes.triples.csv
  [ "$f" = csv ] && { load=$csv_load; pred=$csv_pred; rss=$csv_rss; } || read -r load pred rss < <(best "$file")
  mb=$(du -m "$file" | cut -f1)
  awk -v f="$f" -v mb="$mb" -v l="$load" -v p="$pred" -v r="$rss" -v cl="$csv_load" -v cr="$csv_rss" \
    'BEGIN{printf "%-8s %10d %9.3f %10.3fx %9.3f %13.1f %9.2fx\n", f, mb, l, l/cl, p, r, r/cr}'
done
