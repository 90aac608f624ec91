#!/usr/bin/env bash
# Label quality on every shipped dataset with gold, as one markdown table: majority vote
# and chorus measured in this run, next to the reference label models' numbers from
# bench/reference_numbers.tsv, then summary lines; then the dev-set selection, the items
# with votes alone, and the fitted items without a vote against their gold.
#
# Usage: bench/quality.sh [CHORUS] [extra fit args...]
#   CHORUS defaults to build/chorus; the extra args go to every chorus fit except the
#   majority-vote baseline.
#   CHORUS_QUALITY_MODELS="ds onecoin" sets the --model columns; unset, they are every
#   model `chorus fit --help` lists except mv (that is the MV column).
#
# Protocol (WRENCH, label model alone): fit on the train votes without gold, score every
# test item (items without votes included), hash tie-break, metric x 100. spouse and
# chemprot are fit and scored on their test splits (the only ones shipped); tennis is fit on train and scored
# on valid; the crowdsourcing sets are fit and scored on all items.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
models=${CHORUS_QUALITY_MODELS:-}
# OpenMP threads that spin while waiting make each small fit about 10x slower when another
# process holds a core; results are the same for any threading.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

here=$(cd "$(dirname "$0")" && pwd)
chorus=${1:-$here/../build/chorus}
shift || true
extra=("$@")
data=$here/../datasets
references=$here/reference_numbers.tsv
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-quality-XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -z "$models" ]; then
  # "      --model NAME     auto (default), ds, ds-noabstain, class-acc, onecoin or mv"
  models=$("$chorus" fit --help | sed -n 's/^ *--model NAME *//p' |
    sed 's/([^)]*)//g; s/,/ /g; s/ or / /g' | tr -s ' ' '\n' | grep -vx 'mv' | tr '\n' ' ')
  if [ -z "${models// /}" ]; then
    echo "quality.sh: no model names found in '$chorus fit --help'; set CHORUS_QUALITY_MODELS" >&2
    exit 2
  fi
fi
read -r -a model_list <<<"$models"

# key | row label | group (wrench or crowd) | fit votes | score votes | gold | metric | positive class
datasets=(
  "youtube_acc|youtube acc|wrench|wrench_youtube/train/votes.csv|wrench_youtube/test/votes.csv|wrench_youtube/test/gold.csv|accuracy|1"
  "sms_f1|sms F1|wrench|wrench_sms/train/votes.csv|wrench_sms/test/votes.csv|wrench_sms/test/gold.csv|positive_f1|1"
  "trec_acc|trec acc|wrench|wrench_trec/train/votes.csv|wrench_trec/test/votes.csv|wrench_trec/test/gold.csv|accuracy|1"
  "spouse_f1|spouse F1 (fit on test)|wrench|wrench_spouse_test/test/votes.csv|wrench_spouse_test/test/votes.csv|wrench_spouse_test/test/gold.csv|positive_f1|1"
  "chemprot_acc|chemprot acc (fit on test)|wrench|wrench_chemprot_test/test/votes.csv|wrench_chemprot_test/test/votes.csv|wrench_chemprot_test/test/gold.csv|accuracy|1"
  "tennis_f1|tennis F1 (valid)|wrench|wrench_tennis_flyingsquid/train/votes.csv|wrench_tennis_flyingsquid/valid/votes.csv|wrench_tennis_flyingsquid/valid/gold.csv|positive_f1|1"
  "d_product_acc|D_Product acc|crowd|ctinfer_d_product/triples.csv|ctinfer_d_product/triples.csv|ctinfer_d_product/gold.csv|accuracy|1"
  "d_product_f1|D_Product F1|crowd|ctinfer_d_product/triples.csv|ctinfer_d_product/triples.csv|ctinfer_d_product/gold.csv|positive_f1|1"
  "d_possent_acc|D_PosSent acc|crowd|ctinfer_d_sentiment/triples.csv|ctinfer_d_sentiment/triples.csv|ctinfer_d_sentiment/gold.csv|accuracy|1"
  "rte_acc|RTE acc|crowd|smeem_rte/triples.csv|smeem_rte/triples.csv|smeem_rte/gold.csv|accuracy|1"
  "dog_acc|dog acc|crowd|smeem_dog/triples.csv|smeem_dog/triples.csv|smeem_dog/gold.csv|accuracy|1"
  "bluebird_acc|bluebird acc|crowd|smeem_bluebird/triples.csv|smeem_bluebird/triples.csv|smeem_bluebird/gold.csv|accuracy|1"
)

