#!/usr/bin/env bash
# check_install.sh BUILD_DIR: installs into a temporary prefix and checks that the binary, the
# manual pages and the three completions land where the distribution looks, and work there.
set -u
build=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
prefix=$(mktemp -d /tmp/shmtool-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
failed=0
fail() { echo "check_install: $*" >&2; failed=1; }

cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "cmake --install failed" >&2; exit 1; }

expected=(
  bin/shmtool
  share/bash-completion/completions/shmtool
  share/zsh/vendor-completions/_shmtool
  share/fish/vendor_completions.d/shmtool.fish
)
for page in shmtool shmtool-create shmtool-write shmtool-read shmtool-stat shmtool-list \
  shmtool-rm shmtool-chown shmtool-chmod shmtool-lock; do
  expected+=("share/man/man1/$page.1")
done
for file in "${expected[@]}"; do
  [ -f "$prefix/$file" ] || fail "not installed: $file"
done

# Works from there: the binary runs, man finds and renders the pages, completions complete.
"$prefix/bin/shmtool" --version | grep -q '^shmtool ' || fail "installed binary does not run"
MANPATH="$prefix/share/man" man -P cat shmtool-rm 2>/dev/null | grep -q 'remove System V shared memory' ||
  fail "man does not find shmtool-rm(1) under the prefix"
"$here/check_completions.sh" "$prefix/bin/shmtool" "$prefix/share/bash-completion/completions/shmtool" \
  "$prefix/share/zsh/vendor-completions" "$prefix/share/fish/vendor_completions.d/shmtool.fish" ||
  fail "the installed completions do not work"

[ "$failed" -eq 0 ] && echo "check_install: $((${#expected[@]})) files installed under a prefix, and they work"
exit "$failed"
