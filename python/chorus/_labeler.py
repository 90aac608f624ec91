"""What every labeler shares: hard labels and scores from its probabilities.

A labeler turns a label matrix into a chorus_probs (the fitted model's prediction, majority
vote, or probabilities made in Python and copied in); predicting, tie-breaking and scoring
then go through the library, so every labeler gives ``chorus eval``'s numbers.
"""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple, Union

import numpy as np

from . import _capi
from ._capi import EvalOptions, Metrics, TieBreak, check, lib
from ._convert import VoteMatrix, labels, take_probs
from ._metrics import fbeta, matthews_corrcoef, roc_auc

_TIE_BREAKS = {"abstain": TieBreak.ABSTAIN, "random": TieBreak.HASH, "hash": TieBreak.HASH}

#: Metrics :meth:`LabelModel.score` computes: chorus_eval's, and the three after f1_macro
#: computed from its confusion matrix (fbeta, matthews_corrcoef) or the probabilities
#: (roc_auc).
#: The covered_ ones score only the items some LF voted on: what the votes decide, apart
#: from the guesses on the items without a vote.
METRICS = ("accuracy", "coverage", "vote_coverage", "f1", "precision", "recall", "f1_micro",
           "f1_macro", "fbeta", "matthews_corrcoef", "roc_auc", "brier", "ece", "log_loss",
           "covered_accuracy", "covered_f1", "covered_f1_macro")
_BINARY_METRICS = ("f1", "precision", "recall", "fbeta", "covered_f1")


def tie_break(policy: Union[str, TieBreak]) -> TieBreak:
    if isinstance(policy, TieBreak):
        return policy
    try:
        return _TIE_BREAKS[policy]
    except KeyError:
        raise ValueError(
            f"tie_break_policy {policy!r} is not supported; use 'abstain' (tied items get -1) "
            "or 'random' (= 'hash': a deterministic pick among the tied classes, as WRENCH "
            "does)") from None


def probs_from_array(values: np.ndarray, votes: VoteMatrix) -> "ctypes._Pointer":
    """A new chorus_probs holding ``values`` (n x K), its covered flags from the votes."""
    n, k = values.shape
    probs = ctypes.POINTER(_capi.Probs)()
    check(lib.chorus_probs_new(ctypes.byref(probs), n, k))
    try:
        if n:
            out = np.ctypeslib.as_array(lib.chorus_probs_data(probs), shape=(n, k))
            out[:] = values
        row_ptr = np.ctypeslib.as_array(lib.chorus_votes_row_ptr(votes.handle), shape=(n + 1,))
        covered = np.ascontiguousarray(np.diff(row_ptr) > 0, dtype=np.uint8)
        check(lib.chorus_probs_set_covered(
            probs, covered.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))))
    except BaseException:
        lib.chorus_probs_free(probs)
        raise
    return probs


