"""LFAnalysis and filter_unlabeled, Snorkel-shaped."""

import sys
import unittest
from types import SimpleNamespace
from unittest import mock

import numpy as np

from chorus import (LabelModel, LFAnalysis, covered_items, filter_unlabeled,
                    filter_unlabeled_dataframe, labeled_mask)
from support import YOUTUBE, needs_pandas, needs_scipy, read_votes, youtube


class LFAnalysisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.names, cls.L = read_votes(YOUTUBE / "train/votes.csv")
        _, cls.Y = youtube("train")

    def summary_as_dict(self, **kwargs: object) -> dict:
        with mock.patch.dict(sys.modules, {"pandas": None}):  # import pandas fails
            return LFAnalysis(self.L, lfs_names=self.names).lf_summary(**kwargs)

    def test_statistics_against_numpy(self) -> None:
        s = self.summary_as_dict(Y=self.Y)
        voted = self.L != -1
        np.testing.assert_allclose(s["Coverage"], voted.mean(axis=0), atol=1e-15)
        others = voted.sum(axis=1, keepdims=True) - voted
        np.testing.assert_allclose(s["Overlaps"], (voted & (others > 0)).mean(axis=0),
                                   atol=1e-15)
        np.testing.assert_array_equal(s["Correct"], (voted & (self.L == self.Y[:, None])).sum(0))
        np.testing.assert_array_equal(s["Incorrect"],
                                      (voted & (self.L != self.Y[:, None])).sum(0))
        self.assertEqual(s["name"], self.names)
        self.assertEqual(s["Polarity"][0], [1])
        self.assertNotIn("Learned Acc.", s)

    def test_columns(self) -> None:
        basic = self.summary_as_dict()
        self.assertEqual(list(basic), ["name", "j", "Polarity", "Coverage", "Overlaps",
                                       "Conflicts"])
        model = LabelModel().fit(self.L)
        full = self.summary_as_dict(Y=self.Y, est_weights=model)
        self.assertEqual(list(full)[-5:], ["Correct", "Incorrect", "Emp. Acc.", "Learned Acc.",
                                           "Agreement"])
        np.testing.assert_allclose(full["Learned Acc."], model.get_weights(), atol=1e-15)
        np.testing.assert_array_equal(full["Agreement"], model.lf_agreement())
        weights = self.summary_as_dict(est_weights=np.arange(10) / 10)
        np.testing.assert_array_equal(weights["Learned Weight"], np.arange(10) / 10)

    def test_set_statistics(self) -> None:
        a = LFAnalysis(self.L)
        self.assertAlmostEqual(a.label_coverage(), np.mean((self.L != -1).any(axis=1)),
                               places=15)
        self.assertAlmostEqual(a.label_overlap(), np.mean((self.L != -1).sum(axis=1) >= 2),
                               places=15)
        self.assertTrue(0 < a.label_conflict() < a.label_overlap())
        self.assertEqual(len(a.lf_polarities()), 10)
        self.assertEqual(a.lf_coverages().shape, (10,))
        np.testing.assert_array_equal(a.lf_overlaps(), self.summary_as_dict()["Overlaps"])
        np.testing.assert_array_equal(a.lf_conflicts(), self.summary_as_dict()["Conflicts"])
        self.assertEqual(a.lf_empirical_accuracies(self.Y).shape, (10,))

    def test_snorkel_lf_objects_name_the_rows(self) -> None:
        lfs = [SimpleNamespace(name=n) for n in self.names]
        with mock.patch.dict(sys.modules, {"pandas": None}):
            self.assertEqual(LFAnalysis(self.L, lfs=lfs).lf_summary()["name"], self.names)
        with self.assertRaisesRegex(ValueError, "3 LF names for 10 columns"):
            LFAnalysis(self.L, lfs=["a", "b", "c"])

    @needs_pandas
    def test_dataframe(self) -> None:
        df = LFAnalysis(L=self.L, lfs=self.names).lf_summary(Y=self.Y)
        self.assertEqual(list(df.index), self.names)
        self.assertEqual(list(df.columns), ["j", "Polarity", "Coverage", "Overlaps",
                                            "Conflicts", "Correct", "Incorrect", "Emp. Acc."])
        self.assertEqual(df.loc["keyword_my", "Polarity"], [1])


class FilterUnlabeledTest(unittest.TestCase):
    L = np.array([[-1, -1], [0, -1], [-1, -1], [1, 1]])
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])

    def test_arrays(self) -> None:
        X = np.array(["a", "b", "c", "d"])
        X_kept, y_kept = filter_unlabeled(X, self.probs, self.L)
        np.testing.assert_array_equal(X_kept, ["b", "d"])
        np.testing.assert_array_equal(y_kept, self.probs[[1, 3]])
        self.assertIs(filter_unlabeled_dataframe, filter_unlabeled)
        with self.assertRaisesRegex(ValueError, "same number of rows"):
            filter_unlabeled(X[:3], self.probs, self.L)

    def test_item_ids_of_kept_rows(self) -> None:
        X = np.array(["a", "b", "c", "d"])
        X_kept, y_kept, items = filter_unlabeled(X, self.probs, self.L, return_items=True)
        np.testing.assert_array_equal(items, [1, 3])
        self.assertEqual(items.dtype, np.int64)
        np.testing.assert_array_equal(X_kept, X[items])
        np.testing.assert_array_equal(y_kept, self.probs[items])
        np.testing.assert_array_equal(covered_items(self.L), [1, 3])

    @needs_pandas
    def test_dataframe(self) -> None:
        import pandas as pd
        df = pd.DataFrame({"text": list("abcd")}, index=[10, 11, 12, 13])
        df_kept, y_kept = filter_unlabeled_dataframe(X=df, y=self.probs, L=self.L)
        self.assertEqual(list(df_kept.index), [11, 13])
        np.testing.assert_array_equal(y_kept, self.probs[[1, 3]])
        series = pd.Series([0, 1, 0, 1], index=[10, 11, 12, 13])
        _, y_kept = filter_unlabeled_dataframe(X=df, y=series, L=self.L)
        self.assertEqual(list(y_kept.index), [11, 13])

    @needs_scipy
    def test_sparse(self) -> None:
        import scipy.sparse as sp
        csr = sp.csr_matrix((np.array([0, 1, 1]), (np.array([1, 3, 3]), np.array([0, 0, 1]))),
                            shape=(4, 2))
        X_kept, _ = filter_unlabeled(np.arange(4), self.probs, csr)
        np.testing.assert_array_equal(X_kept, [1, 3])
        # A stored -1 (e.g. from csr_matrix(L) of a dense L) is an abstain, not a vote.
        stored = sp.csr_matrix(np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]]))
        np.testing.assert_array_equal(labeled_mask(stored), [False, True, True, True])
        np.testing.assert_array_equal(labeled_mask(sp.csr_matrix((3, 2), dtype=int)),
                                      [False, False, False])


if __name__ == "__main__":
    unittest.main()