# score FIT_VOTES SCORE_VOTES GOLD METRIC POSITIVE [FIT ARGS...] -> metric x 100, two decimals
score() {
  local fit_votes=$1 score_votes=$2 gold=$3 metric=$4 positive=$5 value
  shift 5
  # Runs inside $(...), where bash drops set -e: every step checks, and no file of the
  # previous call is left to be scored by mistake.
  rm -f "$work/model.json" "$work/probs.csv" "$work/eval.json"
  if ! { "$chorus" fit "$data/$fit_votes" -o "$work/model.json" -q "$@" &&
    "$chorus" predict "$work/model.json" "$data/$score_votes" -o "$work/probs.csv" -q &&
    "$chorus" eval "$work/probs.csv" "$data/$gold" --json --positive "$positive" >"$work/eval.json"; }; then
    echo "quality.sh: chorus failed on $fit_votes (fit args: $*)" >&2
    return 1
  fi
  value=$(grep -o "\"$metric\": [0-9.e+-]*" "$work/eval.json" | head -1 | awk '{printf "%.2f", $2 * 100}')
  if [ -z "$value" ]; then
    echo "quality.sh: no $metric from chorus eval on $gold" >&2
    return 1
  fi
  echo "$value"
}

# The last score's eval on the items with votes alone (eval's covered_only): "items value"
# for the metric $2 (of the gold file $1, for messages), what the votes decide apart from
# the guess the items without any get.
covered_of() {
  local value items
  tr -d ' \n' <"$work/eval.json" | grep -o '"covered_only":{[^}]*}' >"$work/covered.json" || {
    echo "quality.sh: no covered_only in chorus eval's output for $1" >&2
    return 1
  }
  value=$(grep -o "\"$2\":[0-9.e+-]*" "$work/covered.json" | cut -d: -f2 | awk '{printf "%.2f", $1 * 100}')
  items=$(grep -o '"items":[0-9]*' "$work/covered.json" | cut -d: -f2)
  if [ -z "$value" ] || [ -z "$items" ]; then
    echo "quality.sh: no covered $2 from chorus eval on $1" >&2
    return 1
  fi
  echo "$items $value"
}

# One tab-separated line per dataset: key, label, group, MV, default, each model; and in
# covered.tsv per dataset: label, items with votes, scored items, MV and the default there.
: >"$work/covered.tsv"
for entry in "${datasets[@]}"; do
  IFS='|' read -r key label group fit_votes score_votes gold metric positive <<<"$entry"
  set -- "$fit_votes" "$score_votes" "$gold" "$metric" "$positive"
  mv=$(score "$@" --model mv)
  read -r items covered_mv <<<"$(covered_of "$gold" "$metric")"
  default=$(score "$@" ${extra[@]+"${extra[@]}"})
  read -r _ covered_default <<<"$(covered_of "$gold" "$metric")"
  scored=$(grep -o '"gold_known": [0-9]*' "$work/eval.json" | grep -o '[0-9]*$')
  echo "$label	$items	$scored	$covered_mv	$covered_default" >>"$work/covered.tsv"
  line="$key	$label	$group	$mv	$default"
  for model in "${model_list[@]}"; do
    line="$line	$(score "$@" --model "$model" ${extra[@]+"${extra[@]}"})"
  done
  echo "$line"
done >"$work/measured.tsv"

version=$("$chorus" --version)
awk -F'\t' -v models="${model_list[*]}" -v version="$version" \
  -v fit_args="${extra[*]+${extra[*]}}" '
