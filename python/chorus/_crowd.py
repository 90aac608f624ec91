"""crowd-kit's input: a table of (task, worker, label) answers, as a vote matrix.

Tasks, workers and labels are numbered in order of first appearance, as ``chorus fit``
numbers the names of a triples CSV, so a fit on the table and a fit on the same rows
written as ``task,worker,label`` give the same model. Integer labels (an integer column)
are class indices instead, Snorkel's and the triples reader's convention.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

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


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


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
            bad = next((i for i, v in enumerate(column) if _is_missing(v)), None)
            if bad is not None:
                raise ValueError(f"answer {bad} (a row of the table, from 0) has no {name}")
        task_codes, self.tasks = _first_appearance(tasks)
        worker_codes, self.workers = _first_appearance(workers)
        if np.issubdtype(label_values.dtype, np.integer):
            keep = label_values != -1
            classes = label_values[keep].astype(np.int64)
            if classes.size and classes.min() < 0:
                raise ValueError(f"integer labels are class indices from 0 (-1 for none); "
                                 f"got {classes.min()}")
            self.n_classes = max(int(cardinality), int(classes.max()) + 1 if classes.size else 0)
            self.classes: List[Any] = list(range(self.n_classes))
        else:
            keep = np.array([not _is_missing(v) for v in label_values], dtype=bool)
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


__all__ = ["Answers", "COLUMNS", "CSRVotes"]
