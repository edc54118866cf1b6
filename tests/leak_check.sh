#!/bin/sh
# snapshot FILE: record the ids of the segments that exist now.
# verify FILE: fail, naming them, if segments made since the snapshot are left whose creator
# process is gone (a test that did not clean up). Touches no segment.
set -eu
mode=$1 file=$2
ids_now() { awk 'NR > 1 { print $2, $5 }' /proc/sysvipc/shm; }
case $mode in
snapshot) ids_now | awk '{ print $1 }' >"$file" ;;
verify)
  leaked=$(ids_now | while read -r id cpid; do
    grep -qx "$id" "$file" && continue
    [ -d "/proc/$cpid" ] && continue
    printf '%s ' "$id"
  done)
  if [ -n "$leaked" ]; then
    echo "segments left behind by the tests: ids $leaked" >&2
    exit 1
  fi
  echo "no segment left behind"
  ;;
*) echo "usage: $0 snapshot|verify FILE" >&2; exit 2 ;;
esac
