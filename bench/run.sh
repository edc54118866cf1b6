#!/usr/bin/env bash
# bench/run.sh BUILD_DIR [--smoke] [--only SECTION[,SECTION]...]
#
# Side-by-side benchmark of shmtool against ipcs/lsipc/ls/dd/lsof and against the floor programs
# of bench/ (the least work a lister, writer, reader or "who" must do). Needs root: it
# re-executes itself in a private IPC and mount namespace (unshare --ipc --mount), raises
# kernel.shmmni there and mounts its own tmpfs on /dev/shm, so it never sees or touches the
# host's segments or POSIX objects; everything it creates goes away at the end, also on failure.
#
# Full mode (make bench) measures with hyperfine, prints medians, ratios and PASS/MISS against
# the targets, writes bench/RESULTS.md and replaces the text between <!-- bench:start --> and
# <!-- bench:end --> in README.md (when both markers are there). It exits 0 whatever the
# numbers: a benchmark is not a test.
#
# --smoke: the same steps at a tiny scale with 3 runs each, writing nothing; CI runs it so this
# script cannot rot. It fails only if the script or a measured command breaks.
#
# --only SECTIONS: run only these of transfer, who, namespaces, list, posix (comma-separated), in
# the usual order; the report shows what was measured and, being partial, is written nowhere.
#
# The namespaces section runs bench/namespaces.sh in a further private PID namespace with its own
# /proc, where it starts processes in IPC namespaces of their own (the "containers").
#
# Environment (for testing the report on copies): SHMTOOL_BENCH_RESULTS and SHMTOOL_BENCH_README
# name other files to write instead of bench/RESULTS.md and README.md (full mode only).
# Exit codes: 0 done, 1 a command or a check failed, 2 usage, 77 not root (ctest: skipped).
set -euo pipefail

die() {
  echo "bench: $*" >&2
  exit 1
}
usage() {
  echo "usage: bench/run.sh BUILD_DIR [--smoke] [--only SECTION[,SECTION]...]" >&2
  echo "sections: $all_sections" >&2
  exit 2
}

script=$(readlink -f -- "${BASH_SOURCE[0]}")
bench_dir=$(dirname -- "$script")
repo_dir=$(dirname -- "$bench_dir")

