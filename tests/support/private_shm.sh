#!/bin/sh
# private_shm.sh COMMAND [ARGS...]: runs COMMAND in an IPC namespace and a mount namespace of
# its own, with a fresh tmpfs (mode 1777, as a distribution mounts it) on /dev/shm. Tests of
# POSIX shared memory objects run under it (their CMAKE_CROSSCOMPILING_EMULATOR), so they see
# only the objects they make and can never reach the host's. unshare --mount makes every mount
# private, so the tmpfs is not propagated back; it vanishes with the last process inside.
set -eu
exec unshare --ipc --mount sh -c 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec "$@"' sh "$@"
