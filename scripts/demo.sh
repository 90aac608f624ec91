#!/usr/bin/env bash
# The main job on a shipped dataset: install what is missing, build, then fit a label
# model on the WRENCH youtube-spam train votes and score its labels on the test split.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/ensure-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
chorus=build/chorus
data=datasets/wrench_youtube
mkdir -p out
$chorus fit "$data/train/votes.csv" --classes HAM,SPAM -o out/model.json
$chorus predict out/model.json "$data/test/votes.csv" -o out/probs.csv
$chorus eval out/probs.csv "$data/test/gold.csv" --positive SPAM
echo "labels: out/probs.csv  model: out/model.json"
