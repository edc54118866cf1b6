#!/usr/bin/env bash
# check_package.sh BUILD_DIR: makes the Debian package of BUILD_DIR with CPack, as make package
# does, and checks it: lintian finds no error or warning (scripts/lint-package.sh); the control
# fields, Depends computed by dpkg-shlibdeps among them; the binary is under 6 MiB; unpacked
# with dpkg -x into a temporary root, it holds exactly the files check_install.sh expects under
# /usr, and they work from there (the binary runs and is stripped, man renders the compressed
# pages, bash, zsh and fish complete).
set -u
build=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
source_dir=$(realpath "$here/../..")
failed=0
fail() { echo "check_package: $*" >&2; failed=1; }

missing=()
for tool in cpack dpkg-shlibdeps file lintian man zsh fish; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "check_package: missing: ${missing[*]} (apt-get install dpkg-dev file lintian man-db zsh fish, or make test)" >&2
  exit 1
fi

work=$(mktemp -d /tmp/shmtool-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  echo "check_package: cpack -G DEB failed" >&2
  exit 1
fi
debs=("$work"/out/shmtool_*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  echo "check_package: cpack made no single shmtool_*.deb" >&2
  exit 1
fi
deb=${debs[0]}

"$source_dir/scripts/lint-package.sh" "$deb" || fail "lintian reports errors or warnings (above)"

# The control fields a sysadmin and apt see.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = shmtool ] || fail "Package: is '$(field Package)'"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: is '$(field Architecture)'"
[ "$(field Section)" = admin ] || fail "Section: is '$(field Section)'"
[ "$(field Priority)" = optional ] || fail "Priority: is '$(field Priority)'"
grep -Eq '^[^<>]+ <[^<>@ ]+@[^<> ]+>$' <<<"$(field Maintainer)" || fail "Maintainer: '$(field Maintainer)' is not 'Name <address>'"
grep -Eq '^libc6 \(>= [0-9.]+\)' <<<"$(field Depends)" || fail "Depends: '$(field Depends)' does not name libc6 with a version"
[ -n "$(field Description)" ] || fail "no Description:"

root=$work/root
dpkg -x "$deb" "$root" || { echo "check_package: dpkg -x failed" >&2; exit 1; }
[ "$(ls -A "$root")" = usr ] || fail "the package installs outside /usr: $(ls -A "$root" | tr '\n' ' ')"
binary=$root/usr/bin/shmtool
version=$("$binary" --version 2>&1)
[ "$version" = "shmtool $(field Version)" ] || fail "the binary says '$version', the package is $(field Version)"
size=$(stat -c %s "$binary" 2>/dev/null || echo 0)
[ "$size" -lt $((6 * 1024 * 1024)) ] || fail "/usr/bin/shmtool is $size bytes, not under 6 MiB"
MANWIDTH=80 man -l "$root/usr/share/man/man1/shmtool.1.gz" 2>/dev/null | grep -q '^NAME' ||
  fail "man -l does not render the package's shmtool.1.gz"
"$source_dir/tests/completions/check_install.sh" --installed "$root/usr" || fail "the unpacked files do not all work (above)"

[ "$failed" -eq 0 ] &&
  echo "check_package: $(basename "$deb"), $(($(stat -c %s "$deb") / 1024)) KiB, Depends: $(field Depends); /usr/bin/shmtool stripped, $((size / 1024)) KiB; lintian clean, and every file works unpacked"
exit "$failed"
