"""Correlated LFs from Python: declared groups and learned structure, as the CLI does."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

from chorus import LabelModel
from support import needs_cli, read_probs, read_votes, run_cli


@needs_cli
class GroupsTest(unittest.TestCase):
    def test_groups_and_learned_structure_match_the_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            votes = tmp / "copies.csv"
            run_cli("synth", "-n", 5000, "-m", 20, "--copies", "2:3", "--seed", 5, "-o", votes,
                    "-q")
            _, L = read_votes(votes)
            (tmp / "groups.txt").write_text("lf0,lf1,lf2\nlf3,lf4,lf5\n")
            groups = [0, 0, 0, 1, 1, 1] + [-1] * 14
            for extra, kwargs in ((["--groups", tmp / "groups.txt"], {"groups": groups}),
                                  (["--learn-structure"], {"learn_structure": True}),
                                  ([], {}), (["--keep-copies"], {"keep_copies": True})):
                run_cli("fit", votes, "-o", tmp / "m.json", "-q", *extra)
                run_cli("predict", tmp / "m.json", votes, "-o", tmp / "p.csv", "-q")
                model = LabelModel(cardinality=2).fit(L, **kwargs)
                np.testing.assert_allclose(model.predict_proba(L), read_probs(tmp / "p.csv"),
                                           rtol=0, atol=1e-12)

    def test_copies_are_one_source_unless_kept(self):
        # lf1 and lf2 vote as lf0 on every item: fitted as one source, the model is the one
        # fitted with their columns empty; with keep_copies=True it is not.
        with tempfile.TemporaryDirectory() as tmp:
            votes = Path(tmp) / "copies.csv"
            run_cli("synth", "-n", 5000, "-m", 20, "--copies", "1:3", "--seed", 5, "-o", votes,
                    "-q")
            _, L = read_votes(votes)
        without = L.copy()
        without[:, 1:3] = -1
        model = LabelModel(cardinality=2).fit(L)
        self.assertEqual(model.lf_copies, {1: 0, 2: 0})
        merged = model.predict_proba(L)
        reference = LabelModel(cardinality=2).fit(without).predict_proba(without)
        np.testing.assert_array_equal(merged, reference)
        kept_model = LabelModel(cardinality=2).fit(L, keep_copies=True)
        self.assertEqual(kept_model.lf_copies, {})
        kept = kept_model.predict_proba(L)
        self.assertGreater(np.abs(kept - merged).max(), 1e-3)

    def test_groups_need_one_entry_per_lf(self):
        L = np.array([[0, 1, -1], [1, 1, 0]])
        with self.assertRaises(ValueError):
            LabelModel(cardinality=2).fit(L, groups=[0, 0])


if __name__ == "__main__":
    unittest.main()
