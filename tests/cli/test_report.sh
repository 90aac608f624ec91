#!/usr/bin/env bash
# chorus report and run --report: one self-contained HTML page with every section, text
# from user files escaped, and bad input refused with exit 2 and no page written.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
CHECK=$CHORUS_SOURCE_DIR/tests/cli/report_check.py
LFS=$CHORUS_SOURCE_DIR/labeling_functions
yt=$DATA/wrench_youtube/train
ALL=overview,lf-summary,overlaps,accuracy,class-balance,calibration,confusion,dependencies,fit-check,review,prompt-sensitivity

# expect_page PAGE DESCRIPTION [report_check.py options]: the page is valid and holds them
expect_page() {
  local page=$1 what=$2
  shift 2
  checks=$((checks + 1))
  $PY "$CHECK" "$page" "$@" 2>"$TMP/check_err" || fail "$what: $(head -c 800 "$TMP/check_err")"
}

# expect_in PAGE TEXT DESCRIPTION
expect_in() {
  checks=$((checks + 1))
  grep -qF -- "$2" "$1" || fail "$3: the page does not contain '$2'"
}

# --- the WRENCH YouTube train split: votes, gold, a model and a review of 80 items -------
run fit "$yt/votes.csv" -o "$TMP/model.json" -q
expect_status 0 "fit wrench_youtube"
# Every 20th item reviewed, answered with its gold label: 1686 items give 85 answers.
awk 'BEGIN { print "item,answer" } (NR - 1) % 20 == 0 { print NR - 1 "," $0 }' "$yt/gold.csv" \
  >"$TMP/review.csv"
run report "$yt/votes.csv" --model "$TMP/model.json" --gold "$yt/gold.csv" \
  --review "$TMP/review.csv" -o "$TMP/report.html"
expect_status 0 "report with gold and review"
# Every section, at least the 2 heatmaps, the scatter, class balance, reliability diagram
# and learning curve as SVG, and the one script that sorts the table.
expect_page "$TMP/report.html" "full report" --sections "$ALL" --min-svg 6 --script-elements 1
expect_in "$TMP/report.html" "<dt>items</dt><dd>1686</dd>" "overview counts the items"
expect_in "$TMP/report.html" "The 85 answered items" "learning curve over the 85 answers"
for lf in keyword_my keyword_subscribe regex_check_out textblob_subjectivity; do
  expect_in "$TMP/report.html" ">$lf</td>" "LF table row of $lf"
done
expect_in "$TMP/report.html" "calibration error (ECE)" "calibration says its ECE"
# The ECE of the page is the one eval computes for the same labels and gold.
run predict "$TMP/model.json" "$yt/votes.csv" -o "$TMP/probs.csv" -q
run eval "$TMP/probs.csv" "$yt/gold.csv" --json
ece=$($PY -c "import json, sys; print('%.4f' % json.load(open(sys.argv[1]))['ece'])" "$TMP/out")
expect_in "$TMP/report.html" "(ECE) <b>$ece</b>" "the page's ECE is eval's"
# So is its accuracy on the items with a vote (180 of the 1686 have none).
covered=$($PY -c "import json, sys; c = json.load(open(sys.argv[1]))['covered_only']; print('%.4f (%d' % (c['accuracy'], c['items']))" "$TMP/out")
expect_in "$TMP/report.html" "<dt>accuracy on gold, items with a vote</dt><dd>$covered items; the other 180 get a guess)" \
  "the page's accuracy on the items with a vote is eval's"

# Without gold or review the sections stay, and say what they need.
run report "$yt/votes.csv" --model "$TMP/model.json" -o "$TMP/plain.html"
expect_status 0 "report without gold"
expect_page "$TMP/plain.html" "report without gold" --sections "$ALL" --min-svg 4
expect_in "$TMP/plain.html" "Needs gold labels (--gold)" "calibration needs gold"
expect_in "$TMP/plain.html" "Needs review answers (--review)" "learning curve needs answers"
expect_in "$TMP/plain.html" "agreement with the other LFs" "no gold: the scatter uses agreement"