class Labeler:
    """What LabelModel and the baseline voters share: predicting and scoring from votes."""

    cardinality: int

    def _predict_probs(self, votes: VoteMatrix) -> "ctypes._Pointer":
        """A new chorus_probs for the votes (the caller frees it)."""
        raise NotImplementedError

    def _n_classes(self) -> int:
        return self.cardinality

    @contextmanager
    def _predicted(self, L: Any) -> Iterator["ctypes._Pointer"]:
        with VoteMatrix(L, self._n_classes()) as votes:
            probs = self._predict_probs(votes)
        try:
            yield probs
        finally:
            lib.chorus_probs_free(probs)

    def predict_proba(self, L: Any) -> np.ndarray:
        """Class probabilities, an (n, cardinality) float64 array whose rows sum to 1.

        L is Snorkel's label matrix: n items x m LFs, -1 for abstain (any integer dtype),
        or a scipy.sparse matrix whose stored entries are the votes.
        """
        with self._predicted(L) as probs:
            return take_probs(probs)

    def predict(self, L: Any, return_probs: bool = False,
                tie_break_policy: Union[str, TieBreak] = "abstain",
                ) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
        """Hard labels, the most probable class of each item.

        Classes within 1e-5 of the top probability are tied. ``tie_break_policy="abstain"``
        gives tied items -1; ``"random"`` (or ``"hash"``) picks among the tied classes by a
        hash of the row index, deterministically, as WRENCH does.
        """
        policy = tie_break(tie_break_policy)
        with self._predicted(L) as probs:
            n = int(lib.chorus_probs_n_items(probs))
            preds = np.empty(n, dtype=np.int32)
            check(lib.chorus_probs_to_labels(
                preds.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)), probs, policy))
            preds = preds.astype(np.int64)
            return (preds, take_probs(probs)) if return_probs else preds

    def score(self, L: Any, Y: Any, metrics: Optional[Sequence[str]] = None,
              tie_break_policy: Union[str, TieBreak] = "abstain", *,
              beta: float = 1.0) -> Dict[str, float]:
        """Scores the predictions on L against gold labels Y (-1 = unknown, not scored).

        ``metrics`` (default ``["accuracy"]``) are names from :data:`METRICS`. accuracy is
        over the items that got a label; coverage is the share of gold items that got one
        (Snorkel's meaning: below 1 only with the "abstain" tie-break; ``chorus eval``'s
        label_coverage); vote_coverage is the share of gold items at least one LF voted on;
        f1, precision, recall and fbeta (F-beta with ``beta``, from that precision and
        recall) are of class 1 (binary tasks only, as in Snorkel); f1_micro equals
        accuracy; f1_macro averages the F1 of every class; matthews_corrcoef is over the
        items that got a label (Gorodkin's multi-class form, 0 when a margin is constant);
        roc_auc is the AUC of P(class 1) for two classes and the mean one-vs-rest AUC over
        the classes for more (every class must occur in Y), from the probabilities of all
        gold items; brier, ece (10 bins) and log_loss score the probabilities;
        covered_accuracy, covered_f1 (class 1) and covered_f1_macro are accuracy, f1 and
        f1_macro over the gold items some LF voted on (0 when there are none).
        """
        names = ["accuracy"] if metrics is None else list(metrics)
        for name in names:
            if name not in METRICS:
                raise ValueError(f"unknown metric {name!r}; chorus computes {', '.join(METRICS)}")
            if name in _BINARY_METRICS and self._n_classes() != 2:
                raise ValueError(f"metric {name!r} is the score of class 1 and needs "
                                 "cardinality 2; use 'f1_macro' or 'accuracy'")
        if not beta > 0:
            raise ValueError(f"beta must be > 0, got {beta}")
        k = self._n_classes()
        options = EvalOptions(_capi.EVAL_OPTIONS_VERSION, tie_break(tie_break_policy),
                              1 if k == 2 else -1, 10)
        with self._predicted(L) as probs:
            gold = labels(Y, int(lib.chorus_probs_n_items(probs)), "Y")
            result = ctypes.POINTER(Metrics)()
            check(lib.chorus_eval(ctypes.byref(result), probs,
                                  gold.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                                  gold.shape[0], ctypes.byref(options)))
            scored = take_probs(probs)[gold != -1] if "roc_auc" in names else None
        try:
            m = result.contents
            confusion = np.ctypeslib.as_array(m.confusion, shape=(k, k + 1)).copy()
            values = {
                "accuracy": m.accuracy, "coverage": m.label_coverage,
                "vote_coverage": m.vote_coverage, "f1_micro": m.accuracy,
                "f1_macro": m.macro_f1, "brier": m.brier, "ece": m.ece, "log_loss": m.log_loss,
                "matthews_corrcoef": matthews_corrcoef(confusion[:, :k]),
                "covered_accuracy": m.covered_accuracy, "covered_f1_macro": m.covered_macro_f1,
            }
            if k == 2:
                values.update(f1=m.f1[1], precision=m.precision[1], recall=m.recall[1],
                              fbeta=fbeta(m.precision[1], m.recall[1], beta),
                              covered_f1=m.covered_positive_f1)
            if scored is not None:
                values["roc_auc"] = roc_auc(gold[gold != -1], scored)
            return {name: float(values[name]) for name in names}
        finally:
            lib.chorus_metrics_free(result)


__all__ = ["Labeler", "METRICS", "probs_from_array", "tie_break"]
