#!/usr/bin/env bash
# chorus qa on a real set whose true accuracy is known: the default model's labels of the
# 1686 WRENCH YouTube training comments, against all of their gold labels. Over 300 fixed
# seeds a person "reviews" a random sample of 60 comments (answers from gold); the 95%
# interval must cover the true accuracy about 95% of the time. Sampling without
# replacement from 1686 items makes both intervals a little conservative, so the expected
# rate is at least 0.95; with 300 seeds its standard error is about 0.013, and the bound
# 0.92 is more than two of them below 0.95 (a miss-coverage bug, e.g. a z of 1 instead of
# 1.96, gives about 0.68).
source "$(dirname "$0")/lib.sh"

py=/usr/bin/python3
votes=$DATA/wrench_youtube/train/votes.csv
gold=$DATA/wrench_youtube/train/gold.csv
run fit "$votes" -o "$TMP/model.json" -q
expect_status 0 "fit youtube train"
run predict "$TMP/model.json" "$votes" -o "$TMP/probs.csv" -q
expect_status 0 "predict youtube train"
run eval "$TMP/probs.csv" "$gold" --json
expect_status 0 "eval against all gold"
truth=$("$py" -c "import json; print(json.load(open('$TMP/out'))['accuracy'])")

mkdir -p "$TMP/samples"
"$py" - "$gold" "$TMP/samples" <<'PY'
import random, sys
gold = [line.strip() for line in open(sys.argv[1])]
for seed in range(1, 301):
    items = random.Random(seed).sample(range(len(gold)), 60)
    with open(f"{sys.argv[2]}/{seed}.csv", "w") as f:
        f.write("item,answer\n")
        f.writelines(f"{i},{gold[i]}\n" for i in sorted(items))
PY

for method in wilson clopper-pearson; do
  for seed in $(seq 1 300); do
    "$CHORUS" qa "$TMP/probs.csv" "$TMP/samples/$seed.csv" --method "$method" --json \
      >"$TMP/samples/$method.$seed.json" 2>"$TMP/err" || fail "qa $method seed $seed: $(cat "$TMP/err")"
  done
  covered=$("$py" - "$TMP/samples" "$method" "$truth" <<'PY'
import json, sys
folder, method, truth = sys.argv[1], sys.argv[2], float(sys.argv[3])
runs = [json.load(open(f"{folder}/{method}.{seed}.json")) for seed in range(1, 301)]
print(sum(q["reviewed"] == 60 and q["lower"] <= truth <= q["upper"] for q in runs))
PY
)
  echo "$method: the interval covers the true accuracy $truth in $covered of 300 samples"
  checks=$((checks + 1))
  [ "$covered" -ge 276 ] ||
    fail "$method covers the true accuracy $truth in $covered of 300 samples; expected at least 276 (0.92)"
done
finish
