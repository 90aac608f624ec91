# Helpers for the command-line tests. Each test script sources this file; it runs the real
# chorus binary ($CHORUS) on real files and counts failed expectations.
set -u
: "${CHORUS:?CHORUS must point at the chorus binary}"
: "${CHORUS_DATASETS_DIR:?}"
: "${CHORUS_TEST_DATA_DIR:?}"
DATA=$CHORUS_DATASETS_DIR
TMP=$(mktemp -d "${TMPDIR:-/tmp}/chorus-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run CMD...: runs chorus, keeping exit code in $status, output in $TMP/out and $TMP/err.
run() {
  "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
}

# expect_status N DESCRIPTION
expect_status() {
  checks=$((checks + 1))
  if [ "$status" -ne "$1" ]; then
    fail "$2: exit status $status, expected $1; stderr: $(head -c 500 "$TMP/err")"
  fi
}

# expect_err TEXT DESCRIPTION: stderr contains TEXT
expect_err() {
  checks=$((checks + 1))
  grep -qF -- "$1" "$TMP/err" || fail "$2: stderr does not contain '$1': $(head -c 500 "$TMP/err")"
}

# expect_out TEXT DESCRIPTION: stdout contains TEXT
expect_out() {
  checks=$((checks + 1))
  grep -qF -- "$1" "$TMP/out" || fail "$2: stdout does not contain '$1': $(head -c 500 "$TMP/out")"
}

# expect_no_file PATH DESCRIPTION: no output and no temporary left behind
expect_no_file() {
  checks=$((checks + 1))
  if [ -e "$1" ] || compgen -G "$1.tmp.*" >/dev/null; then fail "$2: $1 (or a temporary) exists"; fi
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
