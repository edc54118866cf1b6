#!/usr/bin/env bash
# check_install.sh BUILD_DIR: installs into a temporary prefix and checks that the binary, the
# manual pages, the three completions and the copyright and changelog land where the
# distribution looks, and nothing else does; that the binary is stripped and runs there; that
# man finds the pages and that each shell completes from there.
# check_install.sh --installed PREFIX: the same checks of a tree installed already (the
# package, unpacked with dpkg -x: tests/package/check_package.sh).
set -u
here=$(dirname "$(realpath "$0")")
failed=0
fail() { echo "check_install: $*" >&2; failed=1; }
command -v file >/dev/null || { echo "check_install: missing: file (apt-get install file, or make test)" >&2; exit 1; }

if [ "$1" = --installed ]; then
  prefix=$(realpath "$2")
else
  build=$(realpath "$1")
  prefix=$(mktemp -d /tmp/shmtool-install.XXXXXX)
  trap 'rm -rf "$prefix"' EXIT
  cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "cmake --install failed" >&2; exit 1; }
fi

expected=(
  bin/shmtool
  share/bash-completion/completions/shmtool
  share/zsh/vendor-completions/_shmtool
  share/fish/vendor_completions.d/shmtool.fish
  share/doc/shmtool/copyright
  share/doc/shmtool/changelog.gz
)
for page in shmtool shmtool-create shmtool-write shmtool-read shmtool-stat shmtool-list \
  shmtool-who shmtool-rm shmtool-chown shmtool-chmod shmtool-lock shmtool-pin shmtool-unpin shmtool-limits shmtool-metrics; do
  expected+=("share/man/man1/$page.1.gz")
done
for file in "${expected[@]}"; do
  [ -f "$prefix/$file" ] || fail "not installed: $file"
done
unexpected=$(cd "$prefix" && find . -type f -printf '%P\n' | grep -vxF -f <(printf '%s\n' "${expected[@]}"))
[ -z "$unexpected" ] || fail "installed but not expected: $(tr '\n' ' ' <<<"$unexpected")"

# Works from there: the binary runs, man finds and renders the pages, completions complete.
binary=$prefix/bin/shmtool
"$binary" --version | grep -q '^shmtool ' || fail "installed binary does not run"
file -b "$binary" | grep -q ', stripped' || fail "installed binary is not stripped: $(file -b "$binary")"
MANPATH="$prefix/share/man" man -P cat shmtool-rm 2>/dev/null | grep -q 'remove System V shared memory' ||
  fail "man does not find shmtool-rm(1) under the prefix"
"$here/check_completions.sh" "$binary" "$prefix/share/bash-completion/completions/shmtool" \
  "$prefix/share/zsh/vendor-completions" "$prefix/share/fish/vendor_completions.d/shmtool.fish" ||
  fail "the installed completions do not work"

[ "$failed" -eq 0 ] &&
  echo "check_install: $((${#expected[@]})) files installed under $prefix, and they work"
exit "$failed"
