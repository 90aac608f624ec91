#!/usr/bin/python3
"""The default against majority vote on random crowd sets drawn with `chorus synth`.

Each set: 4000 items; K = 2, 3, 4, 5 or 8; 10, 30, 100 or 400 workers with 3-8 answers per
item in all; an accuracy range of 0.3-0.95, 0.55-0.9, 0.6-0.8 or 0.4-0.99, with an accuracy
per class for 60% of the sets; balanced, 3:1 or 10:1. Every parameter comes from the
grid's seed, so the sets are the same on every run. Fitted and scored on all items, as a
crowd set is; besides the default, each of the models the held-out-vote choice compares
is fitted by name (README "Label model": the held-out-vote choice).

Usage: bench/crowd_grid.py [CHORUS] [SETS] [SEED]   (defaults: build/chorus, 80, 11; about
2 minutes for 80 on 2 cores)
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

from fit_and_score import fit_and_score

HERE = os.path.dirname(os.path.abspath(__file__))
CHORUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "chorus")
SETS = int(sys.argv[2]) if len(sys.argv) > 2 else 80
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 11
MODELS = ["mv", "default", "ds-noabstain", "pooled", "onecoin"]


def accuracy(work, model):
    return fit_and_score(CHORUS, work, [] if model == "default" else ["--model", model])


def main():
    rng = np.random.default_rng(SEED)
    print("| K | workers | answers per item | accuracy | per class | imbalance | "
          + " | ".join(MODELS) + " | default chose |")
    print("|---:|---:|---:|---|---|---:|" + "---:|" * len(MODELS) + "---|")
    gains = []
    with tempfile.TemporaryDirectory() as work:
        for _ in range(SETS):
            k = int(rng.choice([2, 3, 4, 5, 8]))
            m = int(rng.choice([10, 30, 100, 400]))
            per_item = rng.uniform(3, 8)
            coverage = per_item / m
            accuracy_range = str(rng.choice(["0.3:0.95", "0.55:0.9", "0.6:0.8", "0.4:0.99"]))
            per_class = bool(rng.random() < 0.6)
            imbalance = float(rng.choice([1, 3, 10]))
            seed = int(rng.integers(1, 1000))
            synth = [CHORUS, "synth", "-q", "-n", "4000", "-m", str(m), "-k", str(k),
                     "--accuracy", accuracy_range,
                     "--coverage", f"{coverage * 0.5:.4f}:{min(1, coverage * 1.5):.4f}",
                     "--seed", str(seed), "-o", os.path.join(work, "votes.csv"),
                     "--gold", os.path.join(work, "gold.csv")]
            if per_class:
                synth.append("--class-accuracy")
            if imbalance > 1:
                synth += ["--imbalance", f"{imbalance:g}"]
            subprocess.run(synth, check=True)
            scores, chosen = {}, ""
            for model in MODELS:
                scores[model], name = accuracy(work, model)
                if model == "default":
                    chosen = name
            gains.append(scores["default"] - scores["mv"])
            print(f"| {k} | {m} | {per_item:.1f} | {accuracy_range} | {'yes' if per_class else 'no'}"
                  f" | {imbalance:g} | " + " | ".join(f"{scores[x]:.2f}" for x in MODELS)
                  + f" | {chosen} |", flush=True)
    gains = np.array(gains)
    print(f"\n- default - MV over {len(gains)} sets: mean {gains.mean():+.2f}, lowest "
          f"{gains.min():+.2f}; more than a point below majority vote on {(gains < -1).sum()}")


if __name__ == "__main__":
    main()
