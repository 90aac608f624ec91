"""crowd-kit's interface: a (task, worker, label) table with string ids in, a Series and a
DataFrame per task out, equal to `chorus fit` / `chorus predict` on the same rows."""

import csv
import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import LabelModel
from support import PRODUCT, needs_cli, needs_pandas, run_cli



def named_answers(path: Path):
    """The product crowd answers with ids and labels as names (t7, w3, neg/pos)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [(f"t{t}", f"w{w}", ("neg", "pos")[int(label)]) for t, w, label in rows]


@needs_pandas
class CrowdTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def test_small_table(self) -> None:
        import pandas as pd

        # Three workers; t1 gets two "dog" answers and one "cat"; t2 only "cat"; w3's answer
        # on t3 has no label and is no answer.
        df = pd.DataFrame({"task": ["t1", "t1", "t2", "t1", "t3", "t3"],
                           "worker": ["a", "b", "a", "c", "a", "c"],
                           "label": ["dog", "dog", "cat", "cat", "cat", None]})
        model = LabelModel(model="mv")
        labels = model.fit_predict(df[["task", "worker", "label"]])
        self.assertEqual(labels.name, "agg_label")
        self.assertEqual(labels.index.name, "task")
        self.assertEqual(labels.to_dict(), {"t1": "dog", "t2": "cat", "t3": "cat"})
        probs = model.fit_predict_proba(df)
        self.assertEqual(list(probs.columns), ["dog", "cat"])  # order of first appearance
        np.testing.assert_allclose(probs.loc["t1"].to_numpy(), [2 / 3, 1 / 3], rtol=1e-12)
        self.assertIs(model.probas_, probs)

    def test_integer_labels_are_class_indices(self) -> None:
        import pandas as pd

        df = pd.DataFrame({"task": [7, 7, 9], "worker": ["x", "y", "x"], "label": [2, 2, 0]})
        probs = LabelModel(model="mv").fit_predict_proba(df)
        self.assertEqual(list(probs.columns), [0, 1, 2])
        self.assertEqual(LabelModel(model="mv").fit_predict(df).to_dict(), {7: 2, 9: 0})
        # An integer column with a gap is stored as floats (NaN) or as NA objects: still
        # class indices, the gap no answer.
        for labels in ([2.0, 2.0, 0.0, np.nan], pd.array([2, 2, 0, pd.NA], dtype="Int64")):
            gappy = pd.DataFrame({"task": [7, 7, 9, 9], "worker": ["x", "y", "x", "y"],
                                  "label": labels})
            self.assertIn(gappy["label"].dtype, (np.float64, pd.Int64Dtype()))
            self.assertEqual(LabelModel(model="mv").fit_predict(gappy).to_dict(), {7: 2, 9: 0})

    def test_bad_tables(self) -> None:
        import pandas as pd

        with self.assertRaisesRegex(ValueError, "missing: worker"):
            LabelModel().fit_predict(pd.DataFrame({"task": [1], "label": ["a"]}))
        twice = pd.DataFrame({"task": ["t1", "t2", "t1"], "worker": ["a", "a", "a"],
                              "label": ["x", "y", "y"]})
        with self.assertRaisesRegex(ValueError, "answer 2: worker 'a' answers task 't1' again"):
            LabelModel().fit_predict(twice)
        with self.assertRaisesRegex(ValueError, "answer 1 .* has no worker"):
            LabelModel().fit_predict(pd.DataFrame({"task": ["t1", "t2"], "worker": ["a", None],
                                                   "label": ["x", "y"]}))
        with self.assertRaisesRegex(ValueError, "at least 2 classes"):
            LabelModel().fit_predict(pd.DataFrame({"task": ["t1"], "worker": ["a"],
                                                   "label": ["x"]}))

    @needs_cli
    def test_equals_the_command_line(self) -> None:
        import pandas as pd

        answers = named_answers(PRODUCT / "triples.csv")
        with open(self.tmp / "answers.csv", "w", newline="") as f:
            csv.writer(f).writerows([("task", "worker", "label"), *answers])
        run_cli("fit", self.tmp / "answers.csv", "-o", self.tmp / "m.json", "-q")
        run_cli("predict", self.tmp / "m.json", self.tmp / "answers.csv", "-o",
                self.tmp / "p.jsonl", "-q")
        expected = pd.read_json(self.tmp / "p.jsonl", lines=True)
        df = pd.DataFrame(answers, columns=["task", "worker", "label"])
        model = LabelModel()
        probs = model.fit_predict_proba(df)
        self.assertEqual(model.model_type, "ds-noabstain")  # auto's choice for crowd workers
        self.assertEqual(list(probs.index), list(expected["item"]))
        self.assertEqual(list(probs.columns), ["neg", "pos"])
        np.testing.assert_allclose(probs.to_numpy(), np.stack(expected["probs"]), rtol=0,
                                   atol=1e-12)
        labels = model.fit_predict(df)
        self.assertEqual(list(labels), list(expected["class"]))


if __name__ == "__main__":
    unittest.main()
