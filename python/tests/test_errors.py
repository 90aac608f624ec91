"""Failures surface as exceptions carrying the library's own message."""

import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import (ChorusError, ChorusInputError, ChorusIOError, ChorusWriteError, LabelModel,
                    MajorityLabelVoter, Status)
from support import youtube


class ErrorTest(unittest.TestCase):
    def test_bad_vote_names_the_cell(self) -> None:
        L = np.array([[0, 1], [1, 5]])
        with self.assertRaises(ChorusInputError) as cm:
            LabelModel(cardinality=2).fit(L)
        # The C library's message (src/votes), passed through unchanged.
        self.assertIn("item 1, labeling function 1: vote 5 is neither -1 nor in 0..1",
                      str(cm.exception))
        self.assertEqual(cm.exception.status, Status.EINVAL)
        self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaisesRegex(ChorusInputError, "vote 5 is neither"):
            MajorityLabelVoter().predict(L)

    def test_unknown_model(self) -> None:
        with self.assertRaisesRegex(ChorusInputError, "unknown model 'nope'; known models"):
            LabelModel(model="nope")

    def test_model_and_votes_must_match(self) -> None:
        L_train, _ = youtube("train")
        model = LabelModel().fit(L_train)
        with self.assertRaisesRegex(ChorusInputError,
                                    "fitted on 10 labeling functions but the votes have 3"):
            model.predict_proba(L_train[:, :3])

    def test_options_checked_by_the_library(self) -> None:
        L_train, _ = youtube("train")
        with self.assertRaisesRegex(ChorusInputError, "class balance entry 1 is 0"):
            LabelModel().fit(L_train, class_balance=[0.0, 1.0])
        with self.assertRaisesRegex(ChorusInputError, "gold label of item 0 is 7"):
            LabelModel().fit(L_train, gold=np.full(len(L_train), 7))
        with self.assertRaisesRegex(ChorusInputError, "max_iter must be"):
            LabelModel().fit(L_train, max_iter=0)
        with self.assertRaisesRegex(ChorusInputError, "number of classes must be"):
            LabelModel(cardinality=1).fit(L_train)

    def test_files(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            missing = Path(tmp) / "missing.json"
            with self.assertRaises(ChorusIOError) as cm:
                LabelModel().load(missing)
            self.assertIn(str(missing), str(cm.exception))
            self.assertIsInstance(cm.exception, OSError)
            bad = Path(tmp) / "bad.json"
            bad.write_text("{not json")
            with self.assertRaises(ChorusInputError) as cm:
                LabelModel().load(bad)
            self.assertEqual(cm.exception.status, Status.EFORMAT)
            self.assertIn("bad.json", str(cm.exception))

    def test_write_failure_is_not_an_input_error(self) -> None:
        L_train, _ = youtube("train")
        model = LabelModel().fit(L_train)
        with tempfile.TemporaryDirectory() as tmp:
            # A folder under a regular file cannot exist (ENOTDIR), even for root.
            (Path(tmp) / "plain").write_text("x")
            target = Path(tmp) / "plain" / "model.json"
            with self.assertRaises(ChorusWriteError) as cm:
                model.save(target)
            self.assertEqual(cm.exception.status, Status.EWRITE)
            self.assertIn(str(target), str(cm.exception))
            self.assertIn("Not a directory", str(cm.exception))
            self.assertIsInstance(cm.exception, OSError)
            self.assertNotIsInstance(cm.exception, ChorusInputError)

    def test_python_side_checks(self) -> None:
        with self.assertRaisesRegex(TypeError, "must hold integers"):
            MajorityLabelVoter().predict(np.array([["a", "b"]]))
        with self.assertRaisesRegex(ValueError, "2-D"):
            MajorityLabelVoter().predict(np.array([0, 1]))
        with self.assertRaisesRegex(ValueError, "int32 range"):
            MajorityLabelVoter().predict(np.array([[0, 2**40]]))
        self.assertTrue(issubclass(ChorusInputError, ChorusError))


if __name__ == "__main__":
    unittest.main()
