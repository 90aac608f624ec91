"""YAML labeling-function sets applied by the C engine to a DataFrame, a list of records or
a data file, and joining their votes with those of Python LFs.

The library reads data only from files (``chorus_lf_apply_file``; there is no in-memory
entry point), so a DataFrame or a list of records is written to a temporary JSONL file,
one object per row in row order, which the engine streams and which is removed afterwards.
JSONL keeps what a CSV would lose: missing values (NaN, None) become JSON null, which the
engine reads as a missing field; numbers and booleans keep their JSON spelling; a column
holding dicts becomes nested fields ("meta.lang").
"""

from __future__ import annotations

import ctypes
import json
import math
import numbers
import os
import tempfile
import weakref
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Union

import numpy as np

from . import _capi
from ._capi import ApplyOptions, DataFormat, DataOptions, check, lib
from .errors import ChorusError, error_for
from .votes_file import dense_from_votes

PathLike = Union[str, "os.PathLike[str]"]


class AppliedLFs(NamedTuple):
    """A label matrix with the name of each column: ``L, lf_names = apply_spec(...)``."""

    L: np.ndarray  # (n, m) int64, -1 abstains
    lf_names: List[str]


def _json_value(value: Any) -> Any:
    """A cell as JSON: missing (None, NaN, pandas' NA and NaT) as null, NumPy scalars and
    arrays as Python ones, infinities and anything JSON has no type for as their str()."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the usual cells, without ABC checks
        return value
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        return number if math.isfinite(number) else str(number)  # JSON has no infinity
    if isinstance(value, (str, list, dict)):
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    try:
        import pandas as pd
    except ImportError:
        return str(value)
    return None if pd.isna(value) is True else str(value)


def _records(data: Any) -> Iterable[Dict[str, Any]]:
    """The rows of a DataFrame or the items of a sequence of mappings, as dicts."""
    if hasattr(data, "columns") and hasattr(data, "itertuples"):  # a pandas DataFrame
        columns = [str(c) for c in data.columns]
        for row in data.itertuples(index=False, name=None):
            yield dict(zip(columns, row))
        return
    for i, record in enumerate(data):
        if not hasattr(record, "keys"):
            raise TypeError(f"record {i} is a {type(record).__name__}, not a mapping of field "
                            "names to values")
        yield {str(k): record[k] for k in record.keys()}


def write_jsonl(data: Any, path: str) -> int:
    """Writes the records of ``data`` to ``path`` as JSONL; returns how many."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for record in _records(data):
            row = {k: _json_value(v) for k, v in record.items()}
            f.write(json.dumps(row, ensure_ascii=False, default=str, allow_nan=False))
            f.write("\n")
            n += 1
    return n


