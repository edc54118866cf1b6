#!/usr/bin/env bash
# bench/namespaces.sh WORK_DIR SHMTOOL FLOOR MAKE_SEGMENTS NAMESPACES SEGMENTS JSON
#                     [HYPERFINE_OPTION]...
#
# The namespaces section of bench/run.sh, run by it as the first process of a private PID
# namespace with its own /proc (unshare --pid --fork --kill-child --mount-proc), so that /proc
# shows only this script's processes. It starts NAMESPACES-1 "containers", each a process in an
# IPC namespace of its own (unshare --ipc) holding SEGMENTS keyed 4 KiB segments made by
# MAKE_SEGMENTS, then sleeping; the caller's IPC namespace, which must already hold exactly
# SEGMENTS segments, is the last one. Once every container is ready and every command is seen to
# list all NAMESPACES x SEGMENTS segments, it times FLOOR and `SHMTOOL list --all-namespaces
# --json` with hyperfine (-N and the given options) and exports the JSON to JSON.
#
# The containers are killed and reaped on the way out, also on failure; their segments die with
# their IPC namespaces (and every process here dies with this one, if it is killed).
# `list --all-namespaces` is timed only if `SHMTOOL list --help` offers it (the floor always).
# Exit codes: 0 done, 1 a command or a check failed, 2 usage.
set -euo pipefail

die() {
  echo "bench: namespaces: $*" >&2
  exit 1
}
(($# >= 7)) || {
  echo "usage: bench/namespaces.sh WORK_DIR SHMTOOL FLOOR MAKE_SEGMENTS NAMESPACES SEGMENTS JSON" \
    "[HYPERFINE_OPTION]..." >&2
  exit 2
}
work=$1 shmtool=$2 floor=$3 make_segments=$4 namespaces=$5 segments=$6 json=$7
shift 7
hyperfine_options=("$@")
[[ $namespaces =~ ^[1-9][0-9]*$ && $segments =~ ^[1-9][0-9]*$ ]] || die "bad counts"
[[ $$ -eq 1 ]] || die "must be the first process of a PID namespace of its own (unshare --pid)"
total=$((namespaces * segments))

# ipc_namespaces: the distinct IPC namespaces of the processes in /proc, one a line.
ipc_namespaces() {
  local link
  for link in /proc/[0-9]*/ns/ipc; do
    readlink -- "$link" || true # a process that has just exited
  done | sort -u
}
[[ $(ipc_namespaces | wc -l) -eq 1 ]] || die "/proc shows processes of other IPC namespaces"
[[ $(($(wc -l </proc/sysvipc/shm) - 1)) -eq $segments ]] ||
  die "this IPC namespace does not hold exactly $segments segments"

container_pids=()
fifo=$work/namespaces-ready
stop_containers() {
  local pid
  for pid in "${container_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${container_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  container_pids=()
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_containers
  rm -f -- "$fifo"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each container says "ready" (or "failed") through the FIFO once its segments exist. The FIFO
# is opened read-write here, so no open blocks and a container that never writes is a timeout.
rm -f -- "$fifo"
mkfifo -- "$fifo"
exec {ready_fd}<>"$fifo"
for ((n = 1; n < namespaces; n++)); do
  # shellcheck disable=SC2016 # expanded by the container's sh, from its arguments
  unshare --ipc -- sh -c 'if "$0" "$1"; then echo ready; else echo failed; fi >"$2"
    exec sleep infinity' "$make_segments" "$segments" "$fifo" &
  container_pids+=("$!")
done
for ((n = 1; n < namespaces; n++)); do
  line=""
  read -r -t 120 -u "$ready_fd" line || die "container $n of $((namespaces - 1)) is not ready"
  [[ $line == ready ]] || die "a container could not make its $segments segments"
done
exec {ready_fd}>&-
rm -f -- "$fifo"
[[ $(ipc_namespaces | wc -l) -eq $namespaces ]] ||
  die "/proc shows $(ipc_namespaces | wc -l) IPC namespaces, not $namespaces"

# Every command must see the whole population, namespace by namespace, before it is timed.
seen=$("$floor" | awk '{ print $1 }' | sort | uniq -c | awk '{ print $1 }' | sort -u)
[[ $seen == "$segments" && $("$floor" | awk '{ print $1 }' | sort -u | wc -l) -eq $namespaces ]] ||
  die "bench_floor_namespaces does not see $segments segments in each of $namespaces namespaces"
q() { printf '%q' "$1"; }
commands=(--command-name "floor namespaces" "$(q "$floor")")
list_help=$("$shmtool" list --help)
if [[ $list_help == *--all-namespaces* ]]; then
  seen=$("$shmtool" list --all-namespaces --json | python3 -c '
import collections, json, sys
segments = json.load(sys.stdin)["segments"]
per_namespace = collections.Counter(segment["ns"]["inode"] for segment in segments)
print(len(per_namespace), *sorted(set(per_namespace.values())))')
  [[ $seen == "$namespaces $segments" ]] ||
    die "shmtool list --all-namespaces --json shows (namespaces, segments each) '$seen'," \
      "not '$namespaces $segments'"
  commands+=(--command-name "shmtool list --all-namespaces --json"
    "$(q "$shmtool") list --all-namespaces --json")
else
  echo "bench: namespaces: this shmtool has no list --all-namespaces; only the floor is timed" >&2
fi

printf '\n== %s IPC namespaces of %s segments each (%s in all)\n' "$namespaces" "$segments" \
  "$total"
hyperfine -N "${hyperfine_options[@]}" --export-json "$json" "${commands[@]}"
