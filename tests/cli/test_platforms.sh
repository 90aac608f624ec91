#!/usr/bin/env bash
# chorus export / import: pre-annotations for Label Studio, Argilla and Prodigy from the
# shipped YouTube data, the documented platform exports of tests/data/platforms read back
# as review files, and the bad inputs of both commands.
source "$(dirname "$0")/lib.sh"
LFS=${CHORUS_SOURCE_DIR:?}/labeling_functions
PF=$CHORUS_TEST_DATA_DIR/platforms
PY=/usr/bin/python3
yt=$DATA/youtube/test.csv

run run "$LFS/youtube_spam.yaml" "$yt" -o "$TMP/yt" -q
expect_status 0 "run on youtube test"
probs=$TMP/yt/probs.csv

# check_export FILE PLATFORM: every item in data order, its id, text, and the class with the
# highest probability in probs.csv and that probability as the score.
check_export() {
  checks=$((checks + 1))
  "$PY" - "$1" "$2" "$probs" "$yt" <<'PYEOF' || fail "$2 export shape ($1)"
import csv, json, sys
path, platform, probs_path, data_path = sys.argv[1:5]
rows = list(csv.DictReader(open(probs_path, encoding="utf-8")))
data = list(csv.DictReader(open(data_path, encoding="utf-8", newline="")))
if platform == "label-studio":
    tasks = json.load(open(path, encoding="utf-8"))
else:
    tasks = [json.loads(line) for line in open(path, encoding="utf-8")]
assert len(tasks) == len(rows) == len(data), (len(tasks), len(rows), len(data))
for i, (task, row) in enumerate(zip(tasks, rows)):
    p = {"HAM": float(row["HAM"]), "SPAM": float(row["SPAM"])}
    if platform == "label-studio":
        assert set(task) == {"data", "predictions"}, task
        item, text = task["data"]["chorus_item"], task["data"]["CONTENT"]
        assert set(task["data"]) == {"CONTENT", "AUTHOR", "chorus_item"}, task["data"]
        assert task["data"]["AUTHOR"] == data[i]["AUTHOR"]
        (pred,) = task["predictions"]
        assert pred["model_version"] == "chorus"
        (res,) = pred["result"]
        assert (res["from_name"], res["to_name"], res["type"]) == ("label", "text", "choices"), res
        (label,) = res["value"]["choices"]
        score = pred["score"]
    elif platform == "argilla":
        item, text = task["metadata"]["chorus_item"], task["fields"]["CONTENT"]
        assert task["id"] == str(item)
        (s,) = task["suggestions"]
        assert s["question_name"] == "label" and s["agent"] == "chorus", s
        label, score = s["value"], s["score"]
    else:
        item, text = task["meta"]["chorus_item"], task["text"]
        label, score = task["label"], task["meta"]["score"]
    assert item == i, (item, i)
    assert text == data[i]["CONTENT"], (i, text)
    assert abs(score - p[label]) < 1e-12, (i, score, p)
    # a tie would be broken by a hash; none of these rows is tied
    assert p[label] > 1 - p[label] or abs(p["HAM"] - p["SPAM"]) < 1e-5, (i, label, p)
PYEOF
}

run export "$probs" --data "$yt" --to label-studio -o "$TMP/ls.json" --text CONTENT --text AUTHOR
expect_status 0 "export label-studio"
expect_err "items -> $TMP/ls.json (label-studio)" "export says what it wrote"
check_export "$TMP/ls.json" label-studio
run export "$probs" --data "$yt" --to argilla -o "$TMP/ar.jsonl" --text=CONTENT -q
expect_status 0 "export argilla"
check_export "$TMP/ar.jsonl" argilla
run export "$probs" --data "$yt" --to prodigy -o "$TMP/pr.jsonl" --text CONTENT -q
expect_status 0 "export prodigy"
check_export "$TMP/pr.jsonl" prodigy

# Label Studio tasks with people's annotations added the way its export adds them come back
# under the exported ids: one annotation per task, the class opposite to the prediction
# on odd items, cancelled on items divisible by 5.
"$PY" - "$TMP/ls.json" "$TMP/ls_done.json" <<'PYEOF'
import json, sys
tasks = json.load(open(sys.argv[1], encoding="utf-8"))
for i, t in enumerate(tasks):
    (pred,) = t["predictions"]
    (label,) = pred["result"][0]["value"]["choices"]
    answer = label if i % 2 == 0 else {"HAM": "SPAM", "SPAM": "HAM"}[label]
    t["annotations"] = [{"id": i, "was_cancelled": i % 5 == 0, "completed_by": 1,
                         "result": [dict(pred["result"][0], value={"choices": [answer]})]}]
