#!/usr/bin/env bash
# The report in a real browser: headless Chromium renders the page of the WRENCH YouTube
# split (a screenshot that is not blank and shows the report's colours) and its DOM, after
# the page's script ran, still holds every section and the SVG plots. Skipped (77) when
# Chromium is not installed (Debian package chromium, scripts/packages.txt).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HERE=$CHORUS_SOURCE_DIR/tests/cli
yt=$DATA/wrench_youtube/train
ALL=overview,lf-summary,overlaps,accuracy,class-balance,calibration,confusion,dependencies,fit-check,review,prompt-sensitivity

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium is not installed: skipped"
  exit 77
fi
# A private profile, no sandbox (tests may run as root), no GPU, and a time limit.
chromium_run() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$TMP/profile" "$@" 2>>"$TMP/chromium.log"
}

run fit "$yt/votes.csv" -o "$TMP/model.json" -q
awk 'BEGIN { print "item,answer" } (NR - 1) % 20 == 0 { print NR - 1 "," $0 }' "$yt/gold.csv" \
  >"$TMP/review.csv"
run report "$yt/votes.csv" --model "$TMP/model.json" --gold "$yt/gold.csv" \
  --review "$TMP/review.csv" -o "$TMP/report.html"
expect_status 0 "report"

chromium_run --screenshot="$TMP/shot.png" --window-size=1200,2000 "file://$TMP/report.html" \
  >/dev/null
checks=$((checks + 1))
[ -s "$TMP/shot.png" ] || fail "no screenshot: $(tail -c 500 "$TMP/chromium.log")"
# Not blank: many colours, among them the blue, green and orange of the bars (Okabe-Ito).
checks=$((checks + 1))
$PY "$HERE/png_colours.py" "$TMP/shot.png" 50 0072b2 009e73 e69f00 >/dev/null 2>"$TMP/png_err" ||
  fail "screenshot: $(cat "$TMP/png_err")"

chromium_run --dump-dom "file://$TMP/report.html" >"$TMP/dom.html"
checks=$((checks + 1))
$PY "$HERE/report_check.py" "$TMP/dom.html" --sections "$ALL" --min-svg 6 2>"$TMP/dom_err" ||
  fail "rendered DOM: $(head -c 800 "$TMP/dom_err")"
for element in "<rect" "<circle" "<polyline" "<linearGradient"; do
  checks=$((checks + 1))
  grep -q -- "$element" "$TMP/dom.html" || fail "the rendered DOM has no $element"
done

# The table sorts in the browser: one click on "votes" orders the rows by it, fewest first.
# The expected order comes from counting each LF's non-abstain cells in votes.csv.
sed 's|</body>|<script>document.querySelectorAll("#lf-table th")[2].click();</script></body>|' \
  "$TMP/report.html" >"$TMP/click.html"
chromium_run --dump-dom "file://$TMP/click.html" >"$TMP/click_dom.html"
checks=$((checks + 1))
$PY - "$TMP/click_dom.html" "$yt/votes.csv" <<'PYEOF' || fail "clicking 'votes' does not sort the LF table"
import csv, re, sys
dom = open(sys.argv[1]).read()
body = re.search(r'id="lf-table">.*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
shown = re.findall(r'<tr><td class="name">([^<]*)</td>', body)
rows = list(csv.reader(open(sys.argv[2])))
votes = {name: sum(r[j] != "-1" for r in rows[1:]) for j, name in enumerate(rows[0])}
want = sorted(votes, key=lambda name: votes[name])
assert shown == want, (shown, want)
PYEOF
finish
