#!/usr/bin/python3
"""The default against majority vote on sparse one-class LF sets drawn with `chorus synth`,
with the gain split into the items with votes and those without.

Each set: 4000 train and 4000 test items (one draw, split in halves); K = 2, 3, 5, 7 or
10; round(L * K) one-class LFs (L, LFs per class, the first argument: at 1 every class has
one LF, at 1.5 about half the classes do); balanced or 5:1; LF coverage 0.01-0.05 or
0.03-0.25; precision 0.3-0.8 or 0.55-0.9; two seeds: 80 sets. Fitted on train without
gold, every test item scored (ties split evenly, as the hash tie-break does on average).
"covered" and "uncovered" are the default's gain over majority vote on the test items with
votes and on those without, each weighed by its share of the items, so they add up to the
gain on the set (README, "Uncovered items").

`wrench` instead of LFS_PER_CLASS draws 72 sets shaped like the larger WRENCH-style ones:
K = 5, 7 or 10; 2K, 5K or 16K LFs (2, 5 or 16 per class); coverage 0.002-0.03 or 0.01-0.1;
balanced or 10:1; precision 0.3-0.8 or 0.5-0.95; one seed.

`salience` draws 72 sets whose LFs fire together on some items whatever their class
(`chorus synth --salience`, as long texts and prototypical wording do to keyword rules):
K = 2, 3 or 5; 2 or 4 LFs per class; balanced or 5:1; salience 0, 0.3 or 0.6; coverage
0.03-0.25, precision 0.55-0.9; two seeds; summed up per salience.

Usage: bench/one_class_grid.py [LFS_PER_CLASS|wrench|salience] [CHORUS]   (defaults: 1.5,
build/chorus; about 2 minutes on 2 cores, any grid)
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = sys.argv[1] if len(sys.argv) > 1 else "1.5"
CHORUS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "build", "chorus")
N = 4000


def run(*args):
    subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def read_probs(path):
    """(covered flags, probability rows) of a `chorus predict` CSV (item,covered,classes)."""
    with open(path) as f:
        rows = [line.rstrip("\n").split(",") for line in f.readlines()[1:] if line.strip()]
    return (np.array([int(r[1]) for r in rows], dtype=bool),
            np.array([[float(x) for x in r[2:]] for r in rows]))


def accuracy(probs, gold):
    """Accuracy x 100 with tied classes (within 1e-5) sharing the item."""
    if len(gold) == 0:
        return 0.0
    tied = probs >= probs.max(axis=1, keepdims=True) - 1e-5
    return 100 * float(np.mean(tied[np.arange(len(gold)), gold] / tied.sum(axis=1)))


def fit_predict(work, args):
    run(CHORUS, "fit", os.path.join(work, "train.csv"), "-o", os.path.join(work, "m.json"),
        "-q", *args)
    run(CHORUS, "predict", os.path.join(work, "m.json"), os.path.join(work, "test.csv"),
        "-o", os.path.join(work, "p.csv"), "-q")
    with open(os.path.join(work, "m.json")) as f:
        model = json.load(f)
    return read_probs(os.path.join(work, "p.csv")), model


def sets():
    """(K, LFs, imbalance, coverage, precision, salience, seed) of every set of the grid."""
    if SHAPE == "wrench":
        for k, per_class, coverage, imbalance, precision in itertools.product(
                [5, 7, 10], [2, 5, 16], ["0.002:0.03", "0.01:0.1"], [1, 10],
                ["0.3:0.8", "0.5:0.95"]):
            yield k, per_class * k, imbalance, coverage, precision, 0, 8 * k + per_class * k
        return
    if SHAPE == "salience":
        for k, per_class, imbalance, salience, seed in itertools.product(
                [2, 3, 5], [2, 4], [1, 5], [0, 0.3, 0.6], [1, 2]):
            yield (k, per_class * k, imbalance, "0.03:0.25", "0.55:0.9", salience,
                   seed + 10 * k + per_class)
        return
    for k, imbalance, coverage, precision, seed in itertools.product(
            [2, 3, 5, 7, 10], [1, 5], ["0.01:0.05", "0.03:0.25"], ["0.3:0.8", "0.55:0.9"],
            [1, 2]):
        yield k, int(round(k * float(SHAPE))), imbalance, coverage, precision, 0, seed + 100 * k


def main():
    print({"wrench": "sets shaped like the larger WRENCH-style ones",
           "salience": "LFs that fire together on some items, whatever their class"}.get(
               SHAPE) or f"LFs per class: {float(SHAPE):g}")
    print("| K | LFs | imbalance | coverage | precision | salience | seed | test items with a "
          "vote % | MV acc | default − MV | of it: covered | of it: uncovered | default chose |")
    print("|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    gains, saliences = [], []
    with tempfile.TemporaryDirectory() as work:
        for k, m, imbalance, coverage, precision, salience, seed in sets():
            synth = ["-k", k, "-m", m, "--lf-kind", "one-class", "--coverage", coverage,
                     "--accuracy", precision, "--seed", seed]
            if imbalance > 1:
                synth += ["--imbalance", imbalance]
            if salience > 0:
                synth += ["--salience", salience]
            run(CHORUS, "synth", "-q", "-n", 2 * N, *synth, "-o", os.path.join(work, "all.csv"),
                "--gold", os.path.join(work, "gold.csv"))
            with open(os.path.join(work, "all.csv")) as f:
                lines = f.read().splitlines()
            with open(os.path.join(work, "train.csv"), "w") as f:
                f.write("\n".join(lines[:N + 1]) + "\n")
            with open(os.path.join(work, "test.csv"), "w") as f:
                f.write("\n".join([lines[0]] + lines[N + 1:]) + "\n")
            with open(os.path.join(work, "gold.csv")) as f:
                gold_lines = [x for x in f.read().splitlines() if x]
            if not gold_lines[0][0].isdigit():
                gold_lines = gold_lines[1:]
            gold = np.array([int(x.split(",")[-1]) for x in gold_lines])[N:]
            (covered, default), model = fit_predict(work, [])
            (_, majority), _ = fit_predict(work, ["--model", "mv"])
            parts = []
            for part in (covered, ~covered):
                share = part.mean()
                parts.append(share * (accuracy(default[part], gold[part])
                                      - accuracy(majority[part], gold[part])))
            mv = accuracy(majority, gold)
            gains.append(parts)
            saliences.append(salience)
            chosen = model["model"]
            if model["check"].get("fell_back_to_majority_vote"):
                chosen += ", fell back"
            print(f"| {k} | {m} | {imbalance} | {coverage} | {precision} | {salience:g} | {seed} | "
                  f"{100 * covered.mean():.1f} | {mv:.2f} | {sum(parts):+.2f} | {parts[0]:+.2f} "
                  f"| {parts[1]:+.2f} | {chosen} |", flush=True)
    print()
    summarise("", np.array(gains))
    if SHAPE == "salience":
        for value in sorted(set(saliences)):
            summarise(f" with salience {value:g}",
                      np.array([x for x, s in zip(gains, saliences) if s == value]))


def summarise(which, g):
    """The summary lines of the sets in g (rows: gain on covered, on uncovered items)."""
    total = g.sum(axis=1)
    print(f"- mean default − MV over {len(g)} sets{which}: {total.mean():+.2f} (covered items "
          f"{g[:, 0].mean():+.2f}, uncovered {g[:, 1].mean():+.2f})")
    print(f"- below MV − 0.5: {(total < -0.5).sum()}, below MV − 1: {(total < -1).sum()} "
          f"(lowest {total.min():+.2f}); of those below MV − 1, lost mostly on the uncovered "
          f"items: {((total < -1) & (g[:, 1] < g[:, 0])).sum()}")


if __name__ == "__main__":
    main()
