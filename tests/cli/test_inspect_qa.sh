#!/usr/bin/env bash
# chorus inspect and chorus qa on the YouTube test split with the shipped Snorkel LFs.
# Expected contents come from the LFs' definitions and the data (Python's csv module on the
# shipped file), and the intervals from published values and their formulas, not from chorus.
source "$(dirname "$0")/lib.sh"

spec=$CHORUS_SOURCE_DIR/labeling_functions/youtube_spam.yaml
data=$DATA/youtube/test.csv
py=/usr/bin/python3

run apply "$spec" "$data" -o "$TMP/votes.chv"
expect_status 0 "apply the youtube LFs"
run fit "$TMP/votes.chv" -o "$TMP/model.json"
expect_status 0 "fit"
run predict "$TMP/model.json" "$TMP/votes.chv" -o "$TMP/probs.jsonl"
expect_status 0 "predict jsonl"
run predict "$TMP/model.json" "$TMP/votes.chv" -o "$TMP/probs.csv"
expect_status 0 "predict csv"

# check NAME PYTHON: runs a Python check on $TMP/out (rows = the data's rows, items = the
# JSON lines printed) and fails with its message when it prints one.
check() {
  checks=$((checks + 1))
  local msg
  msg=$("$py" -c "
import csv, json, sys
rows = list(csv.DictReader(open('$data', newline='', encoding='utf-8')))
items = [json.loads(l) for l in open('$TMP/out', encoding='utf-8') if l.startswith('{') and l.rstrip().endswith('}')]
$2" 2>&1)
  [ -z "$msg" ] || fail "$1: $msg"
}

# keyword_my votes SPAM where 'my' is in the lower-cased comment (a substring).
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --lf keyword_my --n 1000 --jsonl
expect_status 0 "inspect --lf keyword_my"
# The spec has no data.id (the UCI files repeat COMMENT_IDs), so an item's id is its row.
check "every row with 'my', each with keyword_my=SPAM and its row as id" "
want = [i for i, r in enumerate(rows) if 'my' in r['CONTENT'].lower()]
got = [it['row'] for it in items]
if got != want: print('rows', got[:5], 'expected', want[:5], len(got), len(want))
for it in items:
    if it['votes'].get('keyword_my') != 'SPAM': print('item', it['row'], it['votes'])
    if it['item'] != it['row']: print('id', it['item'])
    if it['fields'] != {'CONTENT': rows[it['row']]['CONTENT']}: print('fields', it['fields'])
    if it['gold'] != rows[it['row']]['CLASS']: print('gold', it['gold'])"

# It only votes SPAM, so it is wrong exactly where the gold label is HAM.
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --lf keyword_my --wrong --n 1000 --jsonl
expect_status 0 "inspect --lf keyword_my --wrong"
check "keyword_my is wrong on the HAM comments with 'my'" "
want = [i for i, r in enumerate(rows) if 'my' in r['CONTENT'].lower() and r['CLASS'] == 'HAM']
got = [it['row'] for it in items]
if got != want or not want: print('rows', got, 'expected', want)"

# keyword_song votes HAM; a conflict is another LF voting SPAM on the same comment.
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --lf keyword_song --conflicts --n 1000 --jsonl
expect_status 0 "inspect --lf keyword_song --conflicts"
check "keyword_song contradicted" "
if not items: print('no items')
for it in items:
    v = it['votes']
    if v.get('keyword_song') != 'HAM' or 'song' not in rows[it['row']]['CONTENT'].lower():
        print('item', it['row'], v)
    if 'SPAM' not in v.values(): print('no conflict on', it['row'], v)"

# Uncovered: no votes at all, and exactly the rows predict marks as not covered.
run inspect "$TMP/votes.chv" --data "$data" --uncovered --n 1000 --jsonl
expect_status 0 "inspect --uncovered"
check "uncovered items have no votes; without a spec the id is the row" "
probs = [json.loads(l) for l in open('$TMP/probs.jsonl')]
want = [p['item'] for p in probs if not p['covered']]
if [it['row'] for it in items] != want or not want: print([it['row'] for it in items], want)
for it in items:
    if it['votes'] != {} or it['item'] != it['row'] or len(it['fields']) != 6: print(it)"

# Disagree: the model's label is not a class with the most votes.
# (with ds itself: the default hands back majority vote on these votes, see README "Label model")
run fit "$TMP/votes.chv" --model ds -o "$TMP/model_ds.json"
expect_status 0 "fit --model ds"
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --model "$TMP/model_ds.json" --disagree \
  --n 1000 --jsonl
expect_status 0 "inspect --disagree"
check "the model overrules the majority" "
if not items: print('no items')
for it in items:
    n = {c: list(it['votes'].values()).count(c) for c in ('HAM', 'SPAM')}
    if n[it['label']] == max(n.values()): print('agrees', it)
    if not 0.5 <= it['confidence'] <= 1: print('confidence', it['confidence'])"

# A seeded sample: n items, in row order, all matching, the same for the same seed.
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --lf keyword_my --n 5 --seed 3 --jsonl
cp "$TMP/out" "$TMP/sample3"
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --lf keyword_my --n 5 --seed 3 --jsonl
checks=$((checks + 1))
cmp -s "$TMP/out" "$TMP/sample3" || fail "--seed 3 twice gives different samples"
check "a sample of 5 items where keyword_my votes" "
got = [it['row'] for it in items]
if len(got) != 5 or got != sorted(set(got)): print(got)
if any('my' not in rows[r]['CONTENT'].lower() for r in got): print('not matching', got)"
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --lf keyword_my --n 5 --jsonl
check "without a seed the first 5" "
want = [i for i, r in enumerate(rows) if 'my' in r['CONTENT'].lower()][:5]
if [it['row'] for it in items] != want: print([it['row'] for it in items], want)"

# The terminal: a count line, the id, gold and model label, text cut at 100 characters.
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --model "$TMP/model.json" --n 1
expect_status 0 "inspect on a terminal"
expect_out "250 of 250 items; showing the first 1" "the count line"
expect_out "item 0  gold=SPAM  model=SPAM" "the first item's id, gold, label"
expect_out "votes: regex_check_out=SPAM" "its votes as NAME=CLASS"
long_row=$("$py" -c "
import csv
rows = list(csv.DictReader(open('$data', newline='', encoding='utf-8')))
print(next(i for i, r in enumerate(rows) if len(r['CONTENT']) > 100))")
run inspect "$TMP/votes.chv" --data "$data" --spec "$spec" --n $((long_row + 1))
expect_status 0 "inspect a long comment"
"$py" -c "
import csv
rows = list(csv.DictReader(open('$data', newline='', encoding='utf-8')))
print('  CONTENT: ' + rows[$long_row]['CONTENT'][:100] + '\u2026')" >"$TMP/long_line"
checks=$((checks + 1))
grep -qxF -f "$TMP/long_line" "$TMP/out" || fail "row $long_row is not cut at 100 characters"

# Line breaks and tabs inside a field are shown as spaces; item names of triples votes
# are the ids.
printf 'task,worker,label\na,w1,1\nb,w1,0\nb,w2,1\n' >"$TMP/t.csv"
printf 'text,n\n"two\nlines\tand a tab",1\nplain,2\n' >"$TMP/d.csv"
run inspect "$TMP/t.csv" --format triples --data "$TMP/d.csv" --fields text
expect_status 0 "inspect triples"
expect_out "item a (row 0)" "the votes' item name is the id"
expect_out "  text: two lines and a tab" "line breaks as spaces"
expect_out "votes: w1=0 w2=1" "both votes of item b"

# Bad requests: exit 2 and a message saying what is wrong.
run inspect "$TMP/votes.chv" --data "$data" --lf keyword_mi
expect_status 2 "an unknown LF"
expect_err "no labeling function 'keyword_mi'; did you mean 'keyword_my'?" "suggests the LF"
run inspect "$TMP/votes.chv" --data "$DATA/youtube/valid.csv"
expect_status 2 "data of another split"
expect_err "valid.csv has 120 records but $TMP/votes.chv has 250 items" "names both files"
run inspect "$TMP/votes.chv" --data "$data" --disagree
expect_status 2 "--disagree without a model"
expect_err "--disagree needs --model" "says what it needs"
run inspect "$TMP/votes.chv" --data "$data" --lf keyword_my --uncovered
expect_status 2 "--uncovered with --lf"
run inspect "$TMP/votes.chv" --data "$data" --lf keyword_my --wrong
expect_status 2 "--wrong without gold"
expect_err "--wrong needs gold labels" "says what it needs"
run inspect "$TMP/votes.chv" --data "$data" --fields CONTNT
expect_status 2 "an unknown field"
expect_err "has no field 'CONTNT' (--fields); did you mean 'CONTENT'?" "suggests the field"
run inspect "$TMP/votes.chv"
expect_status 2 "no --data"

# qa: 10 reviewed items, the first ten rows; the answer is the predicted class except on
# row 3, where it is the other one: 9 of 10 correct. The JSONL's hard label is a class
# index, in the spec's order HAM, SPAM (the CSV's header names them).
"$py" -c "
import json
items = [json.loads(l) for l in open('$TMP/probs.jsonl')]
for i, it in enumerate(items):
    c = ['HAM', 'SPAM'][it['label']]
    print(('HAM' if c == 'SPAM' else 'SPAM') if i == 3 else c if i < 10 else -1)" >"$TMP/answers.txt"
run qa "$TMP/probs.csv" "$TMP/answers.txt" --json
expect_status 0 "qa"
# Wilson for 9 of 10 at 95%: [0.5958, 0.9821] (see tests/unit/test_qa.c for the working).
check "9 of 10, Wilson" "
import math
r = json.loads(open('$TMP/out').read())
if (r['reviewed'], r['correct'], r['items']) != (10, 9, 250): print(r)
if abs(r['accuracy'] - 0.9) > 1e-12: print(r['accuracy'])
if abs(r['lower'] - 0.5958) > 5e-5 or abs(r['upper'] - 0.9821) > 5e-5: print(r['lower'], r['upper'])
if r['further'] is not None or r['method'] != 'wilson': print(r)
if sum(c['reviewed'] for c in r['classes']) != 10: print(r['classes'])"
run qa "$TMP/probs.csv" "$TMP/answers.txt" --json --method clopper-pearson --target-width 0.1
expect_status 0 "qa clopper-pearson"
# The published exact interval for 9 of 10 at 95%: [0.5550, 0.9975]. The review size is
# checked against the Clopper-Pearson width computed from the binomial tails in Python.
check "9 of 10, Clopper-Pearson, review size" "
import math
r = json.loads(open('$TMP/out').read())
if abs(r['lower'] - 0.5550) > 5e-5 or abs(r['upper'] - 0.9975) > 5e-5: print(r['lower'], r['upper'])
def tail(n, k, p):  # P(Bin(n, p) >= k)
    return sum(math.comb(n, j) * p**j * (1 - p)**(n - j) for j in range(k, n + 1))
def root(f):  # f increasing on (0, 1)
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return lo
def width(n):  # at accuracy 0.9; 0.9 n is an integer for n a multiple of 10
    k = round(0.9 * n)
    lower = root(lambda p: tail(n, k, p) - 0.025)
    upper = root(lambda p: 0.025 - (1 - tail(n, k + 1, p)))
    return upper - lower
total = 10 + r['further']
# The review size is found for a real-valued 0.9 n; check the multiples of 10 around it.
lo10, hi10 = (total // 10) * 10, (total // 10 + 1) * 10
if not (width(hi10) <= 0.1 and width(lo10 - 10) > 0.1): print('further', r['further'], width(lo10 - 10), width(hi10))"
run qa "$TMP/probs.csv" "$TMP/answers.txt"
expect_status 0 "qa table"
expect_out "10 of 250 items reviewed; 95% wilson intervals" "the table's heading"
expect_out "all            10        9    0.9000   0.5958   0.9821" "the overall row"

# Answers from a field of the data: every item reviewed, gold is the answer.
run qa "$TMP/probs.csv" "$data:CLASS" --json
expect_status 0 "qa DATA:FIELD"
check "all 250 reviewed" "
r = json.loads(open('$TMP/out').read())
if r['reviewed'] != 250: print(r['reviewed'])"

# Bad answers: exit 2 naming the file and line.
sed '5s/.*/MAYBE/' "$TMP/answers.txt" >"$TMP/bad_answers.txt"
run qa "$TMP/probs.csv" "$TMP/bad_answers.txt"
expect_status 2 "an answer that is no class"
expect_err "bad_answers.txt:5" "names the file and line"
head -100 "$TMP/answers.txt" >"$TMP/short.txt"
run qa "$TMP/probs.csv" "$TMP/short.txt"
expect_status 2 "too few answers"
expect_err "probs.csv has a row for item 249 but $TMP/short.txt has only 100 answers" \
  "names both files"
yes -- -1 | head -250 >"$TMP/none.txt"
run qa "$TMP/probs.csv" "$TMP/none.txt"
expect_status 2 "nothing reviewed"
expect_err "none.txt: none of the 250 items" "says nothing was reviewed"
run qa "$TMP/probs.csv" "$TMP/answers.txt" --method wald
expect_status 2 "an unknown method"
expect_err "unknown interval method 'wald'" "names the method"
run qa "$TMP/probs.csv" "$TMP/answers.txt" --confidence 1.5
expect_status 2 "confidence out of range"

finish
