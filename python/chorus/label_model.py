"""Snorkel-shaped label models: :class:`LabelModel` and :class:`MajorityLabelVoter`."""

from __future__ import annotations

import ctypes
import os
import tempfile
import weakref
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _capi, _crowd, _review
from ._capi import ClassPrior, ModelType, SelectMetric, check, lib, logger
from ._convert import VoteMatrix, as_doubles, as_int32, labels
from ._labeler import METRICS, Labeler

# Snorkel's optimizer settings: accepted so Snorkel code runs unchanged, meaningless for EM.
_SNORKEL_TRAIN_OPTIONS = frozenset({
    "lr", "l2", "optimizer", "optimizer_config", "lr_scheduler", "lr_scheduler_config",
    "log_freq", "mu_eps", "prec_init", "progress_bar", "device",
})

PathLike = Union[str, "os.PathLike[str]"]

_PRIOR_NAMES = {ClassPrior.LEARNED: "learned", ClassPrior.FIXED: "fixed",
                ClassPrior.FROM_GOLD: "gold"}  # as model.json's "selection" names them


class _FitBar:
    """A tqdm bar fed by the fit's progress callback: one step per EM iteration of each
    start; a start that converges early fills its share of the bar. Nothing without tqdm."""

    def __init__(self, opts: Any) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = None
            return
        self.max_iter = max(int(opts.max_iter), 1)
        self.bar = tqdm(total=self.max_iter * (int(opts.restarts) + 1), desc="fit", unit="it")
        self.callback = _capi.FIT_PROGRESS_FN(self._step)  # kept alive with the bar
        opts.progress = ctypes.cast(self.callback, ctypes.c_void_p)

    def _step(self, progress: Any, _ctx: Any) -> None:
        p = progress.contents
        done = p.start * self.max_iter + (self.max_iter if p.converged else p.iteration)
        self.bar.update(max(done - self.bar.n, 0))
        self.bar.set_postfix(log_posterior=f"{p.log_posterior:.6g}", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()


class LabelModel(Labeler):
    """A label model fitted by EM, a drop-in for ``snorkel.labeling.model.LabelModel``.

    Args:
        cardinality: number of classes (votes are 0..cardinality-1, -1 abstains).
        model: "auto" (default), "ds", "ds-noabstain", "class-acc", "onecoin", "pooled" or "mv";
            see README.md "Label model".
        smoothing: strength of the prior on each LF (pseudo-counts); None for the
            library's default (1).
        verbose: log a line about each fit at INFO level on the ``chorus`` logger.
        device: accepted for Snorkel compatibility and ignored (chorus runs on CPU threads).
    """

    def __init__(self, cardinality: int = 2, model: Union[str, ModelType] = "auto",
                 smoothing: Optional[float] = None, verbose: bool = False,
                 device: str = "cpu") -> None:
        self.cardinality = int(cardinality)
        self.model = model
        self._requested = _capi.parse_model_type(model)  # fails early on a bad name
        self.smoothing = smoothing
        self.verbose = verbose
        self._handle: Optional["ctypes._Pointer"] = None
        self._finalizer: Optional[weakref.finalize] = None
        #: The gold-free check of the last fit (a dict, see :meth:`fit`), or None.
        self.fit_check: Optional[Dict[str, Any]] = None
        self.converged: Optional[bool] = None
        #: LFs fitted as one source with another, {copy's column: original's column}: they
        #: voted exactly alike on every item (see ``keep_copies`` of :meth:`fit`).
        self.lf_copies: Dict[int, int] = {}
        #: The candidates of a dev-set selection (a list of dicts, see :meth:`fit`), or None.
        self.selection: Optional[List[Dict[str, Any]]] = None
        #: The index in :attr:`selection` of the chosen candidate, or None.
        self.selection_chosen: Optional[int] = None
        #: The metric the selection scored on the dev set ("accuracy", ...), or None.
        self.selection_metric: Optional[str] = None
        #: How many dev items with a label the selection scored, or None.
        self.selection_dev_items: Optional[int] = None
        #: How many review answers the last fit clamped (review=), or None.
        self.review_answers: Optional[int] = None
        #: The held-out scores of those answers (a dict, see :meth:`fit`), or None.
        self.review_holdout: Optional[Dict[str, Any]] = None

    # Fitting

    def fit(self, L_train: Any, Y_dev: Optional[Any] = None,
            class_balance: Optional[Sequence[float]] = None, progress_bar: bool = True, *,
            L_dev: Optional[Any] = None, dev_metric: Union[str, SelectMetric] = "accuracy",
            positive: int = 1, n_epochs: Optional[int] = None, max_iter: int = 500,
            tol: float = 1e-7, restarts: int = 0, seed: int = 0, n_threads: int = 0,
            gold: Optional[Any] = None, groups: Optional[Sequence[int]] = None,
            learn_structure: bool = False, keep_copies: bool = False,
            review: Optional[Union[PathLike, Sequence[PathLike]]] = None,
            review_class_names: Optional[Sequence[str]] = None,
            review_items: Optional[Sequence[Any]] = None,
            **snorkel_options: Any) -> "LabelModel":
        """Fits the model to the votes L_train, without gold labels. Returns self.

        Args:
            L_train: n x m label matrix (-1 abstains), or a scipy.sparse matrix.
            Y_dev: labels of a dev set (-1 unknown). With L_dev, the dev set's labels, one
                per row of L_dev: the model is chosen on that dev set (below). Without
                L_dev, as in Snorkel: only the class prior is fixed to their class shares
                (every class must occur), and ignored if class_balance is given. To steer
                the fit with known labels of *training* items, use gold=.
            class_balance: a fixed class prior (cardinality probabilities summing to 1).
                Without it (and without Y_dev) chorus learns the prior; Snorkel assumes a
                uniform one.
            progress_bar: a tqdm bar over the EM iterations when tqdm is installed (silent
                otherwise, and for a dev-set selection, whose fits are many and short).
            L_dev: the votes of a labelled dev set (the LFs of L_train). With Y_dev,
                every candidate (majority vote, and each EM model with three smoothing
                strengths and a learned or uniform class prior) is fitted on L_train
                without gold, scored on L_dev against Y_dev, and the best one is kept
                (ties go to the simpler candidate), as ``chorus fit --dev-votes --dev-gold``
                does; the constructor's model and smoothing are then not used. See
                :attr:`selection`.
            dev_metric: what the selection scores: "accuracy" (ties broken by the hash of
                the row, as WRENCH), "macro-f1", or "f1" (of class ``positive``).
            positive: the positive class for ``dev_metric="f1"``.
            n_epochs: Snorkel's name for max_iter (EM iterations); wins if given.
            max_iter, tol, restarts, seed: EM settings (README.md "Fitting").
            n_threads: OpenMP threads, 0 for the default; results do not depend on it.
            gold: a label per item of L_train (-1 unknown), clamped during the fit.
            groups: a dependency-group id per LF (0, 1, ...; -1 for none): the LFs of a
                group are modelled jointly (README.md "Correlated sources").
            learn_structure: find dependent LFs from the votes and model them jointly.
            keep_copies: fit LFs that vote exactly alike on every item (50 votes or more)
                as separate sources; by default each such set is one source
                (README.md "Correlated sources").
            review: a filled-in review file (``chorus select``'s CSV or JSONL; README.md
                "Review"), or a list of them, merged: the answers are clamped as gold labels
                with gold= (an answer contradicting a gold label is an error), as
                ``chorus fit --review`` does, and scored held out (:attr:`review_holdout`).
                Items are the rows of L_train from 0, or review_items; answers are class
                indices, or review_class_names. A bad file raises FormatError naming the
                file and line.
            review_class_names: the names of classes 0..cardinality-1 the answers use
                (e.g. ["HAM", "SPAM"]).
            review_items: the id of each row of L_train as the review files name items
                (the data ids ``chorus select`` wrote), when they are not row numbers.
            **snorkel_options: Snorkel's optimizer settings (lr, l2, optimizer, log_freq,
                ...) are accepted and ignored; anything else is a TypeError.

        After the fit, :attr:`converged` says whether EM settled before ``max_iter`` (False
        for a fit cut off there, whose labels can still change with more iterations; a
        warning is logged; None for majority vote), and :attr:`fit_check` holds the
        library's gold-free check of the model against the training votes (None for
        majority vote): n_covered, n_unanimous,
        n_unanimous_overruled, n_clear_majority, n_majority_overruled, prior_distance,
        n_lfs_disagreeing, agreement_votes, disagreeing_lf_votes (the votes the LFs'
        agreement is measured on, and those of the disagreeing LFs), refitted_pooled (None,
        or {disagreeing_share} when the default refitted a crowd model of sparse workers
        as "pooled"), one_lf_classes (the classes at most one LF votes for, when two or
        more: items without votes get equal shares of them), uncovered_unsettled_classes (the
        classes the votes do not settle the items without votes among, when two or more:
        those items get equal shares of them too), worse_than_majority, fell_back
        and heldout (None, or the
        held-out-LF check as a dict {lfs_left_out, votes, model_agreement,
        majority_vote_agreement, prefers_majority_vote, tie_votes, tie_model_agreement,
        tie_specific_lfs_agreement, ties_to_specific_lfs}), heldout_votes (None, or the
        held-out-vote choice among the models for LFs that vote several classes, as a dict
        {votes, agreement ({model name: share of the hidden votes its labels name}),
        first_model, switched}). When the default model ("auto")
        overrules the unanimous vote on more than a fifth of the items where every vote
        agrees, or the held-out-LF check finds majority vote naming the left-out LFs' votes
        more often than the refitted model by more than a point, the items with votes get
        majority vote instead (ties leaning to the LFs that fire least often) and the items
        without any keep the model's estimate (fell_back); a WARNING says so on the ``chorus`` logger. After a dev-set selection, :attr:`selection` lists the
        candidates as dicts {model, smoothing (None for majority vote), class_prior
        ("learned" or "fixed"), dev_score}, :attr:`selection_chosen` is the index of the
        one kept, :attr:`selection_metric` the metric and :attr:`selection_dev_items` the
        number of labelled dev items scored; otherwise all are None. With review=,
        :attr:`review_answers` is the number of answers clamped and :attr:`review_holdout`
        their held-out scores, as ``chorus fit --review`` prints them: a dict {n_answers,
        n_folds, n_correct, accuracy, positive_class, positive_f1} (the F1 of class 1 for
        two classes, else None), each of 5 folds of the shuffled answers (seed) labelled by
        a fit of the same model with the other folds' answers and gold= clamped; None with
        fewer than 2 answers. Without review= both are None.
        """
        unknown = sorted(set(snorkel_options) - _SNORKEL_TRAIN_OPTIONS)
        if unknown:
            raise TypeError(f"fit() got unexpected keyword argument(s): {', '.join(unknown)}")
        if snorkel_options:
            logger.debug("ignoring Snorkel optimizer options %s: chorus fits by EM",
                         ", ".join(sorted(snorkel_options)))
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        selecting = L_dev is not None
        select = _capi.select_options()
        select.metric = _capi.parse_select_metric(dev_metric)  # the library's message if bad
        select.positive_class = int(positive)
        if not selecting and (select.metric != SelectMetric.ACCURACY or positive != 1):
            raise ValueError("dev_metric and positive choose the model on a labelled dev set: "
                             "pass its votes as L_dev and its labels as Y_dev")
        if selecting and (self._requested != ModelType.AUTO or self.smoothing is not None):
            logger.warning("fit: model=%r and smoothing=%r are not used with L_dev, which tries "
                           "every model and smoothing", self.model, self.smoothing)
        opts = _capi.fit_options()
        opts.type = self._requested
        opts.n_threads = int(n_threads)
        opts.seed = int(seed)
        opts.max_iter = int(n_epochs if n_epochs is not None else max_iter)
        opts.tol = float(tol)
        opts.restarts = int(restarts)
        if self.smoothing is not None:
            opts.smoothing = float(self.smoothing)
        opts.learn_structure = int(bool(learn_structure))
        opts.keep_copies = int(bool(keep_copies))
        group_ids = None
        if groups is not None:
            group_ids = np.ascontiguousarray(np.asarray(groups), dtype=np.int32)
            if group_ids.ndim != 1:
                raise ValueError("groups must be one group id per labeling function")
            opts.lf_group = group_ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int32))
        balance = self._class_balance(class_balance, None if selecting else Y_dev)
        if balance is not None:
            opts.class_prior = ClassPrior.FIXED
            opts.class_balance = balance.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        # The dev labels go to the library as given: it checks them against the dev votes.
        dev_gold = (as_int32(np.ravel(np.asarray(Y_dev)), "Y_dev", 1)
                    if selecting and Y_dev is not None else None)
        model = ctypes.POINTER(_capi.Model)()
        review_paths = None if review is None else _review.review_paths(review)
        answers = None
        with VoteMatrix(L_train, self.cardinality) as votes:
            if group_ids is not None and group_ids.shape[0] != votes.n_lfs:
                raise ValueError(f"groups has {group_ids.shape[0]} entries for {votes.n_lfs} "
                                 "labeling functions")
            gold_labels = labels(gold, votes.n_items, "gold")
            clamped = gold_labels
            if review_paths is not None:
                _review.name_votes(votes, review_class_names, review_items, self.cardinality)
                answers, clamped = _review.review_answers(review_paths, votes, gold_labels)
            if clamped is not None:
                opts.gold = clamped.ctypes.data_as(ctypes.POINTER(ctypes.c_int32))
                opts.n_gold = clamped.shape[0]
            if selecting:
                with VoteMatrix(L_dev, self.cardinality) as dev, \
                        _capi.log_as_debug("dev-set selection, fitting a candidate"):
                    check(lib.chorus_model_select(
                        ctypes.byref(model), votes.handle, ctypes.byref(opts), dev.handle,
                        None if dev_gold is None
                        else dev_gold.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                        0 if dev_gold is None else dev_gold.shape[0], ctypes.byref(select)))
                if lib.chorus_model_classes_permuted(model):  # said above only at DEBUG
                    logger.warning("the fitted classes disagreed with the votes about what "
                                   "each class is; relabelled them to agree")
            else:
                bar = _FitBar(opts) if progress_bar else None
                try:
                    check(lib.chorus_model_fit(ctypes.byref(model), votes.handle,
                                               ctypes.byref(opts)))
                finally:
                    if bar is not None:
                        bar.close()
            n_items = votes.n_items
            review_holdout = None
            if answers is not None:
                try:  # scored before the model is kept, as chorus fit does
                    review_holdout = _review.holdout(votes, answers, opts,
                                                     lib.chorus_model_get_type(model), gold_labels)
                    check(lib.chorus_model_set_review_answers(
                        model, int(np.count_nonzero(answers >= 0))))
                except BaseException:
                    lib.chorus_model_free(model)
                    raise
            # What was fitted and checked: for "auto", what it chose on these votes.
            checked = lib.chorus_model_get_type(model)
            if self._requested == ModelType.AUTO and not selecting:
                checked = lib.chorus_model_auto_choice(votes.handle)
        self._own(model)
        self._read_results()
        self.review_answers = None if answers is None else int(np.count_nonzero(answers >= 0))
        self.review_holdout = review_holdout
        n_iter = ctypes.c_int32(0)
        lib.chorus_model_trace(model, ctypes.byref(n_iter))
        # A model fitted on the dev labels was fitted on the dev items: its check counts
        # those, and so do the log lines.
        fitted_items = int(lib.chorus_model_fit_n_items(model))
        on_dev = (self.selection is not None and self.selection_chosen is not None
                  and self.selection[self.selection_chosen]["fit_on_dev"])
        if self.verbose:
            logger.info("fit %s on %d %sitems x %d LFs, %d classes, %d EM iterations",
                        self.model_type, fitted_items, "dev " if on_dev else "",
                        lib.chorus_model_n_lfs(model), self.cardinality, n_iter.value)
            self._log_selection()
        if self.converged is False:
            logger.warning("fit: EM stopped at the iteration limit (%d) before converging; "
                           "max_iter raises the limit", n_iter.value)
        self._log_check(_capi.model_type_name(checked))
        if self.verbose:
            self._log_uncovered(fitted_items)
        return self

    def _log_uncovered(self, n_items: int) -> None:
        """As ``chorus fit`` says: how many items have no vote, when a tenth or more, and
        what each of them gets."""
        c = self.fit_check
        if c is None or n_items <= 0 or 10 * (n_items - c["n_covered"]) < n_items:
            return
        uncovered = n_items - c["n_covered"]
        n_lfs = int(lib.chorus_model_n_lfs(self._fitted()))
        q = self.predict_proba(np.full((1, n_lfs), -1, dtype=np.int32))[0]
        top = int(np.argmax(q))
        tied = int(np.sum(q >= q[top] - _capi.TIE_TOLERANCE))
        what = (f"each gets P = {q[top]:.3f} for each of {tied} classes, a coin" if tied > 1
                else f"each gets P = {q[top]:.3f} for class {top}: a guess the votes cannot "
                     "check")
        logger.info("fit: %d of the %d items (%.1f%%) have no vote; %s "
                    "(filter_unlabeled_dataframe leaves them out)", uncovered, n_items,
                    100.0 * uncovered / n_items, what)

    def _read_results(self) -> None:
        """Copies the fitted model's check and dev-set selection into the attributes."""
        model = self._fitted()
        self.review_answers = self.review_holdout = None  # fit() sets them after a review
        n_iter = ctypes.c_int32(0)
        lib.chorus_model_trace(model, ctypes.byref(n_iter))
        self.converged = (None if n_iter.value == 0
                          else bool(lib.chorus_model_converged(model)))
        self.lf_copies = {j: int(lib.chorus_model_lf_copy_of(model, j))
                          for j in range(lib.chorus_model_n_lfs(model))
                          if lib.chorus_model_lf_copy_of(model, j) >= 0}
        c = lib.chorus_model_check(model)
        self.fit_check = None if not c else {
            "n_covered": int(c.contents.n_covered),
            "n_unanimous": int(c.contents.n_unanimous),
            "n_unanimous_overruled": int(c.contents.n_unanimous_overruled),
            "n_clear_majority": int(c.contents.n_clear_majority),
            "n_majority_overruled": int(c.contents.n_majority_overruled),
            "prior_distance": float(c.contents.prior_distance),
            "n_lfs_disagreeing": int(c.contents.n_lfs_disagreeing),
            "agreement_votes": int(c.contents.agreement_votes),
            "disagreeing_lf_votes": int(c.contents.disagreeing_lf_votes),
            "refitted_pooled": None if not c.contents.refitted_pooled else {
                "disagreeing_share": float(c.contents.refit_disagreeing_share),
            },
            "one_lf_classes": [k for k in range(lib.chorus_model_n_classes(model))
                               if lib.chorus_model_one_lf_class(model, k)],
            "uncovered_unsettled_classes": [
                k for k in range(lib.chorus_model_n_classes(model))
                if lib.chorus_model_uncovered_unsettled_class(model, k)],
            "worse_than_majority": bool(c.contents.worse_than_majority),
            "fell_back": bool(c.contents.fell_back),
            "heldout": None if not c.contents.heldout_ran else {
                "lfs_left_out": int(c.contents.heldout_lfs),
                "votes": int(c.contents.heldout_votes),
                "model_agreement": float(c.contents.heldout_model_agreement),
                "majority_vote_agreement": float(c.contents.heldout_majority_agreement),
                "prefers_majority_vote": bool(c.contents.heldout_prefers_majority),
                "tie_votes": int(c.contents.heldout_tie_votes),
                "tie_model_agreement": float(c.contents.heldout_tie_model_agreement),
                "tie_specific_lfs_agreement": float(c.contents.heldout_tie_specific_agreement),
                "ties_to_specific_lfs": bool(c.contents.ties_to_specific),
            },
            "heldout_votes": None if not c.contents.heldout_votes_ran else {
                "votes": int(c.contents.heldout_votes_scored),
                "agreement": {
                    _capi.model_type_name(lib.chorus_heldout_votes_model(i)):
                        float(c.contents.heldout_votes_agreement[i])
                    for i in range(_capi.HELDOUT_VOTES_MODELS)},
                "first_model": _capi.model_type_name(c.contents.heldout_votes_first),
                "switched": bool(c.contents.heldout_votes_switched),
            },
        }
        n, chosen = ctypes.c_int32(0), ctypes.c_int32(0)
        candidates = lib.chorus_model_candidates(model, ctypes.byref(n), ctypes.byref(chosen))
        if not candidates:
            self.selection = self.selection_chosen = None
            self.selection_metric = self.selection_dev_items = None
            return
        self.selection = [{
            "model": _capi.model_type_name(cand.type),
            "smoothing": None if cand.smoothing < 0 else float(cand.smoothing),
            "class_prior": _PRIOR_NAMES[ClassPrior(cand.class_prior)],
            "keep_unanimous_votes": bool(cand.keep_unanimous),
            "default": bool(cand.is_default),
            "dev_score": float(cand.dev_score),
            "fit_on_dev": bool(cand.fit_on_dev),
        } for cand in candidates[:n.value]]
        self.selection_chosen = int(chosen.value)
        self.selection_metric = lib.chorus_model_selection_metric(model).decode()
        self.selection_dev_items = int(lib.chorus_model_selection_dev_items(model))

    def _log_selection(self) -> None:
        if self.selection is None or self.selection_chosen is None:
            return
        best = self.selection[self.selection_chosen]
        settings = ("" if best["smoothing"] is None else
                    f" (smoothing {best['smoothing']:g}, {best['class_prior']} prior)")
        if best["fit_on_dev"]:
            settings = (f" fitted on the dev labels ({best['class_prior']} prior; its score "
                        "is 5-fold cross-validated)")
        logger.info("dev-set selection: chose %s%s, %s %.4f on %d labelled dev items, the best "
                    "of %d candidates (ties go to the simpler one)", best["model"], settings,
                    self.selection_metric, best["dev_score"], self.selection_dev_items,
                    len(self.selection))

    def _log_check(self, checked: str) -> None:
        """What the gold-free check found, as ``chorus fit`` reports it on stderr."""
        c = self.fit_check
        if c is None:
            return
        overruled = 100.0 * c["n_unanimous_overruled"] / max(c["n_unanimous"], 1)
        h = c["heldout"]
        if c["refitted_pooled"] is not None:
            logger.info(
                "fit: fitted with a confusion table per labeling function, %.1f%% of the votes "
                "where the others have a clear majority came from LFs whose learned accuracy "
                "is more than %.1f from their agreement with the others (limit %.0f%%): too few "
                "votes each for a table of their own (sparse crowd workers), so the model was "
                "fitted again as pooled, in which such LFs share one table",
                100 * c["refitted_pooled"]["disagreeing_share"], _capi.CHECK_LF_GAP,
                100 * _capi.CHECK_DISAGREEING_VOTES_MAX)
        v = c["heldout_votes"]
        if v is not None and v["switched"]:
            logger.info(
                "fit: fitted first as %s; with the votes dealt into folds and each fold's votes "
                "hidden from the fit, the labels name the hidden votes: %s (of %d), so the "
                "model is %s, fitted on every vote", v["first_model"],
                ", ".join("%s %.1f%%" % (name, 100 * share)
                          for name, share in v["agreement"].items()), v["votes"], checked)
        if c["fell_back"] and not c["worse_than_majority"] and h is not None:
            logger.warning(
                "fit: with each of %d labeling functions left out in turn and the %s model "
                "fitted again on the others, its labels name the left-out LF's vote on %.1f%% "
                "of %d votes, and majority vote's on %.1f%%, so its labels are likely worse "
                "than majority vote: items with votes get majority vote, items without any keep "
                "the model's estimate (pass model=%r to keep it regardless)", h["lfs_left_out"],
                checked, 100 * h["model_agreement"], h["votes"],
                100 * h["majority_vote_agreement"], checked)
            return
        if c["fell_back"]:
            logger.warning(
                "fit: the fitted %s model overruled the unanimous vote on %.1f%% of the %d "
                "items where every vote agrees (limit %.0f%%), so its labels are likely worse "
                "than majority vote: items with votes get majority vote, items without any keep "
                "the model's estimate (pass model=%r to keep it regardless)", checked, overruled, c["n_unanimous"],
                100 * _capi.CHECK_UNANIMOUS_MAX, checked)
            return
        if c["worse_than_majority"]:
            logger.warning("fit: the model overrules the unanimous vote on %.1f%% of the %d "
                           "items where every vote agrees: its labels are likely worse than "
                           "majority vote", overruled, c["n_unanimous"])
        if not self.verbose:
            return
        if (not c["worse_than_majority"] and c["n_unanimous"] >= _capi.CHECK_MIN_ITEMS
                and overruled > 100 * _capi.CHECK_UNANIMOUS_WARN):
            logger.info("fit: the model overrules the unanimous vote on %.1f%% of the %d items "
                        "where every vote agrees", overruled, c["n_unanimous"])
        if c["prior_distance"] > _capi.CHECK_PRIOR_WARN:
            logger.info("fit: the learned class prior %s is %.2f from the majority-vote class "
                        "shares (total variation); pass class_balance if you know the balance",
                        np.round(self.class_prior, 3).tolist(), c["prior_distance"])
        if c["n_lfs_disagreeing"]:
            logger.info("fit: %d labeling functions have a learned accuracy more than %.1f from "
                        "their agreement with the other LFs (see lf_agreement())",
                        c["n_lfs_disagreeing"], _capi.CHECK_LF_GAP)

    def _class_balance(self, class_balance: Optional[Sequence[float]],
                       Y_dev: Optional[Any]) -> Optional[np.ndarray]:
        if class_balance is not None:
            return as_doubles(class_balance, self.cardinality, "class_balance")
        if Y_dev is None:
            return None
        y = np.ravel(np.asarray(Y_dev))
        y = y[y != -1]
        counts = np.bincount(y.astype(np.int64), minlength=self.cardinality) if y.size else []
        if len(counts) != self.cardinality or not np.all(counts):
            raise ValueError(
                f"Y_dev must hold every class 0..{self.cardinality - 1} (it only sets the class "
                "prior, as in Snorkel); to use known labels of training items, pass gold=")
        return counts / counts.sum()

    def _own(self, model: "ctypes._Pointer") -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._handle = model
        self._finalizer = weakref.finalize(self, lib.chorus_model_free, model)

    def _fitted(self) -> "ctypes._Pointer":
        if self._handle is None:
            raise RuntimeError("this LabelModel is not fitted yet: call fit() or load() first")
        return self._handle

    def _predict_probs(self, votes: VoteMatrix) -> "ctypes._Pointer":
        probs = ctypes.POINTER(_capi.Probs)()
        check(lib.chorus_model_predict(ctypes.byref(probs), self._fitted(), votes.handle))
        return probs

    # What was learned

    @property
    def model_type(self) -> str:
        """The model that was fitted ("ds", ...; what "auto" chose)."""
        return _capi.model_type_name(lib.chorus_model_get_type(self._fitted()))

    @property
    def class_prior(self) -> np.ndarray:
        """The class prior P(y), learned or fixed."""
        return np.ctypeslib.as_array(lib.chorus_model_prior(self._fitted()),
                                     shape=(self.cardinality,)).copy()

    def get_weights(self) -> np.ndarray:
        """Each LF's learned accuracy, P(its vote is right | it votes); NaN for "mv"."""
        model = self._fitted()
        return np.array([lib.chorus_model_lf_accuracy(model, j)
                         for j in range(lib.chorus_model_n_lfs(model))])

    def lf_agreement(self) -> np.ndarray:
        """Per LF, from the check of the fit: the share of the training items where it and
        another LF voted and the other LFs had one most-voted class on which that class is
        its vote. NaN where there are no such items and for a model without a check (majority
        vote asked for). An LF whose learned accuracy (:meth:`get_weights`) is far from it
        is one the model trusts more or less than the other LFs do."""
        model = self._fitted()
        return np.array([lib.chorus_model_lf_agreement(model, j)
                         for j in range(lib.chorus_model_n_lfs(model))])

    def get_conditional_probs(self) -> np.ndarray:
        """Snorkel's table of what each LF says given the true class: an (m, k + 1, k)
        array, [j, 0, y] = P(LF j abstains | Y = y) and [j, 1 + c, y] = P(LF j votes c |
        Y = y). For models in which abstains carry no signal ("ds-noabstain", "onecoin", "pooled")
        the abstain row is 0 and each class column sums to 1 over the votes cast; LFs
        modelled jointly in a dependency group have NaN (their group's table describes
        them together). ValueError for majority vote, which learns no table."""
        model = self._fitted()
        if lib.chorus_model_get_type(model) == ModelType.MV:
            raise ValueError("majority vote learns no conditional probabilities; fit an EM "
                             "model (model='ds', ...)")
        k, m = self.cardinality, int(lib.chorus_model_n_lfs(model))
        table = np.full((m, k + 1, k), np.nan)
        for j in range(m):
            confusion = lib.chorus_model_confusion(model, j)
            if not confusion or lib.chorus_model_lf_group(model, j) >= 0:
                continue
            given_y = np.ctypeslib.as_array(confusion, shape=(k, k + 1))  # [y][vote, abstain]
            table[j, 0, :] = given_y[:, k]
            table[j, 1:, :] = given_y[:, :k].T
        return table

    # crowd-kit's interface: a table of answers in, labels per task out

    def fit_predict_proba(self, data: Any, **fit_options: Any) -> Any:
        """Fits the model to crowd answers and returns each task's class probabilities, as
        crowd-kit's ``DawidSkene().fit_predict_proba(df)``.

        ``data`` is a pandas DataFrame with columns task, worker and label (any hashable
        ids; labels are class names, or class indices in an integer column; a missing label
        is no answer). Tasks, workers and labels are numbered in order of first appearance,
        as ``chorus fit`` numbers a triples CSV's names, so the probabilities equal the
        command line's on the same rows. A worker answering a task twice is a ValueError.
        ``fit_options`` are :meth:`fit`'s. Returns a DataFrame indexed by task (in order of
        first appearance) with a column per label; also kept as :attr:`probas_`.
        """
        answers = _crowd.Answers(data, self.cardinality)
        self.cardinality = answers.n_classes
        self.fit(answers.votes, **fit_options)
        probs = self.predict_proba(answers.votes)
        self.probas_ = answers.frame(probs)
        self.labels_ = answers.series(self.predict(answers.votes, tie_break_policy="random"))
        return self.probas_

    def fit_predict(self, data: Any, **fit_options: Any) -> Any:
        """Fits the model to crowd answers (see :meth:`fit_predict_proba`) and returns each
        task's label, as crowd-kit's ``fit_predict``: a pandas Series named agg_label indexed
        by task, ties broken by the deterministic hash (``tie_break_policy="random"``); also
        kept as :attr:`labels_`."""
        self.fit_predict_proba(data, **fit_options)
        return self.labels_

    # Persistence

    def save(self, destination: PathLike) -> None:
        """Writes the model as model.json (readable by ``chorus predict``)."""
        check(lib.chorus_model_save(self._fitted(), os.fsencode(destination)))

    def load(self, source: PathLike) -> "LabelModel":
        """Loads model.json (from :meth:`save` or ``chorus fit``) into this object, as in
        Snorkel: ``LabelModel().load(path)``. Returns self."""
        model = ctypes.POINTER(_capi.Model)()
        check(lib.chorus_model_load(ctypes.byref(model), os.fsencode(source)))
        self._own(model)
        self._read_results()
        self.cardinality = int(lib.chorus_model_n_classes(model))
        self.model = self.model_type
        self._requested = _capi.parse_model_type(self.model)
        return self

    def __getstate__(self) -> Dict[str, Any]:
        """Pickling (and copy.deepcopy) carries the fitted model as its model.json text."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("_handle", "_finalizer")}
        state["_model_json"] = None
        if self._handle is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "model.json")
                self.save(path)
                with open(path, encoding="utf-8") as f:
                    state["_model_json"] = f.read()
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        model_json = state.pop("_model_json", None)
        self.__dict__.update(lf_copies={}, fit_check=None, selection=None, selection_chosen=None,
                             selection_metric=None, selection_dev_items=None)
        self.__dict__.update(state, _handle=None, _finalizer=None)
        if model_json is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "model.json")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(model_json)
                self.load(path)
            self.model, self._requested = state["model"], state["_requested"]
            # model.json's "selection" is not read back by load(): keep the fitted one.
            for name in ("selection", "selection_chosen", "selection_metric",
                         "selection_dev_items"):
                setattr(self, name, state.get(name))

    def __repr__(self) -> str:
        fitted = f", fitted={self.model_type!r}" if self._handle is not None else ""
        return f"LabelModel(cardinality={self.cardinality}, model={self.model!r}{fitted})"


class MajorityLabelVoter(Labeler):
    """Majority vote, the baseline (``snorkel.labeling.model.MajorityLabelVoter``).

    An item's probabilities are the shares of its votes; items without votes get a uniform
    row. With ``tie_break_policy="random"`` its predictions are WRENCH's majority vote.
    """

    def __init__(self, cardinality: int = 2) -> None:
        self.cardinality = int(cardinality)

    def _predict_probs(self, votes: VoteMatrix) -> "ctypes._Pointer":
        opts = _capi.fit_options()
        opts.type = ModelType.MV
        model = ctypes.POINTER(_capi.Model)()
        check(lib.chorus_model_fit(ctypes.byref(model), votes.handle, ctypes.byref(opts)))
        try:
            probs = ctypes.POINTER(_capi.Probs)()
            check(lib.chorus_model_predict(ctypes.byref(probs), model, votes.handle))
            return probs
        finally:
            lib.chorus_model_free(model)

    def __repr__(self) -> str:
        return f"MajorityLabelVoter(cardinality={self.cardinality})"


__all__ = ["LabelModel", "MajorityLabelVoter", "METRICS"]
