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
from .baselines import MajorityClassVoter, RandomVoter
from .label_model import METRICS, LabelModel, MajorityLabelVoter
from .labeling import (LabelingFunction, LFApplier, PandasLFApplier, Preprocessor,
                       labeling_function, preprocessor)
from .spec import AppliedLFs, LFSet, apply_spec, hstack_votes, load_spec
from .utils import covered_items, filter_unlabeled, filter_unlabeled_dataframe, labeled_mask
from .votes_file import VotesFile, read_votes, write_votes

ABSTAIN = -1
__version__ = "0.1.0"

__all__ = [
    "ABSTAIN", "AppliedLFs", "ChorusError", "ChorusInputError", "ChorusInternalError",
    "ChorusIOError", "ChorusMemoryError", "ChorusRemoteError", "ChorusWriteError", "ClassPrior",
    "LFAnalysis", "LFApplier", "LFSet", "LabelModel", "LabelingFunction", "LibraryNotFoundError",
    "LogLevel", "METRICS", "MajorityClassVoter", "MajorityLabelVoter", "ModelType", "Ownership",
    "PandasLFApplier", "Preprocessor", "RandomVoter", "Status", "TieBreak", "VotesFile",
    "apply_spec", "covered_items", "filter_unlabeled", "filter_unlabeled_dataframe",
    "hstack_votes", "labeled_mask", "labeling_function", "library_path", "load_spec",
    "preprocessor", "read_votes", "version", "write_votes",
]
