"""Snorkel's two baselines that ignore the votes: :class:`MajorityClassVoter` (always the
most frequent class) and :class:`RandomVoter` (random probabilities).

Their probabilities are made here and handed to the library, so ``predict`` and ``score``
(tie-breaks, metrics) are those of every other labeler.
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional, Sequence

import numpy as np

from ._convert import VoteMatrix, as_doubles
from ._labeler import Labeler, probs_from_array


class MajorityClassVoter(Labeler):
    """Labels every item with the most frequent class of a class balance, whatever the
    votes (``snorkel.labeling.model.MajorityClassVoter``).

    ``predict_proba`` gives every row 1 / t on each of the t classes tied for the largest
    share and 0 elsewhere, so with two or more such classes ``predict`` abstains (or, with
    ``tie_break_policy="random"``, picks one per row by the deterministic hash).
    """

    def __init__(self, cardinality: int = 2) -> None:
        self.cardinality = int(cardinality)
        self.balance: Optional[np.ndarray] = None

    def fit(self, balance: Sequence[float], *args: Any, **kwargs: Any) -> "MajorityClassVoter":
        """Keeps the class balance (cardinality non-negative numbers, not all 0: shares or
        counts). The other arguments are accepted, as in Snorkel, and ignored. Returns
        self."""
        values = as_doubles(balance, self.cardinality, "balance")
        if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() <= 0:
            raise ValueError("balance must be non-negative numbers, not all 0, one per class")
        self.balance = values
        return self

    def _predict_probs(self, votes: VoteMatrix) -> "ctypes._Pointer":
        if self.balance is None:
            raise RuntimeError("MajorityClassVoter is not fitted: call fit(balance) first")
        top = (self.balance == self.balance.max()).astype(np.float64)
        return probs_from_array(np.tile(top / top.sum(), (votes.n_items, 1)), votes)

    def __repr__(self) -> str:
        return f"MajorityClassVoter(cardinality={self.cardinality})"


class RandomVoter(Labeler):
    """Random probabilities, whatever the votes (``snorkel.labeling.model.RandomVoter``):
    each row uniform draws in [0, 1) divided by their sum.

    With ``seed`` every call draws the same numbers (a fresh ``numpy.random.default_rng(seed)``
    per call); without it, new ones each time, as Snorkel's.
    """

    def __init__(self, cardinality: int = 2, seed: Optional[int] = None) -> None:
        self.cardinality = int(cardinality)
        self.seed = seed

    def fit(self, *args: Any, **kwargs: Any) -> "RandomVoter":
        """Nothing to learn: accepted for Snorkel compatibility. Returns self."""
        return self

    def _predict_probs(self, votes: VoteMatrix) -> "ctypes._Pointer":
        draws = np.random.default_rng(self.seed).random((votes.n_items, self.cardinality))
        return probs_from_array(draws / draws.sum(axis=1, keepdims=True), votes)

    def __repr__(self) -> str:
        return f"RandomVoter(cardinality={self.cardinality}, seed={self.seed!r})"


__all__ = ["MajorityClassVoter", "RandomVoter"]
