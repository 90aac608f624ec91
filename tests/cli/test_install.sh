#!/usr/bin/env bash
# cmake --install into a temporary prefix: the files land where README says, a program
# outside the tree builds against the installed library with pkg-config (shared and, with
# --static, static) and with CMake's find_package, runs and labels a small vote matrix;
# every command has a manual page that man reads without a warning.
source "$(dirname "$0")/lib.sh"
: "${CHORUS_BUILD_DIR:?}" "${CHORUS_SOURCE_DIR:?}"
CC=${CHORUS_TEST_CC:-cc}
# A sanitizer build's libraries need the sanitizer runtimes in the program too.
read -r -a EXTRA <<<"${CHORUS_TEST_LINK_FLAGS:-}"
prefix=$TMP/prefix
program=$CHORUS_SOURCE_DIR/tests/install/fit_votes.c

checks=$((checks + 1))
cmake --install "$CHORUS_BUILD_DIR" --prefix "$prefix" >"$TMP/install.log" 2>&1 ||
  fail "cmake --install: $(tail -5 "$TMP/install.log")"
for f in bin/chorus lib/libchorus.so lib/libchorus.a include/chorus/chorus.h include/chorus/model.h \
  lib/pkgconfig/chorus.pc lib/cmake/chorus/chorusConfig.cmake \
  lib/cmake/chorus/chorusConfigVersion.cmake lib/cmake/chorus/chorusTargets.cmake \
  share/man/man1/chorus.1 share/man/man1/chorus-fit.1 share/doc/chorus/README.md \
  share/doc/chorus/label-model.md share/chorus/labeling_functions/youtube_spam.yaml; do
  checks=$((checks + 1))
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
version=$("$prefix/bin/chorus" version | cut -d' ' -f2)

# Manual pages: one per command of 'chorus help', clean under man --warnings, naming every
# option that the command's --help names.
commands=$("$prefix/bin/chorus" help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}' |
  grep -vx -e help -e version)
checks=$((checks + 1))
[ "$(echo "$commands" | wc -l)" -ge 10 ] || fail "too few commands in 'chorus help': $commands"
for cmd in "" $commands; do
  page=$prefix/share/man/man1/chorus${cmd:+-$cmd}.1
  checks=$((checks + 1))
  if [ ! -f "$page" ]; then
    fail "no manual page for '$cmd'"
    continue
  fi
  MANWIDTH=250 LC_ALL=C.UTF-8 man --warnings -l "$page" >"$TMP/page.txt" 2>"$TMP/man.err"
  [ -s "$TMP/page.txt" ] && [ ! -s "$TMP/man.err" ] ||
    fail "man -l chorus${cmd:+-$cmd}.1: $(head -c 300 "$TMP/man.err")"
  [ -n "$cmd" ] || continue
  checks=$((checks + 1))
  grep -q "^NAME" "$TMP/page.txt" && grep -q "chorus-$cmd - " "$TMP/page.txt" ||
    fail "chorus-$cmd.1 has no NAME line"
  for option in $("$prefix/bin/chorus" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    checks=$((checks + 1))
    grep -qF -- "$option" "$TMP/page.txt" || fail "chorus-$cmd.1 does not name $option"
  done
done

# pkg-config, shared library.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
checks=$((checks + 1))
[ "$(pkg-config --modversion chorus)" = "$version" ] ||
  fail "chorus.pc version $(pkg-config --modversion chorus), chorus says $version"
checks=$((checks + 1))
# shellcheck disable=SC2046
if "$CC" -o "$TMP/fit_shared" "$program" -DEXPECTED_VERSION="\"$version\"" \
  $(pkg-config --cflags --libs chorus) -Wl,-rpath,"$prefix/lib" "${EXTRA[@]}" 2>"$TMP/cc.err"; then
  "$TMP/fit_shared" >"$TMP/out" 2>"$TMP/err" || fail "fit_votes (pkg-config, shared): $(cat "$TMP/err")"
  checks=$((checks + 1))
  ldd "$TMP/fit_shared" | grep -q "$prefix/lib/libchorus.so" ||
    fail "fit_votes (shared) does not load the installed libchorus.so"
else
  fail "cc with pkg-config --libs chorus: $(head -c 1000 "$TMP/cc.err")"
fi

# pkg-config --static: the static library (-l:libchorus.a, as -lchorus takes the .so when
# both are there) and exactly the libraries that chorus.pc names for a static link.
checks=$((checks + 1))
static_libs=$(pkg-config --static --libs chorus | sed 's/-lchorus\b/-l:libchorus.a/')
# shellcheck disable=SC2086
if "$CC" -o "$TMP/fit_static" "$program" -DEXPECTED_VERSION="\"$version\"" \
  $(pkg-config --cflags chorus) $static_libs "${EXTRA[@]}" 2>"$TMP/cc.err"; then
  "$TMP/fit_static" >"$TMP/out" 2>"$TMP/err" || fail "fit_votes (pkg-config, static): $(cat "$TMP/err")"
  checks=$((checks + 1))
  ! ldd "$TMP/fit_static" | grep -q libchorus || fail "fit_votes (static) loads libchorus.so"
else
  fail "cc with pkg-config --static --libs chorus: $(head -c 1000 "$TMP/cc.err")"
fi

# CMake find_package: chorus::chorus and chorus::chorus_static.
checks=$((checks + 1))
if cmake -S "$CHORUS_SOURCE_DIR/tests/install" -B "$TMP/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="${EXTRA[*]}" -DCMAKE_EXE_LINKER_FLAGS="${EXTRA[*]}" \
  >"$TMP/cmake.log" 2>&1 && cmake --build "$TMP/cmake-build" >>"$TMP/cmake.log" 2>&1; then
  for kind in shared static; do
    checks=$((checks + 1))
    "$TMP/cmake-build/fit_votes_$kind" >"$TMP/out" 2>"$TMP/err" ||
      fail "fit_votes_$kind (find_package): $(cat "$TMP/err")"
  done
  checks=$((checks + 1))
  ! ldd "$TMP/cmake-build/fit_votes_static" | grep -q libchorus ||
    fail "fit_votes_static (find_package) loads libchorus.so"
else
  fail "find_package(chorus): $(tail -20 "$TMP/cmake.log")"
fi

# A version the package does not provide is refused.
mkdir -p "$TMP/v9"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(v LANGUAGES C)\nfind_package(chorus 9.0 REQUIRED)\n' \
  >"$TMP/v9/CMakeLists.txt"
checks=$((checks + 1))
! cmake -S "$TMP/v9" -B "$TMP/v9/build" -DCMAKE_PREFIX_PATH="$prefix" >"$TMP/v9.log" 2>&1 ||
  fail "find_package(chorus 9.0) succeeded with chorus $version"
finish