function cents(x) { return x < 0 ? -int(-x * 100 + 0.5) : int(x * 100 + 0.5) }
function signed(c) { return (c < 0 ? "-" : "+") unsigned(c < 0 ? -c : c) }
function unsigned(c) { return sprintf("%d.%02d", c / 100, c % 100) }
# mean of n values summed in cents, rounded half up (all values here are >= 0)
function mean(sum, n) { return n ? unsigned(int(sum / n + 0.5)) : "—" }
# best(row, first column name prefix or "") -> "value (name[/name])" over the numeric
# reference cells of that row whose column name starts with the prefix; "—" if none.
function best(k, prefix,   j, v, top, names) {
  top = ""; names = ""
  for (j = 2; j <= ncol; j++) {
    if (prefix != "" && index(colname[j], prefix) != 1) continue
    v = ref[k, j]
    if (v == "—") continue
    if (top == "" || cents(v) > cents(top)) { top = v; names = colname[j] }
    else if (cents(v) == cents(top)) names = names "/" colname[j]
  }
  if (top == "") return "—"
  if (prefix != "") gsub(prefix, "", names)
  return top " (" names ")"
}
FNR == NR {                                   # bench/reference_numbers.tsv
  if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/) next
  if (!ncol) { ncol = NF; for (j = 1; j <= NF; j++) colname[j] = $j; next }
  if (NF != ncol) { printf "%s: %d fields in the row for %s, expected %d\n", FILENAME, NF, $1, ncol > "/dev/stderr"; bad = 1; exit }
  for (j = 2; j <= NF; j++) {
    if ($j != "—" && $j !~ /^[0-9]+\.[0-9][0-9]$/) { printf "%s: %s: not a number or —: %s\n", FILENAME, $1, $j > "/dev/stderr"; bad = 1; exit }
    ref[$1, j] = $j
  }
  has_ref[$1] = 1
  next
}
{ key[++n] = $1; label[n] = $2; group[n] = $3; line[n] = $0; seen[$1] = 1 }
END {
  if (bad) exit 2
  for (i = 1; i <= n; i++) if (!(key[i] in has_ref)) { printf "no row for %s in the reference numbers\n", key[i] > "/dev/stderr"; exit 2 }
  for (k in has_ref) if (!(k in seen)) { printf "reference numbers for %s, which is not measured\n", k > "/dev/stderr"; exit 2 }
  for (j = 2; j <= ncol; j++) if (colname[j] == "Snorkel") snorkel = j; else if (colname[j] == "HyperLM") hyperlm = j; else if (colname[j] == "FlyingSquid") squid = j
  if (!snorkel || !hyperlm || !squid) { print "reference numbers: need columns Snorkel, HyperLM and FlyingSquid" > "/dev/stderr"; exit 2 }

  nm = split(models, model, " ")
  head = "| dataset | MV | chorus default |"; rule = "|---|---:|---:|"
  for (m = 1; m <= nm; m++) { head = head " " model[m] " |"; rule = rule "---:|" }
  print head " Snorkel | HyperLM | best crowd-kit | FlyingSquid | best reference | default − best ref | default − MV |"
  print rule "---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= n; i++) {
    split(line[i], f, "\t"); k = key[i]; mv = f[4]; def = f[5]
    row = "| " label[i] " | " mv " | " def " |"
    for (m = 1; m <= nm; m++) row = row " " f[5 + m] " |"
    br = best(k, ""); split(br, brv, " ")
    row = row " " ref[k, snorkel] " | " ref[k, hyperlm] " | " best(k, "crowd-kit ") " | " ref[k, squid] " | " br " |"
    row = row " " (br == "—" ? "—" : signed(cents(def) - cents(brv[1]))) " | " signed(cents(def) - cents(mv)) " |"
    print row
    # summaries: all rows, WRENCH rows; each also over the rows with a best reference
    for (s = 1; s <= 2; s++) {
      if (s == 2 && group[i] != "wrench") continue
      cnt[s]++; sdef[s] += cents(def); smv[s] += cents(mv)
      if (br != "—") {
        rcnt[s]++; rdef[s] += cents(def); rmv[s] += cents(mv); rbest[s] += cents(brv[1])
        name = label[i]; sub(/ \(.*/, "", name); rnames[s] = rnames[s] (rcnt[s] > 1 ? ", " : "") name
      }
    }
    if (cents(def) < cents(mv) - 50) { nbelow++; below = below (nbelow > 1 ? "; " : "") label[i] " (" signed(cents(def) - cents(mv)) ")" }
  }
  print ""
  printf "%s; extra fit args: %s. Reference numbers: bench/reference_numbers.tsv (their sources and protocol in its header); — = none.\n", version, fit_args == "" ? "none" : fit_args
  print ""
  what[2] = "WRENCH LF sets"; what[1] = "rows of all sets (D_Product counted twice: acc and F1)"
  for (s = 2; s >= 1; s--) {
    printf "- mean over the %d %s: chorus default %s, MV %s\n", cnt[s], what[s], mean(sdef[s], cnt[s]), mean(smv[s], cnt[s])
    printf "- mean over the %d of them with a reference (%s): chorus default %s, MV %s, best reference %s\n", rcnt[s], rnames[s], mean(rdef[s], rcnt[s]), mean(rmv[s], rcnt[s]), mean(rbest[s], rcnt[s])
  }
  printf "- chorus default below MV − 0.5 on %d of %d rows%s\n", nbelow, n, nbelow ? ": " below : ""
}' "$references" "$work/measured.tsv"

