#!/usr/bin/env bash
# Output files and the command line itself: leftovers of killed runs, permissions and
# symbolic links of outputs, write failures (exit 1 with the system's reason), "did you
# mean" for options and commands, and `chorus help`.
source "$(dirname "$0")/lib.sh"
printf 'a,b\n0,1\n1,0\n1,1\n' >"$TMP/votes.csv"
umask 022

# The 8 hex digits of a temporary name that stand for this host: FNV-1a of the host name.
host_tag() {
  local host h=2166136261 i c
  host=$(uname -n)
  for ((i = 0; i < ${#host}; i++)); do
    c=$(printf '%d' "'${host:i:1}")
    h=$(((h ^ c) * 16777619 & 0xFFFFFFFF))
  done
  printf '%08x' "$h"
}
tag=$(host_tag)

# --- A killed run's temporary file is removed by the next write of the same target. ---
mkdir "$TMP/sweep"
(exit 0) &
dead=$!
wait "$dead"
stale="$TMP/sweep/model.json.tmp.$tag-$dead.Xy12ab"
live="$TMP/sweep/model.json.tmp.$tag-$$.Xy12ab" # this shell: a running process
other_host="$TMP/sweep/model.json.tmp.0badf00d-$dead.Xy12ab"
head -c 100000 /dev/zero >"$stale"
printf x >"$live"
printf x >"$other_host"
[ "$tag" != 0badf00d ] || fail "the host tag happens to be the other host's"
run fit "$TMP/votes.csv" -o "$TMP/sweep/model.json" -q
expect_status 0 "fit beside leftovers"
checks=$((checks + 4))
[ -e "$stale" ] && fail "the temporary of a process that has ended is still there"
[ -e "$live" ] || fail "the temporary of a running process was removed"
[ -e "$other_host" ] || fail "the temporary of another host was removed"
[ "$(ls "$TMP/sweep" | wc -l)" -eq 3 ] || fail "sweep folder: $(ls "$TMP/sweep")"
# The same for every kind of output: convert's, predict's, synth's gold.
(exit 0) &
dead=$!
wait "$dead"
for out in votes.chv probs.csv gold.csv; do
  printf x >"$TMP/sweep/$out.tmp.$tag-$dead.abcdef"
done
run convert "$TMP/votes.csv" "$TMP/sweep/votes.chv"
run predict "$TMP/sweep/model.json" "$TMP/votes.csv" -o "$TMP/sweep/probs.csv" -q
run synth -n 10 -m 3 -o "$TMP/sweep/s.chv" --gold "$TMP/sweep/gold.csv" -q
for out in votes.chv probs.csv gold.csv; do
  checks=$((checks + 1))
  [ -e "$TMP/sweep/$out.tmp.$tag-$dead.abcdef" ] && fail "$out: leftover not removed"
done

# --- Permissions: a new output follows the umask, a replaced one keeps its mode. ---
run fit "$TMP/votes.csv" -o "$TMP/new.json" -q
checks=$((checks + 1))
[ "$(stat -c %a "$TMP/new.json")" = 644 ] || fail "new output with umask 022: $(stat -c %a "$TMP/new.json")"
chmod 600 "$TMP/new.json"
run fit "$TMP/votes.csv" -o "$TMP/new.json" -q
expect_status 0 "fit over a 0600 model"
checks=$((checks + 1))
[ "$(stat -c %a "$TMP/new.json")" = 600 ] || fail "0600 output became $(stat -c %a "$TMP/new.json")"
(umask 077 && "$CHORUS" fit "$TMP/votes.csv" -o "$TMP/private.json" -q)
checks=$((checks + 1))
[ "$(stat -c %a "$TMP/private.json")" = 600 ] || fail "new output with umask 077: $(stat -c %a "$TMP/private.json")"

# --- An output that is a symbolic link is written through; the link stays. ---
mkdir "$TMP/models"
ln -s models/v1.json "$TMP/latest.json"
run fit "$TMP/votes.csv" -o "$TMP/latest.json" -q
expect_status 0 "fit through a dangling link"
checks=$((checks + 2))
[ -L "$TMP/latest.json" ] || fail "the link was replaced by a file"
grep -q '"format": "chorus-model"' "$TMP/models/v1.json" || fail "the linked file was not written"
chmod 640 "$TMP/models/v1.json"
run predict "$TMP/latest.json" "$TMP/votes.csv" -o "$TMP/p.csv" -q
ln -s p.csv "$TMP/probs_link.csv"
run predict "$TMP/latest.json" "$TMP/votes.csv" -o "$TMP/probs_link.csv" -q
expect_status 0 "predict through a link"
run fit "$TMP/votes.csv" -o "$TMP/latest.json" -q
checks=$((checks + 4))
[ -L "$TMP/probs_link.csv" ] || fail "the probabilities link was replaced"
[ "$(stat -c %a "$TMP/models/v1.json")" = 640 ] || fail "the linked file lost its mode"
[ "$(ls "$TMP/models")" = v1.json ] || fail "models/ holds $(ls "$TMP/models")"
[ "$(head -1 "$TMP/p.csv")" = "$(head -1 "$TMP/probs_link.csv")" ] || fail "link and file differ"

# --- Write failures: exit 1, the path and the system's reason, nothing left behind. ---
# (As root, permissions do not stop a write; a folder under a regular file and a missing
# folder fail for everyone, and /dev/full is a full disk.)
# bad_output OUTPUT REASON: fit, predict, convert and synth --gold to OUTPUT all fail so
bad_output() {
  local out=$1 reason=$2
  run fit "$TMP/votes.csv" -o "$out" -q
  expect_status 1 "fit -o $out"
  expect_err "$out" "fit -o $out names the path"
  expect_err "$reason" "fit -o $out gives the reason"
  run predict "$TMP/new.json" "$TMP/votes.csv" -o "$out" -q
  expect_status 1 "predict -o $out"
  expect_err "$reason" "predict -o $out gives the reason"
  run convert "$TMP/votes.csv" "$out" --to csv
  expect_status 1 "convert to $out"
  expect_err "$reason" "convert to $out gives the reason"
  run synth -n 10 -m 3 -o "$TMP/s.chv" --gold "$out" -q
  expect_status 1 "synth --gold $out"
  expect_err "$reason" "synth --gold $out gives the reason"
}
printf x >"$TMP/plain"
bad_output "$TMP/plain/out.csv" "cannot create the output file: Not a directory"
expect_no_file "$TMP/plain/out.csv" "nothing under a plain file"
bad_output "$TMP/no/such/out.csv" "cannot create the output file: No such file or directory"
bad_output "$TMP/models" "Is a directory"
ln -s no/such/target.csv "$TMP/nowhere.csv"
bad_output "$TMP/nowhere.csv" "(a link to $TMP/no/such/target.csv): cannot create the output file"
if [ -w /dev/full ]; then
  bad_output /dev/full "write failed: No space left on device"
  ln -s /dev/full "$TMP/full.json"
  bad_output "$TMP/full.json" "(a link to /dev/full): write failed: No space left on device"
  checks=$((checks + 1))
  [ -L "$TMP/full.json" ] || fail "the link to /dev/full was replaced"
fi
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$TMP/readonly"
  chmod 555 "$TMP/readonly"
  bad_output "$TMP/readonly/out.csv" "cannot create the output file: Permission denied"
  chmod 755 "$TMP/readonly"
fi
run run "$CHORUS_SOURCE_DIR/labeling_functions/youtube_spam.yaml" "$DATA/youtube/train.csv" \
  -o "$TMP/plain/outdir" -q
expect_status 1 "run into a folder under a plain file"
expect_err "cannot create the folder: Not a directory" "run names the reason"
# An input that cannot be read stays an input error.
run fit "$TMP/missing.csv" -o "$TMP/m.json"
expect_status 2 "missing input"

# --- "Did you mean" for options and commands. ---
run fit "$TMP/votes.csv" -o "$TMP/m.json" --modle ds
expect_status 2 "misspelt option"
expect_err "chorus fit: unknown option '--modle'; did you mean --model?" "--modle suggestion"
expect_no_file "$TMP/m.json" "no output after a misspelt option"
run fit "$TMP/votes.csv" -o "$TMP/m.json" --modle=ds
expect_err "unknown option '--modle=ds'; did you mean --model?" "--modle=ds suggestion"
run fit "$TMP/votes.csv" -o "$TMP/m.json" -seed 3
expect_err "unknown option '-seed'; did you mean --seed?" "one dash too few"
run synth -o "$TMP/s.chv" --acuracy 0.6:0.9
expect_err "unknown option '--acuracy'; did you mean --accuracy?" "synth suggestion"
run predict "$TMP/new.json" "$TMP/votes.csv" -o "$TMP/p.csv" --hlep
expect_err "did you mean --help?" "--hlep suggestion"
run fit "$TMP/votes.csv" -o "$TMP/m.json" --frobnicate
expect_status 2 "unknown option"
expect_err "unknown option '--frobnicate'" "unknown option named"
checks=$((checks + 1))
grep -q "did you mean" "$TMP/err" && fail "a far-off option got a suggestion: $(cat "$TMP/err")"
run fit "$TMP/votes.csv" -o "$TMP/m.json" --foo
checks=$((checks + 1))
grep -q "did you mean" "$TMP/err" && fail "--foo is two edits from --to, too far for 3 letters"
run predcit
expect_status 2 "misspelt command"
expect_err "chorus: unknown command 'predcit'; did you mean 'predict'?" "command suggestion"
run xyzzy
expect_status 2 "unknown command"
expect_err "unknown command 'xyzzy'" "unknown command named"
expect_err "chorus help" "unknown command points at chorus help"

# --- chorus help ---
run help
expect_status 0 "chorus help"
for cmd in run apply fit predict analyze eval convert synth llm-cache help; do
  expect_out "  $cmd " "chorus help lists $cmd"
done
for cmd in run apply fit predict analyze eval convert synth llm-cache; do
  run help "$cmd"
  expect_status 0 "chorus help $cmd"
  mv "$TMP/out" "$TMP/help_out"
  run "$cmd" --help
  checks=$((checks + 1))
  cmp -s "$TMP/out" "$TMP/help_out" || fail "chorus help $cmd differs from chorus $cmd --help"
done
run help fit
expect_out "usage: chorus fit" "chorus help fit"
run help fitt
expect_status 2 "chorus help with an unknown command"
expect_err "chorus help: unknown command 'fitt'; did you mean 'fit'?" "help suggestion"
run help fit predict
expect_status 2 "chorus help with two commands"
run help help
expect_status 0 "chorus help help"
expect_out "usage: chorus help [COMMAND]" "chorus help help"

finish
