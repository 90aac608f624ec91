#!/usr/bin/env bash
# The whole test suite: install what is missing, build with AddressSanitizer and
# UndefinedBehaviorSanitizer, run every test with ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/ensure-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHORUS_SANITIZE=ON >/dev/null
cmake --build build-test -j"$(nproc)" >/dev/null
cd build-test
ctest --output-on-failure -j"$(nproc)" -LE bench