# The heatmaps past --heatmap-lfs: the LFs with the most votes, said so.
run report "$yt/votes.csv" --model "$TMP/model.json" --heatmap-lfs 4 -o "$TMP/cap.html"
expect_status 0 "report --heatmap-lfs 4"
expect_in "$TMP/cap.html" "Showing the 4 of 10 LFs with the most votes." "the cap is said"
# The four LFs with the most votes (counted from the CSV): textblob_subjectivity 608,
# regex_check_out 400, short_comment 386, keyword_my 337; keyword_song (241) is left out.
checks=$((checks + 1))
$PY - "$TMP/cap.html" <<'PYEOF' || fail "--heatmap-lfs 4 shows the wrong LFs"
import re, sys
text = open(sys.argv[1]).read()
maps = re.search(r'<section id="overlaps">(.*?)</section>', text, re.S).group(1)
names = set(re.findall(r"<title>([^<]*) \u00d7 ", maps))
assert names == {"textblob_subjectivity", "regex_check_out", "short_comment", "keyword_my"}, names
PYEOF

# Learned dependencies: the page's groups are the model's (as analyze lists them).
run fit "$yt/votes.csv" --learn-structure -o "$TMP/structure.json" -q
run report "$yt/votes.csv" --model "$TMP/structure.json" -o "$TMP/structure.html"
expect_status 0 "report of a model with learned groups"
run analyze "$yt/votes.csv" --model "$TMP/structure.json" --json
checks=$((checks + 1))
$PY - "$TMP/out" "$TMP/structure.html" <<'PYEOF' || fail "the dependency groups differ from analyze's"
import json, re, sys
lfs = json.load(open(sys.argv[1]))["labeling_functions"]
page = open(sys.argv[2]).read()
section = re.search(r'<section id="dependencies">(.*?)</section>', page, re.S).group(1)
groups = sorted({lf["group"] for lf in lfs if lf["group"] is not None})
assert groups, "analyze lists no group"
for g in groups:
    members = ", ".join(lf["lf"] for lf in lfs if lf["group"] == g)
    assert "<li>group %d: %s</li>" % (g, members) in section, (g, members)
assert "Pairs structure learning found dependent" in section
PYEOF

# --- a hand-checked heatmap: 3 LFs, 5 items ---------------------------------------------
# a,b both vote on items 0, 1, 4 and differ on item 1; a,c on 3, 4, differing on 3; b,c on
# 2, 4, never differing.
printf 'a,b,c\n0,0,-1\n0,1,-1\n-1,1,1\n1,-1,0\n1,1,1\n' >"$TMP/tiny.csv"
run fit "$TMP/tiny.csv" --model mv -o "$TMP/tiny.json" -q
run report "$TMP/tiny.csv" --model "$TMP/tiny.json" -o "$TMP/tiny.html"
expect_status 0 "report of a majority-vote model"
expect_page "$TMP/tiny.html" "majority-vote report" --sections "$ALL"
expect_in "$TMP/tiny.html" "a × b: overlap on 3 of 5 items (0.6000)" "a,b overlap"
expect_in "$TMP/tiny.html" "a × b: conflict on 1 of 5 items (0.2000)" "a,b conflict"
expect_in "$TMP/tiny.html" "a × c: conflict on 1 of 5 items (0.2000)" "a,c conflict"
expect_in "$TMP/tiny.html" "b × c: overlap on 2 of 5 items (0.4000)" "b,c overlap"
expect_in "$TMP/tiny.html" "b × c: conflict on 0 of 5 items (0.0000)" "b,c never conflict"
expect_in "$TMP/tiny.html" "carries no check of its fit" "majority vote has no fit check"

# --- exact copies (2 groups of 3): fitted as one source each, a finding --------------------
run synth -n 3000 -m 12 --copies 2:3 --seed 7 -o "$TMP/copies.csv" -q
run fit "$TMP/copies.csv" -o "$TMP/copies.json" -q
run report "$TMP/copies.csv" --model "$TMP/copies.json" -o "$TMP/copies.html"
expect_status 0 "report of a model with copies"
expect_page "$TMP/copies.html" "report with copies" --sections "$ALL"
expect_in "$TMP/copies.html" "<li>4 LFs vote exactly as another on every item fitted, so each is fitted as one source with it" "the copies finding"

