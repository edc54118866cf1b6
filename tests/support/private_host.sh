#!/bin/sh
# private_host.sh COMMAND [ARGS...]: runs COMMAND as if on a host of its own: a PID namespace
# with /proc mounted for it (so a walk of /proc sees only the processes the test starts), and
# private IPC and mount namespaces with a fresh tmpfs on /dev/shm. The --all-namespaces suite
# runs under it: every IPC namespace and /dev/shm it can find is one its test made, never the
# real host's. A shell stays as pid 1 (it reaps what is orphaned); the suite checks, through
# SHMTOOL_OUTER_PID_NS, that it is not in the PID namespace it was started from.
set -eu
SHMTOOL_OUTER_PID_NS=$(readlink /proc/self/ns/pid)
export SHMTOOL_OUTER_PID_NS
exec unshare --ipc --mount --pid --fork --mount-proc \
  sh -c 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && "$@"' sh "$@"
