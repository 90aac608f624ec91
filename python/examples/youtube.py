"""The label-model part of Snorkel's spam tutorial, on chorus.

Reads the shipped WRENCH YouTube votes (datasets/wrench_youtube: the ten tutorial LFs applied
to the comments), prints the LF summary, fits a LabelModel on the training votes, scores it
and majority vote on the test comments, and keeps the training comments some LF voted on.
The only change from the tutorial is the import.

    PYTHONPATH=python python3 python/examples/youtube.py
"""

import json
import logging
import os
from pathlib import Path

import numpy as np

# Snorkel: from snorkel.labeling.model import LabelModel, MajorityLabelVoter (and so on)
from chorus import LabelModel, LFAnalysis, MajorityLabelVoter, filter_unlabeled_dataframe

DATA = Path(os.environ.get("CHORUS_DATASETS_DIR",
                           Path(__file__).resolve().parents[2] / "datasets")) / "wrench_youtube"


def load(split):
    """(LF names, L, Y, comment texts) of one split."""
    votes = DATA / split / "votes.csv"
    names = votes.read_text().splitlines()[0].split(",")
    L = np.loadtxt(votes, delimiter=",", skiprows=1, dtype=int)
    Y = np.loadtxt(DATA / split / "gold.csv", dtype=int)
    with open(DATA / split / "texts.jsonl", encoding="utf-8") as f:
        texts = np.array([json.loads(line)["CONTENT"] for line in f])
    return names, L, Y, texts


def main():
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    lfs, L_train, Y_train, texts_train = load("train")
    _, L_test, Y_test, _ = load("test")

    summary = LFAnalysis(L=L_train, lfs=lfs).lf_summary(Y=Y_train)
    if isinstance(summary, dict):  # without pandas: a dict of columns
        print(f"{'LF':<22}{'Polarity':>9}{'Coverage':>10}{'Overlaps':>10}{'Conflicts':>10}"
              f"{'Emp. Acc.':>10}")
        for j, name in enumerate(summary["name"]):
            print(f"{name:<22}{str(summary['Polarity'][j]):>9}{summary['Coverage'][j]:>10.3f}"
                  f"{summary['Overlaps'][j]:>10.3f}{summary['Conflicts'][j]:>10.3f}"
                  f"{summary['Emp. Acc.'][j]:>10.3f}")
    else:
        print(summary.to_string())

    majority_model = MajorityLabelVoter()
    label_model = LabelModel(cardinality=2, verbose=True)
    label_model.fit(L_train=L_train, n_epochs=500, log_freq=100, seed=123)

    majority_acc = majority_model.score(L=L_test, Y=Y_test, tie_break_policy="random")[
        "accuracy"]
    print(f"{'Majority Vote Accuracy:':<25} {majority_acc * 100:.1f}%")
    label_model_acc = label_model.score(L=L_test, Y=Y_test, tie_break_policy="random")[
        "accuracy"]
    print(f"{'Label Model Accuracy:':<25} {label_model_acc * 100:.1f}%")

    probs_train = label_model.predict_proba(L=L_train)
    texts_filtered, probs_filtered = filter_unlabeled_dataframe(
        X=texts_train, y=probs_train, L=L_train)
    print(f"training comments with at least one vote: {len(texts_filtered)} of "
          f"{len(texts_train)}; probabilistic labels {probs_filtered.shape}")


if __name__ == "__main__":
    main()
