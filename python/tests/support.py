"""Shared helpers for the binding's tests: where things are, loading the shipped data,
running the real `chorus` command line."""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import unittest
from pathlib import Path
from typing import List, Tuple

import numpy as np

import chorus

REPO = Path(__file__).resolve().parents[2]
DATASETS = Path(os.environ.get("CHORUS_DATASETS_DIR", REPO / "datasets"))
YOUTUBE = DATASETS / "wrench_youtube"
PRODUCT = DATASETS / "ctinfer_d_product"


def cli_path() -> Path:
    """The `chorus` program: $CHORUS, else beside the library the binding loaded."""
    return Path(os.environ.get("CHORUS", Path(chorus.library_path).parent / "chorus"))


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


needs_cli = unittest.skipUnless(cli_path().is_file(), "the chorus program was not found "
                                "(set CHORUS=/path/to/chorus)")
needs_pandas = unittest.skipUnless(has_module("pandas"), "pandas is not installed")
needs_scipy = unittest.skipUnless(has_module("scipy"), "scipy is not installed")


def run_cli(*args: object) -> subprocess.CompletedProcess:
    """Runs `chorus ARGS...`, failing the test with its stderr if it fails."""
    result = subprocess.run([str(cli_path()), *map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"chorus {' '.join(map(str, args))} exited "
                             f"{result.returncode}: {result.stderr}")
    return result


def read_votes(path: Path) -> Tuple[List[str], np.ndarray]:
    """A dense votes CSV: (LF names, int64 L)."""
    with open(path, newline="") as f:
        names = next(csv.reader(f))
    return names, np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)


def read_gold(path: Path) -> np.ndarray:
    return np.loadtxt(path, dtype=np.int64, ndmin=1)


def read_probs_file(path: Path) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A probabilities CSV of `chorus predict`: (item ids, covered flags, probabilities)."""
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    if header[:2] != ["item", "covered"]:
        raise AssertionError(f"{path}: header {header[:2]}, expected item,covered first")
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    return table[:, 0].astype(np.int64), table[:, 1].astype(np.int64), table[:, 2:]


def read_probs(path: Path) -> np.ndarray:
    """The probabilities of a `chorus predict` CSV, without its item and covered columns."""
    return read_probs_file(path)[2]


def youtube(split: str) -> Tuple[np.ndarray, np.ndarray]:
    """(L, Y) of a split of the shipped WRENCH YouTube data."""
    _, L = read_votes(YOUTUBE / split / "votes.csv")
    return L, read_gold(YOUTUBE / split / "gold.csv")


def triples_to_dense(path: Path) -> np.ndarray:
    """A triples CSV (item,worker,label) as Snorkel's dense L, sized as chorus sizes it:
    one more than the largest item and worker index."""
    t = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    L = np.full((t[:, 0].max() + 1, t[:, 1].max() + 1), -1, dtype=np.int64)
    L[t[:, 0], t[:, 1]] = t[:, 2]
    return L
