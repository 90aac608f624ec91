#!/usr/bin/env bash
# The whole test suite: install what is missing, build with AddressSanitizer and
# UndefinedBehaviorSanitizer, run every test with ctest; then build the libFuzzer targets
# with clang (build-fuzz: the library and the harnesses only) and fuzz each reader for
# CHORUS_FUZZ_SECONDS seconds (default 30; 0 skips the fuzzing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/ensure-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHORUS_SANITIZE=ON >/dev/null
cmake --build build-test -j"$(nproc)" >/dev/null
(cd build-test && ctest --output-on-failure -j"$(nproc)" -LE bench)

fuzz_seconds=${CHORUS_FUZZ_SECONDS:-30}
[ "$fuzz_seconds" -gt 0 ] || exit 0
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCHORUS_FUZZ=ON -DCHORUS_BUILD_TESTS=OFF -DCHORUS_BUILD_BENCH=OFF \
  -DCHORUS_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target chorus_fuzzers >/dev/null
(cd build-fuzz && ctest --output-on-failure -j"$(nproc)" -L fuzz)
