"""Model selection on a labelled dev set (fit with L_dev and Y_dev) and the gold-free check
of a fit (fit_check, lf_agreement, the fallback warning), against the command line."""

import json
import pickle
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import numpy as np

from chorus import ChorusInputError, LabelModel, LFAnalysis
from support import YOUTUBE, needs_cli, run_cli, youtube

# chorus_fit_check's fields and the names model.json's "check" object gives them.
CHECK_KEYS = {
    "n_covered": "covered_items", "n_unanimous": "unanimous_items",
    "n_unanimous_overruled": "unanimous_overruled",
    "n_clear_majority": "clear_majority_items", "n_majority_overruled": "majority_overruled",
    "prior_distance": "prior_distance_to_vote_shares", "n_lfs_disagreeing": "lfs_disagreeing",
    "worse_than_majority": "worse_than_majority_vote",
    "fell_back": "fell_back_to_majority_vote",
    "agreement_votes": "agreement_votes", "disagreeing_lf_votes": "disagreeing_lf_votes",
    "one_lf_classes": "one_lf_classes",
    "uncovered_unsettled_classes": "uncovered_unsettled_classes",
}


def one_class_votes(n: int = 400, m: int = 6) -> np.ndarray:
    """Keyword-style LFs without randomness: LF j only ever votes class j % 2; it fires on
    3 items in 10 and is right on 17 in 20 of them; the true classes alternate (50/50).
    Told a wrong class balance, the default model overrules a quarter of the items on
    which every vote agrees and falls back to majority vote."""
    i, j = np.arange(n)[:, None], np.arange(m)[None, :]
    fires = (i * 7 + j * 13) % 10 < 3
    right = (i * 11 + j * 3) % 20 < 17
    votes = fires & ((i % 2 == j % 2) == right)
    return np.where(votes, j % 2, -1)


def write_votes(path: Path, L: np.ndarray) -> Path:
    header = ",".join(f"lf{j}" for j in range(L.shape[1]))
    np.savetxt(path, L, fmt="%d", delimiter=",", header=header, comments="")
    return path


class SelectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.L_train, _ = youtube("train")
        cls.L_dev, cls.Y_dev = youtube("valid")
        cls.L_test, _ = youtube("test")

    def test_selection_attributes(self) -> None:
        model = LabelModel().fit(self.L_train, self.Y_dev, L_dev=self.L_dev)
        self.assertEqual(model.selection_metric, "accuracy")
        self.assertEqual(model.selection_dev_items, int((self.Y_dev >= 0).sum()))
        # Majority vote, the default, then 4 EM models x 3 smoothings x (learned, uniform
        # prior), the 2 with abstains as evidence with and without keeping unanimous votes,
        # then the weighted vote fitted on the dev labels with each prior.
        self.assertEqual(len(model.selection), 2 + 6 * 3 * 2 + 2)
        self.assertEqual(list(model.selection[0]), ["model", "smoothing", "class_prior",
                                                    "keep_unanimous_votes", "default",
                                                    "dev_score", "fit_on_dev"])
        self.assertEqual([c["fit_on_dev"] for c in model.selection], [False] * 38 + [True] * 2)
        self.assertTrue(model.selection[1]["default"])
        self.assertEqual(model.selection[0]["model"], "mv")
        self.assertIsNone(model.selection[0]["smoothing"])
        self.assertTrue(all(0 <= c["dev_score"] <= 1 for c in model.selection))
        best = model.selection[model.selection_chosen]
        self.assertEqual(best["model"], model.model_type)
        scores = [c["dev_score"] for c in model.selection]
        self.assertEqual(best["dev_score"], max(scores))
        self.assertEqual(model.selection_chosen, scores.index(max(scores)))  # the first best
        # On youtube the weighted vote fitted on the dev labels with a uniform prior wins:
        # it is onecoin fitted on L_dev with Y_dev clamped, bit for bit.
        self.assertEqual((best["model"], best["class_prior"], best["fit_on_dev"]),
                         ("onecoin", "fixed", True))
        plain = LabelModel(model="onecoin").fit(self.L_dev, class_balance=[0.5, 0.5],
                                                gold=self.Y_dev)
        self.assertIsNone(plain.selection)
        self.assertIsNone(plain.selection_chosen)
        np.testing.assert_array_equal(model.class_prior, plain.class_prior)
        np.testing.assert_array_equal(model.predict_proba(self.L_test),
                                      plain.predict_proba(self.L_test))

    def test_a_model_fitted_on_the_dev_labels_logs_the_dev_items(self) -> None:
        # Its check counts the dev items; the log lines must count the same items.
        with self.assertLogs("chorus", level="INFO") as logs:
            model = LabelModel(verbose=True).fit(self.L_train, self.Y_dev, L_dev=self.L_dev)
        self.assertTrue(model.selection[model.selection_chosen]["fit_on_dev"])
        text = "\n".join(logs.output)
        self.assertIn(f"fit onecoin on {len(self.L_dev)} dev items x", text)
        uncovered = int((self.L_dev == -1).all(axis=1).sum())
        if 10 * uncovered >= len(self.L_dev):
            self.assertIn(f"fit: {uncovered} of the {len(self.L_dev)} items", text)
        else:
            self.assertNotIn("have no vote", text)

    def test_fixed_class_balance_is_kept(self) -> None:
        model = LabelModel().fit(self.L_train, self.Y_dev, class_balance=[0.45, 0.55],
                                 L_dev=self.L_dev, dev_metric="macro-f1")
        self.assertEqual(model.selection_metric, "macro-f1")
        self.assertEqual(len(model.selection), 2 + 6 * 3 + 1)  # the prior is not varied
        self.assertEqual({c["class_prior"] for c in model.selection[1:]}, {"fixed"})
        self.assertEqual(model.model_type, model.selection[model.selection_chosen]["model"])
        np.testing.assert_array_equal(model.class_prior, [0.45, 0.55])

    def test_pickle_keeps_the_selection(self) -> None:
        model = LabelModel().fit(self.L_train, self.Y_dev, L_dev=self.L_dev, dev_metric="f1",
                                 positive=0)
        clone = pickle.loads(pickle.dumps(model))
        for name in ("selection", "selection_chosen", "selection_metric",
                     "selection_dev_items", "fit_check"):
            self.assertEqual(getattr(clone, name), getattr(model, name), name)
        self.assertEqual(clone.selection_metric, "f1")

    def test_model_and_smoothing_are_not_used_with_a_dev_set(self) -> None:
        with self.assertLogs("chorus", level="WARNING") as logs:
            model = LabelModel(model="onecoin", smoothing=3).fit(self.L_train, self.Y_dev,
                                                                 L_dev=self.L_dev)
        self.assertIn("model='onecoin' and smoothing=3 are not used with L_dev", logs.output[0])
        best = model.selection[model.selection_chosen]
        self.assertEqual(model.model_type, best["model"])
        self.assertEqual(best["smoothing"], 1.0)  # the selection's, not the constructor's 3

    def test_verbose_logs_the_choice(self) -> None:
        with self.assertLogs("chorus", level="INFO") as logs:
            LabelModel(verbose=True).fit(self.L_train, self.Y_dev, L_dev=self.L_dev)
        self.assertTrue(any("dev-set selection: chose onecoin fitted on the dev labels (fixed prior; its score "
                            "is 5-fold cross-validated), "
                            "accuracy 0.8833 on 120 labelled dev items, the best of 40" in line
                            for line in logs.output), logs.output)

    def test_bad_arguments_raise_the_library_message(self) -> None:
        fit = LabelModel().fit
        with self.assertRaisesRegex(ChorusInputError,
                                    "model selection needs dev votes and dev labels"):
            fit(self.L_train, L_dev=self.L_dev)
        with self.assertRaisesRegex(ChorusInputError,
                                    "the dev set has 120 items but 3 dev labels"):
            fit(self.L_train, [0, 1, 0], L_dev=self.L_dev)
        with self.assertRaisesRegex(ChorusInputError, "the dev votes have 3 labeling functions "
                                    "but the training votes have 10"):
            fit(self.L_train, self.Y_dev, L_dev=self.L_dev[:, :3])
        with self.assertRaisesRegex(ChorusInputError, 'unknown dev metric "roc_auc"; expected '
                                    "accuracy, macro-f1 or f1"):
            fit(self.L_train, self.Y_dev, L_dev=self.L_dev, dev_metric="roc_auc")
        with self.assertRaisesRegex(ChorusInputError,
                                    "the positive class for the dev F1 must be in 0..1, got 2"):
            fit(self.L_train, self.Y_dev, L_dev=self.L_dev, dev_metric="f1", positive=2)
        with self.assertRaisesRegex(ChorusInputError, "no dev item has a label"):
            fit(self.L_train, np.full(len(self.L_dev), -1), L_dev=self.L_dev)
        with self.assertRaisesRegex(ValueError, "pass its votes as L_dev"):
            fit(self.L_train, dev_metric="macro-f1")


