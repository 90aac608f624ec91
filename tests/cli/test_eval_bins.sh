#!/usr/bin/env bash
# eval --json: the confidence bins behind the ECE, checked against a hand-worked example.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

# Four items, two classes. Top-class probabilities and whether the label is the gold one:
# 0.9 right, 0.8 wrong (gold 1), 0.7 right, 0.55 wrong (gold 0). With 4 bins of 0.25:
# [0.5, 0.75) holds 0.7 and 0.55 (mean 0.625, 1 of 2 right), [0.75, 1] holds 0.9 and 0.8
# (mean 0.85, 1 of 2 right), the two lower bins are empty.
# ECE = 2/4 * |0.5 - 0.625| + 2/4 * |0.5 - 0.85| = 0.0625 + 0.175 = 0.2375.
printf '0,1\n0.9,0.1\n0.8,0.2\n0.3,0.7\n0.45,0.55\n' >"$TMP/probs.csv"
printf '0\n1\n1\n0\n' >"$TMP/gold.txt"
run eval "$TMP/probs.csv" "$TMP/gold.txt" --bins 4 --json
expect_status 0 "eval --json --bins 4"
checks=$((checks + 1))
$PY - "$TMP/out" <<'PYEOF' || fail "eval --json: calibration bins differ from the hand-worked ones"
import json, sys
d = json.load(open(sys.argv[1]))
want = [(0.0, 0.25, 0, 0.0, 0.0), (0.25, 0.5, 0, 0.0, 0.0),
        (0.5, 0.75, 2, 0.625, 0.5), (0.75, 1.0, 2, 0.85, 0.5)]
bins = d["calibration"]
assert len(bins) == 4, bins
for b, (lo, hi, n, conf, acc) in zip(bins, want):
    assert abs(b["lower"] - lo) < 1e-12 and abs(b["upper"] - hi) < 1e-12, b
    assert b["count"] == n, b
    assert abs(b["confidence"] - conf) < 1e-12 and abs(b["accuracy"] - acc) < 1e-12, b
assert abs(d["ece"] - 0.2375) < 1e-12, d["ece"]
# The ECE is the count-weighted gap of the bins it lists.
n = sum(b["count"] for b in bins)
assert abs(sum(b["count"] / n * abs(b["accuracy"] - b["confidence"]) for b in bins) - d["ece"]) < 1e-12
PYEOF

# The default is 10 bins: every one listed, empty ones with count 0.
run eval "$TMP/probs.csv" "$TMP/gold.txt" --json
expect_status 0 "eval --json"
checks=$((checks + 1))
$PY -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d['calibration']) == 10 and sum(b['count'] for b in d['calibration']) == 4
assert [b['count'] for b in d['calibration']][5:] == [1, 0, 1, 1, 1]
" "$TMP/out" || fail "eval --json: 10 default bins holding 0.55, 0.7, 0.8, 0.9"
finish
