#!/bin/sh
# check_layers.sh LIBDIR: each layer of the library includes only itself and the layers before
# it (util, model, sysv, posix, procs, render), and every include of a library header names its layer.
set -u
lib=$1
failed=0
rank() {
  case $1 in
    util) echo 0 ;; model) echo 1 ;; sysv) echo 2 ;; posix) echo 3 ;; procs) echo 4 ;; render) echo 5 ;; *) echo 9 ;;
  esac
}
for file in "$lib"/*/*.hpp "$lib"/*/*.cpp; do
  layer=$(basename "$(dirname "$file")")
  own=$(rank "$layer")
  [ "$own" -eq 9 ] && { echo "check_layers: $file is in no known layer" >&2; failed=1; continue; }
  for included in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file"); do
    case $included in
      */*) ;;
      *) echo "check_layers: $file includes \"$included\" without its layer" >&2; failed=1; continue ;;
    esac
    theirs=$(rank "${included%%/*}")
    if [ "$theirs" -gt "$own" ]; then
      echo "check_layers: $file ($layer) reaches up to \"$included\"" >&2
      failed=1
    fi
  done
done
[ "$failed" -eq 0 ] && echo "check_layers: every include stays within its layer or below"
exit "$failed"
