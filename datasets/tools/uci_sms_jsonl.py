#!/usr/bin/env python3
"""How datasets/uci_sms_spam/{train,valid,test}.jsonl were made.

Run once from the repository root with the benchmark data beside it (../shared/data); the
outputs are committed, so nothing runs this at build or test time.

Input: uci_sms_spam/{train,valid,test}.csv, the UCI SMS Spam Collection (Almeida & Gomez
Hidalgo) in the Kaggle v1/v2 layout (v1 = ham or spam, v2 = the message) with the splits of
the Learning-From-Rules repository (awasthiabhijeet/Learning-From-Rules, data/SMS). Output:
one object per message, {"id": row, "text": message, "label": 0 for ham, 1 for spam}, the
fields labeling_functions/sms_spam.yaml reads. Bytes that are not UTF-8 are replaced.
"""
import csv
import json
import os
import sys

SHARED = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"

for split in ("train", "valid", "test"):
    src = os.path.join(SHARED, "uci_sms_spam", split + ".csv")
    dst = os.path.join("datasets", "uci_sms_spam", split + ".jsonl")
    with open(src, newline="", encoding="utf-8", errors="replace") as f, \
            open(dst, "w", encoding="utf-8") as out:
        rows = csv.reader(f)
        next(rows)
        for i, (label, text, *_) in enumerate(rows):
            out.write(json.dumps({"id": i, "text": text, "label": int(label == "spam")}) + "\n")
