"""YAML LF sets applied by the engine to DataFrames and records give `chorus apply`'s
votes; vote files keep their names; Python and YAML LFs join into one L."""

import csv
import io
import math
import tempfile
import unittest
from contextlib import redirect_stderr
from pathlib import Path

import numpy as np

from chorus import (ABSTAIN, ChorusInputError, LFAnalysis, LFApplier, LabelModel, apply_spec,
                    hstack_votes, labeling_function, load_spec, read_votes, write_votes)
from support import (REPO, YOUTUBE, has_module, needs_cli, needs_pandas, read_probs,
                     read_votes as read_votes_csv, run_cli)

SPEC = REPO / "labeling_functions/youtube_spam.yaml"
DATA = REPO / "datasets/youtube/test.csv"

SMALL_SPEC = """\
task: small
classes: [NEG, POS]
data:
  text: text
lfs:
  - name: says_good
    kind: keyword
    vote: POS
    any: [good]
  - name: says_bad
    kind: keyword
    vote: NEG
    any: [bad]
  - name: by_score
    kind: column
    field: score
    map: {"1": NEG, "5": POS}
"""


def records(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class ApplySpecTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def small_spec(self) -> Path:
        path = self.tmp / "small.yaml"
        path.write_text(SMALL_SPEC)
        return path

    def test_spec_names(self) -> None:
        spec = load_spec(SPEC)
        self.assertEqual(spec.task, "youtube_spam")
        self.assertEqual(spec.class_names, ["HAM", "SPAM"])
        self.assertEqual(len(spec.lf_names), 10)
        self.assertEqual(spec.lf_names[0], "keyword_my")

    @needs_cli
    def test_records_and_file_give_chorus_apply_votes(self) -> None:
        run_cli("apply", SPEC, DATA, "-o", self.tmp / "votes.csv", "-q")
        names, expected = read_votes_csv(self.tmp / "votes.csv")
        spec = load_spec(SPEC)
        for data in (records(DATA), DATA, str(DATA)):
            L, lf_names = apply_spec(spec, data)
            self.assertEqual(lf_names, names)
            self.assertEqual(L.dtype, np.int64)
            np.testing.assert_array_equal(L, expected)

    @needs_cli
    @needs_pandas
    def test_data_frame_gives_chorus_apply_votes(self) -> None:
        import pandas as pd

        run_cli("apply", SPEC, DATA, "-o", self.tmp / "votes.csv", "-q")
        _, expected = read_votes_csv(self.tmp / "votes.csv")
        df = pd.DataFrame(records(DATA))
        L, _ = apply_spec(SPEC, df, n_threads=1)
        np.testing.assert_array_equal(L, expected)
        # And the whole pipeline: the probabilities of chorus apply | fit | predict.
        run_cli("fit", self.tmp / "votes.csv", "-o", self.tmp / "m.json", "-q")
        run_cli("predict", self.tmp / "m.json", self.tmp / "votes.csv", "-o",
                self.tmp / "p.csv", "-q")
        np.testing.assert_allclose(LabelModel().fit(L).predict_proba(L),
                                   read_probs(self.tmp / "p.csv"), rtol=0, atol=1e-12)

    @unittest.skipUnless(has_module("tqdm"), "tqdm is not installed")
    def test_progress_bar(self) -> None:
        err = io.StringIO()
        with redirect_stderr(err):
            L, _ = apply_spec(SPEC, DATA, progress_bar=True)
        self.assertIn(f"{L.shape[0]}/{L.shape[0]}", err.getvalue())
        quiet = io.StringIO()
        with redirect_stderr(quiet):
            apply_spec(SPEC, DATA)
        self.assertEqual(quiet.getvalue(), "")

    def test_missing_values_and_numbers(self) -> None:
        rows = [{"text": "good stuff", "score": 5}, {"text": None, "score": 1},
                {"text": "bad", "score": math.nan}, {"text": "so so", "score": 3}]
        L, names = apply_spec(self.small_spec(), rows)
        self.assertEqual(names, ["says_good", "says_bad", "by_score"])
        # A None text and a NaN score are missing fields: those LFs abstain there.
        np.testing.assert_array_equal(L, [[1, -1, 1], [-1, -1, 0], [-1, 0, -1], [-1, -1, -1]])
        # NumPy numbers are numbers (5 matches "5"); an infinity is the text "inf".
        L, _ = apply_spec(self.small_spec(), [{"text": "good", "score": np.int64(5)},
                                              {"text": "bad", "score": math.inf}])
        np.testing.assert_array_equal(L, [[1, -1, 1], [-1, 0, -1]])

    def test_a_field_the_frame_lacks_is_named(self) -> None:
        with self.assertRaises(ChorusInputError) as caught:
            apply_spec(self.small_spec(), [{"text": "good"}, {"text": "bad"}])
        message = str(caught.exception)
        self.assertIn("labeling function 'by_score': the data has no field 'score' (fields: "
                      "text)", message)
        self.assertNotIn("chorus-apply-", message)  # not the temporary file's path

    def test_bad_spec_names_the_file_and_line(self) -> None:
        path = self.tmp / "bad.yaml"
        path.write_text(SMALL_SPEC.replace("vote: NEG", "vote: MAYBE"))
        with self.assertRaisesRegex(ChorusInputError, r"bad\.yaml:\d+: .*MAYBE"):
            load_spec(path)

    def test_hstack_keeps_names(self) -> None:
        rows = [{"text": "good stuff", "score": 5}, {"text": "bad", "score": 1}]

        @labeling_function()
        def long_text(x):
            return 1 if len(x["text"]) > 5 else ABSTAIN

        L_py = LFApplier([long_text]).apply(rows, progress_bar=False)
        L, names = hstack_votes(apply_spec(self.small_spec(), rows), (L_py, [long_text]))
        self.assertEqual(names, ["says_good", "says_bad", "by_score", "long_text"])
        np.testing.assert_array_equal(L, [[1, -1, 1, 1], [-1, 0, 0, -1]])
        with self.assertRaisesRegex(ValueError, "different numbers of rows"):
            hstack_votes((L, names), (L_py[:1], ["x"]))
        with self.assertRaisesRegex(ValueError, "named 'long_text'"):
            hstack_votes((L, names), (L_py, [long_text]))


class VotesFileTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    @needs_cli
    def test_chv_keeps_lf_and_class_names(self) -> None:
        run_cli("apply", SPEC, DATA, "-o", self.tmp / "votes.chv", "-q")
        votes = read_votes(self.tmp / "votes.chv")
        spec = load_spec(SPEC)
        self.assertEqual(votes.lf_names, spec.lf_names)
        self.assertEqual(votes.class_names, ["HAM", "SPAM"])
        np.testing.assert_array_equal(votes.L, apply_spec(spec, DATA).L)

    @needs_cli
    def test_written_votes_read_back_and_fit_as_the_cli(self) -> None:
        L = np.array([[0, 1, -1], [1, 1, 1], [-1, 0, 0], [1, -1, 1]] * 10)
        write_votes(L, self.tmp / "v.chv", lf_names=["a", "b", "c"], class_names=["no", "yes"])
        back = read_votes(self.tmp / "v.chv")
        np.testing.assert_array_equal(back.L, L)
        self.assertEqual((back.lf_names, back.class_names), (["a", "b", "c"], ["no", "yes"]))
        self.assertIsNone(back.item_names)
        run_cli("fit", self.tmp / "v.chv", "-o", self.tmp / "m.json", "-q", "--model", "ds")
        model = LabelModel(model="ds").fit(L)
        cli = LabelModel().load(self.tmp / "m.json")
        np.testing.assert_allclose(cli.predict_proba(L), model.predict_proba(L), rtol=0,
                                   atol=1e-12)

    def test_wrench_json_as_its_csv_copy(self) -> None:
        # WRENCH's own test.json (label.json beside it) reads as the same split's votes.csv.
        back = read_votes(YOUTUBE / "wrench_json" / "test.json")
        _, L = read_votes_csv(YOUTUBE / "test" / "votes.csv")
        np.testing.assert_array_equal(back.L, L)
        self.assertEqual(back.class_names, ["HAM", "SPAM"])
        self.assertEqual(back.item_names, [str(i) for i in range(250)])
        self.assertEqual(back.lf_names[:2], ["lf0", "lf1"])

    def test_bad_file_names_the_file(self) -> None:
        path = self.tmp / "votes.csv"
        path.write_text("a,b\n0,1\n1,x\n")
        with self.assertRaisesRegex(ChorusInputError, r"votes\.csv:3"):
            read_votes(path)


class StringGoldTest(unittest.TestCase):
    def test_lf_summary_with_class_names_as_with_indices(self) -> None:
        spec = load_spec(SPEC)
        L, names = apply_spec(spec, DATA)
        gold_names = [r["CLASS"] for r in records(DATA)]
        gold = np.array([spec.class_names.index(g) for g in gold_names])
        by_index = LFAnalysis(L, names).lf_summary(gold)
        by_name = LFAnalysis(L, names, class_names=spec.class_names).lf_summary(gold_names)
        for column in ("Correct", "Incorrect", "Emp. Acc."):
            np.testing.assert_array_equal(np.asarray(by_name[column]),
                                          np.asarray(by_index[column]))
        # Unknown gold: None, NaN and "" leave an item out, as -1 does.
        partial = [None if i % 3 == 0 else ("" if i % 3 == 1 else g)
                   for i, g in enumerate(gold_names)]
        partial_idx = np.where(np.arange(len(gold)) % 3 == 2, gold, -1)
        np.testing.assert_array_equal(
            np.asarray(LFAnalysis(L, names).lf_summary(partial, class_names=spec.class_names)
                       ["Correct"]),
            np.asarray(LFAnalysis(L, names).lf_summary(partial_idx)["Correct"]))
        if has_module("pandas"):  # a pandas column with NA, and an Int64 one
            import pandas as pd

            column = pd.Series(partial, dtype="string")
            self.assertTrue(column.isna().any())
            np.testing.assert_array_equal(
                np.asarray(LFAnalysis(L, names, class_names=spec.class_names)
                           .lf_summary(column)["Correct"]),
                np.asarray(LFAnalysis(L, names).lf_summary(partial_idx)["Correct"]))
            ints = pd.Series(np.where(partial_idx == -1, None, partial_idx), dtype="Int64")
            np.testing.assert_array_equal(
                np.asarray(LFAnalysis(L, names).lf_summary(ints)["Correct"]),
                np.asarray(LFAnalysis(L, names).lf_summary(partial_idx)["Correct"]))
        with self.assertRaisesRegex(ValueError, "class_names"):
            LFAnalysis(L, names).lf_summary(gold_names)
        with self.assertRaisesRegex(ValueError, r"Y\[1\] is 'EGGS'"):
            LFAnalysis(L, names, class_names=["HAM", "SPAM"]).lf_summary(
                ["HAM", "EGGS"] + gold_names[2:])


if __name__ == "__main__":
    unittest.main()
