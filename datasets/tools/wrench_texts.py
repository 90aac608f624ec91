#!/usr/bin/env python3
"""How datasets/wrench_{sms,youtube}/<split>/texts.jsonl and datasets/youtube/*.csv were made.

Run once from the repository root with the benchmark data beside it (../shared/data); the
outputs are committed, so nothing runs this at build or test time.

- texts.jsonl: WRENCH's item texts in the row order of the shipped votes.csv, one object
  per line: sms {"text", "label" (gold class index)}, youtube {"CONTENT", "CLASS" (HAM or
  SPAM)}, the field names of the UCI files so one LF set reads both.
- wrench_sms/<split>/votes_python_re.csv: the 73 rules of uci_sms_spam/rule.txt applied
  with Python's re.search to those texts, the reference for labeling_functions/sms_spam.yaml.
- youtube/{train,valid,test}.csv: the UCI YouTube Spam Collection comments with WRENCH's
  split: videos 1-4 are train; video 5 (Shakira) is cut into valid and test exactly as in
  WRENCH, found by matching each WRENCH valid/test text to its comment.
"""
import csv
import json
import os
import re
import sys

SHARED = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
OUT = "datasets"


def wrench_items(dataset, split):
    with open(os.path.join(SHARED, dataset, split + ".json"), encoding="utf-8") as f:
        items = json.load(f)
    return [items[k] for k in sorted(items, key=int)]


def write_texts(dataset, split, text="text", label="label", classes=None):
    items = wrench_items(dataset, split)
    path = os.path.join(OUT, dataset, split, "texts.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for item in items:
            y = classes[item["label"]] if classes else item["label"]
            f.write(json.dumps({text: item["data"]["text"], label: y}, ensure_ascii=False)
                    + "\n")
    return items


def sms_rule_votes(split):
    """WRENCH's 73 SMS rules applied with Python's re to WRENCH's texts: an independent
    reference for chorus' regex engine. (WRENCH's own stored votes agree on train but not
    on valid and test; see README.)"""
    with open(os.path.join(SHARED, "uci_sms_spam", "rule.txt"), encoding="utf-8") as f:
        rules = [line.rstrip("\n").split("\t") for line in f]
    names = ["%s_%02d" % (label, i + 1) for i, (label, _, _) in enumerate(rules)]
    path = os.path.join(OUT, "wrench_sms", split, "votes_python_re.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(names) + "\n")
        for item in wrench_items("wrench_sms", split):
            text = item["data"]["text"]
            row = [(1 if label == "spam" else 0) if re.search(pattern, text) else -1
                   for label, pattern, _ in rules]
            f.write(",".join(map(str, row)) + "\n")


def youtube_split():
    videos = sorted(name for name in os.listdir(os.path.join(SHARED, "uci_youtube_spam"))
                    if name.startswith("Youtube") and name.endswith(".csv"))
    rows = {}
    for name in videos:
        with open(os.path.join(SHARED, "uci_youtube_spam", name), encoding="utf-8") as f:
            rows[name] = list(csv.DictReader(f))
    header = ["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS", "VIDEO"]
    os.makedirs(os.path.join(OUT, "youtube"), exist_ok=True)

    def write(split, comments):
        with open(os.path.join(OUT, "youtube", split + ".csv"), "w", encoding="utf-8",
                  newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for video, c in comments:
                w.writerow([c["COMMENT_ID"], c["AUTHOR"], c["DATE"], c["CONTENT"],
                            "SPAM" if c["CLASS"] == "1" else "HAM", video])

    train = [(name[7:9], c) for name in videos[:4] for c in rows[name]]
    write("train", train)
    shakira = rows[videos[4]]
    for split in ("valid", "test"):
        chosen, used = [], set()
        for item in wrench_items("wrench_youtube", split):
            text = item["data"]["text"]
            match = [i for i, c in enumerate(shakira) if c["CONTENT"] == text and i not in used]
            if not match:
                sys.exit("no comment of video 5 has the text %r" % text)
            used.add(match[0])
            chosen.append(("05", shakira[match[0]]))
        write(split, chosen)


if __name__ == "__main__":
    for split in ("train", "valid", "test"):
        write_texts("wrench_sms", split)
        # The field names of the UCI files, so one LF set reads both.
        write_texts("wrench_youtube", split, "CONTENT", "CLASS", ["HAM", "SPAM"])
        sms_rule_votes(split)
    youtube_split()
