"""The ctypes mirrors of the C structs match include/chorus/*.h field by field.

A struct that grows in the header but not here makes the library read past the end of
what Python passed; this test says so instead of a crash. The macros and enum values the
binding copies are compared too.
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
    "chorus_fit_check": _capi.FitCheck,
    "chorus_candidate": _capi.Candidate,
    "chorus_select_options": _capi.SelectOptions,
    "chorus_data_options": _capi.DataOptions,
    "chorus_apply_options": _capi.ApplyOptions,
    "chorus_read_options": _capi.ReadOptions,
}
# Macros and enum values mirrored as Python numbers.
CONSTANTS = {
    "CHORUS_FIT_OPTIONS_VERSION": _capi.FIT_OPTIONS_VERSION,
    "CHORUS_EVAL_OPTIONS_VERSION": _capi.EVAL_OPTIONS_VERSION,
    "CHORUS_SELECT_OPTIONS_VERSION": _capi.SELECT_OPTIONS_VERSION,
    "CHORUS_CHECK_UNANIMOUS_MAX": _capi.CHECK_UNANIMOUS_MAX,
    "CHORUS_CHECK_UNANIMOUS_WARN": _capi.CHECK_UNANIMOUS_WARN,
    "CHORUS_CHECK_PRIOR_WARN": _capi.CHECK_PRIOR_WARN,
    "CHORUS_CHECK_LF_GAP": _capi.CHECK_LF_GAP,
    "CHORUS_TIE_TOLERANCE": _capi.TIE_TOLERANCE,
    "CHORUS_CHECK_MIN_ITEMS": _capi.CHECK_MIN_ITEMS,
    "CHORUS_SELECT_ACCURACY": _capi.SelectMetric.ACCURACY,
    "CHORUS_SELECT_MACRO_F1": _capi.SelectMetric.MACRO_F1,
    "CHORUS_SELECT_F1": _capi.SelectMetric.F1,
    "CHORUS_PRIOR_LEARNED": _capi.ClassPrior.LEARNED,
    "CHORUS_PRIOR_FIXED": _capi.ClassPrior.FIXED,
    "CHORUS_PRIOR_FROM_GOLD": _capi.ClassPrior.FROM_GOLD,
    "CHORUS_DATA_OPTIONS_VERSION": _capi.DATA_OPTIONS_VERSION,
    "CHORUS_APPLY_OPTIONS_VERSION": _capi.APPLY_OPTIONS_VERSION,
    "CHORUS_READ_OPTIONS_VERSION": _capi.READ_OPTIONS_VERSION,
    "CHORUS_DATA_JSONL": _capi.DataFormat.JSONL,
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
        for c_name in CONSTANTS:
            lines.append(f'printf("{c_name} value %.17g\\n", (double)({c_name}));')
        lines += ["return 0;", "}"]
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = Path(tmp) / "abi.c", Path(tmp) / "abi"
            src.write_text("\n".join(lines))
            build = subprocess.run([CC, "-std=c11", "-I", str(REPO / "include"), str(src),
                                    "-o", str(exe)], capture_output=True, text=True)
            self.assertEqual(build.returncode, 0,
                             f"a mirrored field no longer exists in the header:\n{build.stderr}")
            out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
        c_layout = {tuple(line.split()[:2]): float(line.split()[2]) for line in out.splitlines()}
        for c_name, py in STRUCTS.items():
            self.assertEqual(c_layout[c_name, "size"], ctypes.sizeof(py),
                             f"{c_name} has a different size in the header: a field was "
                             "added or removed; update chorus/_capi.py")
            for field, _ in py._fields_:
                self.assertEqual(c_layout[c_name, field], getattr(py, field).offset,
                                 f"{c_name}.{field}")
        for c_name, value in CONSTANTS.items():
            self.assertEqual(c_layout[c_name, "value"], value, f"{c_name} differs in _capi.py")


if __name__ == "__main__":
    unittest.main()
