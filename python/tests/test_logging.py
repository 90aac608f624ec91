"""The library's diagnostics reach Python's logging, on the `chorus` logger."""

import unittest

from chorus import LabelModel
from support import DATASETS, read_votes, youtube


class LoggingTest(unittest.TestCase):
    def test_library_warning_reaches_logging(self) -> None:
        # One-coin EM on TREC's test votes swaps classes; the library's permutation guard
        # relabels them and says so through the log callback.
        _, L = read_votes(DATASETS / "wrench_trec/test/votes.csv")
        with self.assertLogs("chorus", level="WARNING") as logs:
            LabelModel(cardinality=6, model="onecoin").fit(L)
        self.assertTrue(any("relabelled them to agree" in line for line in logs.output),
                        logs.output)
        self.assertEqual(logs.records[0].levelname, "WARNING")

    def test_verbose_and_ignored_snorkel_options(self) -> None:
        L, _ = youtube("train")
        with self.assertLogs("chorus", level="DEBUG") as logs:
            LabelModel(verbose=True).fit(L, lr=0.01, log_freq=10)
        text = "\n".join(logs.output)
        self.assertIn("ignoring Snorkel optimizer options log_freq, lr", text)
        self.assertIn("INFO:chorus:fit ds on 1686 items x 10 LFs, 2 classes", text)
        # 180 of the 1686 have no vote (counted here); each gets what an empty row gets.
        model = LabelModel(verbose=True)
        with self.assertLogs("chorus", level="INFO") as logs:
            model.fit(L)
        empty = model.predict_proba(L[(L == -1).all(axis=1)][:1])[0]
        n_uncovered = int((L == -1).all(axis=1).sum())
        self.assertEqual(n_uncovered, 180)
        self.assertIn(f"INFO:chorus:fit: 180 of the 1686 items (10.7%) have no vote; each gets "
                      f"P = {empty.max():.3f} for class {int(empty.argmax())}", "\n".join(logs.output))


if __name__ == "__main__":
    unittest.main()
