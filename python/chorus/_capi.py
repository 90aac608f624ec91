"""The raw ctypes binding of libchorus: finding the library, its enums and structs, the
prototype of every function the package calls, errors and the log callback.

Everything here mirrors include/chorus/*.h; the user-facing classes live in label_model.py
and analysis.py.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import logging
import os
import threading
from contextlib import contextmanager
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_uint8, c_void_p
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

# The enums, constants and structs of the headers, used here and re-exported (_capi.Candidate).
from ._types import *  # noqa: F401,F403
from ._types import (Candidate, FitCheck, LFSet, LFSummary, Model, Probs, Review,
                     ReviewHoldout, SelectOptions, Votes)
from .errors import LibraryNotFoundError, Status, error_for

logger = logging.getLogger("chorus")


LOG_FN = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)

_VotesP, _ModelP, _ProbsP = POINTER(Votes), POINTER(Model), POINTER(Probs)
_ReviewP = POINTER(Review)
_LFSetP = POINTER(LFSet)
_I32P, _I64P, _F64P = POINTER(c_int32), POINTER(c_int64), POINTER(c_double)

# name: (restype, argtypes) for every function the package calls.
_PROTOTYPES = {
    "chorus_version": (c_char_p, []),
    "chorus_error_last": (c_char_p, []),
    "chorus_error_clear": (None, []),
    "chorus_log_set_callback": (None, [LOG_FN, c_void_p]),
    "chorus_votes_from_dense": (c_int, [POINTER(_VotesP), c_int64, c_int32, c_int32, _I32P]),
    "chorus_votes_from_csr": (c_int, [POINTER(_VotesP), c_int64, c_int32, c_int32, _I64P,
                                      _I32P, _I32P, c_int]),
    "chorus_votes_free": (None, [_VotesP]),
    "chorus_votes_n_items": (c_int64, [_VotesP]),
    "chorus_votes_n_lfs": (c_int32, [_VotesP]),
    "chorus_votes_row_ptr": (_I64P, [_VotesP]),
    "chorus_votes_lf_index": (_I32P, [_VotesP]),
    "chorus_votes_labels": (_I32P, [_VotesP]),
    "chorus_model_type_parse": (c_int, [POINTER(c_int), c_char_p]),
    "chorus_model_type_name": (c_char_p, [c_int]),
    "chorus_heldout_votes_model": (c_int, [c_int32]),
    "chorus_model_fit": (c_int, [POINTER(_ModelP), _VotesP, POINTER(FitOptions)]),
    "chorus_model_predict": (c_int, [POINTER(_ProbsP), _ModelP, _VotesP]),
    "chorus_model_save": (c_int, [_ModelP, c_char_p]),
    "chorus_model_load": (c_int, [POINTER(_ModelP), c_char_p]),
    "chorus_model_free": (None, [_ModelP]),
    "chorus_model_get_type": (c_int, [_ModelP]),
    "chorus_model_n_classes": (c_int32, [_ModelP]),
    "chorus_model_n_lfs": (c_int32, [_ModelP]),
    "chorus_model_prior": (_F64P, [_ModelP]),
    "chorus_model_lf_accuracy": (c_double, [_ModelP, c_int32]),
    "chorus_model_trace": (_F64P, [_ModelP, _I32P]),
    "chorus_model_converged": (c_int, [_ModelP]),
    "chorus_model_classes_permuted": (c_int, [_ModelP]),
    "chorus_model_auto_choice": (c_int, [_VotesP]),
    "chorus_model_check": (POINTER(FitCheck), [_ModelP]),
    "chorus_model_lf_agreement": (c_double, [_ModelP, c_int32]),
    "chorus_model_one_lf_class": (c_int, [_ModelP, c_int32]),
    "chorus_model_uncovered_unsettled_class": (c_int, [_ModelP, c_int32]),
    "chorus_model_candidates": (POINTER(Candidate), [_ModelP, _I32P, _I32P]),
    "chorus_model_selection_metric": (c_char_p, [_ModelP]),
    "chorus_model_selection_dev_items": (c_int64, [_ModelP]),
    "chorus_model_fit_n_items": (c_int64, [_ModelP]),
    "chorus_model_select": (c_int, [POINTER(_ModelP), _VotesP, POINTER(FitOptions), _VotesP,
                                    _I32P, c_int64, POINTER(SelectOptions)]),
    "chorus_select_metric_parse": (c_int, [POINTER(c_int), c_char_p]),
    "chorus_probs_free": (None, [_ProbsP]),
    "chorus_probs_n_items": (c_int64, [_ProbsP]),
    "chorus_probs_n_classes": (c_int32, [_ProbsP]),
    "chorus_probs_data": (_F64P, [_ProbsP]),
    "chorus_probs_to_labels": (c_int, [_I32P, _ProbsP, c_int]),
    "chorus_eval": (c_int, [POINTER(POINTER(Metrics)), _ProbsP, _I32P, c_int64,
                            POINTER(EvalOptions)]),
    "chorus_metrics_free": (None, [POINTER(Metrics)]),
    "chorus_lf_summary_compute": (c_int, [POINTER(POINTER(LFSummary)), _VotesP, _I32P, c_int64,
                                          _ModelP]),
    "chorus_lf_summary_free": (None, [POINTER(LFSummary)]),
    "chorus_free": (None, [c_void_p]),
    "chorus_votes_set_class_name": (c_int, [_VotesP, c_int32, c_char_p]),
    "chorus_votes_set_item_name": (c_int, [_VotesP, c_int64, c_char_p]),
    "chorus_review_read": (c_int, [POINTER(_ReviewP), c_char_p]),
    "chorus_review_merge": (c_int, [_ReviewP, _ReviewP]),
    "chorus_review_free": (None, [_ReviewP]),
    "chorus_review_resolve": (c_int, [POINTER(_I32P), _ReviewP, _VotesP, _I32P]),
    "chorus_review_holdout": (c_int, [POINTER(ReviewHoldout), _VotesP, _I32P,
                                      POINTER(FitOptions), c_int32]),
    "chorus_model_set_review_answers": (c_int, [_ModelP, c_int64]),
    "chorus_model_confusion": (_F64P, [_ModelP, c_int32]),
    "chorus_model_abstain_informative": (c_int, [_ModelP]),
    "chorus_model_lf_group": (c_int32, [_ModelP, c_int32]),
    "chorus_model_lf_copy_of": (c_int32, [_ModelP, c_int32]),
    "chorus_probs_new": (c_int, [POINTER(_ProbsP), c_int64, c_int32]),
    "chorus_probs_set_covered": (c_int, [_ProbsP, POINTER(c_uint8)]),
    "chorus_lf_set_load": (c_int, [POINTER(_LFSetP), c_char_p]),
    "chorus_lf_set_free": (None, [_LFSetP]),
    "chorus_lf_set_task": (c_char_p, [_LFSetP]),
    "chorus_lf_set_n_lfs": (c_int32, [_LFSetP]),
    "chorus_lf_set_lf_name": (c_char_p, [_LFSetP, c_int32]),
    "chorus_lf_set_lf_kind": (c_char_p, [_LFSetP, c_int32]),
    "chorus_lf_set_n_classes": (c_int32, [_LFSetP]),
    "chorus_lf_set_class_name": (c_char_p, [_LFSetP, c_int32]),
    "chorus_lf_apply_file": (c_int, [POINTER(_VotesP), c_void_p, _LFSetP, c_char_p,
                                     POINTER(DataOptions), POINTER(ApplyOptions)]),
    "chorus_votes_read": (c_int, [POINTER(_VotesP), c_char_p, POINTER(ReadOptions)]),
    "chorus_votes_write": (c_int, [_VotesP, c_char_p, c_int]),
    "chorus_votes_n_classes": (c_int32, [_VotesP]),
    "chorus_votes_lf_name": (c_char_p, [_VotesP, c_int32]),
    "chorus_votes_class_name": (c_char_p, [_VotesP, c_int32]),
    "chorus_votes_item_name": (c_char_p, [_VotesP, c_int64]),
    "chorus_votes_has_item_names": (c_int, [_VotesP]),
    "chorus_votes_set_lf_name": (c_int, [_VotesP, c_int32, c_char_p]),
}


# Finding and loading the library.


def _asan_runtime_missing(path: Path) -> bool:
    """True if the library needs the AddressSanitizer runtime and this process lacks it:
    dlopen()ing it would abort the interpreter instead of raising."""
    try:
        needs = b"libasan.so" in path.read_bytes()
        maps = Path("/proc/self/maps").read_text(errors="replace")
    except OSError:
        return False
    return needs and "libasan" not in maps


def _candidates() -> List[Tuple[str, str]]:
    """Where to look after CHORUS_LIBRARY, in order, each with how it was found."""
    here = Path(__file__).resolve().parent
    found = [(here / "libchorus.so", "next to the package")]
    builds = list(here.parent.parent.glob("build*/libchorus.so"))
    builds.sort(key=lambda p: p.stat().st_mtime, reverse=True)  # the freshest build first
    found += [(p, "in the source tree's build folder") for p in builds]
    paths = [(str(p), how) for p, how in found if p.exists()]
    system = ctypes.util.find_library("chorus")  # a name such as libchorus.so.0
    if system:
        paths.append((system, "by ctypes.util.find_library"))
    return paths


def _bind(path: Path) -> ctypes.CDLL:
    """Loads the library and declares every prototype (AttributeError if one is missing)."""
    lib = ctypes.CDLL(str(path))
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


def _asan_hint(path: Path) -> str:
    return (f"{path} is built with AddressSanitizer; run Python with "
            "LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0")


def _load() -> Tuple[ctypes.CDLL, Path]:
    """The bound library and its path (a bare name if the dynamic linker found it)."""
    explicit = os.environ.get("CHORUS_LIBRARY")
    if explicit:
        path = Path(explicit).absolute()
        if not path.exists():
            raise LibraryNotFoundError(f"CHORUS_LIBRARY={explicit}: no such file")
        if _asan_runtime_missing(path):
            raise LibraryNotFoundError(f"CHORUS_LIBRARY={explicit}: " + _asan_hint(path))
        try:
            return _bind(path), path
        except (OSError, AttributeError) as exc:
            raise LibraryNotFoundError(f"CHORUS_LIBRARY={explicit}: {exc}") from exc
    tried = []
    for name, how in _candidates():
        path = Path(name)
        if _asan_runtime_missing(path):
            tried.append(f"{path} ({how}): skipped, " + _asan_hint(path))
            continue
        try:
            return _bind(path), path
        except (OSError, AttributeError) as exc:  # unloadable, or a stale build
            tried.append(f"{path} ({how}): {exc}")
    raise LibraryNotFoundError(
        "libchorus.so not found. Build it (cmake -S . -B build && cmake --build build), then "
        "set CHORUS_LIBRARY=/path/to/libchorus.so, or install it where the dynamic linker "
        "looks." + "".join(f"\n  tried {t}" for t in tried))


lib, library_path = _load()


def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return lib.chorus_version().decode()


def check(status: int) -> None:
    """Raises the ChorusError subclass for a failed call, with the library's message."""
    if status != Status.OK:
        message = lib.chorus_error_last().decode("utf-8", "replace")
        raise error_for(status, message or f"chorus call failed with status {status}")


