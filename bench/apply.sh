#!/usr/bin/env bash
# Labeling-function throughput and memory of `chorus apply` on the shipped data made large:
# datasets/youtube/train.csv repeated (CSV with quoted fields) and
# datasets/uci_sms_spam/train.jsonl repeated (JSONL).
#
#   1. Throughput at CHORUS_APPLY_MB (default 100) MB, 1 and 2 threads, for a keyword-only
#      set (bench/apply_keyword.yaml), a regex-only set (bench/apply_regex.yaml) and the
#      shipped mixed sets (labeling_functions/youtube_spam.yaml on the CSV, sms_spam.yaml on
#      the JSONL): MB/s and records/s per core, and the time as a multiple of the baselines
#      `wc -l` and `cat > /dev/null` run on the same file in the same run.
#   2. Peak memory (RSS) at the sizes CHORUS_APPLY_MEM_MB (default "50 200 800" MB), mixed
#      set, 2 threads, next to the size of the vote matrix written: apply streams the data,
#      so what grows with the input is the vote matrix only.
# Usage: bench/apply.sh [CHORUS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
chorus=${1:-$root/build/chorus}
mb=${CHORUS_APPLY_MB:-100}
mem_sizes=${CHORUS_APPLY_MEM_MB:-50 200 800}
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-apply-XXXXXX")
trap 'rm -rf "$work"' EXIT

# grow SRC MB OUT HEADER: SRC's records repeated to at least MB megabytes (HEADER=1: CSV).
grow() {
  local src=$1 target=$(($2 * 1000000)) out=$3 header=$4 body=$work/body
  if [ "$header" = 1 ]; then head -1 "$src" >"$out"; tail -n +2 "$src" >"$body"; else
    : >"$out"; cp "$src" "$body"; fi
  local size reps
  size=$(stat -c %s "$body")
  reps=$((target / size + 1))
  for _ in $(seq "$reps"); do cat "$body"; done >>"$out"
}

# seconds CMD...: wall seconds of the command (microsecond clock), best of 3.
seconds() {
  local best="" start end
  for _ in 1 2 3; do
    start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    end=$EPOCHREALTIME
    best=$(awk -v a="$start" -v b="$end" -v c="$best" 'BEGIN { t = b - a; print (c == "" || t < c) ? t : c }')
  done
  echo "$best"
}

echo "machine: $(nproc) cores"
grow "$root/datasets/youtube/train.csv" "$mb" "$work/yt.csv" 1
grow "$root/datasets/uci_sms_spam/train.jsonl" "$mb" "$work/sms.jsonl" 0

echo
echo "| data | LF set | threads | seconds | MB/s per core | records/s per core | x wc -l | x cat |"
echo "|---|---|---|---|---|---|---|---|"
for data in yt.csv sms.jsonl; do
  file=$work/$data
  size_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
  t_wc=$(seconds wc -l "$file")
  t_cat=$(seconds cat "$file") # to /dev/null
  if [ "$data" = yt.csv ]; then
    n=$("$chorus" apply "$root/bench/apply_keyword.yaml" "$file" -o "$work/n.chv" 2>&1 |
      awk '/ items x /{ print $1 }')
    sets="keyword:$root/bench/apply_keyword.yaml regex:$root/bench/apply_regex.yaml mixed:$root/labeling_functions/youtube_spam.yaml"
  else
    n=$(wc -l <"$file")
    sets="mixed:$root/labeling_functions/sms_spam.yaml"
  fi
  for entry in $sets; do
    name=${entry%%:*} spec=${entry#*:}
    for t in 1 2; do
      s=$(seconds "$chorus" apply "$spec" "$file" -o "$work/v.chv" --threads "$t" -q)
      awk -v d="$data ($size_mb MB, $n records)" -v l="$name ($(basename "$spec"))" -v t="$t" \
        -v s="$s" -v mb="$size_mb" -v n="$n" -v w="$t_wc" -v c="$t_cat" 'BEGIN {
          printf "| %s | %s | %d | %.2f | %.1f | %.0f | %.0f | %.0f |\n", d, l, t, s,
            mb / s / t, n / s / t, s / w, s / c }'
    done
  done
  awk -v d="$data" -v w="$t_wc" -v c="$t_cat" \
    'BEGIN { printf "(baselines on %s: wc -l %.3f s, cat > /dev/null %.3f s)\n", d, w, c }'
done

echo
echo "| data | input MB | records | peak RSS MB | vote matrix (.chv) MB | RSS - votes MB | seconds |"
echo "|---|---|---|---|---|---|---|"
for size in $mem_sizes; do
  grow "$root/datasets/youtube/train.csv" "$size" "$work/m.csv" 1
  /usr/bin/time -f "%e %M" -o "$work/t" "$chorus" apply "$root/labeling_functions/youtube_spam.yaml" \
    "$work/m.csv" -o "$work/m.chv" --threads 2 >"$work/m.log" 2>&1
  read -r s rss <"$work/t"
  n=$(awk '/ items x /{ print $1 }' "$work/m.log")
  awk -v b="$(stat -c %s "$work/m.csv")" -v n="$n" -v r="$rss" -v v="$(stat -c %s "$work/m.chv")" \
    -v s="$s" 'BEGIN { printf "| yt.csv | %.0f | %d | %.0f | %.1f | %.0f | %.2f |\n", b / 1e6, n,
      r / 1024, v / 1e6, r / 1024 - v / 1048576, s }'
  rm -f "$work/m.csv" "$work/m.chv"
done
