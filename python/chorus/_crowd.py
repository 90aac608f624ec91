"""crowd-kit's input: a table of (task, worker, label) answers, as a vote matrix.

Tasks, workers and labels are numbered in order of first appearance, as ``chorus fit``
numbers the names of a triples CSV, so a fit on the table and a fit on the same rows
written as ``task,worker,label`` give the same model. Integer labels (an integer column)
are class indices instead, Snorkel's and the triples reader's convention.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

COLUMNS = ("task", "worker", "label")


class CSRVotes:
    """Raw CSR arrays of a vote matrix, which VoteMatrix takes like a scipy CSR matrix
    (so the binding needs no scipy for them)."""

    has_sorted_indices = True

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                 shape: Tuple[int, int]) -> None:
        self.indptr, self.indices, self.data, self.shape = indptr, indices, data, shape

    def tocsr(self) -> "CSRVotes":
        return self


def _first_appearance(values: Any) -> Tuple[np.ndarray, List[Any]]:
    """(codes, uniques): each value's index among the distinct values in order of first
    appearance (what pandas.factorize does, without needing pandas)."""
    index: Dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64,
                        count=len(values))
    return codes, list(index)


def is_missing(value: Any) -> bool:
    """None, NaN, and pandas' NA and NaT when pandas is in use."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    pd = sys.modules.get("pandas")
    return pd is not None and np.ndim(value) == 0 and pd.isna(value) is True


def _class_indices(values: np.ndarray) -> Optional[Tuple[np.ndarray, np.ndarray]]:
    """(answered, classes) when the labels are class indices: an integer column, or one
    whose values are all integers or missing (an integer column with gaps, which pandas
    stores as floats or as objects with NA); -1 and missing values are no answer. None
    when the labels are names."""
    if values.dtype.kind in "iu":
        ints = values.astype(np.int64)
        return ints != -1, ints
    if values.dtype.kind == "f":
        answered = ~np.isnan(values)
        if not np.array_equal(values[answered], np.round(values[answered])):
            return None
        ints = np.where(answered, values, -1).astype(np.int64)
        return ints != -1, ints
    if values.dtype.kind != "O":
        return None
    missing = np.array([is_missing(v) for v in values], dtype=bool)
    present = values[~missing]
    if not present.size or not all(isinstance(v, (int, np.integer)) and
                                   not isinstance(v, (bool, np.bool_)) for v in present):
        return None
    ints = np.full(values.shape[0], -1, dtype=np.int64)
    ints[~missing] = present.astype(np.int64)
    return ints != -1, ints


class Answers:
    """The answers of a crowd table: the vote matrix, and the task and class names."""

    def __init__(self, data: Any, cardinality: int) -> None:
        missing = [c for c in COLUMNS if c not in getattr(data, "columns", data)]
        if missing:
            raise ValueError(f"the answers need the columns task, worker and label; "
                             f"missing: {', '.join(missing)}")
        tasks = list(data["task"])
        workers = list(data["worker"])
        label_values = np.asarray(data["label"])
        for name, column in (("task", tasks), ("worker", workers)):
            bad = next((i for i, v in enumerate(column) if is_missing(v)), None)
            if bad is not None:
                raise ValueError(f"answer {bad} (a row of the table, from 0) has no {name}")
        task_codes, self.tasks = _first_appearance(tasks)
        worker_codes, self.workers = _first_appearance(workers)
        indices = _class_indices(label_values)
        if indices is not None:
            keep, classes = indices[0], indices[1][indices[0]]
            if classes.size and classes.min() < 0:
                raise ValueError(f"integer labels are class indices from 0 (-1 for none); "
                                 f"got {classes.min()}")
            self.n_classes = max(int(cardinality), int(classes.max()) + 1 if classes.size else 0)
            self.classes: List[Any] = list(range(self.n_classes))
        else:
            keep = np.array([not is_missing(v) for v in label_values], dtype=bool)
            classes, self.classes = _first_appearance(label_values[keep].tolist())
            if len(self.classes) < 2:
                raise ValueError(f"the answers name {len(self.classes)} label(s); a label "
                                 "model needs at least 2 classes")
            self.n_classes = len(self.classes)
        rows, cols = task_codes[keep], worker_codes[keep]
        order = np.lexsort((cols, rows))  # by task, then worker
        rows, cols, classes = rows[order], cols[order], classes[order]
        repeated = np.flatnonzero((np.diff(rows) == 0) & (np.diff(cols) == 0))
        if repeated.size:
            where = np.flatnonzero(keep)[order[repeated[0] + 1]]
            raise ValueError(f"answer {where}: worker {workers[where]!r} answers task "
                             f"{tasks[where]!r} again; keep one answer per task and worker "
                             "(e.g. data.drop_duplicates(['task', 'worker'], keep='last'))")
        indptr = np.zeros(len(self.tasks) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(self.tasks)), out=indptr[1:])
        self.votes = CSRVotes(indptr, cols.astype(np.int32), classes.astype(np.int32),
                              (len(self.tasks), len(self.workers)))

    def series(self, labels: np.ndarray) -> Any:
        """Hard labels (class indices) as crowd-kit's Series of labels indexed by task."""
        import pandas as pd

        names = np.asarray(self.classes, dtype=object)
        return pd.Series(names[labels], index=pd.Index(self.tasks, name="task"),
                         name="agg_label")

    def frame(self, probs: np.ndarray) -> Any:
        """Probabilities as crowd-kit's DataFrame: a row per task, a column per label."""
        import pandas as pd

        return pd.DataFrame(probs, index=pd.Index(self.tasks, name="task"),
                            columns=pd.Index(self.classes, name="label"))


__all__ = ["Answers", "COLUMNS", "CSRVotes", "is_missing"]