class _Progress:
    """The engine's progress callback driving a tqdm bar (its total is an estimate until
    the whole file is read)."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=0, unit="items")
        self.callback = _capi.PROGRESS_FN(self._update)

    def _update(self, done: int, total: int, _ctx: Optional[int]) -> None:
        try:
            if total != self.bar.total:
                self.bar.total = total
            self.bar.update(done - self.bar.n)
        except Exception:  # noqa: BLE001 - an exception must never unwind into C
            pass

    def close(self) -> None:
        self.bar.close()


class LFSet:
    """A labeling-function set (YAML; docs/labeling-functions.md), loaded and checked once:
    its LF and class names, and :meth:`apply` to data. A bad spec raises
    ``ChorusInputError`` with the library's message (file, line, LF)."""

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)
        self._handle = ctypes.POINTER(_capi.LFSet)()
        check(lib.chorus_lf_set_load(ctypes.byref(self._handle), os.fsencode(self.path)))
        self._finalizer = weakref.finalize(self, lib.chorus_lf_set_free, self._handle)
        task = lib.chorus_lf_set_task(self._handle)
        self.task: Optional[str] = task.decode() if task else None
        self.lf_names = [lib.chorus_lf_set_lf_name(self._handle, j).decode()
                         for j in range(lib.chorus_lf_set_n_lfs(self._handle))]
        self.lf_kinds = [lib.chorus_lf_set_lf_kind(self._handle, j).decode()
                         for j in range(len(self.lf_names))]
        self.class_names = [lib.chorus_lf_set_class_name(self._handle, k).decode()
                            for k in range(lib.chorus_lf_set_n_classes(self._handle))]

    @property
    def cardinality(self) -> int:
        return len(self.class_names)

    def _apply_file(self, path: str, data_format: DataFormat, n_threads: int,
                    skip_bad_rows: bool, progress_bar: bool) -> np.ndarray:
        data_opts = DataOptions(_capi.DATA_OPTIONS_VERSION, data_format, int(skip_bad_rows))
        apply_opts = ApplyOptions(_capi.APPLY_OPTIONS_VERSION, int(n_threads),
                                  _capi.PROGRESS_FN(), None)
        progress = None
        if progress_bar:
            try:
                progress = _Progress()
                apply_opts.progress = progress.callback
            except ImportError:
                pass
        votes = ctypes.POINTER(_capi.Votes)()
        try:
            check(lib.chorus_lf_apply_file(ctypes.byref(votes), None, self._handle,
                                           os.fsencode(path), ctypes.byref(data_opts),
                                           ctypes.byref(apply_opts)))
            return dense_from_votes(votes)
        finally:
            if progress is not None:
                progress.close()
            lib.chorus_votes_free(votes)

    def apply(self, data: Any, *, n_threads: int = 0, progress_bar: bool = False,
              skip_bad_rows: bool = False) -> AppliedLFs:
        """Applies every LF to every row: (L, lf_names), L an (n, m) int64 array (-1
        abstains, classes in the order of the spec's ``classes``), the same votes as
        ``chorus apply``.

        ``data`` is a pandas DataFrame (its columns are the fields the spec names), a
        sequence of dicts, or the path of a CSV, TSV or JSONL file (read by the engine
        directly, as ``chorus apply`` reads it). A DataFrame or records go through a
        temporary JSONL file (see the module's notes); the library's messages about it name
        "<data frame>" and its line, line N being row N - 1. ``n_threads``: OpenMP threads
        (0 = all; the votes do not change). ``progress_bar``: a tqdm bar when tqdm is
        installed. ``skip_bad_rows`` is ``--skip-bad-rows`` and only matters for a file.
        """
        if isinstance(data, (str, os.PathLike)):
            L = self._apply_file(os.fspath(data), DataFormat.AUTO, n_threads, skip_bad_rows,
                                 progress_bar)
            return AppliedLFs(L, list(self.lf_names))
        with tempfile.TemporaryDirectory(prefix="chorus-apply-") as tmp:
            path = os.path.join(tmp, "data.jsonl")
            write_jsonl(data, path)
            try:
                L = self._apply_file(path, DataFormat.JSONL, n_threads, False, progress_bar)
            except ChorusError as exc:
                raise error_for(exc.status, str(exc).replace(path, "<data frame>")) from None
        return AppliedLFs(L, list(self.lf_names))

    def __repr__(self) -> str:
        return (f"LFSet({self.path!r}: task {self.task!r}, {len(self.lf_names)} LFs, "
                f"classes {self.class_names})")


def load_spec(path: PathLike) -> LFSet:
    """Loads a labeling-function set (see :class:`LFSet`)."""
    return LFSet(path)


def apply_spec(spec: Union[PathLike, LFSet], data: Any, **options: Any) -> AppliedLFs:
    """Applies a YAML labeling-function set to data: ``L, lf_names = apply_spec(spec, df)``
    (see :meth:`LFSet.apply`)."""
    lf_set = spec if isinstance(spec, LFSet) else LFSet(spec)
    return lf_set.apply(data, **options)


def _part(part: Any) -> AppliedLFs:
    if not isinstance(part, tuple) or len(part) < 2:
        raise TypeError("each part is (L, lf_names) or (L, lfs): e.g. apply_spec's result, or "
                        "(PandasLFApplier(lfs).apply(df), lfs)")
    L = np.asarray(part[0])
    names = [str(getattr(lf, "name", lf)) for lf in part[1]]
    if L.ndim != 2 or L.shape[1] != len(names):
        raise ValueError(f"a part has L of shape {L.shape} and {len(names)} LF names; one "
                         "name per column")
    return AppliedLFs(L, names)


def hstack_votes(*parts: Any) -> AppliedLFs:
    """Joins label matrices of the same rows side by side, keeping the LF names: each part
    is ``(L, lf_names)`` (apply_spec's result) or ``(L, lfs)`` (LFs with a ``.name``, as
    given to PandasLFApplier). The rows must match in number and the names be unique."""
    if not parts:
        raise ValueError("hstack_votes needs at least one (L, lf_names) part")
    items = [_part(p) for p in parts]
    rows = {p.L.shape[0] for p in items}
    if len(rows) != 1:
        raise ValueError(f"the parts have different numbers of rows: "
                         f"{[p.L.shape[0] for p in items]}")
    names: List[str] = [n for p in items for n in p.lf_names]
    duplicate = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if duplicate is not None:
        raise ValueError(f"two labeling functions are named {duplicate!r}; rename one")
    return AppliedLFs(np.hstack([p.L.astype(np.int64) for p in items]), names)


__all__ = ["AppliedLFs", "LFSet", "apply_spec", "hstack_votes", "load_spec", "write_jsonl"]
