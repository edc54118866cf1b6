#!/usr/bin/env bash
# The classic System V server/client flow, done with shmtool:
# a server process creates a segment keyed by ftok(FILE, 'A') and writes a message; a separate
# client process attaches, reads and prints it; then stat, list (table and JSON) and rm.
set -euo pipefail
shmtool=${1:?usage: demo.sh PATH/TO/shmtool}
shmtool=$(realpath "$shmtool")

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
echo "demo: done; the segment is gone:"
if "$shmtool" stat "$segment" 2>&1; then
  echo "demo: the segment is still there" >&2
  exit 1
fi
exit 0
