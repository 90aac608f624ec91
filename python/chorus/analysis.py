"""The labeling-function summary, shaped like ``snorkel.labeling.LFAnalysis``."""

from __future__ import annotations

import ctypes
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ._capi import LFSummary, check, lib
from ._convert import VoteMatrix, gold_labels, labels, n_classes_of
from .label_model import LabelModel


def _names(lfs: Optional[Sequence[Any]], m: int) -> List[str]:
    if lfs is None:
        return [f"lf{j}" for j in range(m)]
    names = [getattr(lf, "name", lf) for lf in lfs]  # Snorkel LFs carry a .name
    if len(names) != m:
        raise ValueError(f"{len(names)} LF names for {m} columns of L")
    return [str(name) for name in names]


class LFAnalysis:
    """Statistics of a label matrix L (n items x m LFs, -1 abstains, or scipy.sparse).

    Args:
        L: the label matrix.
        lfs: the LFs (objects with a ``.name``, as Snorkel's) or their names, one per
            column; they index the summary. ``lfs_names`` is an alias.
        class_names: the names of classes 0, 1, ... (e.g. ``load_spec(path).class_names``),
            so that gold labels can be given as names.
    """

    def __init__(self, L: Any, lfs: Optional[Sequence[Any]] = None, *,
                 lfs_names: Optional[Sequence[str]] = None,
                 class_names: Optional[Sequence[str]] = None) -> None:
        self._L = L
        self.class_names = None if class_names is None else list(class_names)
        shape = L.shape if hasattr(L, "shape") else np.shape(L)
        if len(shape) != 2:
            raise ValueError(f"L must be a 2-D array, got shape {shape}")
        self.n_items, self.n_lfs = int(shape[0]), int(shape[1])
        self.names = _names(lfs if lfs is not None else lfs_names, self.n_lfs)

    def _compute(self, Y: Optional[Any] = None, model: Optional[LabelModel] = None,
                 class_names: Optional[Sequence[str]] = None) -> Dict[str, Any]:
        """chorus_lf_summary_compute, copied into NumPy arrays."""
        if Y is not None:
            Y = gold_labels(Y, class_names or self.class_names, "Y")
        at_least = max(model.cardinality if model is not None else 2,
                       len(class_names or self.class_names or ()))
        k = n_classes_of(self._L, Y, at_least=at_least)
        with VoteMatrix(self._L, k) as votes:
            gold = labels(Y, votes.n_items, "Y")
            out = ctypes.POINTER(LFSummary)()
            check(lib.chorus_lf_summary_compute(
                ctypes.byref(out), votes.handle,
                None if gold is None else gold.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                0 if gold is None else gold.shape[0],
                None if model is None else model._fitted()))
        try:
            s = out.contents
            m = s.n_lfs

            def column(ptr: Any, shape: Any = (m,)) -> np.ndarray:
                return np.ctypeslib.as_array(ptr, shape=shape).copy() if m else np.empty(shape)

            return {
                "polarity": column(s.polarity, (m, s.n_classes)).astype(bool),
                "coverage": column(s.coverage), "overlaps": column(s.overlaps),
                "conflicts": column(s.conflicts), "correct": column(s.correct),
                "incorrect": column(s.incorrect),
                "empirical_accuracy": column(s.empirical_accuracy),
                "learned_accuracy": column(s.learned_accuracy),
                "set_coverage": s.set_coverage, "set_overlap": s.set_overlap,
                "set_conflict": s.set_conflict,
            }
        finally:
            lib.chorus_lf_summary_free(out)

    def lf_summary(self, Y: Optional[Any] = None, est_weights: Optional[Any] = None, *,
                   class_names: Optional[Sequence[str]] = None) -> Any:
        """Per LF: Polarity, Coverage, Overlaps, Conflicts; with gold labels Y also
        Correct, Incorrect and Emp. Acc. (Y: class indices with -1 unknown, or class names
        with ``class_names`` here or in the constructor, a missing value None, NaN or ""
        unknown); with a fitted LabelModel as est_weights its
        Learned Acc. and Agreement (:meth:`LabelModel.lf_agreement`: how often the LF votes
        the other LFs' majority on the votes the model was fitted on, NaN where it cannot
        be told; far from Learned Acc. means the model trusts the LF more or less than the
        other LFs do); with an array, Snorkel's Learned Weight column.

        Returns a pandas DataFrame indexed by LF name when pandas is installed, otherwise a
        dict of columns (with the names under "name").
        """
        model = est_weights if isinstance(est_weights, LabelModel) else None
        s = self._compute(Y, model, class_names)
        columns: Dict[str, Any] = {
            "j": np.arange(self.n_lfs),
            "Polarity": [np.flatnonzero(row).tolist() for row in s["polarity"]],
            "Coverage": s["coverage"], "Overlaps": s["overlaps"], "Conflicts": s["conflicts"],
        }
        if Y is not None:
            columns.update({"Correct": s["correct"], "Incorrect": s["incorrect"],
                            "Emp. Acc.": s["empirical_accuracy"]})
        if model is not None:
            columns["Learned Acc."] = s["learned_accuracy"]
            columns["Agreement"] = model.lf_agreement()
        elif est_weights is not None:
            columns["Learned Weight"] = np.asarray(est_weights, dtype=np.float64)
        try:
            import pandas as pd
        except ImportError:
            return {"name": list(self.names), **columns}
        return pd.DataFrame(columns, index=self.names)

    # Snorkel's per-statistic accessors

    def label_coverage(self) -> float:
        """Share of items with at least one vote."""
        return float(self._compute()["set_coverage"])

    def label_overlap(self) -> float:
        """Share of items with at least two votes."""
        return float(self._compute()["set_overlap"])

    def label_conflict(self) -> float:
        """Share of items whose votes disagree."""
        return float(self._compute()["set_conflict"])

    def lf_polarities(self) -> List[List[int]]:
        return [np.flatnonzero(row).tolist() for row in self._compute()["polarity"]]

    def lf_coverages(self) -> np.ndarray:
        return self._compute()["coverage"]

    def lf_overlaps(self) -> np.ndarray:
        return self._compute()["overlaps"]

    def lf_conflicts(self) -> np.ndarray:
        return self._compute()["conflicts"]

    def lf_empirical_accuracies(self, Y: Any, *,
                                class_names: Optional[Sequence[str]] = None) -> np.ndarray:
        return self._compute(Y, None, class_names)["empirical_accuracy"]


__all__ = ["LFAnalysis"]
