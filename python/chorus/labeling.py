"""Labeling functions written in Python, as in ``snorkel.labeling``: the
``@labeling_function`` decorator, preprocessors, and the appliers that run them over data
points to give Snorkel's label matrix ``L`` (n x m int, -1 abstains).

These run in Python, one data point at a time; the YAML LF sets of the engine run in C
(:func:`chorus.apply_spec`). Both give matrices of the same shape, which
:func:`chorus.hstack_votes` joins.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

import numpy as np

ABSTAIN = -1


class Preprocessor:
    """A function from a data point to a data point (a new one, or the same one changed),
    run before a labeling function sees it, as Snorkel's ``@preprocessor``. With
    ``memoize=True`` its result is kept per data point (by ``id`` of the input, or by
    ``memoize_key(x)``) so LFs sharing an expensive step compute it once per point."""

    def __init__(self, name: str, f: Callable[[Any], Any], pre: Optional[Sequence[Any]] = None,
                 memoize: bool = False, memoize_key: Optional[Callable[[Any], Any]] = None,
                 ) -> None:
        self.name = name
        self._f = f
        self.pre = list(pre or [])
        self.memoize = memoize
        self._key = memoize_key if memoize_key is not None else id
        self._cache: Dict[Any, Any] = {}

    def __call__(self, x: Any) -> Any:
        key = self._key(x) if self.memoize else None
        if self.memoize and key in self._cache:
            return self._cache[key]
        for step in self.pre:
            x = step(x)
        y = self._f(x)
        if y is None:
            raise ValueError(f"preprocessor {self.name!r} returned None: return the data "
                             "point (changed or new)")
        if self.memoize:
            self._cache[key] = y
        return y

    def reset_cache(self) -> None:
        self._cache.clear()

    def __repr__(self) -> str:
        return f"Preprocessor {self.name}, Pre: {[getattr(p, 'name', p) for p in self.pre]}"


def preprocessor(name: Optional[str] = None, pre: Optional[Sequence[Any]] = None,
                 memoize: bool = False, memoize_key: Optional[Callable[[Any], Any]] = None,
                 ) -> Callable[[Callable[[Any], Any]], Preprocessor]:
    """Decorator making a :class:`Preprocessor` of ``f(x) -> x`` (Snorkel's)."""
    if callable(name):
        raise TypeError("write @preprocessor(), with parentheses")

    def decorate(f: Callable[[Any], Any]) -> Preprocessor:
        return Preprocessor(name or f.__name__, f, pre=pre, memoize=memoize,
                            memoize_key=memoize_key)

    return decorate


class LabelingFunction:
    """A labeling function: ``f(x, **resources)`` returns a class index (0..K-1) or -1 to
    abstain, after the preprocessors ``pre`` (callables ``x -> x``, in order) have made the
    data point ``x`` it sees. Calling the object runs the whole thing on a raw data point.
    """

    def __init__(self, name: str, f: Callable[..., int],
                 resources: Optional[Mapping[str, Any]] = None,
                 pre: Optional[Sequence[Callable[[Any], Any]]] = None) -> None:
        self.name = name
        self._f = f
        self._resources = dict(resources or {})
        self._pre = list(pre or [])

    def __call__(self, x: Any) -> int:
        for step in self._pre:
            x = step(x)
            if x is None:
                raise ValueError(f"labeling function {self.name!r}: a preprocessor returned "
                                 "None")
        return self._f(x, **self._resources)

    def __repr__(self) -> str:
        return (f"LabelingFunction {self.name}, Preprocessors: "
                f"{[getattr(p, 'name', p) for p in self._pre]}")


def labeling_function(name: Optional[str] = None,
                      resources: Optional[Mapping[str, Any]] = None,
                      pre: Optional[Sequence[Callable[[Any], Any]]] = None,
                      ) -> Callable[[Callable[..., int]], LabelingFunction]:
    """Decorator making a :class:`LabelingFunction` (Snorkel's ``@labeling_function``)::

        @labeling_function(resources=dict(words={"buy", "free"}))
        def lf_spammy(x, words):
            return SPAM if words & set(x.text.lower().split()) else ABSTAIN

    ``name`` defaults to the function's name; ``resources`` are passed as keyword
    arguments on every call; ``pre`` are preprocessors applied to the data point first.
    """
    if callable(name):
        raise TypeError("write @labeling_function(), with parentheses")

    def decorate(f: Callable[..., int]) -> LabelingFunction:
        return LabelingFunction(name or f.__name__, f, resources=resources, pre=pre)

    return decorate


def _check_names(lfs: Sequence[Any]) -> List[str]:
    names = [str(getattr(lf, "name", getattr(lf, "__name__", lf))) for lf in lfs]
    seen = set()
    for name in names:
        if name in seen:
            raise ValueError(f"two labeling functions are named {name!r}; names must be "
                             "unique (they name the columns of L)")
        seen.add(name)
    return names


def _progress(points: Iterable[Any], total: int, enabled: bool) -> Iterable[Any]:
    """A tqdm bar over points when asked for and tqdm is installed, else the points."""
    if not enabled:
        return points
    try:
        from tqdm import tqdm
    except ImportError:
        return points
    return tqdm(points, total=total)


class LFApplier:
    """Applies labeling functions to a sequence of data points (any objects the LFs
    understand), as Snorkel's ``LFApplier``."""

    def __init__(self, lfs: Sequence[Callable[[Any], int]]) -> None:
        self._lfs = list(lfs)
        self.lf_names = _check_names(self._lfs)
        #: With ``fault_tolerant=True``: per LF name, the data points on which it raised.
        self.fault_counts: Dict[str, int] = {}

    def _vote(self, j: int, x: Any, i: int, fault_tolerant: bool) -> int:
        try:
            vote = self._lfs[j](x)
        except Exception:
            if not fault_tolerant:
                raise
            self.fault_counts[self.lf_names[j]] = self.fault_counts.get(self.lf_names[j], 0) + 1
            return ABSTAIN
        if isinstance(vote, (bool, np.bool_)) or not isinstance(vote, numbers.Integral) \
                or vote < ABSTAIN:
            raise ValueError(f"labeling function {self.lf_names[j]!r} returned {vote!r} on data "
                             f"point {i}: return a class index (0, 1, ...) or -1 to abstain")
        return int(vote)

    def _apply(self, points: Iterable[Any], n: int, progress_bar: bool,
               fault_tolerant: bool) -> np.ndarray:
        self.fault_counts = {}
        L = np.full((n, len(self._lfs)), ABSTAIN, dtype=np.int64)
        i = -1
        for i, x in enumerate(_progress(points, n, progress_bar)):
            for j in range(len(self._lfs)):
                L[i, j] = self._vote(j, x, i, fault_tolerant)
        if i + 1 != n:
            raise ValueError(f"{i + 1} data points for {n} rows")
        return L

    def apply(self, data_points: Sequence[Any], progress_bar: bool = True,
              fault_tolerant: bool = False) -> np.ndarray:
        """The label matrix: an (n, m) int64 array, row i the votes of every LF on data
        point i, column j LF j's, -1 abstains. With ``progress_bar`` a tqdm bar is shown
        when tqdm is installed (silent otherwise). An LF returning anything but an integer
        >= -1 is a ValueError naming it and the data point; an LF that raises stops the
        apply, unless ``fault_tolerant``, which makes it abstain there and counts it in
        :attr:`fault_counts`."""
        points = list(data_points)
        return self._apply(points, len(points), progress_bar, fault_tolerant)


class PandasLFApplier(LFApplier):
    """Applies labeling functions to the rows of a pandas DataFrame, as Snorkel's
    ``PandasLFApplier``: each LF sees a row as a pandas Series (``x.text``)."""

    def apply(self, df: Any, progress_bar: bool = True,  # type: ignore[override]
              fault_tolerant: bool = False) -> np.ndarray:
        """The label matrix of the rows of ``df`` in order (see :meth:`LFApplier.apply`)."""
        rows = (row for _, row in df.iterrows())
        return self._apply(rows, len(df), progress_bar, fault_tolerant)


__all__ = ["ABSTAIN", "LFApplier", "LabelingFunction", "PandasLFApplier", "Preprocessor",
           "labeling_function", "preprocessor"]
