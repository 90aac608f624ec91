#!/usr/bin/python3
"""The default against majority vote on voters whose errors have a shape: model and LLM
votes, where a wrong answer usually goes to the one class most like the right one.

`chorus synth` spreads a multi-class LF's errors evenly over the wrong classes. Here every
voter answers 95% of the items, and for each true class its errors go 70% to one
confusable class drawn per voter and class, the rest evenly; accuracy per true class
0.45-0.85. Three, five or eight voters over 3, 5 or 8 classes, 500 or 2000 items, fixed
seeds. A confusion table per voter (ds-noabstain) can learn the shape; one accuracy per
voter (onecoin) cannot. The default is fitted and scored on all items, as a crowd set is.

Usage: bench/confusable_voters.py [CHORUS]   (numpy; about 30 s)
"""
import os
import sys
import tempfile

import numpy as np

from fit_and_score import fit_and_score

CHORUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build", "chorus")


def draw(seed, n, k, m, coverage=0.95):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, size=n)
    votes = -np.ones((n, m), dtype=int)
    for j in range(m):
        accuracy = rng.uniform(0.45, 0.85, size=k)
        confusion = np.zeros((k, k))
        for t in range(k):
            near = rng.choice([c for c in range(k) if c != t])
            confusion[t, t] = accuracy[t]
            confusion[t, near] += 0.7 * (1 - accuracy[t])
            for c in range(k):
                if c != t:
                    confusion[t, c] += 0.3 * (1 - accuracy[t]) / (k - 1)
        for i in np.flatnonzero(rng.random(n) < coverage):
            votes[i, j] = rng.choice(k, p=confusion[truth[i]])
    return votes, truth


def accuracy(work, k, args):
    return fit_and_score(CHORUS, work, ["--classes", str(k)] + args)


def main():
    print("| items | K | voters | MV | default | default chose | ds-noabstain | onecoin |")
    print("|---:|---:|---:|---:|---:|---|---:|---:|")
    seed, gains = 0, []
    with tempfile.TemporaryDirectory() as work:
        for n in (500, 2000):
            for k in (3, 5, 8):
                for m in (3, 5, 8):
                    seed += 1
                    votes, truth = draw(seed, n, k, m)
                    header = ",".join(f"llm{j}" for j in range(m))
                    np.savetxt(os.path.join(work, "votes.csv"), votes, fmt="%d", delimiter=",",
                               header=header, comments="")
                    np.savetxt(os.path.join(work, "gold.csv"), truth, fmt="%d")
                    mv, _ = accuracy(work, k, ["--model", "mv"])
                    default, chosen = accuracy(work, k, [])
                    table, _ = accuracy(work, k, ["--model", "ds-noabstain"])
                    coin, _ = accuracy(work, k, ["--model", "onecoin"])
                    gains.append(default - mv)
                    print(f"| {n} | {k} | {m} | {mv:.2f} | {default:.2f} | {chosen} | "
                          f"{table:.2f} | {coin:.2f} |")
    print(f"\n- default - MV over the {len(gains)} sets: mean {np.mean(gains):+.2f}, "
          f"from {min(gains):+.2f} to {max(gains):+.2f}")


if __name__ == "__main__":
    main()
