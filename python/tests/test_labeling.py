"""Python labeling functions, Snorkel's way: the decorator, resources, preprocessors and
the appliers' label matrix."""

import io
import os
import subprocess
import sys
import unittest
from contextlib import redirect_stderr
from types import SimpleNamespace
from unittest import mock

import numpy as np

from chorus import (ABSTAIN, LabelModel, LFApplier, PandasLFApplier, labeling_function,
                    preprocessor)
from support import has_module, needs_pandas, youtube

HAM, SPAM = 0, 1


@labeling_function()
def lf_link(x):
    return SPAM if "http" in x.text else ABSTAIN


@labeling_function(name="has_word", resources=dict(words={"free", "win"}))
def lf_words(x, words):
    return SPAM if words & set(x.text.lower().split()) else ABSTAIN


@preprocessor()
def lower_text(x):
    return SimpleNamespace(text=x.text.lower(), n_words=len(x.text.split()))


@labeling_function(pre=[lower_text])
def lf_short(x):
    return HAM if x.n_words < 3 else ABSTAIN


POINTS = [SimpleNamespace(text=t) for t in
          ["Win a FREE phone http://x", "nice song", "see http://y now please", "Great"]]
# Each LF on each point, reasoned from the texts: lf_link sees "http" in 0 and 2;
# has_word sees "win" and "free" (lowercased) only in 0; lf_short sees 2 words in 1 and 1 in 3.
EXPECTED = np.array([[SPAM, SPAM, ABSTAIN],
                     [ABSTAIN, ABSTAIN, HAM],
                     [SPAM, ABSTAIN, ABSTAIN],
                     [ABSTAIN, ABSTAIN, HAM]])


class LabelingFunctionTest(unittest.TestCase):
    def test_decorator_names_resources_and_pre(self) -> None:
        self.assertEqual([lf_link.name, lf_words.name, lf_short.name],
                         ["lf_link", "has_word", "lf_short"])
        self.assertEqual(lf_words(POINTS[0]), SPAM)
        self.assertEqual(lf_short(POINTS[1]), HAM)  # the preprocessor ran first
        with self.assertRaisesRegex(TypeError, "parentheses"):
            labeling_function(lambda x: 0)

    def test_lf_applier_gives_snorkels_L(self) -> None:
        L = LFApplier([lf_link, lf_words, lf_short]).apply(POINTS, progress_bar=False)
        self.assertEqual(L.dtype, np.int64)
        np.testing.assert_array_equal(L, EXPECTED)

    def test_memoized_preprocessor_runs_once_per_point(self) -> None:
        calls = []

        @preprocessor(memoize=True)
        def count(x):
            calls.append(x)
            return x

        lfs = [labeling_function(name=f"lf{j}", pre=[count])(lambda x: ABSTAIN)
               for j in range(3)]
        LFApplier(lfs).apply(POINTS, progress_bar=False)
        self.assertEqual(len(calls), len(POINTS))

    def test_bad_vote_names_the_lf_and_point(self) -> None:
        bad = labeling_function(name="returns_text")(lambda x: "SPAM" if x.text == "Great" else -1)
        with self.assertRaisesRegex(ValueError, r"'returns_text' returned 'SPAM' on data point 3"):
            LFApplier([bad]).apply(POINTS, progress_bar=False)
        below = labeling_function(name="minus_two")(lambda x: -2)
        with self.assertRaisesRegex(ValueError, "'minus_two' returned -2 on data point 0"):
            LFApplier([below]).apply(POINTS, progress_bar=False)

    def test_fault_tolerant_abstains_and_counts(self) -> None:
        def fails_on_short(x):
            return SPAM if len(x.text) > 10 else 1 // 0

        lf = labeling_function(name="fragile")(fails_on_short)
        with self.assertRaises(ZeroDivisionError):
            LFApplier([lf]).apply(POINTS, progress_bar=False)
        applier = LFApplier([lf])
        L = applier.apply(POINTS, progress_bar=False, fault_tolerant=True)
        np.testing.assert_array_equal(L[:, 0], [SPAM, ABSTAIN, SPAM, ABSTAIN])
        self.assertEqual(applier.fault_counts, {"fragile": 2})

    def test_duplicate_names_are_refused(self) -> None:
        with self.assertRaisesRegex(ValueError, "two labeling functions are named 'lf_link'"):
            LFApplier([lf_link, lf_link])

    def test_progress_bar_is_silent_without_tqdm(self) -> None:
        err = io.StringIO()
        with mock.patch.dict(sys.modules, {"tqdm": None}), redirect_stderr(err):
            L = LFApplier([lf_link]).apply(POINTS, progress_bar=True)
        np.testing.assert_array_equal(L[:, 0], EXPECTED[:, 0])
        self.assertEqual(err.getvalue(), "")

    def test_import_needs_neither_pandas_nor_tqdm(self) -> None:
        probe = ("import sys, chorus; "
                 "print(sorted(m for m in ('pandas', 'tqdm') if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", probe], env=os.environ, check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(out.strip(), "[]")

    @unittest.skipUnless(has_module("tqdm"), "tqdm is not installed")
    def test_progress_bar_with_tqdm(self) -> None:
        err = io.StringIO()
        with redirect_stderr(err):
            LFApplier([lf_link]).apply(POINTS, progress_bar=True)
        self.assertIn("4/4", err.getvalue())


@needs_pandas
class PandasLFApplierTest(unittest.TestCase):
    def test_rows_are_series(self) -> None:
        import pandas as pd

        df = pd.DataFrame({"text": [p.text for p in POINTS]}, index=[10, 11, 12, 13])
        L = PandasLFApplier([lf_link, lf_words, lf_short]).apply(df, progress_bar=False)
        np.testing.assert_array_equal(L, EXPECTED)
        self.assertEqual(PandasLFApplier([lf_link]).apply(df.iloc[:0], progress_bar=False).shape,
                         (0, 1))


if __name__ == "__main__":
    unittest.main()


class FitProgressTest(unittest.TestCase):
    """LabelModel.fit's tqdm bar, fed by the library's progress callback after every EM
    iteration: one step per iteration, the bar full when the fit ends, the result the same."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.L, _ = youtube("train")

    @unittest.skipUnless(has_module("tqdm"), "tqdm is not installed")
    def test_fit_shows_a_bar_and_gives_the_same_model(self) -> None:
        err = io.StringIO()
        with redirect_stderr(err):
            shown = LabelModel(cardinality=2).fit(self.L, progress_bar=True, max_iter=200)
        self.assertIn("fit:", err.getvalue())
        self.assertIn("200/200", err.getvalue())  # filled once the fit converged
        self.assertIn("log_posterior=", err.getvalue())
        err = io.StringIO()
        with redirect_stderr(err):
            quiet = LabelModel(cardinality=2).fit(self.L, progress_bar=False, max_iter=200)
        self.assertEqual(err.getvalue(), "")
        np.testing.assert_array_equal(shown.predict_proba(self.L), quiet.predict_proba(self.L))

    def test_fit_is_silent_without_tqdm(self) -> None:
        err = io.StringIO()
        with mock.patch.dict(sys.modules, {"tqdm": None}), redirect_stderr(err):
            LabelModel(cardinality=2).fit(self.L, progress_bar=True)
        self.assertEqual(err.getvalue(), "")
