#!/usr/bin/env bash
# The classic System V server/client flow, done with shmtool:
# a server process creates a segment keyed by ftok(FILE, 'A') and writes a message; a separate
# client process attaches, reads and prints it; then stat, list (table and JSON) and rm; then,
# given the folder of the built manual pages, the start of one of them.
#   demo.sh PATH/TO/shmtool [MAN_DIR]     (make demo: build-release/tools/shmtool/shmtool build-release/man)
set -euo pipefail
shmtool=${1:?usage: demo.sh PATH/TO/shmtool [MAN_DIR]}
shmtool=$(realpath "$shmtool")
man_dir=${2:-}

keyfile=$(mktemp /tmp/shmtool-demo.XXXXXX)
segment="ftok:$keyfile"
cleanup() {
  # Remove only what this demo made, if it is still there.
  "$shmtool" rm "$segment" >/dev/null 2>&1 || true
  rm -f "$keyfile"
}
trap cleanup EXIT

show() {
  printf '\n$ shmtool'
  printf ' %q' "$@"
  printf '\n'
  "$shmtool" "$@"
}

echo "== server: create a 1 KiB segment keyed by ftok($keyfile, 'A') and write a message"
show create "$segment" --size 1K --mode 0640
message="Hello from the server, pid $$, at $(date '+%H:%M:%S')"
show write "$segment" "$message"

echo
echo "== client: a separate process attaches, reads the string and displays it"
received=$(bash -c '"$1" read "$2"' client "$shmtool" "$segment")
printf 'client received: %s\n' "$received"
if [ "$received" != "$message" ]; then
  echo "demo: the client read something other than what the server wrote" >&2
  exit 1
fi

echo
echo "== inspect"
show stat "$segment"
show list --key "$segment"
show list --key "$segment" --json

echo
echo "== clean up"
show rm "$segment"
echo
echo "the segment is gone:"
if "$shmtool" stat "$segment" 2>&1; then
  echo "demo: the segment is still there" >&2
  exit 1
fi

if [ -n "$man_dir" ]; then
  page=$man_dir/shmtool-read.1
  echo
  echo "== the manual: man shmtool, and a page per command; here the start of the client's"
  printf '\n$ man -l %s\n' "$page"
  if command -v man >/dev/null 2>&1; then
    text=$(MANWIDTH=80 man -l "$page")
    printf '%s\n' "$text" | sed -n '1,/^DESCRIPTION/p'
    echo "       ..."
  else
    echo "(man is not installed: apt-get install man-db)"
  fi
  echo "(installed from the package: man shmtool-read)"
fi
echo
echo "demo: done"
exit 0