# --- a crowd of 200 workers over five classes: the held-out-vote choice is a finding ------
run synth -n 4000 -m 200 -k 5 --coverage 0.01:0.04 --accuracy 0.3:0.95 --class-accuracy \
  --seed 121 -o "$TMP/crowd5.csv" -q
run fit "$TMP/crowd5.csv" -o "$TMP/crowd5.json" -q
run report "$TMP/crowd5.csv" --model "$TMP/crowd5.json" -o "$TMP/crowd5.html"
expect_status 0 "report of the five-class crowd"
expect_page "$TMP/crowd5.html" "five-class crowd report" --sections "$ALL"
expect_in "$TMP/crowd5.html" "the labels name the hidden votes (" "the held-out-vote finding"
expect_in "$TMP/crowd5.html" "fitted first as ds-noabstain, the model is onecoin" "the switch named"

# --- names from user files are escaped ---------------------------------------------------
# An LF (a crowd worker) and a class named with markup, quotes and an ampersand.
worker='<script>alert("x")</script>&'"'"
spam='<b>SPAM&"x</b>'
{
  echo "item,worker,label"
  for i in $(seq 1 30); do
    if [ $((i % 3)) -eq 0 ]; then first=HAM; else first=$spam; fi
    if [ $((i % 4)) -eq 0 ]; then second=HAM; else second=$spam; fi
    printf '%s,"%s",%s\n' "$i" "${worker//\"/\"\"}" "\"${first//\"/\"\"}\""
    printf '%s,w2,%s\n' "$i" "\"${second//\"/\"\"}\""
    printf '%s,w3,%s\n' "$i" "\"${first//\"/\"\"}\""
  done
} >"$TMP/names.csv"
run fit "$TMP/names.csv" -o "$TMP/names.json" -q
expect_status 0 "fit on hostile names"
run report "$TMP/names.csv" --model "$TMP/names.json" --title "$worker" -o "$TMP/names.html"
expect_status 0 "report on hostile names"
# Still exactly one script element (the page's own) and well-formed HTML and SVG.
expect_page "$TMP/names.html" "hostile names" --sections "$ALL" --script-elements 1
expect_in "$TMP/names.html" "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;" \
  "the worker's name escaped"
expect_in "$TMP/names.html" "&lt;b&gt;SPAM&amp;&quot;x&lt;/b&gt;" "the class name escaped"
checks=$((checks + 1))
grep -qF '<script>alert' "$TMP/names.html" && fail "a name reached the page unescaped"
grep -qF '<b>SPAM' "$TMP/names.html" && fail "a class name reached the page unescaped"

# --- prompt sensitivity: three wordings of one prompt (v1, v2, v3) and an LF of its own;
# the numbers are worked out by hand in tests/unit/test_prompt_sensitivity.c ------------
printf 'v1,v2,v3,kw\n1,1,1,1\n0,0,1,-1\n1,0,-1,-1\n0,0,0,-1\n-1,1,1,0\n0,-1,-1,-1\n' >"$TMP/variants.csv"
printf '1\n0\n0\n0\n1\n1\n' >"$TMP/variants_gold.csv"
printf 'v1,v2,v3\n' >"$TMP/variants.groups"
run fit "$TMP/variants.csv" --model mv -o "$TMP/variants.json" -q
run report "$TMP/variants.csv" --model "$TMP/variants.json" -o "$TMP/variants_plain.html"
expect_status 0 "report without groups"
expect_in "$TMP/variants_plain.html" "No group of prompt variants" "no groups said"
run report "$TMP/variants.csv" --model "$TMP/variants.json" --gold "$TMP/variants_gold.csv" \
  --groups "$TMP/variants.groups" -o "$TMP/variants.html"
expect_status 0 "report with groups of prompt variants"
expect_page "$TMP/variants.html" "prompt sensitivity" --sections "$ALL"
sed -n '/id="prompt-sensitivity"/,/<\/section>/p' "$TMP/variants.html" | sed 's/<[^>]*>/ /g' |
  tr -s ' ' >"$TMP/variants.txt"
