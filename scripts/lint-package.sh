#!/bin/sh
# lint-package.sh DEB: runs lintian on the package and fails on any error or warning. Its
# info-level notes are printed too; README.md ("Install") says why those are left.
set -eu
deb=${1:?usage: lint-package.sh DEB}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
lintian --display-info --fail-on error,warning "$deb" >"$out" 2>&1 || status=$?
# Lintian's advice against running as root (as CI does) is not about the package.
grep -v '^running with root privileges is not recommended!$' "$out" || true
if [ "$status" -ne 0 ]; then
  echo "lint-package: lintian reports errors or warnings for $deb (exit $status)" >&2
  exit 1
fi
echo "lint-package: lintian finds no error or warning in $(basename "$deb")"