json.dump(tasks, open(sys.argv[2], "w", encoding="utf-8"))
PYEOF
run import "$TMP/ls_done.json" --from label-studio -o "$TMP/ls_review.csv" --classes HAM,SPAM
expect_status 0 "import annotated label-studio tasks"
expect_err "250 tasks, 250 items: 200 answered, 0 tied" "import counts (50 cancelled)"
checks=$((checks + 1))
"$PY" - "$TMP/ls.json" "$TMP/ls_review.csv" <<'PYEOF' || fail "round trip through label studio"
import csv, json, sys
tasks = json.load(open(sys.argv[1], encoding="utf-8"))
review = list(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
assert review[0] == ["item", "answer"], review[0]
assert len(review) == 251
for i, (item, answer) in enumerate(review[1:]):
    label = tasks[i]["predictions"][0]["result"][0]["value"]["choices"][0]
    want = "" if i % 5 == 0 else label if i % 2 == 0 else {"HAM": "SPAM", "SPAM": "HAM"}[label]
    assert (item, answer) == (str(i), want), (i, item, answer, want)
PYEOF

# The documented exports (tests/data/platforms/README.md gives each answer and why).
# expect_review FILE PLATFORM EXPECTED (lines joined by |)
expect_review() {
  run import "$PF/$1" --from "$2" -o "$TMP/review.csv" --classes HAM,SPAM -q
  expect_status 0 "import $1"
  checks=$((checks + 1))
  local got
  got=$(tr '\n' '|' <"$TMP/review.csv")
  [ "$got" = "$3" ] || fail "import $1: review file '$got', expected '$3'"
}
expect_review label_studio_export.json label-studio "item,answer|0,SPAM|1,HAM|2,|3,|4,SPAM|"
expect_err "label_studio_export.json: item '2': the annotators tie" "a tie is a warning"
expect_review argilla_v1.jsonl argilla "item,answer|m1,SPAM|m2,HAM|m3,|m4,HAM|"
expect_review argilla_v2.jsonl argilla "item,answer|a,HAM|b,|c,SPAM|"
expect_review prodigy_db_out.jsonl prodigy "item,answer|0,SPAM|1,|2,|3,HAM|4,|"
expect_err "prodigy_db_out.jsonl: item '4': the annotators tie" "prodigy tie warning"

# JSONL review files keep integer ids integers and string ids strings; null = no answer.
run import "$PF/prodigy_db_out.jsonl" --from prodigy -o "$TMP/review.jsonl"
expect_status 0 "import to a JSONL review"
expect_err "7 tasks, 5 items: 2 answered, 1 tied -> $TMP/review.jsonl" "import summary"
checks=$((checks + 1))
[ "$(head -2 "$TMP/review.jsonl" | tr '\n' '|')" = '{"item":0,"answer":"SPAM"}|{"item":1,"answer":null}|' ] ||
  fail "JSONL review: $(head -2 "$TMP/review.jsonl")"
run import "$PF/argilla_v2.jsonl" --from argilla -o "$TMP/review2.jsonl" -q
checks=$((checks + 1))
[ "$(head -1 "$TMP/review2.jsonl")" = '{"item":"a","answer":"HAM"}' ] ||
  fail "JSONL review with string ids: $(head -1 "$TMP/review2.jsonl")"

# Export with data ids: the SMS test set's "id" field.
sms=$DATA/uci_sms_spam/test.jsonl
run run "$LFS/sms_spam.yaml" "$sms" -o "$TMP/sms" -q
expect_status 0 "run on sms test"
run export "$TMP/sms/probs.csv" --data "$sms" --to prodigy -o "$TMP/sms_pr.jsonl" --text text --id id -q
expect_status 0 "export with --id"
checks=$((checks + 1))
[ "$(head -1 "$TMP/sms_pr.jsonl" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["meta"]["chorus_item"])')" = 0 ] ||
  fail "--id: the first item's id is the data's \"id\" 0"

# Bad input: exit 2, the message names the file and place, no output file.
# bad_export DESCRIPTION MESSAGE ARGS...
bad_export() {
  local what=$1 msg=$2
  shift 2
  run export "$@" -o "$TMP/never.json"
  expect_status 2 "export: $what"
  expect_err "$msg" "export: $what message"
  expect_no_file "$TMP/never.json" "export: $what output"
}
bad_export "unknown field" "test.csv: the data has no field 'BODY'" "$probs" --data "$yt" --to prodigy --text BODY
bad_export "unknown id field" "the data has no id field 'ID'" "$probs" --data "$yt" --to prodigy --id ID
# The YouTube test set repeats comment ids: they cannot name items.
bad_export "repeated ids" "the id field 'COMMENT_ID' has the value" "$probs" --data "$yt" --to argilla --id COMMENT_ID
bad_export "fewer data records than items" "is beyond the data's 3 records" "$probs" --data "$PF/three.csv" --to prodigy
bad_export "unknown platform" "unknown labeling platform 'doccano'" "$probs" --data "$yt" --to doccano
bad_export "no --data" "--data DATA is required" "$probs" --to prodigy

# bad_import DESCRIPTION MESSAGE FILE PLATFORM [ARGS...]
bad_import() {
  local what=$1 msg=$2 file=$3 platform=$4
  shift 4
  run import "$file" --from "$platform" -o "$TMP/never.csv" "$@"
  expect_status 2 "import: $what"
  expect_err "$msg" "import: $what message"
  expect_no_file "$TMP/never.csv" "import: $what output"
}
printf '[\n  {"data": {"chorus_item": 0}},\n  {"data": {"chorus_item": 1}\n]\n' >"$TMP/cut.json"
bad_import "JSON error" "cut.json:4: column 1: invalid JSON" "$TMP/cut.json" label-studio
printf '[{"data": {"chorus_item": 0}}, {"data": {"text": "hi"}}]\n' >"$TMP/noid.json"
bad_import "task without id" 'noid.json: task 1 (from 0): no "chorus_item" in "data"' "$TMP/noid.json" label-studio
bad_import "answer not a class" "label_studio_export.json: task 0 (from 0), annotation 0: the answer 'SPAM' is not a class (ham, spam)" \
  "$PF/label_studio_export.json" label-studio --classes ham,spam
printf '{"meta": {"chorus_item": 0}, "answer": "accept", "label": "SPAM"}\n{"meta": {"chorus_item": 1}, "answer": accept}\n' >"$TMP/bad.jsonl"
bad_import "JSONL error" "bad.jsonl:2: column" "$TMP/bad.jsonl" prodigy
printf '{"fields": {"text": "hi"}, "responses": []}\n' >"$TMP/noid.jsonl"
bad_import "record without id" 'noid.jsonl:1: no "chorus_item" in "metadata"' "$TMP/noid.jsonl" argilla
: >"$TMP/empty.jsonl"
bad_import "empty file" "empty.jsonl: no tasks" "$TMP/empty.jsonl" prodigy
bad_import "missing file" "missing.json" "$TMP/missing.json" label-studio
bad_import "Argilla file read as Label Studio" "argilla_v1.jsonl:2: column" "$PF/argilla_v1.jsonl" label-studio
# The review file is written by the review library: its name is .csv or .jsonl, checked
# before the export is read.
run import "$PF/prodigy_db_out.jsonl" --from prodigy -o "$TMP/never.txt"
expect_status 2 "import to a .txt review"
expect_err "never.txt: a review file is .csv or .jsonl" "import to a .txt review message"
expect_no_file "$TMP/never.txt" "import to a .txt review output"
# A string id of digits is written as an integer in JSONL, as chorus select writes it; the
# readers take 17 and "17" as the same id. Other strings stay strings.
printf '{"metadata": {"chorus_item": "17"}, "responses": [{"values": {"label": {"value": "SPAM"}}}]}\n{"metadata": {"chorus_item": "017"}, "responses": []}\n' >"$TMP/digits.jsonl"
run import "$TMP/digits.jsonl" --from argilla -o "$TMP/digits_review.jsonl" -q
expect_status 0 "import string ids of digits"
checks=$((checks + 1))
[ "$(tr '\n' '|' <"$TMP/digits_review.jsonl")" = '{"item":17,"answer":"SPAM"}|{"item":"017","answer":null}|' ] ||
  fail "JSONL review with digit ids: $(cat "$TMP/digits_review.jsonl")"

finish
