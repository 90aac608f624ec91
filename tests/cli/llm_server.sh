# What the CLI tests of llm LFs share: the loopback test server ($CHORUS_LLM_SERVER,
# 127.0.0.1 only), started and stopped by the test, and its request counts. Source it after
# lib.sh.
: "${CHORUS_LLM_SERVER:?CHORUS_LLM_SERVER must point at the test server}"
server_pid=

# start_server [ARGS...]: a fresh server; sets $port. Its stats go to $TMP/stats.json.
start_server() {
  rm -f "$TMP/port" "$TMP/stats.json"
  "$CHORUS_LLM_SERVER" --port-file "$TMP/port" --stats-file "$TMP/stats.json" "$@" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
  port=$(cat "$TMP/port")
}

# stop_server: SIGTERM, then the stats are in $TMP/stats.json.
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=
}
trap '[ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null; rm -rf "$TMP"' EXIT

# stat_of NAME: a count of the server's stats (after stop_server).
stat_of() { sed -n "s/.*\"$1\": *\([a-z0-9]*\).*/\1/p" "$TMP/stats.json"; }

# expect_stat NAME VALUE DESCRIPTION
expect_stat() {
  checks=$((checks + 1))
  [ "$(stat_of "$1")" = "$2" ] || fail "$3: server $1 $(stat_of "$1"), expected $2"
}

# write_ask_spec CACHE [KEY: VALUE lines...]: $TMP/spec.yaml with one llm LF, ask, on the
# server ($port), answering SPAM or HAM about {CONTENT}, and those keys added.
write_ask_spec() {
  local cache=$1 extra=
  shift
  for line in "$@"; do extra+="    $line"$'\n'; done
  cat >"$TMP/spec.yaml" <<EOF2
classes: [HAM, SPAM]
data: {id: ID, text: CONTENT}
lfs:
  - name: ask
    kind: llm
    endpoint: http://127.0.0.1:$port/v1
    model: test-model
    prompt: "Comment: {CONTENT}"
    verbalizer: {SPAM: [spam], HAM: [ham]}
    retries: 0
    cache: $cache
$extra
EOF2
}
