"""The binding gives the command line's numbers on the same data (to 1e-12)."""

import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import LabelModel, MajorityLabelVoter, covered_items, filter_unlabeled
from support import (PRODUCT, YOUTUBE, needs_cli, read_probs, read_probs_file, run_cli,
                     triples_to_dense, youtube)

TOL = dict(rtol=0, atol=1e-12)


@needs_cli
class CliParityTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def cli_fit_predict(self, train: Path, test: Path, *fit_args: str) -> np.ndarray:
        run_cli("fit", train, "-o", self.tmp / "m.json", "-q", *fit_args)
        run_cli("predict", self.tmp / "m.json", test, "-o", self.tmp / "p.csv", "-q")
        return read_probs(self.tmp / "p.csv")

    def test_youtube_auto(self) -> None:
        L_train, _ = youtube("train")
        L_test, _ = youtube("test")
        expected = self.cli_fit_predict(YOUTUBE / "train/votes.csv", YOUTUBE / "test/votes.csv")
        model = LabelModel(cardinality=2).fit(L_train)
        self.assertEqual(model.model_type, "ds")
        np.testing.assert_allclose(model.predict_proba(L_test), expected, **TOL)

    def test_youtube_with_gold_and_class_balance(self) -> None:
        L_train, Y_train = youtube("train")
        L_test, _ = youtube("test")
        gold = np.where(np.arange(len(Y_train)) % 5 == 0, Y_train, -1)  # every fifth label
        np.savetxt(self.tmp / "gold.csv", gold, fmt="%d")
        expected = self.cli_fit_predict(YOUTUBE / "train/votes.csv", YOUTUBE / "test/votes.csv",
                                        "--gold", str(self.tmp / "gold.csv"),
                                        "--class-balance", "0.55,0.45", "--restarts", "2",
                                        "--seed", "7", "--smoothing", "2")
        model = LabelModel(smoothing=2).fit(L_train, class_balance=[0.55, 0.45], gold=gold,
                                            restarts=2, seed=7)
        np.testing.assert_allclose(model.predict_proba(L_test), expected, **TOL)

    def test_crowdsourcing_ds_noabstain(self) -> None:
        triples = PRODUCT / "triples.csv"
        L = triples_to_dense(triples)
        expected = self.cli_fit_predict(triples, triples, "--model", "ds-noabstain")
        for name in ("ds-noabstain", "auto"):  # auto chooses ds-noabstain for crowd workers
            model = LabelModel(cardinality=2, model=name).fit(L)
            self.assertEqual(model.model_type, "ds-noabstain")
            np.testing.assert_allclose(model.predict_proba(L), expected, **TOL)

    def test_majority_vote(self) -> None:
        L_test, _ = youtube("test")
        votes = YOUTUBE / "test/votes.csv"
        expected = self.cli_fit_predict(votes, votes, "--model", "mv")
        np.testing.assert_allclose(LabelModel(model="mv").fit(L_test).predict_proba(L_test),
                                   expected, **TOL)
        np.testing.assert_allclose(MajorityLabelVoter().predict_proba(L_test), expected, **TOL)

    def test_score_equals_chorus_eval(self) -> None:
        L_train, _ = youtube("train")
        L_test, Y_test = youtube("test")
        self.cli_fit_predict(YOUTUBE / "train/votes.csv", YOUTUBE / "test/votes.csv")
        model = LabelModel().fit(L_train)
        for policy, cli_policy in (("abstain", "abstain"), ("random", "hash")):
            out = run_cli("eval", self.tmp / "p.csv", YOUTUBE / "test/gold.csv", "--json",
                          "--positive", "1", "--tie-break", cli_policy).stdout
            cli = json.loads(out)
            ours = model.score(L_test, Y_test, tie_break_policy=policy,
                               metrics=["accuracy", "coverage", "vote_coverage", "f1",
                                        "f1_macro", "precision", "recall", "brier", "ece",
                                        "log_loss", "covered_accuracy", "covered_f1",
                                        "covered_f1_macro"])
            for name, key in (("accuracy", "accuracy"), ("coverage", "label_coverage"),
                              ("vote_coverage", "vote_coverage"),
                              ("f1", "positive_f1"), ("f1_macro", "macro_f1"),
                              ("brier", "brier"), ("ece", "ece"), ("log_loss", "log_loss")):
                self.assertAlmostEqual(ours[name], cli[key], places=12, msg=name)
            for name, key in (("covered_accuracy", "accuracy"), ("covered_f1", "positive_f1"),
                              ("covered_f1_macro", "macro_f1")):
                self.assertAlmostEqual(ours[name], cli["covered_only"][key], places=12, msg=name)
            self.assertAlmostEqual(ours["precision"], cli["classes"][1]["precision"], places=12)
            self.assertAlmostEqual(ours["recall"], cli["classes"][1]["recall"], places=12)

    def test_filter_unlabeled_keeps_what_drop_uncovered_keeps(self) -> None:
        L_train, _ = youtube("train")
        L_test, _ = youtube("test")
        self.cli_fit_predict(YOUTUBE / "train/votes.csv", YOUTUBE / "test/votes.csv")
        run_cli("predict", self.tmp / "m.json", YOUTUBE / "test/votes.csv", "-o",
                self.tmp / "kept.csv", "-q", "--drop-uncovered")
        items, covered, kept = read_probs_file(self.tmp / "kept.csv")
        _, all_covered, _ = read_probs_file(self.tmp / "p.csv")
        probs = LabelModel().fit(L_train).predict_proba(L_test)
        texts = np.array([f"comment {i}" for i in range(len(L_test))])
        texts_kept, probs_kept, ids = filter_unlabeled(texts, probs, L_test, return_items=True)
        voted = np.flatnonzero((L_test != -1).any(axis=1))
        self.assertLess(len(voted), len(L_test))  # the test split has uncovered comments
        np.testing.assert_array_equal(ids, voted)
        np.testing.assert_array_equal(items, voted)
        np.testing.assert_array_equal(covered_items(L_test), voted)
        np.testing.assert_array_equal(all_covered, (L_test != -1).any(axis=1))
        self.assertTrue((covered == 1).all())
        np.testing.assert_array_equal(texts_kept, texts[voted])
        np.testing.assert_allclose(probs_kept, kept, **TOL)

    def test_models_cross_between_cli_and_python(self) -> None:
        L_train, _ = youtube("train")
        L_test, _ = youtube("test")
        expected = self.cli_fit_predict(YOUTUBE / "train/votes.csv", YOUTUBE / "test/votes.csv")
        # The CLI's model.json, loaded here ...
        loaded = LabelModel().load(self.tmp / "m.json")
        np.testing.assert_allclose(loaded.predict_proba(L_test), expected, **TOL)
        # ... and ours, applied by the CLI.
        LabelModel().fit(L_train).save(self.tmp / "py.json")
        run_cli("predict", self.tmp / "py.json", YOUTUBE / "test/votes.csv",
                "-o", self.tmp / "py.csv", "-q")
        np.testing.assert_allclose(read_probs(self.tmp / "py.csv"), expected, **TOL)

    def test_lf_summary_equals_chorus_analyze(self) -> None:
        from chorus import LFAnalysis
        L_train, Y_train = youtube("train")
        run_cli("fit", YOUTUBE / "train/votes.csv", "-o", self.tmp / "m.json", "-q")
        cli = json.loads(run_cli("analyze", YOUTUBE / "train/votes.csv", "--gold",
                                 YOUTUBE / "train/gold.csv", "--model", self.tmp / "m.json",
                                 "--json").stdout)
        model = LabelModel().fit(L_train)
        summary = LFAnalysis(L_train).lf_summary(Y=Y_train, est_weights=model)
        summary = {name: list(summary[name]) for name in summary if name != "name"}
        for j, lf in enumerate(cli["labeling_functions"]):
            self.assertEqual(summary["Polarity"][j], [int(c) for c in lf["polarity"]])
            for ours, key in (("Coverage", "coverage"), ("Overlaps", "overlaps"),
                              ("Conflicts", "conflicts"), ("Correct", "correct"),
                              ("Incorrect", "incorrect"), ("Emp. Acc.", "empirical_accuracy"),
                              ("Learned Acc.", "learned_accuracy")):
                self.assertAlmostEqual(float(summary[ours][j]), lf[key], places=12,
                                       msg=f"{lf['lf']} {ours}")


if __name__ == "__main__":
    unittest.main()
