"""Helpers around the label matrix, after ``snorkel.labeling``."""

from __future__ import annotations

from typing import Any, Tuple, Union

import numpy as np

from ._convert import is_sparse


def labeled_mask(L: Any) -> np.ndarray:
    """A boolean array, True for the rows of L with at least one vote (not all -1).

    These are the items ``chorus predict`` marks ``covered`` and keeps with
    ``--drop-uncovered``. In a sparse L the stored entries are the votes; a stored -1 is
    not one.
    """
    if is_sparse(L):
        csr = L.tocsr()
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        mask = np.zeros(csr.shape[0], dtype=bool)
        mask[rows[np.asarray(csr.data) != -1]] = True
        return mask
    arr = np.asarray(L)
    if arr.ndim != 2:
        raise ValueError(f"L must be a 2-D array, got shape {arr.shape}")
    return (arr != -1).any(axis=1)


def covered_items(L: Any) -> np.ndarray:
    """The indices (item ids) of the rows of L with at least one vote, as int64.

    The ``item`` column of ``chorus predict --drop-uncovered``'s output for the same votes.
    """
    return np.flatnonzero(labeled_mask(L)).astype(np.int64)


def filter_unlabeled(X: Any, y: Any, L: Any, *,
                     return_items: bool = False) -> Union[Tuple[Any, Any],
                                                          Tuple[Any, Any, np.ndarray]]:
    """Drops the items no LF voted on, as Snorkel's ``filter_unlabeled_dataframe``.

    Args:
        X: the items: a pandas DataFrame (rows kept by position, their index kept) or an
            array-like.
        y: their labels or probabilities (n or n x K), e.g. from ``predict_proba``; a
            pandas Series or DataFrame keeps its index too.
        L: their label matrix (n x m, -1 abstains).
        return_items: also return the kept rows' positions in L (their item ids), which
            a NumPy X or y does not carry.

    Returns:
        (X, y) without the rows where L is all -1, and with ``return_items`` the int64
        item ids of the rows kept.
    """
    mask = labeled_mask(L)
    if len(mask) != len(X) or len(mask) != len(y):
        raise ValueError(f"X, y and L must have the same number of rows "
                         f"({len(X)}, {len(y)}, {len(mask)})")
    X_kept = X.iloc[mask] if hasattr(X, "iloc") else np.asarray(X)[mask]
    y_kept = y.iloc[mask] if hasattr(y, "iloc") else np.asarray(y)[mask]
    if return_items:
        return X_kept, y_kept, np.flatnonzero(mask).astype(np.int64)
    return X_kept, y_kept


#: Snorkel's name.
filter_unlabeled_dataframe = filter_unlabeled

__all__ = ["covered_items", "filter_unlabeled", "filter_unlabeled_dataframe", "labeled_mask"]
