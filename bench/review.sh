#!/usr/bin/env bash
# What reviewing pays: label accuracy of the whole training set after 0, 25, 50, 100 and 200
# items answered by a simulated annotator (the gold label), for each `chorus select`
# strategy and for random selection, mean over seeds, as one markdown table.
#
# Usage: bench/review.sh [CHORUS]
#   CHORUS defaults to build/chorus. CHORUS_REVIEW_SEEDS (default "1 2 3") sets the seeds,
#   CHORUS_REVIEW_SETS the sets (default: every set below).
#
# Protocol: rounds of 25. Each round fits the default model on the training votes with the
# answers so far (`fit --review`, answers clamped), predicts every training item, scores it
# against the training gold (`chorus eval`, hash tie-break; answered items count too: they
# are part of the labels a user would train on), then `chorus select -n 25 --exclude` picks
# the next 25 and the annotator answers them from gold. The seed orders equal scores and
# draws the random sample.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
data=$here/../datasets
seeds=${CHORUS_REVIEW_SEEDS:-1 2 3}
strategies="random entropy margin disagreement uncovered model-vs-mv"
budgets="0 25 50 100 200"
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-review-XXXXXX")
trap 'rm -rf "$work"' EXIT

# name votes gold
all_sets=(
  "youtube wrench_youtube/train/votes.csv wrench_youtube/train/gold.csv"
  "sms wrench_sms/train/votes.csv wrench_sms/train/gold.csv"
  "trec wrench_trec/train/votes.csv wrench_trec/train/gold.csv"
  "D_Product ctinfer_d_product/triples.csv ctinfer_d_product/gold.csv"
  "D_PosSent ctinfer_d_sentiment/triples.csv ctinfer_d_sentiment/gold.csv"
  "RTE smeem_rte/triples.csv smeem_rte/gold.csv"
  "dog smeem_dog/triples.csv smeem_dog/gold.csv"
  "bluebird smeem_bluebird/triples.csv smeem_bluebird/gold.csv"
)
wanted=${CHORUS_REVIEW_SETS:-}

# answer SELECTED.jsonl GOLD >> ANSWERS.jsonl: the annotator, answering from gold by item id.
answer() {
  "$python" - "$1" "$2" <<'PY'
import json, sys
gold = [line.strip() for line in open(sys.argv[2])]
for line in open(sys.argv[1]):
    row = json.loads(line)
    item = int(row["item"])
    g = gold[item]
    if g == "-1":
        continue  # no gold for this item: the annotator skips it
    row["answer"] = int(float(g))
    print(json.dumps({"item": row["item"], "answer": row["answer"]}))
PY
}

# accuracy VOTES GOLD ANSWERS -> accuracy x 100 of the whole training set
accuracy() {
  local votes=$1 gold=$2 answers=$3 review=()
  [ -s "$answers" ] && review=(--review "$answers")
  "$chorus" fit "$votes" "${review[@]}" -o "$work/m.json" -q 2>/dev/null
  "$chorus" predict "$work/m.json" "$votes" "${review[@]}" -o "$work/p.csv" -q 2>/dev/null
  "$chorus" eval "$work/p.csv" "$gold" --json 2>/dev/null |
    "$python" -c 'import json,sys; print("%.2f" % (100 * json.load(sys.stdin)["accuracy"]))'
}

echo "| set | strategy | $(echo $budgets | sed 's/ / | /g') | +200 vs random |"
echo "|---|---|$(for b in $budgets; do printf -- '---|'; done)---|"
summary=()
for entry in "${all_sets[@]}"; do
  read -r name votes gold <<<"$entry"
  if [ -n "$wanted" ] && ! grep -qw -- "$name" <<<"$wanted"; then continue; fi
  votes=$data/$votes
  gold=$data/$gold
  declare -A mean=()
  for strategy in $strategies; do
    for seed in $seeds; do
      answers=$work/answers.jsonl
      : >"$answers"
      done_n=0
      for step in 25 50 75 100 125 150 175 200 225; do
        # Every round refits, so each selection sees the answers so far.
        acc=$(accuracy "$votes" "$gold" "$answers")
        if grep -qw -- "$done_n" <<<"$budgets"; then
          mean[$strategy,$done_n]=$(awk -v a="${mean[$strategy,$done_n]:-0}" -v b="$acc" \
            'BEGIN { printf "%.6f", a + b }')
        fi
        [ "$done_n" -ge 200 ] && break
        exclude=()
        [ -s "$answers" ] && exclude=(--exclude "$answers")
        "$chorus" select "$work/m.json" "$votes" -n 25 --strategy "$strategy" --seed "$seed" \
          "${exclude[@]}" -o "$work/next.jsonl" -q 2>/dev/null
        answer "$work/next.jsonl" "$gold" >>"$answers"
        done_n=$step
      done
    done
  done
  n_seeds=$(wc -w <<<"$seeds")
  for strategy in $strategies; do
    row="| $name | $strategy |"
    for b in $budgets; do
      row+=" $(awk -v s="${mean[$strategy,$b]}" -v n="$n_seeds" 'BEGIN { printf "%.2f", s / n }') |"
    done
    gain=$(awk -v s="${mean[$strategy,200]}" -v r="${mean[random,200]}" -v n="$n_seeds" \
      'BEGIN { printf "%+.2f", (s - r) / n }')
    echo "$row $gain |"
  done
  unset mean
done