expect_in "$TMP/variants.txt" "flips on 2 of the 5 items that two or more variants vote on (40.0%)" \
  "the flip share"
# Per variant: coverage, accuracy, then kappa with v1, v2, v3.
expect_in "$TMP/variants.txt" " v1 0.833 0.600 1.000 0.500 0.400 " "v1's row"
expect_in "$TMP/variants.txt" " v3 0.667 0.750 0.400 0.500 1.000 " "v3's row"
expect_in "$TMP/variants.txt" "v1 ~ v3: 3 items both vote on, agreement 0.667, κ 0.400" "v1 ~ v3"
checks=$((checks + 1))
grep -q " kw " "$TMP/variants.txt" && fail "an LF of no group is in the prompt sensitivity"
run report "$TMP/variants.csv" --model "$TMP/variants.json" --groups "$TMP/nope.groups" \
  -o "$TMP/variants_bad.html"
expect_status 2 "a groups file that does not exist"
expect_no_file "$TMP/variants_bad.html" "no page without its groups file"

# --- run --report -----------------------------------------------------------------------
run run "$LFS/youtube_spam.yaml" "$DATA/youtube/train.csv" -o "$TMP/outdir" -q \
  --report "$TMP/run.html"
expect_status 0 "run --report"
expect_page "$TMP/run.html" "run --report" --sections "$ALL" --min-svg 5
expect_in "$TMP/run.html" "<dt>items</dt><dd>1586</dd>" "run's report covers the 1586 records"

# --- bad input: exit 2, the file and place named, no page ---------------------------------
out=$TMP/bad.html
run report "$TMP/tiny.csv" -o "$out"
expect_status 2 "no --model"
expect_err "missing --model" "no --model said"
run report "$TMP/tiny.csv" --model "$TMP/tiny.json"
expect_status 2 "no -o"
expect_err "missing -o" "no -o said"
printf '0\n1\n' >"$TMP/short_gold.txt"
run report "$TMP/tiny.csv" --model "$TMP/tiny.json" --gold "$TMP/short_gold.txt" -o "$out"
expect_status 2 "gold of 2 labels for 5 items"
expect_err "short_gold.txt has 2 labels but the votes have 5 items" "short gold named"
expect_no_file "$out" "short gold"
printf '0\n7\n1\n0\n1\n' >"$TMP/bad_gold.txt"
run report "$TMP/tiny.csv" --model "$TMP/tiny.json" --gold "$TMP/bad_gold.txt" -o "$out"
expect_status 2 "gold label 7 of 2 classes"
expect_err "bad_gold.txt:2: '7' is not a gold label" "bad gold line named"
expect_no_file "$out" "bad gold"
printf 'item,answer\n1,0\n9,1\n' >"$TMP/bad_review.csv"
run report "$TMP/tiny.csv" --model "$TMP/tiny.json" --review "$TMP/bad_review.csv" -o "$out"
expect_status 2 "review of an item not in the votes"
expect_err "bad_review.csv:3: item '9' is not in the data" "bad review line named"
expect_no_file "$out" "bad review"
run report "$TMP/tiny.csv" --model "$TMP/model.json" -o "$out"
expect_status 2 "a model of other LFs"
expect_err "the votes have 3" "other LFs said"
expect_no_file "$out" "other LFs"
printf '{\n' >"$TMP/broken.json"
run report "$TMP/tiny.csv" --model "$TMP/broken.json" -o "$out"
expect_status 2 "a broken model.json"
expect_err "broken.json:2:" "broken model named by line"
expect_no_file "$out" "broken model"
for opt in "--heatmap-lfs 0" "--heatmap-lfs 201" "--bins 0" "--seed -1"; do
  # shellcheck disable=SC2086
  run report "$TMP/tiny.csv" --model "$TMP/tiny.json" $opt -o "$out"
  expect_status 2 "$opt"
  expect_no_file "$out" "$opt"
done
run report "$TMP/tiny.csv" --model "$TMP/tiny.json" -o "$TMP/no/such/folder/r.html"
expect_status 1 "an output folder that does not exist"
expect_err "cannot create the output file" "unwritable output said"
finish
