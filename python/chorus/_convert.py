"""Moving arrays across the boundary: label matrices in, probabilities out.

A dense ``L`` (NumPy, any integer dtype) goes to chorus_votes_from_dense, converted to a
C-contiguous int32 array only when it is not one already. A scipy.sparse matrix goes to
chorus_votes_from_csr with CHORUS_BORROW: the library uses the CSR arrays in place, and the
:class:`VoteMatrix` keeps them referenced for as long as the chorus_votes lives.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, Optional, Sequence

import numpy as np

from . import _capi
from ._capi import ABSTAIN, Ownership, check, lib
from ._crowd import CSRVotes, is_missing

_INT32 = np.iinfo(np.int32)


def _fits_int32(arr: np.ndarray) -> bool:
    if arr.size == 0 or np.can_cast(arr.dtype, np.int32):
        return True
    return bool(arr.min() >= _INT32.min and arr.max() <= _INT32.max)


def as_int32(values: Any, what: str, ndim: int) -> np.ndarray:
    """``values`` as a C-contiguous int32 array, without a copy when it already is one.

    Raises TypeError for non-integer data and ValueError for the wrong number of dimensions
    or values beyond int32 (which a cast would silently wrap). Range checks against the
    number of classes are left to the library, whose message names the offending cell.
    """
    arr = np.asarray(values)
    if arr.ndim != ndim:
        raise ValueError(f"{what} must be a {ndim}-D array, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not np.issubdtype(arr.dtype, np.floating) or not np.array_equal(arr, np.round(arr)):
            raise TypeError(f"{what} must hold integers (-1 for abstain), got {arr.dtype}")
    if not _fits_int32(arr):
        raise ValueError(f"{what} has values beyond the int32 range")
    return np.ascontiguousarray(arr, dtype=np.int32)


def _ptr(arr: Optional[np.ndarray], ctype: Any) -> Any:
    return None if arr is None else arr.ctypes.data_as(ctypes.POINTER(ctype))


def is_sparse(L: Any) -> bool:
    """True for a scipy.sparse matrix or array (without importing scipy when unused)."""
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(L)


class VoteMatrix:
    """A chorus_votes built from ``L``, freed on :meth:`close` (or leaving a ``with``).

    Dense ``L``: n_items x n_lfs, -1 for abstain, classes 0..n_classes-1 (Snorkel's
    convention). Sparse ``L`` (scipy CSR, or anything with ``tocsr()``): the stored entries
    are the votes, class indices 0..n_classes-1 (keep explicit zeros: they are votes for
    class 0); entries not stored are abstains.
    """

    def __init__(self, L: Any, n_classes: int) -> None:
        self.handle = ctypes.POINTER(_capi.Votes)()
        self._keep: tuple = ()  # arrays the library borrows
        if is_sparse(L) or isinstance(L, CSRVotes):
            self._from_csr(L, n_classes)
        else:
            dense = as_int32(L, "L", 2)
            self._keep = (dense,)
            n, m = dense.shape
            check(lib.chorus_votes_from_dense(ctypes.byref(self.handle), n, m, n_classes,
                                              _ptr(dense, ctypes.c_int32)))
        self.n_items = int(lib.chorus_votes_n_items(self.handle))
        self.n_lfs = int(lib.chorus_votes_n_lfs(self.handle))

    def _from_csr(self, L: Any, n_classes: int) -> None:
        csr = L.tocsr()
        if not csr.has_sorted_indices:
            csr = csr.copy()
            csr.sort_indices()
        indptr = np.ascontiguousarray(csr.indptr, dtype=np.int64)
        indices = as_int32(csr.indices, "L's column indices", 1)
        data = as_int32(csr.data, "L's stored votes", 1)
        self._keep = (indptr, indices, data)
        n, m = csr.shape
        check(lib.chorus_votes_from_csr(ctypes.byref(self.handle), n, m, n_classes,
                                        _ptr(indptr, ctypes.c_int64),
                                        _ptr(indices, ctypes.c_int32),
                                        _ptr(data, ctypes.c_int32), Ownership.BORROW))

    def close(self) -> None:
        if self.handle:
            lib.chorus_votes_free(self.handle)
            self.handle = ctypes.POINTER(_capi.Votes)()
        self._keep = ()

    def __enter__(self) -> "VoteMatrix":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def n_classes_of(L: Any, *label_arrays: Optional[Any], at_least: int = 2) -> int:
    """Cardinality implied by the largest label in L (and any label arrays), at least 2."""
    k = at_least
    for values in (L, *label_arrays):
        if values is None:
            continue
        arr = values.data if is_sparse(values) else np.asarray(values)
        if arr.size:
            k = max(k, int(arr.max()) + 1)
    return k


def labels(values: Optional[Any], n_items: int, what: str) -> Optional[np.ndarray]:
    """Per-item labels (-1 = unknown) as int32, checked to match the number of items."""
    if values is None:
        return None
    arr = as_int32(np.ravel(np.asarray(values)), what, 1)
    if arr.shape[0] != n_items:
        raise ValueError(f"{what} has {arr.shape[0]} labels but L has {n_items} rows; "
                         "they must match one to one")
    return arr


def _is_missing(value: Any) -> bool:
    return value == "" if isinstance(value, str) else is_missing(value)


def gold_labels(values: Any, class_names: Optional[Sequence[Any]], what: str) -> np.ndarray:
    """Gold labels as class indices (int32, -1 unknown): integers as they are (-1
    unknown); names (strings, e.g. a spec's data.gold column) looked up in ``class_names``,
    a missing value (None, NaN, "") unknown. A float array (a pandas integer column with
    NaN) has NaN unknown."""
    arr = np.ravel(np.asarray(values, dtype=object if not hasattr(values, "dtype") else None))
    if arr.dtype.kind in "iub" or arr.size == 0:
        return as_int32(arr, what, 1)
    if arr.dtype.kind == "f":
        return as_int32(np.where(np.isnan(arr), -1, arr), what, 1)
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) or _is_missing(v)
           for v in arr):  # integers with a missing value among them
        return as_int32(np.array([-1 if _is_missing(v) else v for v in arr]), what, 1)
    if class_names is None:
        first = next(v for v in arr if not _is_missing(v))
        raise ValueError(f"{what} holds class names ({first!r}); pass class_names= (the "
                         "names of classes 0, 1, ..., e.g. an LFSet's class_names) to map them")
    index = {str(name): k for k, name in enumerate(class_names)}
    out = np.empty(arr.shape[0], dtype=np.int32)
    for i, v in enumerate(arr):
        if _is_missing(v):
            out[i] = -1
        elif str(v) in index:
            out[i] = index[str(v)]
        else:
            raise ValueError(f"{what}[{i}] is {v!r}, which is none of the classes "
                             f"{list(index)}")
    return out


def take_probs(probs: "ctypes._Pointer") -> np.ndarray:
    """Copies a chorus_probs into a new float64 (n_items, n_classes) array."""
    n = int(lib.chorus_probs_n_items(probs))
    k = int(lib.chorus_probs_n_classes(probs))
    if n == 0:
        return np.empty((0, k))
    return np.ctypeslib.as_array(lib.chorus_probs_data(probs), shape=(n, k)).copy()


def as_doubles(values: Sequence[float], k: int, what: str) -> np.ndarray:
    arr = np.ascontiguousarray(np.ravel(np.asarray(values, dtype=np.float64)))
    if arr.shape[0] != k:
        raise ValueError(f"{what} has {arr.shape[0]} entries for {k} classes")
    return arr


__all__ = ["ABSTAIN", "VoteMatrix", "as_int32", "as_doubles", "gold_labels", "is_sparse", "labels",
           "n_classes_of", "take_probs"]
