"""fbeta, matthews_corrcoef and roc_auc against hand-computed values; the conditional
probabilities against model.json; Snorkel's MajorityClassVoter and RandomVoter."""

import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import LabelModel, MajorityClassVoter, MajorityLabelVoter, RandomVoter
from support import YOUTUBE, needs_cli, run_cli, youtube

# MajorityLabelVoter's probabilities are the vote shares: P(class 1) per row is
# 1, .5, 0, 1, 0, .5, 1, 0, so rows 1 and 5 are tied.
L_BINARY = np.array([[1, 1], [1, 0], [0, 0], [1, -1], [0, -1], [0, 1], [1, 1], [0, 0]])
Y_BINARY = np.array([1, 1, 0, 0, 0, 1, 1, 1])
# Rows with a label (ties abstain): preds 1 0 1 0 1 0 on gold 1 0 0 0 1 1, so TP 2 (rows 0,
# 6), FP 1 (row 3), TN 2, FN 1 (row 7); the tied gold-1 rows 1 and 5 are misses in recall.

# Three classes: probabilities (1,0,0) (.5,.5,0) (0,1,0) (0,0,1) (0,0,1) (0,.5,.5).
L_THREE = np.array([[0, 0], [0, 1], [1, 1], [2, 2], [2, -1], [1, 2]])
Y_THREE = np.array([0, 1, 1, 2, 1, 2])


class NewMetricsTest(unittest.TestCase):
    def test_binary(self) -> None:
        s = MajorityLabelVoter().score(
            L_BINARY, Y_BINARY, metrics=["precision", "recall", "f1", "fbeta",
                                         "matthews_corrcoef", "roc_auc"])
        self.assertAlmostEqual(s["precision"], 2 / 3, places=12)
        self.assertAlmostEqual(s["recall"], 2 / 5, places=12)  # 5 gold-1 items
        self.assertAlmostEqual(s["fbeta"], s["f1"], places=12)  # beta 1 is F1
        self.assertAlmostEqual(s["f1"], 0.5, places=12)
        # (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (4 - 1) / sqrt(3^4)
        self.assertAlmostEqual(s["matthews_corrcoef"], 1 / 3, places=12)
        # Over all 8 gold items: positives score 1, .5, .5, 1, 0 against negatives 0, 1, 0:
        # 2.5 + 2 + 2 + 2.5 + 1 = 10 of 15 pairs (ties half).
        self.assertAlmostEqual(s["roc_auc"], 2 / 3, places=12)
        f2 = MajorityLabelVoter().score(L_BINARY, Y_BINARY, metrics=["fbeta"], beta=2)["fbeta"]
        # 5 P R / (4 P + R) with P = 2/3, R = 2/5
        self.assertAlmostEqual(f2, 10 / 23, places=12)

    def test_three_classes(self) -> None:
        s = MajorityLabelVoter(cardinality=3).score(
            L_THREE, Y_THREE, metrics=["matthews_corrcoef", "roc_auc"])
        # Labelled rows 0, 2, 3, 4: preds 0 1 2 2, gold 0 1 2 1. c = 3, s = 4, predicted
        # counts (1, 1, 2), gold counts (1, 2, 1): (3*4 - 5) / sqrt((16 - 6)(16 - 6)).
        self.assertAlmostEqual(s["matthews_corrcoef"], 0.7, places=12)
        # One-vs-rest AUC: class 0 1, class 1 6.5/9, class 2 6.5/8; their mean.
        self.assertAlmostEqual(s["roc_auc"], 365 / 432, places=12)
        with self.assertRaisesRegex(ValueError, "fbeta.*cardinality 2"):
            MajorityLabelVoter(cardinality=3).score(L_THREE, Y_THREE, metrics=["fbeta"])

    def test_roc_auc_needs_both_classes(self) -> None:
        with self.assertRaisesRegex(ValueError, "roc_auc needs gold items of every class"):
            MajorityLabelVoter().score(L_BINARY, np.ones(8, dtype=int), metrics=["roc_auc"])
        with self.assertRaisesRegex(ValueError, "beta must be > 0"):
            MajorityLabelVoter().score(L_BINARY, Y_BINARY, metrics=["fbeta"], beta=0)

    def test_constant_predictions_have_zero_correlation(self) -> None:
        L = np.array([[1], [1], [1], [1]])
        s = MajorityLabelVoter().score(L, [0, 1, 0, 1], metrics=["matthews_corrcoef"])
        self.assertEqual(s["matthews_corrcoef"], 0.0)