class FitCheckTest(unittest.TestCase):
    def test_fallback_logs_a_warning(self) -> None:
        L = one_class_votes()
        with self.assertLogs("chorus", level="WARNING") as logs:
            model = LabelModel().fit(L, class_balance=[0.9, 0.1])
        check = model.fit_check
        self.assertTrue(check["worse_than_majority"])
        self.assertTrue(check["fell_back"])
        self.assertEqual((check["n_unanimous"], check["n_unanimous_overruled"]), (320, 80))
        # The model stays (its estimate serves the items without votes); every item with
        # votes gets its vote shares, LF j's vote weighing 1 + s_j / (votes + 1) with s_j
        # = log(1 / f_j) / log(n) for the share f_j of items the model says it fires on.
        self.assertEqual(model.model_type, "ds")
        np.testing.assert_array_equal(model.class_prior, [0.9, 0.1])  # the prior given
        covered = (L >= 0).any(axis=1)
        fires = 1 - model.get_conditional_probs()[:, 0, :] @ model.class_prior
        specificity = np.clip(np.log(1 / fires) / np.log(len(L)), 0, 1)
        n_votes = (L >= 0).sum(axis=1, keepdims=True)
        weight = np.where(L >= 0, 1 + specificity[None, :] / (n_votes + 1), 0)
        shares = np.stack([np.where(L == c, weight, 0).sum(axis=1) for c in range(2)], axis=1)
        shares[covered] /= shares[covered].sum(axis=1, keepdims=True)
        np.testing.assert_allclose(model.predict_proba(L)[covered], shares[covered], rtol=0,
                                   atol=1e-12)
        # Where one class has more votes it keeps the larger share.
        counts = np.stack([(L == c).sum(axis=1) for c in range(2)], axis=1)
        strict = counts[:, 0] != counts[:, 1]
        np.testing.assert_array_equal(model.predict_proba(L)[strict].argmax(axis=1),
                                      counts[strict].argmax(axis=1))
        self.assertEqual(logs.records[-1].levelname, "WARNING")
        self.assertIn("the fitted ds model overruled the unanimous vote on 25.0% of the 320 "
                      "items where every vote agrees (limit 20%), so its labels are likely "
                      "worse than majority vote: items with votes get majority vote, items "
                      "without any keep the model's estimate (pass model='ds' to keep it "
                      "regardless)", logs.output[-1])

    def test_a_model_asked_for_is_kept_with_a_warning(self) -> None:
        L = one_class_votes()
        with self.assertLogs("chorus", level="WARNING") as logs:
            model = LabelModel(model="ds").fit(L, class_balance=[0.9, 0.1])
        self.assertTrue(model.fit_check["worse_than_majority"])
        self.assertFalse(model.fit_check["fell_back"])
        self.assertEqual(model.model_type, "ds")
        self.assertIn("its labels are likely worse than majority vote", logs.output[-1])
        self.assertNotIn("used instead", "\n".join(logs.output))

    def test_a_sound_fit_is_silent(self) -> None:
        L = one_class_votes()
        with self.assertLogs("chorus", level="DEBUG") as logs:
            model = LabelModel(verbose=True).fit(L)
        # The fit's line, and (a tenth of the items or more having no vote) how many do.
        self.assertGreaterEqual(10 * int((L == -1).all(axis=1).sum()), len(L))
        self.assertEqual([r.levelname for r in logs.records], ["INFO", "INFO"], logs.output)
        self.assertIn("have no vote", logs.output[1])
        self.assertEqual(model.fit_check["n_unanimous_overruled"], 0)
        self.assertFalse(model.fit_check["fell_back"])
        self.assertEqual(model.model_type, "ds")

    def test_no_check_for_majority_vote(self) -> None:
        model = LabelModel(model="mv").fit(one_class_votes())
        self.assertIsNone(model.fit_check)
        self.assertTrue(np.all(np.isnan(model.lf_agreement())))
        self.assertIsNone(LabelModel().fit_check)  # not fitted yet

    def test_agreement_column(self) -> None:
        L, _ = youtube("train")
        model = LabelModel().fit(L)
        with mock.patch.dict(sys.modules, {"pandas": None}):
            summary = LFAnalysis(L).lf_summary(est_weights=model)
        self.assertEqual(list(summary)[-2:], ["Learned Acc.", "Agreement"])
        np.testing.assert_array_equal(summary["Agreement"], model.lf_agreement())
        agreement = model.lf_agreement()
        self.assertEqual(agreement.shape, (10,))
        self.assertTrue(np.all((agreement >= 0) & (agreement <= 1)))
        # The check counts the LFs whose learned accuracy is far from their agreement.
        gap = np.abs(model.get_weights() - agreement) > 0.3
        self.assertEqual(int(gap.sum()), model.fit_check["n_lfs_disagreeing"])