all_sections="transfer,who,namespaces,list,posix"
[[ $# -ge 1 ]] || usage
build_arg=$1
shift
mode=full
only=""
while (($# > 0)); do
  case $1 in
    --smoke) mode=smoke ;;
    --only)
      [[ $# -ge 2 ]] || usage
      only=$2
      shift
      ;;
    *) usage ;;
  esac
  shift
done
if [[ -n $only ]]; then
  IFS=, read -ra only_sections <<<"$only"
  [[ ${#only_sections[@]} -gt 0 ]] || usage
  for section in "${only_sections[@]}"; do
    [[ ,$all_sections, == *,"$section",* ]] || usage
  done
fi
# selected SECTION: whether this run measures SECTION.
selected() { [[ -z $only || ,$only, == *,"$1",* ]]; }
[[ -d $build_arg ]] || die "$build_arg: no such build directory (build first: make build)"
build_dir=$(cd -- "$build_arg" && pwd -P)

if [[ $(id -u) -ne 0 ]]; then
  echo "bench: needs root (it runs in private namespaces made with unshare --ipc --mount); skipped" >&2
  exit 77
fi

shmtool=$build_dir/tools/shmtool/shmtool
floor_list=$build_dir/bench/bench_floor_list
floor_posix_list=$build_dir/bench/bench_floor_posix_list
floor_write=$build_dir/bench/bench_floor_write
floor_read=$build_dir/bench/bench_floor_read
floor_maps=$build_dir/bench/bench_floor_maps
floor_namespaces=$build_dir/bench/bench_floor_namespaces
make_segments=$build_dir/bench/bench_make_segments
hold_segments=$build_dir/bench/bench_hold_segments
for program in "$shmtool" "$floor_list" "$floor_posix_list" "$floor_write" "$floor_read" \
  "$floor_maps" "$floor_namespaces" "$make_segments" "$hold_segments"; do
  [[ -x $program ]] || die "$program is missing: build it first (cmake --build $build_dir)"
done
for tool in hyperfine python3 lsipc ipcs ipcrm ls lsof grep unshare mount stat dd awk cmp head \
  sync mkfifo readlink sort uniq sleep; do
  command -v "$tool" >/dev/null ||
    die "$tool is missing (scripts/install-deps.sh hyperfine time lsof)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing (scripts/install-deps.sh time)"

# Re-execute inside a private IPC and mount namespace (mounts made there never propagate back);
# the markers are the host's namespaces and the device of its /dev/shm, so the inner run can
# check that it really is somewhere else.
own_ipc_ns=$(readlink "/proc/$$/ns/ipc")
own_mnt_ns=$(readlink "/proc/$$/ns/mnt")
if [[ -z ${SHMTOOL_BENCH_HOST_IPC_NS:-} ]]; then
  export SHMTOOL_BENCH_HOST_IPC_NS=$own_ipc_ns
  export SHMTOOL_BENCH_HOST_MNT_NS=$own_mnt_ns
  SHMTOOL_BENCH_HOST_SHM_DEV=$(stat -c %d /dev/shm 2>/dev/null || echo none)
  export SHMTOOL_BENCH_HOST_SHM_DEV
  args=("$build_dir")
  [[ $mode == smoke ]] && args+=(--smoke)
  [[ -n $only ]] && args+=(--only "$only")
  exec unshare --ipc --mount --propagation private -- bash "$script" "${args[@]}"
fi
[[ $own_ipc_ns != "$SHMTOOL_BENCH_HOST_IPC_NS" ]] ||
  die "still in the host's IPC namespace ($own_ipc_ns) after unshare --ipc"
[[ $own_mnt_ns != "${SHMTOOL_BENCH_HOST_MNT_NS:-}" ]] ||
  die "still in the host's mount namespace ($own_mnt_ns) after unshare --mount"
host_shm_dev=${SHMTOOL_BENCH_HOST_SHM_DEV:-none}
unset SHMTOOL_BENCH_HOST_IPC_NS SHMTOOL_BENCH_HOST_MNT_NS SHMTOOL_BENCH_HOST_SHM_DEV

# Scale. The list sizes grow one population (bench_make_segments only adds the missing keys).
# IPCMNI (32768) is the most kernel.shmmni accepts without the ipcmni_extend boot option.
shmmni=32768
if [[ $mode == full ]]; then
  list_counts=(1000 4000 16000 32000)
  reference_count=4000 # the targets are set at this population
  largest_count=32000  # memory and scaling are measured at this one
  transfer_sizes=($((256 << 20)) $((1 << 30)))
  hyperfine_runs=(--warmup 2 --min-runs 10)
  rss_runs=3
  posix_counts=(1000 10000)
  posix_reference_count=10000 # the POSIX targets are set at this population
  holder_count=300            # processes, each attached to a segment of its own
  namespace_count=21          # IPC namespaces: 20 "containers" and the benchmark's own
  namespace_segments=200      # segments in each of them
else
  list_counts=(200)
  reference_count=200
  largest_count=200
  transfer_sizes=($((4 << 20)) $((8 << 20)))
  hyperfine_runs=(--runs 3 --warmup 1)
  rss_runs=1
  posix_counts=(50)
  posix_reference_count=50
  holder_count=20
  namespace_count=3
  namespace_segments=5
fi
largest_transfer=${transfer_sizes[-1]}

echo "$shmmni" >/proc/sys/kernel/shmmni
[[ $(</proc/sys/kernel/shmmni) -eq $shmmni ]] || die "could not raise kernel.shmmni to $shmmni"
[[ $(wc -l </proc/sysvipc/shm) -eq 1 ]] || die "the private IPC namespace is not empty"

# The segment, the file and the /dev/shm copy of the largest transfer live at the same time;
# the POSIX objects (at most a page each) come later, after the copy is gone.
needed_kib=$((3 * largest_transfer / 1024 + 512 * 1024))
available_kib=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
((available_kib >= needed_kib)) ||
  die "needs about $((needed_kib / 1024)) MiB of free memory, $((available_kib / 1024)) MiB available"

# A tmpfs of our own on /dev/shm, seen only in this mount namespace: the dd copy of the
# transfers and the POSIX objects live there and vanish with the namespace. Its size limit
# holds the largest transfer plus the POSIX objects (a page each) with room to spare.
shm_size_mib=$(((largest_transfer >> 20) + 256))
mount -t tmpfs -o "mode=1777,size=${shm_size_mib}m" shmtool-bench /dev/shm ||
  die "could not mount a private tmpfs on /dev/shm"
[[ $(stat -f -c %T /dev/shm) == tmpfs ]] || die "/dev/shm is not the private tmpfs"
[[ $(stat -c %d /dev/shm) != "$host_shm_dev" ]] || die "/dev/shm is still the host's"
[[ -z $(find /dev/shm -mindepth 1 -print -quit) ]] || die "the private /dev/shm is not empty"

work=$(mktemp -d /tmp/shmtool-bench.XXXXXX)
dev_shm_file=""
holder_pid=""
# stop_holders: ends bench_hold_segments, which kills its processes and removes its segments.
stop_holders() {
  if [[ -n $holder_pid ]]; then
    kill -TERM "$holder_pid" 2>/dev/null || true
    wait "$holder_pid" || true
    holder_pid=""
  fi
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_holders
  rm -rf -- "$work"
  if [[ -n $dev_shm_file ]]; then rm -f -- "$dev_shm_file"; fi
  # Segments, and the private /dev/shm with its POSIX objects, die with these namespaces when
  # the last process in them exits.
  if [[ $status -ne 0 ]]; then echo "bench: failed (exit $status); cleaned up" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
dev_shm_file=$(mktemp /dev/shm/shmtool-bench.XXXXXX)
manifest=$work/manifest.tsv
rss_table=$work/rss.tsv
: >"$manifest"
: >"$rss_table"

q() { printf '%q' "$1"; }
human_bytes() {
  if (($1 >= 1 << 30 && $1 % (1 << 30) == 0)); then
    echo "$(($1 >> 30)) GiB"
  else
    echo "$(($1 >> 20)) MiB"
  fi
}

# bench_group GROUP NAME COMMAND [NAME COMMAND]...: one hyperfine run without a shell (-N);
# COMMAND is split into words by hyperfine. The JSON goes to the manifest for report.py.
bench_group() {
  local group=$1
  shift
  local json=$work/hyperfine-${#group}-${group//[^A-Za-z0-9]/_}.json
  local -a commands=()
  while (($# > 0)); do
    commands+=(--command-name "$1" "$2")
    shift 2
  done
  printf '\n== %s\n' "$group"
  hyperfine -N "${hyperfine_runs[@]}" --export-json "$json" "${commands[@]}"
  printf '%s\t%s\n' "$group" "$json" >>"$manifest"
}

# record_max_rss N NAME RUNS COMMAND...: the largest maximum RSS (KiB) of RUNS runs.
record_max_rss() {
  local count=$1 name=$2 runs=$3 largest=0 kib run
  shift 3
  for ((run = 0; run < runs; run++)); do
    /usr/bin/time -f %M -o "$work/time.out" "$@" >/dev/null
    kib=$(tail -n 1 "$work/time.out")
    [[ $kib =~ ^[0-9]+$ ]] || die "GNU time printed '$kib' for $name"
    if ((kib > largest)); then largest=$kib; fi
  done
  printf '%s\t%s\t%s\n' "$name" "$count" "$largest" >>"$rss_table"
}

json_segment_count() {
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["segments"]))'
}

start_seconds=$SECONDS
echo "bench: $mode run in a private IPC and mount namespace, kernel.shmmni=$shmmni," \
  "a ${shm_size_mib} MiB tmpfs of its own on /dev/shm, work dir $work${only:+, only $only}"
"$shmtool" --version

# --- write and read: warm segments, a file in the page cache, bytes checked once -------------
if selected transfer; then
  head -c "$largest_transfer" /dev/urandom >"$work/data-$largest_transfer"
  for bytes in "${transfer_sizes[@]}"; do
    if [[ $bytes -ne $largest_transfer ]]; then
      head -c "$bytes" "$work/data-$largest_transfer" >"$work/data-$bytes"
    fi
  done
  sync -- "$work"/data-* # no write-back of the files during the measurements
  for bytes in "${transfer_sizes[@]}"; do
    size=$(human_bytes "$bytes")
    data=$work/data-$bytes
    cat -- "$data" >/dev/null # page cache warm
    id=$("$shmtool" create --size "$bytes")
    [[ $id =~ ^[0-9]+$ ]] || die "shmtool create printed '$id', not an id"
    "$floor_write" "$id" "$data" # touches every page: the segment is warm
    "$shmtool" read --binary "$id" | cmp -s - "$data" ||
      die "shmtool read --binary $id does not give back the $size written"
    : >"$dev_shm_file"
    dd if="$data" of="$dev_shm_file" bs=1M conv=notrunc status=none

    bench_group "write@$bytes" \
      "shmtool write" "$(q "$shmtool") write --binary --file $(q "$data") $id" \
      "floor write" "$(q "$floor_write") $id $(q "$data")" \
      "floor write --populate" "$(q "$floor_write") --populate $id $(q "$data")" \
      "dd" "dd if=$(q "$data") of=$(q "$dev_shm_file") bs=1M conv=notrunc status=none"
    "$floor_read" "$id" | cmp -s - "$data" ||
      die "after shmtool write --binary, segment $id does not hold the $size file"

    bench_group "read@$bytes" \
      "shmtool read" "bash -o pipefail -c '\"\$0\" read --binary \"\$1\" | cat >/dev/null' $(q "$shmtool") $id" \
      "floor read" "bash -o pipefail -c '\"\$0\" \"\$1\" | cat >/dev/null' $(q "$floor_read") $id"

    "$shmtool" rm "$id" >/dev/null
    : >"$dev_shm_file"
    rm -f -- "$data"
  done
  rm -f -- "$work"/data-*
fi
[[ $(wc -l </proc/sysvipc/shm) -eq 1 ]] || die "a transfer segment was left behind"
rm -f -- "$dev_shm_file" # /dev/shm holds only the POSIX objects of the list below
dev_shm_file=""

# --- who and stat with holders: processes each attached to a segment of their own ------------
# bench_hold_segments makes the segments and the processes, says "ready" through a FIFO once
# every process is attached, and removes it all when stopped (stop_holders; the EXIT trap does
# it on failure). The namespace holds only these segments and /dev/shm one object, so who's own
# listing of the objects is small and the walk of /proc is what is measured.
if selected who; then
  [[ -z $(find /dev/shm -mindepth 1 -print -quit) ]] || die "/dev/shm is not empty before who"
  # One POSIX object nobody holds: who --json looks for holders of objects in every process's
  # descriptors, as on a host whose /dev/shm is not empty, and shows no row for it.
  printf 'unheld' >/dev/shm/who-unheld
  mkfifo -- "$work/held"
  "$hold_segments" "$holder_count" >"$work/held" &
  holder_pid=$!
  exec {held_fd}<"$work/held"
  held_ids=()
  line=""
  while read -r -t 120 -u "$held_fd" line; do
    [[ $line == ready ]] && break
    held_ids+=("$line")
  done
  exec {held_fd}<&-
  [[ $line == ready && ${#held_ids[@]} -eq $holder_count ]] ||
    die "bench_hold_segments did not attach $holder_count processes (${#held_ids[@]} ids)"
  [[ $(wc -l </proc/sysvipc/shm) -eq $((holder_count + 1)) ]] ||
    die "the IPC namespace holds other segments than the $holder_count held ones"
  held_id=${held_ids[holder_count / 2]}
  [[ $held_id =~ ^[0-9]+$ ]] || die "bench_hold_segments printed '$held_id', not an id"

  # Every command must see every holder before it is timed (the floor and lsof also see the
  # segments of other IPC namespaces, if any process outside this benchmark maps one).
  seen=$("$floor_maps")
  ((seen >= holder_count)) || die "bench_floor_maps counts $seen /SYSV lines, not $holder_count"
  for type in all sysv; do
    seen=$("$shmtool" who --type "$type" --json |
      python3 -c 'import json, sys; print(len(json.load(sys.stdin)["attachments"]))')
    [[ $seen -eq $holder_count ]] ||
      die "shmtool who --type $type --json shows $seen attachments, not $holder_count"
  done
  seen=$("$shmtool" stat "$held_id" --json |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["attached"]))')
  [[ $seen -eq 1 ]] || die "shmtool stat $held_id --json shows $seen attached, not 1"
  for lsof_options in "-n -P" "-n -P -K i"; do
    # shellcheck disable=SC2086 # the options are words
    seen=$(lsof $lsof_options 2>/dev/null | grep -c SYSV || true)
    ((seen >= holder_count)) ||
      die "lsof $lsof_options | grep SYSV prints $seen lines, not $holder_count"
  done

  bench_group "who@$holder_count" \
    "floor maps" "$(q "$floor_maps")" \
    "floor who" "$(q "$floor_maps") --who" \
    "shmtool who --json" "$(q "$shmtool") who --json" \
    "shmtool who --type sysv --json" "$(q "$shmtool") who --type sysv --json" \
    "shmtool stat ID --json" "$(q "$shmtool") stat $held_id --json" \
    "lsof -n -P, grep SYSV" "bash -c 'lsof -n -P 2>/dev/null | grep SYSV'" \
    "lsof -n -P -K i, grep SYSV" "bash -c 'lsof -n -P -K i 2>/dev/null | grep SYSV'"

  stop_holders
  [[ $(wc -l </proc/sysvipc/shm) -eq 1 ]] || die "a held segment was left behind"
  rm -f -- /dev/shm/who-unheld
fi

base_key=$((0x5e000000)) # the keyed 4 KiB segments of bench_make_segments

# --- namespaces: list --all-namespaces over IPC namespaces of their own; metrics --------------
# bench/namespaces.sh runs as the first process of a private PID namespace with its own /proc,
# so the IPC namespaces on view are only those of its processes: namespace_count - 1
# "containers" (a process each in an IPC namespace of its own, with namespace_segments segments)
# and the benchmark's own, which holds as many. It times bench_floor_namespaces and
# list --all-namespaces --json there and ends the containers (their segments die with their
# namespaces). Then the benchmark's own namespace grows to reference_count segments and
# metrics is timed beside list --json (and list --json -o +RSS,SWAP, which reads each segment's
# resident and swapped memory as metrics must, and cat of /proc/sysvipc/shm, the one place the
# kernel gives them: its formatting of every line is the floor of any metrics), in the
# benchmark's usual namespace and /proc; the
# segments are removed at the end, so the list section starts from an empty namespace.
if selected namespaces; then
  [[ $(wc -l </proc/sysvipc/shm) -eq 1 ]] ||
    die "the IPC namespace is not empty before namespaces"
  [[ -z $(find /dev/shm -mindepth 1 -print -quit) ]] ||
    die "/dev/shm is not empty before namespaces"
  "$make_segments" "$namespace_segments" "$base_key"
  group="namespaces@${namespace_count}x$namespace_segments"
  json=$work/hyperfine-namespaces.json
  unshare --pid --fork --kill-child --mount-proc -- bash "$bench_dir/namespaces.sh" "$work" \
    "$shmtool" "$floor_namespaces" "$make_segments" "$namespace_count" "$namespace_segments" \
    "$json" "${hyperfine_runs[@]}" || die "the namespaces run failed"
  printf '%s\t%s\n' "$group" "$json" >>"$manifest"
  [[ $(wc -l </proc/sysvipc/shm) -eq $((namespace_segments + 1)) ]] ||
    die "the IPC namespace lost some of its $namespace_segments segments in the namespaces run"

  "$make_segments" "$reference_count" "$base_key"
  seen=$("$shmtool" list --json | json_segment_count)
  [[ $seen -eq $reference_count ]] ||
    die "shmtool list --json lists $seen segments, not $reference_count"
  seen=$("$shmtool" list --json -o +RSS,SWAP | python3 -c '
import json, sys
print(sum(segment["rss"] is not None for segment in json.load(sys.stdin)["segments"]))')
  [[ $seen -eq $reference_count ]] ||
    die "shmtool list --json -o +RSS,SWAP gives the rss of $seen segments, not $reference_count"
  seen=$("$shmtool" metrics | grep -c '^shmtool_segment_size_bytes{type="sysv",' || true)
  [[ $seen -eq $reference_count ]] ||
    die "shmtool metrics has $seen segment sizes, not $reference_count"
  bench_group "metrics@$reference_count" \
    "shmtool metrics" "$(q "$shmtool") metrics" \
    "shmtool list --json" "$(q "$shmtool") list --json" \
    "shmtool list --json -o +RSS,SWAP" "$(q "$shmtool") list --json -o +RSS,SWAP" \
    "floor list" "$(q "$floor_list")" \
    "floor cat /proc/sysvipc/shm" "cat /proc/sysvipc/shm"
  ipcrm --all=shm
  [[ $(wc -l </proc/sysvipc/shm) -eq 1 ]] ||
    die "a segment of the namespaces section was left behind"
fi

# --- list, stat, memory: one growing population of keyed 4 KiB segments ----------------------
selected list || list_counts=()
for count in "${list_counts[@]}"; do
  "$make_segments" "$count" "$base_key"
  # Every lister must see exactly the population before it is timed.
  seen=$("$floor_list" | wc -l)
  [[ $seen -eq $count ]] || die "bench_floor_list sees $seen segments, not $count"
  seen=$("$shmtool" list --json | json_segment_count)
  [[ $seen -eq $count ]] || die "shmtool list --json lists $seen segments, not $count"
  seen=$("$shmtool" list --noheadings | wc -l)
  [[ $seen -eq $count ]] || die "shmtool list prints $seen rows, not $count"

  bench_group "list@$count" \
    "shmtool list --json" "$(q "$shmtool") list --json" \
    "shmtool list" "$(q "$shmtool") list" \
    "lsipc -m --json -b" "lsipc -m --json -b" \
    "ipcs -m" "ipcs -m" \
    "floor list" "$(q "$floor_list")"

  if [[ $count -eq $reference_count ]]; then
    # Both shmtool stat and ipcs -m -i read /proc/sysvipc/shm (for rss and swap) up to the
    # segment's line, and the kernel formats every line before it: the segment's place in the
    # table decides most of the time. Segments from its start, middle and end.
    stat_key=$((base_key + count / 2))
    stat_id=$(awk -v key="$stat_key" 'NR > 1 && $1 == key { print $2 }' /proc/sysvipc/shm)
    first_id=$(awk 'NR == 2 { print $2 }' /proc/sysvipc/shm)
    last_id=$(awk 'END { print $2 }' /proc/sysvipc/shm)
    for id in "$stat_id" "$first_id" "$last_id"; do
      [[ $id =~ ^[0-9]+$ ]] || die "no segment to stat in /proc/sysvipc/shm ($id)"
      "$shmtool" stat "$id" >/dev/null
      ipcs -m -i "$id" >/dev/null
    done
    bench_group "stat@$count" \
      "shmtool stat ID" "$(q "$shmtool") stat $stat_id" \
      "shmtool stat ID --json" "$(q "$shmtool") stat $stat_id --json" \
      "ipcs -m -i ID" "ipcs -m -i $stat_id" \
      "shmtool stat FIRST" "$(q "$shmtool") stat $first_id" \
      "ipcs -m -i FIRST" "ipcs -m -i $first_id" \
      "shmtool stat LAST" "$(q "$shmtool") stat $last_id" \
      "ipcs -m -i LAST" "ipcs -m -i $last_id" \
      "shmtool --version" "$(q "$shmtool") --version" \
      "/bin/true" "/bin/true"
  fi

  if [[ $count -eq $largest_count ]]; then
    printf '\n== maximum RSS at %s segments (GNU time %%M)\n' "$count"
    record_max_rss "$count" "shmtool list --json" "$rss_runs" "$shmtool" list --json
    record_max_rss "$count" "shmtool list" 1 "$shmtool" list
    record_max_rss "$count" "lsipc -m --json -b" 1 lsipc -m --json -b
    record_max_rss "$count" "ipcs -m" 1 ipcs -m
    record_max_rss "$count" "floor list" 1 "$floor_list"
    cat "$rss_table"
  fi
done

# --- POSIX list: one growing population of small objects in the private /dev/shm ------------
# Created by the shell (no process per object): obj00000.. with 0 to 60 bytes each, so sizes
# vary and most occupy one page. Only the missing names are made, so a population grows.
posix_fill=$(printf '%060d' 0)
posix_made=0
make_posix_objects() {
  local count=$1 name
  for ((; posix_made < count; posix_made++)); do
    printf -v name '/dev/shm/obj%05d' "$posix_made"
    printf '%s' "${posix_fill:0:posix_made % 61}" >"$name"
  done
}
[[ -z $(find /dev/shm -mindepth 1 -print -quit) ]] || die "/dev/shm is not empty before the POSIX list"
selected posix || posix_counts=()
for count in "${posix_counts[@]}"; do
  make_posix_objects "$count"
  # Every lister must see exactly the population before it is timed.
  seen=$("$floor_posix_list" | wc -l)
  [[ $seen -eq $count ]] || die "bench_floor_posix_list sees $seen objects, not $count"
  seen=$("$shmtool" list --type posix --json | json_segment_count)
  [[ $seen -eq $count ]] || die "shmtool list --type posix --json lists $seen objects, not $count"
  seen=$("$shmtool" list --type posix --noheadings | wc -l)
  [[ $seen -eq $count ]] || die "shmtool list --type posix prints $seen rows, not $count"
  # shellcheck disable=SC2012 # ls -ln is the command measured: its own line count
  seen=$(ls -ln /dev/shm | wc -l)
  [[ $seen -eq $((count + 1)) ]] || die "ls -ln /dev/shm prints $seen lines, not $((count + 1))"

  bench_group "posix@$count" \
    "shmtool list --type posix --json" "$(q "$shmtool") list --type posix --json" \
    "shmtool list --type posix" "$(q "$shmtool") list --type posix" \
    "ls -ln /dev/shm" "ls -ln /dev/shm" \
    "floor posix list" "$(q "$floor_posix_list")"
done

# --- report -----------------------------------------------------------------------------------
report=(python3 "$bench_dir/report.py" --mode "$mode" --manifest "$manifest" --rss "$rss_table"
  --reference-count "$reference_count" --largest-count "$largest_count"
  --posix-reference-count "$posix_reference_count"
  --largest-transfer "$largest_transfer" --shmtool "$shmtool" --repo "$repo_dir"
  --elapsed "$((SECONDS - start_seconds))")
if [[ $mode == full && -n $only ]]; then
  echo "bench: a partial run (--only $only): its report is printed, not written" >&2
elif [[ $mode == full ]]; then
  report+=(--results "${SHMTOOL_BENCH_RESULTS:-$bench_dir/RESULTS.md}"
    --readme "${SHMTOOL_BENCH_README:-$repo_dir/README.md}")
else
  # The smoke run writes its report only into copies in the work dir, so that code runs too.
  cp -- "$repo_dir/README.md" "$work/README.md"
  if ! grep -qF '<!-- bench:start -->' "$work/README.md"; then
    printf '\n<!-- bench:start -->\n<!-- bench:end -->\n' >>"$work/README.md"
  fi
  report+=(--results "$work/RESULTS.md" --readme "$work/README.md")
fi
echo
"${report[@]}"
if [[ $mode == smoke ]]; then
  for written in "$work/RESULTS.md" "$work/README.md"; do
    grep -qF 'Targets met:' "$written" || die "the report did not reach $written"
  done
fi
