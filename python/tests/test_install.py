"""Installing the binding on Debian 12 without the network and without touching the system
Python (PEP 668): a venv that sees Debian's packages, and pip from the source folder.

    python3 -m venv --system-site-packages VENV
    CHORUS_LIBRARY=build/libchorus.so VENV/bin/pip install --no-build-isolation --no-index ./python

The installed package carries its own copy of the library, so the venv's Python imports it
from any folder with no variable set.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import chorus
from support import REPO, has_module

FIT_A_TINY_MATRIX = """
import numpy as np
import chorus
L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 0, 1], [-1, 1, 1], [0, 0, 0]])
model = chorus.LabelModel(cardinality=2, model="mv").fit(L)
print(chorus.library_path)
print(model.predict(L, tie_break_policy="abstain").tolist())
"""


@unittest.skipUnless(has_module("ensurepip") and has_module("setuptools") and has_module("wheel"),
                     "needs python3-venv, python3-setuptools and python3-wheel (python3-pip)")
class InstallTest(unittest.TestCase):
    def test_venv_install_without_network(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            source = tmp_path / "python"  # a copy: pip builds in the source folder
            shutil.copytree(REPO / "python", source,
                            ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                                          "libchorus.so*"))
            venv = tmp_path / "venv"
            subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                           check=True, capture_output=True)
            env = {k: v for k, v in os.environ.items()
                   if k not in ("CHORUS_LIBRARY", "PYTHONPATH", "PIP_INDEX_URL")}
            pip = subprocess.run(
                [str(venv / "bin/pip"), "install", "--no-build-isolation", "--no-index",
                 "--no-cache-dir", str(source)],
                env={**env, "CHORUS_LIBRARY": str(chorus.library_path)},
                capture_output=True, text=True)
            self.assertEqual(pip.returncode, 0, pip.stdout + pip.stderr)
            run = subprocess.run([str(venv / "bin/python"), "-c", FIT_A_TINY_MATRIX], env=env,
                                 cwd=tmp, capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
            library, labels = run.stdout.splitlines()
            # Loaded from the venv's copy, not the source tree or the build folder.
            self.assertTrue(library.startswith(str(venv)), library)
            self.assertTrue(library.endswith("site-packages/chorus/libchorus.so"), library)
            # Majority vote of each row; row 3 is 1, 0, 1 and row 4 abstains once.
            self.assertEqual(labels, "[0, 1, 0, 1, 1, 0]")


if __name__ == "__main__":
    unittest.main()