# With a dev set (the WRENCH protocol's use of valid): fit --dev-votes valid, score test.
# sms also with the votes its 73 rules really give (votes_python_re.csv): WRENCH's stored
# valid and test votes do not come from those rules (README, "Labeling functions").
echo
echo "With a labelled dev set (fit --dev-votes valid --dev-gold valid, score test):"
echo
echo "| dataset | MV | chorus default (no dev) | chorus --dev-votes | chosen |"
echo "|---|---:|---:|---:|---|"
dev_sets=(
  "youtube acc|wrench_youtube|votes.csv|accuracy|accuracy"
  "sms F1|wrench_sms|votes.csv|positive_f1|f1"
  "sms F1 (rule votes)|wrench_sms|votes_python_re.csv|positive_f1|f1"
  "sms acc (rule votes)|wrench_sms|votes_python_re.csv|accuracy|accuracy"
  "trec acc|wrench_trec|votes.csv|accuracy|accuracy"
)
for entry in "${dev_sets[@]}"; do
  IFS='|' read -r label set file metric dev_metric <<<"$entry"
  d=$set
  mv=$(score "$d/train/$file" "$d/test/$file" "$d/test/gold.csv" "$metric" 1 --model mv)
  default=$(score "$d/train/$file" "$d/test/$file" "$d/test/gold.csv" "$metric" 1)
  dev=$(score "$d/train/$file" "$d/test/$file" "$d/test/gold.csv" "$metric" 1 \
    --dev-votes "$data/$d/valid/$file" --dev-gold "$data/$d/valid/gold.csv" --dev-metric "$dev_metric")
  chosen=$(tr -d '\n' <"$work/model.json" | grep -o '"chosen": [0-9]*' | grep -o '[0-9]*$')
  what=$(tr -d '\n ' <"$work/model.json" | grep -o '"candidates":\[.*' |
    awk -v c="$chosen" -F'[{}]' '{n = 0; for (i = 2; i <= NF; i += 2) { if (n == c) { print $i; exit } n++ }}' |
    sed 's/"dev_score":[^,]*//; s/"//g; s/,$//; s/,/ /g')
  echo "| $label | $mv | $default | $dev | $what |"
done

# The same fits scored on the items with votes alone, from covered.tsv.
echo
echo "On the items with votes alone (the same fits; eval's covered_only):"
echo
echo "| dataset | items with votes / scored | MV | chorus default | default − MV |"
echo "|---|---:|---:|---:|---:|"
while IFS='	' read -r label items scored mv default; do
  gap=$(awk -v d="$default" -v m="$mv" 'BEGIN { x = d - m; printf "%s%.2f", x < 0 ? "-" : "+", x < 0 ? -x : x }')
  echo "| $label | $items / $scored | $mv | $default | $gap |"
done <"$work/covered.tsv"

# The items of the fitted split without a vote, on the splits whose gold the fit does not
# use (train; spouse and chemprot: test, the split they are fitted on): what the default
# gives each of them against what they are. Every such item gets the same probabilities,
# so the class it names is right on the truth's share of that class.
echo
echo "On the fitted items without a vote (gold not used by the fit): the default's estimate against the truth:"
echo
echo "| dataset | items without a vote / fitted | default's class | its P | truth's share of it | truth's most common class (share) |"
echo "|---|---:|---|---:|---:|---|"
uncovered_sets=(
  "youtube|wrench_youtube/train/votes.csv|wrench_youtube/train/gold.csv"
  "sms|wrench_sms/train/votes.csv|wrench_sms/train/gold.csv"
  "trec|wrench_trec/train/votes.csv|wrench_trec/train/gold.csv"
  "spouse (test)|wrench_spouse_test/test/votes.csv|wrench_spouse_test/test/gold.csv"
  "chemprot (test)|wrench_chemprot_test/test/votes.csv|wrench_chemprot_test/test/gold.csv"
)
for entry in "${uncovered_sets[@]}"; do
  IFS='|' read -r label votes gold <<<"$entry"
  rm -f "$work/model.json" "$work/probs.csv"
  "$chorus" fit "$data/$votes" -o "$work/model.json" -q "${extra[@]}"
  "$chorus" predict "$work/model.json" "$data/$votes" -o "$work/probs.csv" -q
  # probs.csv: item,covered,P per class (named in the header); gold: one class index a
  # line (-1 unknown), in item order.
  awk -F, -v label="$label" '
    NR == FNR { gold[FNR] = $1 + 0; next }
    FNR == 1 { k = NF - 2; for (c = 0; c < k; c++) name[c] = $(c + 3); next }
    { items++ }
    $2 == 0 {
      uncovered++
      if (!top_set) { top = 0; for (c = 1; c < k; c++) if ($(c + 3) > $(top + 3)) top = c; p = $(top + 3); top_set = 1 }
      g = gold[FNR - 1]; if (g >= 0) { known++; truth[g]++ }
    }
    END {
      if (!uncovered || !known) { printf "| %s | %d / %d | — | — | — | — |\n", label, uncovered, items; exit }
      most = 0; for (c = 1; c < k; c++) if (truth[c] > truth[most]) most = c
      printf "| %s | %d / %d | %s | %.3f | %.3f | %s (%.3f) |\n", label, uncovered, items, name[top], p,
        truth[top] / known, name[most], truth[most] / known
    }' "$data/$gold" "$work/probs.csv"
done
