"""LabelModel.fit(review=...): review answers clamped as chorus fit --review clamps them."""

import re
import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import LabelModel
from chorus.errors import ChorusInputError
from support import YOUTUBE, needs_cli, run_cli, youtube


class ReviewFitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.L, cls.Y = youtube("train")

    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def write(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text)
        return path

    def review_of(self, rows: range, name: str = "review.csv") -> Path:
        """A review file answering the given rows with their true labels, by class name."""
        lines = ["item,label,answer"] + [f"{i},x,{['HAM', 'SPAM'][self.Y[i]]}" for i in rows]
        return self.write(name, "\n".join(lines) + "\n")

    def test_answers_are_clamped_like_gold(self) -> None:
        # The answers of rows 0..39 are exactly gold labels of those rows: same model.
        rows = range(40)
        gold = np.where(np.arange(len(self.Y)) < 40, self.Y, -1)
        with_gold = LabelModel().fit(self.L, gold=gold)
        reviewed = LabelModel().fit(self.L, review=self.review_of(rows),
                                    review_class_names=["HAM", "SPAM"])
        np.testing.assert_array_equal(reviewed.get_weights(), with_gold.get_weights())
        np.testing.assert_array_equal(reviewed.class_prior, with_gold.class_prior)
        self.assertEqual(reviewed.review_answers, 40)
        h = reviewed.review_holdout
        self.assertEqual((h["n_answers"], h["n_folds"], h["positive_class"]), (40, 5, 1))
        self.assertEqual(h["accuracy"], h["n_correct"] / 40)
        self.assertIsNone(with_gold.review_answers)
        self.assertIsNone(with_gold.review_holdout)

    def test_several_files_merge_with_gold(self) -> None:
        # Rows 0..9 in a CSV (class names), 10..19 in a JSONL (class indices), 20..29 gold.
        a = self.review_of(range(10), "a.csv")
        b = self.write("b.jsonl", "".join(f'{{"item": {i}, "answer": {self.Y[i]}}}\n'
                                          for i in range(10, 20)))
        gold = np.where((np.arange(len(self.Y)) >= 20) & (np.arange(len(self.Y)) < 30),
                        self.Y, -1)
        all_gold = np.where(np.arange(len(self.Y)) < 30, self.Y, -1)
        expected = LabelModel().fit(self.L, gold=all_gold)
        model = LabelModel().fit(self.L, review=[a, b], gold=gold,
                                 review_class_names=["HAM", "SPAM"])
        np.testing.assert_array_equal(model.get_weights(), expected.get_weights())
        self.assertEqual(model.review_answers, 20)

    def test_fewer_than_two_answers_have_no_scores(self) -> None:
        one = self.write("one.csv", "item,answer\n3,1\n5,\n")
        model = LabelModel().fit(self.L, review=one)
        self.assertEqual(model.review_answers, 1)
        self.assertIsNone(model.review_holdout)

    def test_items_by_id(self) -> None:
        ids = [f"c{i}" for i in range(len(self.Y))]
        path = self.write("ids.jsonl", f'{{"item": "c7", "answer": {self.Y[7]}}}\n'
                                       f'{{"item": "c9", "answer": {self.Y[9]}}}\n')
        model = LabelModel().fit(self.L, review=path, review_items=ids)
        self.assertEqual(model.review_answers, 2)
        with self.assertRaisesRegex(ChorusInputError, r"ids.jsonl:1: item 'c7' is not in the data"):
            LabelModel().fit(self.L, review=path)

    def test_bad_files_name_the_file_and_line(self) -> None:
        n = len(self.Y)
        unknown = self.write("unknown.csv", f"item,answer\n0,1\n{n},1\n")
        with self.assertRaisesRegex(ChorusInputError,
                                    rf"unknown.csv:3: item '{n}' is not in the data"):
            LabelModel().fit(self.L, review=unknown)
        a = self.write("a.csv", "item,answer\n5,0\n")
        b = self.write("b.jsonl", '{"item": 5, "answer": 1}\n')
        with self.assertRaisesRegex(ChorusInputError,
                                    r"b.jsonl:1: item '5' is answered '1' here but '0' at "
                                    r".*a.csv:2"):
            LabelModel().fit(self.L, review=[a, b])
        gold = np.full(n, -1)
        gold[5] = 1
        with self.assertRaisesRegex(ChorusInputError, r"a.csv:2: item '5' is answered '0' but "
                                                      r"its gold label is '1'"):
            LabelModel().fit(self.L, review=a, gold=gold)
        names = self.write("names.csv", "item,answer\n5,SPAM\n")
        with self.assertRaisesRegex(ChorusInputError, r"names.csv:2: item '5': answer 'SPAM'"):
            LabelModel().fit(self.L, review=names)  # no class names given
        with self.assertRaisesRegex(ValueError, "review_class_names has 1 names for 2 classes"):
            LabelModel().fit(self.L, review=names, review_class_names=["HAM"])
        empty = self.write("empty.csv", "")
        with self.assertRaisesRegex(ChorusInputError, "empty.csv"):
            LabelModel().fit(self.L, review=empty)
        with self.assertRaisesRegex(ValueError, "at least one review file"):
            LabelModel().fit(self.L, review=[])

    @needs_cli
    def test_held_out_scores_match_the_command_line(self) -> None:
        # The shipped votes.csv names no classes: answers by class index.
        path = self.write("idx.csv", "item,answer\n" + "".join(f"{i},{self.Y[i]}\n"
                                                               for i in range(0, 300, 10)))
        out = run_cli("fit", YOUTUBE / "train/votes.csv", "--review", path, "--seed", "3",
                      "-o", self.tmp / "m.json").stdout
        match = re.search(r"accuracy ([0-9.]+) \((\d+)/(\d+)\)", out)
        self.assertIsNotNone(match, out)
        model = LabelModel().fit(self.L, review=path, seed=3)
        h = model.review_holdout
        self.assertEqual((h["n_correct"], h["n_answers"]), (int(match[2]), int(match[3])))
        self.assertAlmostEqual(h["accuracy"], float(match[1]), places=4)
