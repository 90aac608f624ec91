#!/usr/bin/env bash
# The library's folders are floors: a file may include the internal headers of its own
# folder and of lower floors only, never of a floor above or beside it, and the command
# line (src/cli/) uses the public headers (include/chorus/) and its own only.
#
#   cli > report > lf, analysis > data, llm > io, select > model, eval, synth > probs, votes > core
set -u
src=${1:?usage: check_layers.sh SRC_DIR}
declare -A floor=([cli]=8 [report]=7 [lf]=6 [analysis]=6 [data]=5 [llm]=5 [io]=4 [model]=3 [eval]=3
  [synth]=3 [select]=4 [probs]=2 [votes]=2 [core]=1)
bad=0
for file in "$src"/*/*.[ch]; do
  dir=$(basename "$(dirname "$file")")
  [ -n "${floor[$dir]:-}" ] || { echo "$file: folder '$dir' has no floor in $0"; bad=1; continue; }
  while IFS=: read -r line target; do
    to=${target%%/*}
    [ "$to" = chorus ] && continue
    if [ "$dir" = cli ]; then
      [ "$to" = cli ] && continue
      echo "$file:$line: includes internal \"$target\"; the CLI uses include/chorus/ only"
      bad=1
    elif [ -z "${floor[$to]:-}" ]; then
      echo "$file:$line: includes \"$target\" from a folder with no floor"
      bad=1
    elif [ "$to" != "$dir" ] && [ "${floor[$to]}" -ge "${floor[$dir]}" ]; then
      echo "$file:$line: $dir (floor ${floor[$dir]}) includes \"$target\" ($to, floor ${floor[$to]})"
      bad=1
    fi
  done < <(grep -n '^#include "' "$file" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
done
[ "$bad" -eq 0 ] && echo "layers: every include goes down a floor"
exit "$bad"
