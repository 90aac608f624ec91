#!/usr/bin/env bash
# The main job on shipped data: install what is missing, build, then label YouTube
# comments end to end — apply the labeling functions of labeling_functions/youtube_spam.yaml
# to the training comments, fit the label model, write probabilistic labels and the LF
# summary (chorus run) — and score the fitted model on the held-out test comments.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/ensure-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
chorus=build/chorus
lfs=labeling_functions/youtube_spam.yaml
$chorus run "$lfs" datasets/youtube/train.csv -o out
echo
echo "== held-out test comments (video 5), scored against their gold labels =="
$chorus apply "$lfs" datasets/youtube/test.csv -o out/test_votes.chv -q
$chorus predict out/model.json out/test_votes.chv -o out/test_probs.csv -q
$chorus eval out/test_probs.csv datasets/wrench_youtube/test/gold.csv --positive SPAM
echo "labels: out/probs.csv (train), out/test_probs.csv (test); model: out/model.json"
