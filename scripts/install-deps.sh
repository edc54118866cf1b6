#!/bin/sh
# Installs the Debian packages named as arguments that are not installed yet.
# As root it runs apt-get; otherwise sudo apt-get. Runs 'apt-get update' once, only if needed.
set -eu
missing=""
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  apt_get="apt-get"
elif command -v sudo >/dev/null 2>&1; then
  apt_get="sudo apt-get"
else
  echo "install-deps: these Debian packages are missing and I am not root (no sudo):$missing" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$apt_get update -qq
# shellcheck disable=SC2086
$apt_get install -y -qq --no-install-recommends $missing
