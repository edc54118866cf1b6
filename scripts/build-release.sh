#!/bin/sh
# build-release.sh DIR [TARGET...]: the optimised build of make demo and make package, in DIR:
# Release, no tests, the front end compiled in two batches; only TARGETs when named. It prints
# one line; what CMake and the compiler say goes to DIR/build.log, shown when the build fails.
# Extra configure arguments come from $CMAKE_ARGS, the build's parallelism from $JOBS.
set -eu
dir=${1:?usage: build-release.sh DIR [TARGET...]}
shift
mkdir -p "$dir"
log=$dir/build.log
[ $# -gt 0 ] && set -- --target "$@"
echo "building shmtool in $dir/ (Release, without the tests; log in $log)..."
start=$(date +%s)
# shellcheck disable=SC2086 # CMAKE_ARGS holds several arguments
if ! {
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DSHMTOOL_BUILD_TESTS=OFF \
    -DSHMTOOL_UNITY_BUILD=ON ${CMAKE_ARGS:-} &&
    cmake --build "$dir" -j"${JOBS:-$(nproc)}" "$@"
} >"$log" 2>&1; then
  cat "$log" >&2
  echo "build-release: the build failed (the log is above, and in $log)" >&2
  exit 1
fi
echo "built in $(($(date +%s) - start)) s"
