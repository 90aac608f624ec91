"""Review files in a fit: the answers a person gave (``chorus select``'s files, filled in),
as gold labels clamped like ``chorus fit --review``, and their held-out scores.

The reading, merging and matching are the library's (review.h), so a file means the same
here as on the command line: the same errors, naming the file and line.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from . import _capi
from ._capi import check, lib

PathLike = Union[str, "os.PathLike[str]"]


def review_paths(review: Union[PathLike, Sequence[PathLike]]) -> Sequence[PathLike]:
    """One path or several, as a list (a str or PathLike is one path)."""
    if isinstance(review, (str, bytes, os.PathLike)):
        return [review]
    paths = list(review)
    if not paths:
        raise ValueError("review= needs at least one review file")
    return paths


def _read_merged(paths: Sequence[PathLike]) -> "ctypes._Pointer":
    merged = ctypes.POINTER(_capi.Review)()
    try:
        for path in paths:
            one = ctypes.POINTER(_capi.Review)()
            check(lib.chorus_review_read(ctypes.byref(one), os.fsencode(path)))
            if not merged:
                merged = one
                continue
            try:
                check(lib.chorus_review_merge(merged, one))
            finally:
                lib.chorus_review_free(one)
    except BaseException:
        lib.chorus_review_free(merged)
        raise
    return merged


def name_votes(votes: Any, class_names: Optional[Sequence[str]],
               items: Optional[Sequence[Any]], n_classes: int) -> None:
    """Gives the vote matrix the class names and item ids the review files use."""
    if class_names is not None:
        if len(class_names) != n_classes:
            raise ValueError(f"review_class_names has {len(class_names)} names for "
                             f"{n_classes} classes")
        for c, name in enumerate(class_names):
            check(lib.chorus_votes_set_class_name(votes.handle, c, str(name).encode()))
    if items is not None:
        if len(items) != votes.n_items:
            raise ValueError(f"review_items has {len(items)} ids for {votes.n_items} items")
        for i, item in enumerate(items):
            check(lib.chorus_votes_set_item_name(votes.handle, i, str(item).encode()))


def review_answers(paths: Sequence[PathLike], votes: Any,
                   known: Optional[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """(answers, clamped): the review answers per item (-1 = none), and the labels to clamp,
    the answers merged with ``known`` (the gold= labels; an answer contradicting one is an
    error)."""
    review = _read_merged(paths)
    out = ctypes.POINTER(ctypes.c_int32)()
    try:
        check(lib.chorus_review_resolve(
            ctypes.byref(out), review, votes.handle,
            None if known is None else known.ctypes.data_as(ctypes.POINTER(ctypes.c_int32))))
        answers = np.ctypeslib.as_array(out, shape=(votes.n_items,)).copy() \
            if votes.n_items else np.empty(0, dtype=np.int32)
    finally:
        lib.chorus_free(out)
        lib.chorus_review_free(review)
    clamped = answers if known is None else np.where(answers >= 0, answers, known)
    return answers, np.ascontiguousarray(clamped, dtype=np.int32)


def holdout(votes: Any, answers: np.ndarray, opts: "_capi.FitOptions", model_type: int,
            known: Optional[np.ndarray]) -> Optional[Dict[str, Any]]:
    """The held-out scores of the answers as ``chorus fit --review`` prints them: each of
    REVIEW_FOLDS folds labelled by a fit with the other folds' answers (and ``known``)
    clamped. None with fewer than 2 answers."""
    if int(np.count_nonzero(answers >= 0)) < 2:
        return None
    fold_opts = _capi.FitOptions.from_buffer_copy(opts)
    fold_opts.type = model_type
    fold_opts.gold = None if known is None else known.ctypes.data_as(
        ctypes.POINTER(ctypes.c_int32))
    fold_opts.n_gold = 0 if known is None else known.shape[0]
    result = _capi.ReviewHoldout()
    check(lib.chorus_review_holdout(ctypes.byref(result), votes.handle,
                                    answers.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                                    ctypes.byref(fold_opts), _capi.REVIEW_FOLDS))
    return {
        "n_answers": int(result.n_answers),
        "n_folds": int(result.n_folds),
        "n_correct": int(result.n_correct),
        "accuracy": float(result.accuracy),
        "positive_class": None if result.positive_class < 0 else int(result.positive_class),
        "positive_f1": None if result.positive_class < 0 else float(result.positive_f1),
    }