def model_type_name(model_type: int) -> str:
    return lib.chorus_model_type_name(model_type).decode()


def parse_model_type(name: Any) -> ModelType:
    """A model name ("auto", "ds", ...) or ModelType to a ModelType (the library parses)."""
    if isinstance(name, ModelType):
        return name
    out = c_int()
    check(lib.chorus_model_type_parse(ctypes.byref(out), str(name).encode()))
    return ModelType(out.value)


def parse_select_metric(name: Any) -> SelectMetric:
    """A dev metric name ("accuracy", "macro-f1", "f1") or SelectMetric to a SelectMetric
    (the library parses)."""
    if isinstance(name, SelectMetric):
        return name
    out = c_int()
    check(lib.chorus_select_metric_parse(ctypes.byref(out), str(name).encode()))
    return SelectMetric(out.value)


# The library never prints: its diagnostics go to the `chorus` logger.

_PY_LEVELS = {LogLevel.DEBUG: logging.DEBUG, LogLevel.INFO: logging.INFO,
              LogLevel.WARN: logging.WARNING}


_log_state = threading.local()


@contextmanager
def log_as_debug(what: str) -> Iterator[None]:
    """Within the block, the library's messages from calls on this thread are logged at
    DEBUG, prefixed with ``what``: for fits whose results are thrown away (the candidates
    of a dev-set selection), whose warnings are not about the model the user gets."""
    previous = getattr(_log_state, "demote", None)
    _log_state.demote = what
    try:
        yield
    finally:
        _log_state.demote = previous


def _forward_log(level: int, message: Optional[bytes], _ctx: Optional[int]) -> None:
    try:
        py_level = _PY_LEVELS.get(level, logging.WARNING)
        demote = getattr(_log_state, "demote", None)
        if demote is not None:
            py_level = logging.DEBUG
        if message is not None and logger.isEnabledFor(py_level):
            text = message.decode("utf-8", "replace")
            if demote is not None:
                logger.log(py_level, "%s: %s", demote, text)
            else:
                logger.log(py_level, "%s", text)
    except Exception:  # noqa: BLE001 - an exception must never unwind into C
        pass


# Kept at module level: the library holds the pointer for the life of the process.
_log_callback = LOG_FN(_forward_log)
lib.chorus_log_set_callback(_log_callback, None)


@atexit.register
def _silence_at_exit() -> None:
    lib.chorus_log_set_callback(LOG_FN(), None)
