"""The ctypes mirrors of the C structs match include/chorus/*.h field by field.

A struct that grows in the header but not here makes the library read past the end of
what Python passed; this test says so instead of a crash.
"""

import ctypes
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from chorus import _capi
from support import REPO

STRUCTS = {
    "chorus_fit_options": _capi.FitOptions,
    "chorus_eval_options": _capi.EvalOptions,
    "chorus_metrics": _capi.Metrics,
    "chorus_lf_summary": _capi.LFSummary,
    "chorus_dependency": _capi.Dependency,
}
CC = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")


@unittest.skipUnless(CC, "no C compiler")
class AbiTest(unittest.TestCase):
    def test_struct_layouts_match_the_headers(self) -> None:
        lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <chorus/chorus.h>",
                 "int main(void) {"]
        for c_name, py in STRUCTS.items():
            lines.append(f'printf("{c_name} size %zu\\n", sizeof({c_name}));')
            for field, _ in py._fields_:
                lines.append(f'printf("{c_name} {field} %zu\\n", offsetof({c_name}, {field}));')
        lines += ["return 0;", "}"]
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = Path(tmp) / "abi.c", Path(tmp) / "abi"
            src.write_text("\n".join(lines))
            build = subprocess.run([CC, "-std=c11", "-I", str(REPO / "include"), str(src),
                                    "-o", str(exe)], capture_output=True, text=True)
            self.assertEqual(build.returncode, 0,
                             f"a mirrored field no longer exists in the header:\n{build.stderr}")
            out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
        c_layout = {tuple(line.split()[:2]): int(line.split()[2]) for line in out.splitlines()}
        for c_name, py in STRUCTS.items():
            self.assertEqual(c_layout[c_name, "size"], ctypes.sizeof(py),
                             f"{c_name} has a different size in the header: a field was "
                             "added or removed; update chorus/_capi.py")
            for field, _ in py._fields_:
                self.assertEqual(c_layout[c_name, field], getattr(py, field).offset,
                                 f"{c_name}.{field}")


if __name__ == "__main__":
    unittest.main()
