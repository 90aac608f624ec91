"""The tutorial-style example runs end to end; the library is found as documented."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import chorus
from support import REPO

EXAMPLE = REPO / "python" / "examples" / "youtube.py"


def run_python(code_or_file: list, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *code_or_file], capture_output=True, text=True,
                          env=env, timeout=300)


class ExampleTest(unittest.TestCase):
    def test_youtube_example(self) -> None:
        env = dict(os.environ, CHORUS_LIBRARY=str(chorus.library_path),
                   PYTHONPATH=os.pathsep.join([str(REPO / "python"),
                                               os.environ.get("PYTHONPATH", "")]))
        result = run_python([str(EXAMPLE)], env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Majority Vote Accuracy:   84.0%", result.stdout)
        self.assertIn("Label Model Accuracy:", result.stdout)
        self.assertIn("textblob_subjectivity", result.stdout)
        self.assertIn("chorus: fit ds on 1686 items", result.stderr)  # verbose=True, logging


class LookupTest(unittest.TestCase):
    def env(self, **changes: str) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "CHORUS_LIBRARY"}
        env.update(changes)
        return env

    def test_missing_explicit_library_is_a_clear_error(self) -> None:
        env = self.env(CHORUS_LIBRARY="/nonexistent/libchorus.so",
                       PYTHONPATH=str(REPO / "python"))
        result = run_python(["-c", "import chorus"], env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LibraryNotFoundError: CHORUS_LIBRARY=/nonexistent/libchorus.so: "
                      "no such file", result.stderr)

    def test_library_next_to_the_package_is_found(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            package = Path(tmp) / "site" / "chorus"
            shutil.copytree(REPO / "python" / "chorus", package)
            shutil.copy(chorus.library_path, package / "libchorus.so")
            result = run_python(["-c", "import chorus; print(chorus.library_path)"],
                                self.env(PYTHONPATH=str(package.parent)))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.strip(), str(package / "libchorus.so"))


if __name__ == "__main__":
    unittest.main()
