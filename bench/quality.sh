#!/usr/bin/env bash
# Label quality on every shipped dataset with gold: majority vote and each chorus model,
# WRENCH protocol (fit on the train votes without gold, score every test item, hash
# tie-break). Prints one markdown table. Usage: bench/quality.sh [CHORUS] [extra fit args]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
shift || true
extra=("$@")
data=$here/../datasets
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-quality-XXXXXX")
trap 'rm -rf "$work"' EXIT
models=(mv auto ds ds-noabstain class-acc onecoin)

# name | fit votes | score votes | gold | metric (accuracy or positive_f1) | positive class
datasets=(
  "youtube acc|wrench_youtube/train/votes.csv|wrench_youtube/test/votes.csv|wrench_youtube/test/gold.csv|accuracy|1"
  "sms F1|wrench_sms/train/votes.csv|wrench_sms/test/votes.csv|wrench_sms/test/gold.csv|positive_f1|1"
  "trec acc|wrench_trec/train/votes.csv|wrench_trec/test/votes.csv|wrench_trec/test/gold.csv|accuracy|1"
  "spouse F1 (fit on test)|wrench_spouse_test/test/votes.csv|wrench_spouse_test/test/votes.csv|wrench_spouse_test/test/gold.csv|positive_f1|1"
  "tennis F1 (valid)|wrench_tennis_flyingsquid/train/votes.csv|wrench_tennis_flyingsquid/valid/votes.csv|wrench_tennis_flyingsquid/valid/gold.csv|positive_f1|1"
  "D_Product acc|ctinfer_d_product/triples.csv|ctinfer_d_product/triples.csv|ctinfer_d_product/gold.csv|accuracy|1"
  "D_Product F1|ctinfer_d_product/triples.csv|ctinfer_d_product/triples.csv|ctinfer_d_product/gold.csv|positive_f1|1"
  "D_PosSent acc|ctinfer_d_sentiment/triples.csv|ctinfer_d_sentiment/triples.csv|ctinfer_d_sentiment/gold.csv|accuracy|1"
  "RTE acc|smeem_rte/triples.csv|smeem_rte/triples.csv|smeem_rte/gold.csv|accuracy|1"
  "dog acc|smeem_dog/triples.csv|smeem_dog/triples.csv|smeem_dog/gold.csv|accuracy|1"
  "bluebird acc|smeem_bluebird/triples.csv|smeem_bluebird/triples.csv|smeem_bluebird/gold.csv|accuracy|1"
)

printf '| dataset | %s |\n|---|' "$(IFS='|'; echo "${models[*]}" | sed 's/|/ | /g')"
for _ in "${models[@]}"; do printf -- '---|'; done
echo
for entry in "${datasets[@]}"; do
  IFS='|' read -r name fit_votes score_votes gold metric positive <<<"$entry"
  row="| $name |"
  for model in "${models[@]}"; do
    "$chorus" fit "$data/$fit_votes" --model "$model" -o "$work/model.json" -q ${extra[@]+"${extra[@]}"}
    "$chorus" predict "$work/model.json" "$data/$score_votes" -o "$work/probs.csv" -q
    value=$("$chorus" eval "$work/probs.csv" "$data/$gold" --json --positive "$positive" |
      grep -o "\"$metric\": [0-9.e+-]*" | head -1 | awk '{printf "%.2f", $2 * 100}')
    row="$row $value |"
  done
  echo "$row"
done
