"""The mirrors of include/chorus/*.h that the ctypes binding (_capi.py) passes to the
library: its enums, version numbers, check thresholds and structs, field by field (the
layouts are checked against the headers by tests/test_abi.py).
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_uint, c_uint8
from ctypes import c_uint64, c_void_p
from enum import IntEnum


# Enums (mirrors of the C enums; C enums are ints).


class ModelType(IntEnum):
    """``chorus_model_type`` (model.h)."""

    MV = 0
    DS = 1
    DS_NOABSTAIN = 2
    CLASS_ACC = 3
    ONECOIN = 4
    AUTO = 5
    POOLED = 6


class ClassPrior(IntEnum):
    """``chorus_class_prior`` (model.h)."""

    LEARNED = 0
    FIXED = 1
    FROM_GOLD = 2


class TieBreak(IntEnum):
    """``chorus_tie_break`` (eval.h)."""

    HASH = 0
    ABSTAIN = 1


class Ownership(IntEnum):
    """``chorus_ownership`` (votes.h)."""

    COPY = 0
    BORROW = 1


class SelectMetric(IntEnum):
    """``chorus_select_metric`` (select.h)."""

    ACCURACY = 0
    MACRO_F1 = 1
    F1 = 2


class LogLevel(IntEnum):
    """``chorus_log_level`` (log.h)."""

    DEBUG = 0
    INFO = 1
    WARN = 2


ABSTAIN = -1
FIT_OPTIONS_VERSION = 4
EVAL_OPTIONS_VERSION = 1
SELECT_OPTIONS_VERSION = 1

# model.h: the thresholds of the gold-free check of a fit.
CHECK_UNANIMOUS_MAX = 0.2
CHECK_UNANIMOUS_WARN = 0.05
CHECK_PRIOR_WARN = 0.25
CHECK_LF_GAP = 0.3
TIE_TOLERANCE = 1e-5
CHECK_DISAGREEING_VOTES_MAX = 0.1
CHECK_MIN_ITEMS = 20
# the models the held-out-vote choice compares, in the order of heldout_votes_agreement
HELDOUT_VOTES_MODELS = 3


# Opaque handles, typed so that ctypes refuses to pass one kind where another is expected.


class Votes(ctypes.Structure):
    """``chorus_votes`` (opaque)."""


class Model(ctypes.Structure):
    """``chorus_model`` (opaque)."""


class Probs(ctypes.Structure):
    """``chorus_probs`` (opaque)."""


class Review(ctypes.Structure):
    """``chorus_review`` (opaque)."""


class LFSet(ctypes.Structure):
    """``chorus_lf_set`` (opaque): a labeling-function set loaded from YAML."""


class DataFormat(IntEnum):
    """``chorus_data_format`` (data.h)."""

    AUTO = 0
    CSV = 1
    JSONL = 2
    TSV = 3


DATA_OPTIONS_VERSION = 1
APPLY_OPTIONS_VERSION = 1
READ_OPTIONS_VERSION = 2


class DataOptions(ctypes.Structure):
    """``chorus_data_options`` (data.h)."""

    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("skip_bad_rows", c_int),
    ]


PROGRESS_FN = ctypes.CFUNCTYPE(None, c_int64, c_int64, c_void_p)


class ApplyOptions(ctypes.Structure):
    """``chorus_apply_options`` (lf.h)."""

    _fields_ = [
        ("version", c_uint),
        ("n_threads", c_int),
        ("progress", PROGRESS_FN),
        ("progress_ctx", c_void_p),
    ]


class ReadOptions(ctypes.Structure):
    """``chorus_read_options`` (io.h); :func:`read_options` gives CHORUS_READ_OPTIONS_INIT."""

    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("n_classes", c_int32),
        ("n_items", c_int64),
        ("n_lfs", c_int32),
        ("verify_checksum", c_int),
        ("use_mmap", c_int),
        ("duplicates", c_int),
        ("class_names", POINTER(c_char_p)),
        ("header", c_int),
        ("abstain_value", c_int32),
    ]


def read_options() -> ReadOptions:
    """A ReadOptions holding CHORUS_READ_OPTIONS_INIT (format auto, duplicates all)."""
    return ReadOptions(READ_OPTIONS_VERSION, 0, 0, 0, 0, 1, 1, 0, None, 0, ABSTAIN)


class ReviewHoldout(ctypes.Structure):
    """``chorus_review_holdout_result`` (review.h): held-out scores of review answers."""

    _fields_ = [
        ("n_answers", c_int64),
        ("n_folds", c_int32),
        ("n_correct", c_int64),
        ("accuracy", c_double),
        ("positive_class", c_int32),
        ("positive_f1", c_double),
    ]


#: Folds of the held-out scores of review answers, as ``chorus fit --review`` uses.
REVIEW_FOLDS = 5


class FitOptions(ctypes.Structure):
    """``chorus_fit_options``; :func:`fit_options` gives the CHORUS_FIT_OPTIONS_INIT values."""

    _fields_ = [
        ("version", c_uint),
        ("type", c_int),
        ("n_threads", c_int),
        ("seed", c_uint64),
        ("smoothing", c_double),
        ("prior_smoothing", c_double),
        ("max_iter", c_int),
        ("tol", c_double),
        ("restarts", c_int),
        ("class_prior", c_int),
        ("class_balance", POINTER(c_double)),
        ("gold", POINTER(c_int32)),
        ("n_gold", c_int64),
        ("lf_group", POINTER(c_int32)),
        ("learn_structure", c_int),
        # Version 3: a chorus_fit_progress_fn called after every EM iteration, and its ctx.
        ("progress", c_void_p),
        ("progress_ctx", c_void_p),
        # Version 4: fit LFs that vote alike on every item apart.
        ("keep_copies", c_int),
    ]


class FitProgress(ctypes.Structure):
    """``chorus_fit_progress`` (model.h): where a fit is, after every EM iteration."""

    _fields_ = [
        ("start", c_int),
        ("n_starts", c_int),
        ("iteration", c_int),
        ("max_iter", c_int),
        ("log_posterior", c_double),
        ("change", c_double),
        ("converged", c_int),
    ]


FIT_PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.POINTER(FitProgress), c_void_p)


def fit_options() -> FitOptions:
    """A FitOptions holding CHORUS_FIT_OPTIONS_INIT."""
    return FitOptions(FIT_OPTIONS_VERSION, ModelType.AUTO, 0, 0, -1.0, -1.0, 500, 1e-7, 0,
                      ClassPrior.LEARNED, None, None, 0, None, 0, None, None, 0)


class EvalOptions(ctypes.Structure):
    """``chorus_eval_options``."""

    _fields_ = [
        ("version", c_uint),
        ("tie_break", c_int),
        ("positive_class", c_int32),
        ("n_bins", c_int32),
    ]


class Metrics(ctypes.Structure):
    """``chorus_metrics`` (eval.h)."""

    _fields_ = [
        ("n_classes", c_int32),
        ("n_items", c_int64),
        ("n_gold", c_int64),
        ("n_unpredicted", c_int64),
        ("n_covered", c_int64),
        ("n_labeled", c_int64),
        ("n_correct", c_int64),
        ("n_tied", c_int64),
        ("accuracy", c_double),
        ("vote_coverage", c_double),
        ("label_coverage", c_double),
        ("macro_f1", c_double),
        ("positive_class", c_int32),
        ("positive_f1", c_double),
        ("brier", c_double),
        ("ece", c_double),
        ("log_loss", c_double),
        ("precision", POINTER(c_double)),
        ("recall", POINTER(c_double)),
        ("f1", POINTER(c_double)),
        ("support", POINTER(c_int64)),
        ("confusion", POINTER(c_int64)),
        ("n_bins", c_int32),
        ("bin_count", POINTER(c_int64)),
        ("bin_confidence", POINTER(c_double)),
        ("bin_accuracy", POINTER(c_double)),
        ("covered_confusion", POINTER(c_int64)),
        ("covered_correct", c_int64),
        ("covered_accuracy", c_double),
        ("covered_macro_f1", c_double),
        ("covered_positive_f1", c_double),
    ]


class FitCheck(ctypes.Structure):
    """``chorus_fit_check`` (model.h): the gold-free check of a fit."""

    _fields_ = [
        ("n_covered", c_int64),
        ("n_unanimous", c_int64),
        ("n_unanimous_overruled", c_int64),
        ("n_clear_majority", c_int64),
        ("n_majority_overruled", c_int64),
        ("prior_distance", c_double),
        ("n_lfs_disagreeing", c_int32),
        ("worse_than_majority", c_int),
        ("fell_back", c_int),
        ("heldout_ran", c_int),
        ("heldout_lfs", c_int32),
        ("heldout_votes", c_int64),
        ("heldout_model_agreement", c_double),
        ("heldout_majority_agreement", c_double),
        ("heldout_prefers_majority", c_int),
        ("heldout_tie_votes", c_int64),
        ("heldout_tie_model_agreement", c_double),
        ("heldout_tie_specific_agreement", c_double),
        ("ties_to_specific", c_int),
        ("agreement_votes", c_int64),
        ("disagreeing_lf_votes", c_int64),
        ("refitted_pooled", c_int),
        ("refit_disagreeing_share", c_double),
        ("n_one_lf_classes", c_int32),
        ("heldout_votes_ran", c_int),
        ("heldout_votes_scored", c_int64),
        ("heldout_votes_agreement", c_double * HELDOUT_VOTES_MODELS),
        ("heldout_votes_first", c_int),
        ("heldout_votes_switched", c_int),
        ("n_uncovered_unsettled", c_int32),
    ]


class Candidate(ctypes.Structure):
    """``chorus_candidate`` (model.h): one model a dev-set selection tried."""

    _fields_ = [
        ("type", c_int),
        ("smoothing", c_double),
        ("class_prior", c_int),
        ("keep_unanimous", c_int),
        ("is_default", c_int),
        ("dev_score", c_double),
        ("fit_on_dev", c_int),
    ]


class SelectOptions(ctypes.Structure):
    """``chorus_select_options`` (select.h); :func:`select_options` gives the
    CHORUS_SELECT_OPTIONS_INIT values."""

    _fields_ = [
        ("version", c_uint),
        ("metric", c_int),
        ("positive_class", c_int32),
    ]


def select_options() -> SelectOptions:
    """A SelectOptions holding CHORUS_SELECT_OPTIONS_INIT."""
    return SelectOptions(SELECT_OPTIONS_VERSION, SelectMetric.ACCURACY, 1)


class Dependency(ctypes.Structure):
    """``chorus_dependency`` (model.h): a pair of LFs structure learning found dependent."""

    _fields_ = [
        ("lf_a", c_int32),
        ("lf_b", c_int32),
        ("strength", c_double),
        ("observed", c_int64),
        ("expected", c_double),
    ]


class LFSummary(ctypes.Structure):
    """``chorus_lf_summary`` (analyze.h)."""

    _fields_ = [
        ("n_lfs", c_int32),
        ("n_classes", c_int32),
        ("n_items", c_int64),
        ("polarity", POINTER(c_uint8)),
        ("coverage", POINTER(c_double)),
        ("overlaps", POINTER(c_double)),
        ("conflicts", POINTER(c_double)),
        ("n_votes", POINTER(c_int64)),
        ("correct", POINTER(c_int64)),
        ("incorrect", POINTER(c_int64)),
        ("empirical_accuracy", POINTER(c_double)),
        ("learned_accuracy", POINTER(c_double)),
        ("set_coverage", c_double),
        ("set_overlap", c_double),
        ("set_conflict", c_double),
        ("has_gold", c_int),
        ("has_model", c_int),
        ("group", POINTER(c_int32)),
        ("n_groups", c_int32),
        ("dependencies", POINTER(Dependency)),
        ("n_dependencies", c_int32),
        ("copy_of", POINTER(c_int32)),
    ]
