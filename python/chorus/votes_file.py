"""Vote files (.chv, dense CSV, triples CSV, .npy) read into Snorkel's dense L with their
LF, class and item names, and L written to them for the command line."""

from __future__ import annotations

import ctypes
import os
from typing import Any, List, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _capi
from ._capi import check, lib
from ._convert import VoteMatrix, n_classes_of

PathLike = Union[str, "os.PathLike[str]"]

_FORMATS = {"auto": 0, "csv": 1, "triples": 2, "npy": 3, "chv": 4, "wrench": 5}


class VotesFile(NamedTuple):
    """A vote file: ``L`` (n x m int64, -1 abstains) and the names of its LFs (columns),
    classes (0, 1, ... unless the file names them) and items (None when unnamed)."""

    L: np.ndarray
    lf_names: List[str]
    class_names: List[str]
    item_names: Optional[List[str]]


def dense_from_votes(votes: "ctypes._Pointer") -> np.ndarray:
    """A chorus_votes as an (n, m) int64 array, -1 where an LF abstained."""
    n = int(lib.chorus_votes_n_items(votes))
    m = int(lib.chorus_votes_n_lfs(votes))
    L = np.full((n, m), -1, dtype=np.int64)
    row_ptr = np.ctypeslib.as_array(lib.chorus_votes_row_ptr(votes), shape=(n + 1,))
    nnz = int(row_ptr[n])
    if nnz:
        lf_index = lib.chorus_votes_lf_index(votes)
        label = lib.chorus_votes_labels(votes)
        if not lf_index or not label:  # the int32 copy of narrow storage failed
            check(_capi.Status.ENOMEM)
        cols = np.ctypeslib.as_array(lf_index, shape=(nnz,))
        rows = np.repeat(np.arange(n), np.diff(row_ptr))
        L[rows, cols] = np.ctypeslib.as_array(label, shape=(nnz,))
    return L


def read_votes(path: PathLike, format: str = "auto", n_classes: int = 0) -> VotesFile:
    """Reads a vote file as ``chorus fit`` reads it (``--votes-format``): its L and names.

    A .chv file (``chorus apply -o votes.chv``) keeps the LF names of the spec, its class
    names and item names; a dense CSV its header's LF names; a triples CSV the task,
    worker and label names; a WRENCH dataset file (train.json, valid.json, test.json) its
    item ids and the class names of the label.json beside it. ``n_classes`` 0 takes what
    the file says (or one more than its largest label). A bad file raises
    ChorusInputError naming the file and place.
    """
    if format not in _FORMATS:
        raise ValueError(f"format {format!r}: use one of {', '.join(_FORMATS)}")
    opts = _capi.read_options()
    opts.format = _FORMATS[format]
    opts.n_classes = int(n_classes)
    votes = ctypes.POINTER(_capi.Votes)()
    check(lib.chorus_votes_read(ctypes.byref(votes), os.fsencode(path), ctypes.byref(opts)))
    try:
        L = dense_from_votes(votes)
        lf_names = [lib.chorus_votes_lf_name(votes, j).decode() for j in range(L.shape[1])]
        class_names = [lib.chorus_votes_class_name(votes, k).decode()
                       for k in range(lib.chorus_votes_n_classes(votes))]
        item_names = None
        if lib.chorus_votes_has_item_names(votes):
            item_names = []
            for i in range(L.shape[0]):
                name = lib.chorus_votes_item_name(votes, i)
                item_names.append(name.decode() if name else str(i))
        return VotesFile(L, lf_names, class_names, item_names)
    finally:
        lib.chorus_votes_free(votes)


def write_votes(L: Any, path: PathLike, lf_names: Optional[Sequence[Any]] = None,
                class_names: Optional[Sequence[str]] = None, format: str = "auto") -> None:
    """Writes L (n x m, -1 abstains) as a vote file the command line reads (the format
    from the name: .chv, .npy, else a dense CSV), atomically. ``lf_names`` (names or LFs
    with a ``.name``) name the columns (in .chv and CSV); ``class_names`` the classes (in
    .chv), their number the cardinality (else one more than the largest vote, at least 2).
    """
    if format not in _FORMATS:
        raise ValueError(f"format {format!r}: use one of {', '.join(_FORMATS)}")
    k = len(class_names) if class_names is not None else n_classes_of(L)
    with VoteMatrix(L, k) as votes:
        if lf_names is not None:
            names = [str(getattr(lf, "name", lf)) for lf in lf_names]
            if len(names) != votes.n_lfs:
                raise ValueError(f"{len(names)} LF names for {votes.n_lfs} columns of L")
            for j, name in enumerate(names):
                check(lib.chorus_votes_set_lf_name(votes.handle, j, name.encode()))
        for c, name in enumerate(class_names or []):
            check(lib.chorus_votes_set_class_name(votes.handle, c, str(name).encode()))
        check(lib.chorus_votes_write(votes.handle, os.fsencode(path), _FORMATS[format]))


__all__ = ["VotesFile", "dense_from_votes", "read_votes", "write_votes"]