class ConditionalProbsTest(unittest.TestCase):
    @needs_cli
    def test_equals_model_json_confusion(self) -> None:
        L_train, _ = youtube("train")
        with tempfile.TemporaryDirectory() as tmp:
            run_cli("fit", YOUTUBE / "train/votes.csv", "-o", Path(tmp) / "m.json", "-q",
                    "--model", "ds")
            saved = json.loads((Path(tmp) / "m.json").read_text())
        cond = LabelModel(model="ds").fit(L_train).get_conditional_probs()
        m = L_train.shape[1]
        self.assertEqual(cond.shape, (m, 3, 2))
        for j, lf in enumerate(saved["labeling_functions"]):
            confusion = np.array(lf["confusion"])  # [y][vote 0, vote 1, abstain]
            np.testing.assert_allclose(cond[j, 0, :], confusion[:, 2], rtol=1e-12)
            np.testing.assert_allclose(cond[j, 1:, :], confusion[:, :2].T, rtol=1e-12)
        np.testing.assert_allclose(cond.sum(axis=1), 1.0, rtol=0, atol=1e-12)

    def test_majority_vote_has_none(self) -> None:
        model = LabelModel(model="mv").fit(L_BINARY)
        with self.assertRaisesRegex(ValueError, "majority vote"):
            model.get_conditional_probs()


class BaselineVotersTest(unittest.TestCase):
    def test_majority_class_voter(self) -> None:
        voter = MajorityClassVoter(cardinality=3).fit(balance=[0.2, 0.5, 0.3])
        np.testing.assert_array_equal(voter.predict_proba(L_THREE), np.tile([0, 1, 0], (6, 1)))
        np.testing.assert_array_equal(voter.predict(L_THREE), [1] * 6)
        # Gold 0 1 1 2 1 2: three of six are class 1.
        self.assertAlmostEqual(voter.score(L_THREE, Y_THREE)["accuracy"], 0.5, places=12)
        tied = MajorityClassVoter().fit([0.5, 0.5])
        np.testing.assert_array_equal(tied.predict_proba(L_BINARY), np.full((8, 2), 0.5))
        np.testing.assert_array_equal(tied.predict(L_BINARY), [-1] * 8)
        with self.assertRaisesRegex(RuntimeError, "not fitted"):
            MajorityClassVoter().predict(L_BINARY)
        with self.assertRaisesRegex(ValueError, "balance has 2 entries for 3 classes"):
            MajorityClassVoter(cardinality=3).fit([0.5, 0.5])

    def test_random_voter(self) -> None:
        voter = RandomVoter(seed=3).fit(L_BINARY)
        probs = voter.predict_proba(L_BINARY)
        self.assertEqual(probs.shape, (8, 2))
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        draws = np.random.default_rng(3).random((8, 2))
        np.testing.assert_allclose(probs, draws / draws.sum(axis=1, keepdims=True), rtol=1e-15)
        np.testing.assert_array_equal(voter.predict_proba(L_BINARY), probs)  # seeded: repeats
        self.assertFalse(np.array_equal(RandomVoter().predict_proba(L_BINARY),
                                        RandomVoter().predict_proba(L_BINARY)))
        np.testing.assert_array_equal(voter.predict(L_BINARY), probs.argmax(axis=1))


if __name__ == "__main__":
    unittest.main()
