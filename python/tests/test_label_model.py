"""LabelModel and MajorityLabelVoter: Snorkel's API on chorus' models."""

import copy
import pickle
import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import LabelModel, MajorityLabelVoter, ModelType, TieBreak
from support import youtube


class MajorityLabelVoterTest(unittest.TestCase):
    def test_reproduces_wrench_majority_vote(self) -> None:
        # WRENCH (NeurIPS 2021) majority vote on YouTube test: accuracy 84.00.
        L_test, Y_test = youtube("test")
        mv = MajorityLabelVoter(cardinality=2)
        score = mv.score(L_test, Y_test, tie_break_policy="random")
        self.assertAlmostEqual(score["accuracy"], 0.84, places=12)
        self.assertEqual(mv.score(L_test, Y_test, tie_break_policy="hash"), score)

    def test_abstain_policy_leaves_ties_unlabelled(self) -> None:
        L = np.array([[0, -1, 0], [1, 0, -1], [-1, -1, -1], [1, 1, 0]])
        mv = MajorityLabelVoter()
        np.testing.assert_array_equal(mv.predict(L), [0, -1, -1, 1])
        preds = mv.predict(L, tie_break_policy="random")
        self.assertTrue(np.all(preds >= 0))
        np.testing.assert_array_equal(preds[[0, 3]], [0, 1])
        np.testing.assert_allclose(mv.predict_proba(L),
                                   [[1, 0], [0.5, 0.5], [0.5, 0.5], [1 / 3, 2 / 3]], atol=1e-15)
        with self.assertRaisesRegex(ValueError, "true-random.*not supported"):
            mv.predict(L, tie_break_policy="true-random")

    def test_multiclass(self) -> None:
        L = np.array([[2, 2, -1], [0, 1, 1], [-1, -1, 0]])
        mv = MajorityLabelVoter(cardinality=3)
        np.testing.assert_array_equal(mv.predict(L), [2, 1, 0])
        self.assertEqual(mv.score(L, [2, 1, 1], metrics=["accuracy"]), {"accuracy": 2 / 3})
        with self.assertRaisesRegex(ValueError, "needs cardinality 2"):
            mv.score(L, [2, 1, 1], metrics=["f1"])


class LabelModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.L_train, cls.Y_train = youtube("train")
        cls.L_test, cls.Y_test = youtube("test")
        cls.model = LabelModel(cardinality=2).fit(cls.L_train)

    def test_snorkel_tutorial_calls(self) -> None:
        # Straight from the Snorkel spam tutorial, optimizer settings included.
        label_model = LabelModel(cardinality=2, verbose=True)
        label_model.fit(L_train=self.L_train, n_epochs=500, log_freq=100, seed=123)
        acc = label_model.score(L=self.L_test, Y=self.Y_test, tie_break_policy="random")
        self.assertEqual(set(acc), {"accuracy"})
        self.assertGreater(acc["accuracy"], 0.8)
        preds, probs = label_model.predict(L=self.L_test, return_probs=True)
        self.assertEqual(preds.shape, (250,))
        self.assertEqual(probs.shape, (250, 2))
        np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-12)
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument.*bogus"):
            label_model.fit(self.L_train, bogus=1)

    def test_converged(self) -> None:
        self.assertIs(self.model.converged, True)
        with self.assertLogs("chorus", level="WARNING") as logs:
            cut = LabelModel(cardinality=2, model="ds").fit(self.L_train, max_iter=2)
        self.assertIs(cut.converged, False)
        self.assertIn("EM stopped at the iteration limit (2) before converging",
                      "\n".join(logs.output))
        self.assertIsNone(LabelModel(model="mv").fit(self.L_train).converged)

    def test_predict_agrees_with_probabilities(self) -> None:
        probs = self.model.predict_proba(self.L_test)
        preds = self.model.predict(self.L_test)
        tied = np.abs(probs[:, 0] - probs[:, 1]) < 1e-5
        np.testing.assert_array_equal(preds[~tied], probs[~tied].argmax(axis=1))
        np.testing.assert_array_equal(preds[tied], -1)
        self.assertEqual(preds.dtype, np.int64)

    def test_weights_and_prior(self) -> None:
        weights = self.model.get_weights()
        self.assertEqual(weights.shape, (10,))
        self.assertTrue(np.all((weights > 0) & (weights < 1)))
        self.assertAlmostEqual(float(self.model.class_prior.sum()), 1.0, places=12)
        self.assertTrue(np.all(np.isnan(LabelModel(model="mv").fit(self.L_train).get_weights())))

    def test_save_load_round_trip(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.json"
            self.model.save(path)
            loaded = LabelModel().load(path)
            self.assertEqual(loaded.model_type, "ds")
            np.testing.assert_array_equal(loaded.predict_proba(self.L_test),
                                          self.model.predict_proba(self.L_test))
            np.testing.assert_array_equal(loaded.get_weights(), self.model.get_weights())
            loaded.load(path)  # loading again replaces (and frees) the model
            self.assertEqual(loaded.cardinality, 2)

    def test_pickle_and_deepcopy(self) -> None:
        for clone in (pickle.loads(pickle.dumps(self.model)), copy.deepcopy(self.model)):
            self.assertEqual(clone.model, "auto")
            np.testing.assert_array_equal(clone.predict_proba(self.L_test),
                                          self.model.predict_proba(self.L_test))
        unfitted = pickle.loads(pickle.dumps(LabelModel(cardinality=3)))
        self.assertEqual(unfitted.cardinality, 3)

    def test_class_balance(self) -> None:
        # A prior this far from YouTube's makes ds overrule 22% of the unanimous items, so
        # the default hands back majority vote for the items with votes and says so.
        with self.assertLogs("chorus", level="WARNING") as logs:
            fixed = LabelModel().fit(self.L_train, class_balance=[0.7, 0.3])
        self.assertIn("items with votes get majority vote", logs.output[-1])
        self.assertTrue(fixed.fit_check["fell_back"])
        np.testing.assert_array_equal(fixed.class_prior, [0.7, 0.3])
        # Y_dev, as in Snorkel, only sets the prior: to its class shares.
        Y_dev = np.array([0, 0, 0, 1, -1])
        with self.assertLogs("chorus", level="WARNING"):
            from_dev = LabelModel().fit(self.L_train, Y_dev=Y_dev)
        np.testing.assert_allclose(from_dev.class_prior, [0.75, 0.25], atol=1e-15)
        self.assertIsNone(from_dev.selection)
        with self.assertRaisesRegex(ValueError, "gold="):
            LabelModel().fit(self.L_train, Y_dev=[0, 0, 0])
        with self.assertRaisesRegex(ValueError, "3 entries for 2 classes"):
            LabelModel().fit(self.L_train, class_balance=[0.2, 0.3, 0.5])

    def test_gold_steers_the_fit(self) -> None:
        free = self.model.predict_proba(self.L_train)
        clamped = LabelModel().fit(self.L_train, gold=self.Y_train).predict_proba(self.L_train)
        self.assertGreater(np.abs(free - clamped).max(), 1e-3)
        with self.assertRaisesRegex(ValueError, "gold has 3 labels but L has 1686 rows"):
            LabelModel().fit(self.L_train, gold=[0, 1, 0])

    def test_settings(self) -> None:
        a = LabelModel().fit(self.L_train, n_epochs=3).predict_proba(self.L_test)
        b = LabelModel().fit(self.L_train, max_iter=3).predict_proba(self.L_test)
        np.testing.assert_array_equal(a, b)
        self.assertGreater(np.abs(a - self.model.predict_proba(self.L_test)).max(), 1e-6)
        one = LabelModel().fit(self.L_train, n_threads=1).predict_proba(self.L_test)
        two = LabelModel().fit(self.L_train, n_threads=2).predict_proba(self.L_test)
        np.testing.assert_array_equal(one, two)  # bit-identical for any thread count
        for name in ("ds", "ds-noabstain", "class-acc", "onecoin", "mv", ModelType.DS):
            model = LabelModel(model=name).fit(self.L_train)
            self.assertEqual(model.predict_proba(self.L_test).shape, (250, 2))
        smooth = LabelModel(smoothing=10).fit(self.L_train).predict_proba(self.L_test)
        self.assertGreater(np.abs(smooth - self.model.predict_proba(self.L_test)).max(), 1e-6)

    def test_all_metrics(self) -> None:
        scores = self.model.score(self.L_test, self.Y_test, tie_break_policy=TieBreak.HASH,
                                  metrics=["accuracy", "coverage", "vote_coverage", "f1",
                                           "precision", "recall", "f1_micro", "f1_macro",
                                           "brier", "ece", "log_loss"])
        preds = self.model.predict(self.L_test, tie_break_policy="random")
        self.assertAlmostEqual(scores["accuracy"], np.mean(preds == self.Y_test), places=12)
        self.assertEqual(scores["coverage"], 1.0)
        self.assertAlmostEqual(scores["vote_coverage"],
                               np.mean((self.L_test != -1).any(axis=1)), places=12)
        tp = np.sum((preds == 1) & (self.Y_test == 1))
        self.assertAlmostEqual(scores["precision"], tp / np.sum(preds == 1), places=12)
        self.assertAlmostEqual(scores["recall"], tp / np.sum(self.Y_test == 1), places=12)
        covered = (self.L_test != -1).any(axis=1)
        self.assertFalse(covered.all())
        part = self.model.score(self.L_test, self.Y_test, tie_break_policy="random",
                                metrics=["covered_accuracy", "covered_f1", "covered_f1_macro"])
        self.assertAlmostEqual(part["covered_accuracy"],
                               np.mean(preds[covered] == self.Y_test[covered]), places=12)
        f1s = []
        for c in (0, 1):
            hits = np.sum((preds == c) & (self.Y_test == c) & covered)
            f1s.append(2 * hits / (np.sum((preds == c) & covered)
                                   + np.sum((self.Y_test == c) & covered)))
        self.assertAlmostEqual(part["covered_f1"], f1s[1], places=12)
        self.assertAlmostEqual(part["covered_f1_macro"], np.mean(f1s), places=12)
        with self.assertRaisesRegex(ValueError, "unknown metric 'auroc'"):
            self.model.score(self.L_test, self.Y_test, metrics=["auroc"])

    def test_unfitted(self) -> None:
        with self.assertRaisesRegex(RuntimeError, "not fitted"):
            LabelModel().predict_proba(self.L_test)


if __name__ == "__main__":
    unittest.main()
