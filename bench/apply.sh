#!/usr/bin/env bash
# Labeling-function throughput: 1M synthetic texts (~100 bytes each) x 50 keyword + 20
# regex + 10 heuristic LFs, on 1 and 2 threads; then how time grows with the number of
# keyword LFs (10, 100, 1000), which the single-pass automaton should keep nearly flat.
# Usage: bench/apply.sh [CHORUS] [N_ITEMS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
n=${2:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-apply-XXXXXX")
trap 'rm -rf "$work"' EXIT

# Texts of 12-22 words drawn from a 5000-word vocabulary (w0 ... w4999), a score field.
awk -v n="$n" 'BEGIN {
  srand(42); print "id,score,text"
  for (i = 0; i < n; i++) {
    words = 12 + int(rand() * 11); t = ""
    for (w = 0; w < words; w++) t = t (w ? " " : "") "w" int(rand() * rand() * 5000)
    printf "%d,%d,%s\n", i, int(rand() * 100), t
  }
}' >"$work/data.csv"

# spec N_KEYWORD N_REGEX N_HEURISTIC > spec.yaml
spec() {
  awk -v nk="$1" -v nr="$2" -v nh="$3" 'BEGIN {
    srand(7); print "classes: [neg, pos]\ndata:\n  text: text\nlfs:"
    for (j = 0; j < nk; j++)
      printf "  - {name: kw%d, kind: keyword, vote: %s, any: [w%d, w%d, w%d]}\n", j,
        (j % 2 ? "pos" : "neg"), int(rand() * 5000), int(rand() * 5000), int(rand() * 5000)
    for (j = 0; j < nr; j++)
      printf "  - {name: re%d, kind: regex, vote: %s, pattern: \"\\\\bw%d\\\\d*\\\\b.*\\\\bw%d\\\\b\"}\n",
        j, (j % 2 ? "pos" : "neg"), 1 + int(rand() * 9), int(rand() * 500)
    for (j = 0; j < nh; j++)
      printf "  - {name: h%d, kind: heuristic, vote: %s, when: {all: [{field: score, gt: %d}, {field: text, length_lt: %d}]}}\n",
        j, (j % 2 ? "pos" : "neg"), 50 + int(rand() * 49), 60 + int(rand() * 60)
  }'
}

# timed THREADS SPEC -> "seconds"
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$chorus" apply "$2" "$work/data.csv" \
    -o "$work/votes.chv" --threads "$1" -q
  cat "$work/time"
}

mb=$(du -m "$work/data.csv" | cut -f1)
echo "machine: $(nproc) cores; data: $n items, $mb MB of CSV"
spec 50 20 10 >"$work/main.yaml"
echo "| LF set | threads | seconds | items/s | MB/s | peak MB |"
echo "|---|---|---|---|---|---|"
for t in 1 2; do
  read -r s rss < <(timed "$t" "$work/main.yaml")
  awk -v s="$s" -v n="$n" -v mb="$mb" -v t="$t" -v r="$rss" \
    'BEGIN { printf "| 50 keyword + 20 regex + 10 heuristic | %d | %.2f | %.0f | %.1f | %.0f |\n", t, s, n / s, mb / s, r / 1024 }'
done
read -r base _ < <(spec 0 0 1 >"$work/h.yaml"; timed 2 "$work/h.yaml")
for k in 10 100 1000; do
  spec "$k" 0 0 >"$work/k.yaml"
  read -r s rss < <(timed 2 "$work/k.yaml")
  awk -v s="$s" -v n="$n" -v k="$k" -v b="$base" -v mb="$mb" -v r="$rss" \
    'BEGIN { printf "| %d keyword | 2 | %.2f | %.0f | %.1f | %.0f |\n", k, s, n / s, mb / s, r / 1024 }'
done
echo "(baseline: reading the data and one heuristic LF takes $base s on 2 threads)"
