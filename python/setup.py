"""Bundles libchorus.so into the package when CHORUS_LIBRARY names it at install time.

The metadata is in pyproject.toml; this only adds that step, so that

    CHORUS_LIBRARY=$PWD/build/libchorus.so \
        VENV/bin/pip install --no-build-isolation --no-index ./python

installs a package that loads its own copy of the library, with nothing to set afterwards.
Without CHORUS_LIBRARY the package is installed without it and finds one at import time
(README, "From Python").
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithLibrary(build_py):
    def run(self) -> None:
        super().run()
        target = os.path.join(self.build_lib, "chorus", "libchorus.so")
        source = os.environ.get("CHORUS_LIBRARY")
        if not source:
            if os.path.exists(target):  # left by an earlier build in the same folder
                os.remove(target)
            return
        if not os.path.isfile(source):
            raise SystemExit(f"CHORUS_LIBRARY={source}: no such file")
        shutil.copyfile(source, target)  # follows the libchorus.so -> .so.0 links


setup(cmdclass={"build_py": BuildPyWithLibrary})
