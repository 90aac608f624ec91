"""The scores chorus_eval does not compute, from what it does: F-beta from precision and
recall, the Matthews correlation from the confusion matrix, ROC AUC from probabilities."""

from __future__ import annotations

import numpy as np


def fbeta(precision: float, recall: float, beta: float) -> float:
    """(1 + b^2) P R / (b^2 P + R), 0 when both are 0 (as chorus_eval reports F1)."""
    b2 = beta * beta
    denominator = b2 * precision + recall
    return 0.0 if denominator == 0 else (1 + b2) * precision * recall / denominator


def matthews_corrcoef(confusion: np.ndarray) -> float:
    """Gorodkin's K-class Matthews correlation of a K x K confusion matrix (rows gold,
    columns predicted); for two classes the usual (TP TN - FP FN) / sqrt(...). 0 when every
    item has one gold or one predicted class (the denominator is 0), as scikit-learn."""
    c = confusion.astype(np.float64)
    total = c.sum()
    gold, predicted = c.sum(axis=1), c.sum(axis=0)
    numerator = np.trace(c) * total - predicted @ gold
    denominator = np.sqrt((total ** 2 - predicted @ predicted) * (total ** 2 - gold @ gold))
    return 0.0 if denominator == 0 else float(numerator / denominator)


def _auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """The probability that a random positive scores above a random negative, ties
    counted half (Mann-Whitney U over the average ranks)."""
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = (ends - (counts - 1) / 2.0)[inverse]  # average 1-based rank of each tie group
    n_pos = int(positive.sum())
    n_neg = positive.shape[0] - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_auc(gold: np.ndarray, probs: np.ndarray) -> float:
    """ROC AUC of probabilities against gold classes (no -1 among them): of P(class 1) for
    two classes, else the mean over classes of the one-vs-rest AUC of P(class)."""
    k = probs.shape[1]
    present = np.bincount(gold, minlength=k)
    missing = [c for c in range(k) if present[c] in (0, gold.shape[0])]
    if missing:
        raise ValueError(f"roc_auc needs gold items of every class and not only one; class "
                         f"{missing[0]} has {present[missing[0]]} of {gold.shape[0]}")
    classes = [1] if k == 2 else range(k)
    return float(np.mean([_auc(gold == c, probs[:, c]) for c in classes]))


__all__ = ["fbeta", "matthews_corrcoef", "roc_auc"]
