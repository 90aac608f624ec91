"""chorus: weak-supervision label models in C, with a Snorkel-shaped Python API.

Switching from Snorkel is one line::

    from chorus import LabelModel   # was: from snorkel.labeling.model import LabelModel

The library is found through CHORUS_LIBRARY, next to this package, in the source tree's
build*/ folders, or by ctypes.util.find_library("chorus"). Its diagnostics go to the
``chorus`` logger.
"""

from ._capi import ClassPrior, LogLevel, ModelType, Ownership, TieBreak, library_path, version
from .analysis import LFAnalysis
from .errors import (ChorusError, ChorusInputError, ChorusInternalError, ChorusIOError,
                     ChorusMemoryError, ChorusRemoteError, ChorusWriteError, LibraryNotFoundError,
                     Status)
from .label_model import METRICS, LabelModel, MajorityLabelVoter
from .utils import covered_items, filter_unlabeled, filter_unlabeled_dataframe, labeled_mask

ABSTAIN = -1
__version__ = "0.1.0"

__all__ = [
    "ABSTAIN", "ChorusError", "ChorusInputError", "ChorusInternalError", "ChorusIOError",
    "ChorusMemoryError", "ChorusRemoteError", "ChorusWriteError", "ClassPrior", "LFAnalysis",
    "LabelModel", "LibraryNotFoundError", "LogLevel", "METRICS", "MajorityLabelVoter", "ModelType",
    "Ownership", "Status", "TieBreak", "covered_items", "filter_unlabeled",
    "filter_unlabeled_dataframe", "labeled_mask", "library_path", "version",
]
