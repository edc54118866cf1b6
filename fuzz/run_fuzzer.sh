#!/bin/sh
# Runs one libFuzzer harness for a while from its committed seed corpus, without writing into
# that folder: the seeds are copied to a temporary corpus that is removed afterwards.
#   run_fuzzer.sh BINARY SEED_DIR SECONDS [FUZZER_FLAG...]
# Exits 0 when the run found nothing; otherwise non-zero, with the failing input shown and
# kept under ./fuzz-artifacts/ (relative to the current directory).
set -u

if [ "$#" -lt 3 ]; then
  echo "usage: $0 BINARY SEED_DIR SECONDS [FUZZER_FLAG...]" >&2
  exit 2
fi
binary=$1
seeds=$2
seconds=$3
shift 3

if [ ! -x "$binary" ]; then
  echo "$0: $binary: not an executable" >&2
  exit 2
fi
if [ ! -d "$seeds" ]; then
  echo "$0: $seeds: no such seed folder" >&2
  exit 2
fi

name=$(basename "$binary")
corpus=$(mktemp -d "${TMPDIR:-/tmp}/$name-corpus.XXXXXX") || exit 1
trap 'rm -rf "$corpus"' EXIT
trap 'exit 130' HUP INT TERM
cp -R "$seeds"/. "$corpus"/

artifacts="$PWD/fuzz-artifacts/$name"
rm -rf "$artifacts"
mkdir -p "$artifacts" || exit 1

# Stop at the first finding of ASan or UBSan, with a stack trace.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

"$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$corpus"
status=$?

if [ "$status" -ne 0 ] || [ -n "$(find "$artifacts" -type f)" ]; then
  echo "$name: FAILED (fuzzer exit status $status); failing inputs kept in $artifacts:" >&2
  find "$artifacts" -type f | head -n 5 | while IFS= read -r input; do
    echo "--- $input" >&2
    od -A d -c "$input" | head -n 20 >&2
  done
  exit 1
fi
echo "$name: passed; the corpus grew from $(find "$seeds" -type f | wc -l)" \
  "seeds to $(find "$corpus" -type f | wc -l) inputs"
rm -rf "$artifacts"
rmdir "$PWD/fuzz-artifacts" 2>/dev/null
exit 0