@needs_cli
class CliParityTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def cli_fit(self, votes: Path, *args: str) -> dict:
        run_cli("fit", votes, "-o", self.tmp / "m.json", "-q", *args)
        return json.loads((self.tmp / "m.json").read_text())

    def cli_predict(self, votes: Path) -> np.ndarray:
        run_cli("predict", self.tmp / "m.json", votes, "-o", self.tmp / "p.npy", "-q")
        return np.load(self.tmp / "p.npy")

    def assert_check_equal(self, ours: dict, cli: dict) -> None:
        self.assertEqual(set(ours),
                         set(CHECK_KEYS) | {"heldout", "refitted_pooled", "heldout_votes"})
        # model.json writes the held-out checks and the pooled refit only when the fit ran
        # them
        self.assertEqual(ours["heldout"], cli.get("heldout_lfs"))
        self.assertEqual(ours["refitted_pooled"], cli.get("refitted_pooled"))
        self.assertEqual(ours["heldout_votes"], cli.get("heldout_votes"))
        for field, key in CHECK_KEYS.items():
            self.assertEqual(ours[field], cli[key], field)
            self.assertIs(type(ours[field]), type(cli[key]), field)

    def test_selection_equals_the_cli(self) -> None:
        L_train, _ = youtube("train")
        L_dev, Y_dev = youtube("valid")
        L_test, _ = youtube("test")
        dev = ["--dev-votes", str(YOUTUBE / "valid/votes.csv"),
               "--dev-gold", str(YOUTUBE / "valid/gold.csv")]
        cases = [
            ({}, []),
            ({"dev_metric": "macro-f1"}, ["--dev-metric", "macro-f1"]),
            ({"dev_metric": "f1", "positive": 0}, ["--dev-metric", "f1", "--positive", "0"]),
            ({"dev_metric": "f1", "class_balance": [0.6, 0.4]},  # majority vote wins
             ["--dev-metric", "f1", "--class-balance", "0.6,0.4"]),
            ({"class_balance": [0.45, 0.55]}, ["--class-balance", "0.45,0.55"]),
        ]
        for kwargs, args in cases:
            with self.subTest(args=args):
                cli = self.cli_fit(YOUTUBE / "train/votes.csv", *dev, *args)
                model = LabelModel().fit(L_train, Y_dev, L_dev=L_dev, **kwargs)
                selection = cli["selection"]
                self.assertEqual(model.selection, selection["candidates"])  # scores exact
                self.assertEqual(model.selection_chosen, selection["chosen"])
                self.assertEqual(model.selection_metric, selection["metric"])
                self.assertEqual(model.selection_dev_items, selection["dev_items"])
                self.assertEqual(model.model_type, cli["model"])
                self.assertEqual(model.model_type,
                                 selection["candidates"][selection["chosen"]]["model"])
                if "check" in cli:
                    self.assert_check_equal(model.fit_check, cli["check"])
                else:  # majority vote chosen: nothing to check
                    self.assertIsNone(model.fit_check)
                np.testing.assert_array_equal(model.predict_proba(L_test),
                                              self.cli_predict(YOUTUBE / "test/votes.csv"))

    def test_fit_check_equals_the_cli(self) -> None:
        L, _ = youtube("train")
        cli = self.cli_fit(YOUTUBE / "train/votes.csv")
        model = LabelModel().fit(L)
        self.assert_check_equal(model.fit_check, cli["check"])
        agreement = [np.nan if a is None else a for a in cli["check"]["lf_agreement"]]
        np.testing.assert_array_equal(model.lf_agreement(), agreement)
        # model.json keeps the check: a loaded model has it too.
        self.assertEqual(LabelModel().load(self.tmp / "m.json").fit_check, model.fit_check)

    def test_fallback_equals_the_cli(self) -> None:
        L = one_class_votes()
        votes = write_votes(self.tmp / "votes.csv", L)
        cli = self.cli_fit(votes, "--class-balance", "0.9,0.1")
        self.assertEqual(cli["model"], "ds")
        self.assertTrue(cli["check"]["fell_back_to_majority_vote"])
        with self.assertLogs("chorus", level="WARNING"):
            model = LabelModel().fit(L, class_balance=[0.9, 0.1])
        self.assert_check_equal(model.fit_check, cli["check"])
        self.assertTrue(model.fit_check["fell_back"])
        np.testing.assert_array_equal(model.predict_proba(L), self.cli_predict(votes))

    def test_heldout_vote_choice_equals_the_cli(self) -> None:
        # Crowd workers with a few hundred answers each over five classes: the default
        # moves off a confusion table per worker (model.json and Python say so alike).
        votes = self.tmp / "crowd.csv"
        run_cli("synth", "-n", 4000, "-m", 200, "-k", 5, "--coverage", "0.01:0.04",
                "--accuracy", "0.3:0.95", "--class-accuracy", "--seed", 121, "-o", votes, "-q")
        L = np.loadtxt(votes, delimiter=",", skiprows=1, dtype=np.int64)
        cli = self.cli_fit(votes)
        choice = cli["check"]["heldout_votes"]
        self.assertTrue(choice["switched"])
        self.assertEqual(choice["first_model"], "ds-noabstain")
        self.assertNotEqual(cli["model"], "ds-noabstain")
        agreement = choice["agreement"]
        self.assertGreater(agreement[cli["model"]], agreement["ds-noabstain"] + 0.01)
        model = LabelModel(cardinality=5).fit(L)
        self.assertEqual(model.model_type, cli["model"])
        self.assert_check_equal(model.fit_check, cli["check"])
        np.testing.assert_array_equal(model.predict_proba(L), self.cli_predict(votes))


if __name__ == "__main__":
    unittest.main()
