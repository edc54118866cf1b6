#!/bin/sh
# package.sh DIR: make package. Builds shmtool in DIR (scripts/build-release.sh), makes the
# Debian package with CPack's DEB generator, puts it here (./shmtool_VERSION_ARCH.deb, in
# place of any older one) and runs lintian on it. `apt install ./shmtool_*.deb` installs it.
set -eu
dir=${1:?usage: package.sh DIR}
scripts/build-release.sh "$dir"

echo "packaging with cpack -G DEB (log in $dir/cpack.log)..."
rm -rf "$dir/package"
if ! cpack -G DEB --config "$dir/CPackConfig.cmake" -B "$dir/package" >"$dir/cpack.log" 2>&1; then
  cat "$dir/cpack.log" >&2
  echo "package: cpack failed (the log is above, and in $dir/cpack.log)" >&2
  exit 1
fi
set -- "$dir"/package/shmtool_*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "package: cpack made no single shmtool_*.deb in $dir/package" >&2
  exit 1
fi
rm -f ./shmtool_*.deb
cp "$1" .
deb=./$(basename "$1")

scripts/lint-package.sh "$deb"
echo
echo "made $deb ($(du -k "$deb" | cut -f1) KiB), Depends: $(dpkg-deb -f "$deb" Depends)"
echo "install it with: apt install $deb"
