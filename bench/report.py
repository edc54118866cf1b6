#!/usr/bin/env python3
"""Turns the hyperfine JSON files of bench/run.sh into tables of medians and ratios.

It checks each ratio with a target (PASS/MISS; never an error: a benchmark is not a test),
prints the report, and in full mode writes it to RESULTS.md and between the markers
<!-- bench:start --> and <!-- bench:end --> of README.md when both are there.

    report.py --mode full|smoke --manifest FILE --rss FILE --reference-count N
              --largest-count N --posix-reference-count N --largest-transfer BYTES
              --shmtool PATH --repo DIR
              [--elapsed SECONDS] [--results FILE] [--readme FILE]
    report.py splice --readme FILE --content FILE   (replace the marked text only)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Callable, Optional

START_MARKER = "<!-- bench:start -->"
END_MARKER = "<!-- bench:end -->"


# --- measurements --------------------------------------------------------------------------

@dataclass
class Measurement:
    median: float  # seconds
    runs: int


def load_medians(manifest_path: str) -> tuple[list[str], dict[str, dict[str, Measurement]]]:
    """Reads the manifest (GROUP<TAB>JSON per line); returns the groups in order and
    {group: {command name: Measurement}} with medians computed from every run's time."""
    order: list[str] = []
    groups: dict[str, dict[str, Measurement]] = {}
    with open(manifest_path, encoding="utf-8") as manifest:
        for line in manifest:
            if not line.strip():
                continue
            group, path = line.rstrip("\n").split("\t", 1)
            with open(path, encoding="utf-8") as export:
                results = json.load(export)["results"]
            order.append(group)
            groups[group] = {
                result["command"]: Measurement(statistics.median(result["times"]),
                                               len(result["times"]))
                for result in results
            }
    return order, groups


def load_rss(path: str) -> list[tuple[str, int, int]]:
    """Reads NAME<TAB>SEGMENTS<TAB>KIB lines."""
    rows = []
    with open(path, encoding="utf-8") as table:
        for line in table:
            if line.strip():
                name, count, kib = line.rstrip("\n").split("\t")
                rows.append((name, int(count), int(kib)))
    return rows


# --- formatting ----------------------------------------------------------------------------

def fmt_time(seconds: float) -> str:
    ms = seconds * 1000
    if ms >= 100:
        return f"{ms:,.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def fmt_bytes(count: int) -> str:
    if count >= 1 << 30 and count % (1 << 30) == 0:
        return f"{count >> 30} GiB"
    return f"{count >> 20} MiB"


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}x"


def group_title(group: str) -> str:
    kind, _, arg = group.partition("@")
    if kind in ("list", "stat"):
        return f"{kind}, {int(arg):,} segments"
    if kind == "posix":
        return f"list --type posix, {int(arg):,} objects"
    if kind == "write":
        return f"write {fmt_bytes(int(arg))} from a file"
    if kind == "read":
        return f"read {fmt_bytes(int(arg))} to a pipe"
    if kind == "who":
        return f"who, {int(arg):,} processes, a segment each"
    if kind == "namespaces":
        namespaces, _, segments = arg.partition("x")
        return f"all namespaces, {int(namespaces)} x {int(segments):,} segments"
    if kind == "metrics":
        return f"metrics, {int(arg):,} segments"
    return group


def markdown_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        padded = [cell.rjust(w) if i in right else cell.ljust(w)
                  for i, (cell, w) in enumerate(zip(cells, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule] + [line(row) for row in rows])


# --- ratios and targets --------------------------------------------------------------------

@dataclass
class Target:
    text: str
    met: Callable[[float], bool]


def at_most(limit: float) -> Target:
    return Target(f"≤ {limit:g}x", lambda value: value <= limit)


def at_least(limit: float) -> Target:
    return Target(f"≥ {limit:g}x", lambda value: value >= limit)


@dataclass
class Row:
    name: str
    value: Optional[str]  # None: not measured in this mode
    target: Optional[Target] = None
    number: Optional[float] = None
    note: str = ""

    def check(self) -> str:
        if self.target is None:
            return ""
        if self.number is None:
            return "n/a"
        return "PASS" if self.target.met(self.number) else "MISS"

    def cells(self) -> list[str]:
        value = self.value if self.value is not None else "n/a"
        if self.note:
            value += f" ({self.note})"
        return [self.name, value, self.target.text if self.target else "", self.check()]


def ratio_rows(args: argparse.Namespace, order: list[str],
               groups: dict[str, dict[str, Measurement]],
               rss: list[tuple[str, int, int]]) -> list[Row]:
    rows: list[Row] = []
    ref, big = args.reference_count, args.largest_count

    def median(group: str, name: str) -> float:
        return groups[group][name].median

    def ratio(name: str, top: tuple[str, str], bottom: tuple[str, str],
              target: Optional[Target] = None) -> None:
        if top[0] not in groups or bottom[0] not in groups:
            return  # a section this run left out (--only)
        if top[1] not in groups[top[0]] or bottom[1] not in groups[bottom[0]]:
            rows.append(Row(name, None, target))  # a command this shmtool lacks
            return
        value = median(*top) / median(*bottom)
        rows.append(Row(name, fmt_ratio(value), target, value))

    list_groups = [g for g in order if g.startswith("list@")]
    for group in list_groups:
        n = int(group.split("@")[1])
        ratio(f"list --json / floor, {n:,}", (group, "shmtool list --json"),
              (group, "floor list"), at_most(1.5) if n == ref else None)
    for group in list_groups:
        n = int(group.split("@")[1])
        ratio(f"list (table) / floor, {n:,}", (group, "shmtool list"), (group, "floor list"))
    for group in list_groups:
        n = int(group.split("@")[1])
        ratio(f"lsipc -m --json -b / list --json, {n:,}", (group, "lsipc -m --json -b"),
              (group, "shmtool list --json"), at_least(8) if n == ref else None)
    for group in list_groups:
        n = int(group.split("@")[1])
        ratio(f"ipcs -m / list (table), {n:,}", (group, "ipcs -m"), (group, "shmtool list"),
              at_least(8) if n == ref else None)

    stat = f"stat@{ref}"
    ratio("stat ID / ipcs -m -i ID (middle of the table)", (stat, "shmtool stat ID"),
          (stat, "ipcs -m -i ID"), at_most(1.0))
    ratio("stat / ipcs -m -i, first in the table", (stat, "shmtool stat FIRST"),
          (stat, "ipcs -m -i FIRST"))
    ratio("stat / ipcs -m -i, last in the table", (stat, "shmtool stat LAST"),
          (stat, "ipcs -m -i LAST"))
    ratio("stat ID --json / ipcs -m -i ID", (stat, "shmtool stat ID --json"),
          (stat, "ipcs -m -i ID"))
    ratio("shmtool --version / /bin/true (start-up)", (stat, "shmtool --version"),
          (stat, "/bin/true"))
    if stat in groups:
        share = median(stat, "shmtool --version") / median(stat, "shmtool stat ID")
        rows.append(Row("start-up share of stat ID (--version / stat ID)", f"{share:.0%}"))

    # who and stat against the floor that reads every /proc/PID/maps once, and lsof.
    for group in (g for g in order if g.startswith("who@")):
        ratio("who --json / floor maps", (group, "shmtool who --json"), (group, "floor maps"),
              at_most(1.5))
        ratio("who --type sysv --json / floor maps", (group, "shmtool who --type sysv --json"),
              (group, "floor maps"))
        # The floor of the work who's contract requires (descriptors, namespaces, names): the
        # maps-only floor above cannot be met by any who that finds open POSIX objects.
        ratio("who --json / floor who (maps, descriptors, names)",
              (group, "shmtool who --json"), (group, "floor who"), at_most(1.5))
        ratio("floor who / floor maps", (group, "floor who"), (group, "floor maps"))
        ratio("stat ID --json (attached) / floor maps", (group, "shmtool stat ID --json"),
              (group, "floor maps"), at_most(1.5))
        ratio("lsof -n -P -K i, grep SYSV / who --json",
              (group, "lsof -n -P -K i, grep SYSV"), (group, "shmtool who --json"),
              at_least(10))
        ratio("lsof -n -P, grep SYSV / who --json", (group, "lsof -n -P, grep SYSV"),
              (group, "shmtool who --json"))
        ratio("lsof -n -P -K i, grep SYSV / floor maps",
              (group, "lsof -n -P -K i, grep SYSV"), (group, "floor maps"))

    # list --all-namespaces against the floor that enters every IPC namespace and lists it.
    for group in (g for g in order if g.startswith("namespaces@")):
        namespaces, _, segments = group.split("@")[1].partition("x")
        ratio(f"list --all-namespaces --json / floor, {namespaces} x {int(segments):,}",
              (group, "shmtool list --all-namespaces --json"), (group, "floor namespaces"),
              at_most(2))
    for group in (g for g in order if g.startswith("metrics@")):
        n = int(group.split("@")[1])
        ratio(f"metrics / list --json, {n:,}", (group, "shmtool metrics"),
              (group, "shmtool list --json"), at_most(2))
        ratio(f"metrics / list --json -o +RSS,SWAP (rss and swap read too), {n:,}",
              (group, "shmtool metrics"), (group, "shmtool list --json -o +RSS,SWAP"))
        ratio(f"list --json -o +RSS,SWAP / list --json, {n:,}",
              (group, "shmtool list --json -o +RSS,SWAP"), (group, "shmtool list --json"))
        ratio(f"metrics / floor list, {n:,}", (group, "shmtool metrics"), (group, "floor list"))
        # Per-segment rss and swap are only in /proc/sysvipc/shm, whose kernel-side printing of
        # every line costs more than a whole list --json: the floor of the work metrics must do.
        ratio(f"cat /proc/sysvipc/shm / list --json, {n:,}",
              (group, "floor cat /proc/sysvipc/shm"), (group, "shmtool list --json"))
        ratio(f"metrics / cat /proc/sysvipc/shm (the one source of rss), {n:,}",
              (group, "shmtool metrics"), (group, "floor cat /proc/sysvipc/shm"), at_most(1.5))

    scaling_name = f"scaling: list --json {big:,} / {ref:,} (linear {big / ref:g})"
    floor_name = f"scaling: floor {big:,} / {ref:,}"
    if big != ref:
        ratio(scaling_name, (f"list@{big}", "shmtool list --json"),
              (f"list@{ref}", "shmtool list --json"), at_most(9))
        ratio(floor_name, (f"list@{big}", "floor list"), (f"list@{ref}", "floor list"))
    elif list_groups:
        rows.append(Row(f"scaling: list --json (one population only)", None, at_most(9)))

    for name, count, kib in rss:
        target = Target("≤ 16 MiB", lambda value: value <= 16) if (
            name == "shmtool list --json") else None
        rows.append(Row(f"max RSS {name}, {count:,}", f"{kib / 1024:.1f} MiB", target,
                        kib / 1024))

    for kind, ours, floor, other in (("write", "shmtool write", "floor write", "dd"),
                                     ("read", "shmtool read", "floor read", None)):
        for group in (g for g in order if g.startswith(kind + "@")):
            size = int(group.split("@")[1])
            label = fmt_bytes(size)
            ratio(f"{kind} {label} / floor", (group, ours), (group, floor),
                  at_most(1.25) if size == args.largest_transfer else None)
            if kind == "write":
                ratio(f"write {label} / floor --populate (page tables filled first)",
                      (group, ours), (group, "floor write --populate"))
            if other:
                ratio(f"{other} {label} / shmtool {kind}", (group, other), (group, ours))

    posix_ref = args.posix_reference_count
    posix_groups = [g for g in order if g.startswith("posix@")]
    for group in posix_groups:
        n = int(group.split("@")[1])
        ratio(f"posix list --json / floor, {n:,}", (group, "shmtool list --type posix --json"),
              (group, "floor posix list"), at_most(1.5) if n == posix_ref else None)
    for group in posix_groups:
        n = int(group.split("@")[1])
        ratio(f"posix list (table) / ls -ln /dev/shm, {n:,}",
              (group, "shmtool list --type posix"), (group, "ls -ln /dev/shm"),
              at_most(1.0) if n == posix_ref else None)
    for group in posix_groups:
        n = int(group.split("@")[1])
        ratio(f"posix list (table) / floor, {n:,}", (group, "shmtool list --type posix"),
              (group, "floor posix list"))
    return rows


def median_rows(order: list[str], groups: dict[str, dict[str, Measurement]]) -> list[list[str]]:
    rows = []
    kinds = ("list", "stat", "who", "namespaces", "metrics", "posix", "write", "read")
    for group in sorted(order, key=lambda g: kinds.index(g.partition("@")[0])):
        kind, _, arg = group.partition("@")
        for name, measurement in groups[group].items():
            cell = fmt_time(measurement.median)
            if kind in ("write", "read"):
                rate = int(arg) / measurement.median / (1 << 30)
                cell += f" ({rate:.2f} GiB/s)"
            rows.append([group_title(group), name, cell, str(measurement.runs)])
    return rows


# --- machine and report --------------------------------------------------------------------

def command_output(argv: list[str]) -> Optional[str]:
    try:
        return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine_lines(args: argparse.Namespace) -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    version = command_output([args.shmtool, "--version"]) or "unknown"
    commit = command_output(["git", "-C", args.repo, "rev-parse", "--short", "HEAD"])
    if commit and command_output(["git", "-C", args.repo, "status", "--porcelain",
                                  "--untracked-files=no"]):
        commit += " with uncommitted changes"
    hyperfine = command_output(["hyperfine", "--version"]) or "hyperfine"
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (`nproc`), {cpu}",
        f"- kernel: {os.uname().release}",
        f"- date: {now}",
        f"- shmtool: {version}" + (f" (commit {commit})" if commit else ""),
        f"- tools: {hyperfine}, medians of every run's wall time"
        + (f"; the whole run took {args.elapsed} s" if args.elapsed is not None else ""),
    ]
    return lines


def build_report(args: argparse.Namespace) -> tuple[str, int, int]:
    order, groups = load_medians(args.manifest)
    rss = load_rss(args.rss)
    rows = ratio_rows(args, order, groups, rss)
    judged = [row for row in rows if row.check() in ("PASS", "MISS")]
    passed = sum(row.check() == "PASS" for row in judged)

    parts = []
    if args.mode == "smoke":
        parts.append("Smoke run (tiny scale, 3 runs each): it checks that the benchmark works; "
                     "its PASS/MISS say nothing about speed.")
    else:
        parts.append(f"Generated by `make bench` (`bench/run.sh`): each command timed with "
                     f"hyperfine in a private IPC namespace holding only its segments (keyed "
                     f"4 KiB segments for list and stat; `stat` on the first, the middle and the last "
                     f"of {args.reference_count:,} in /proc/sysvipc/shm); for `who` and the `stat` "
                     f"of an attached segment, processes each attached to a 4 KiB segment of its "
                     f"own (bench_hold_segments), timed beside `lsof`; for `list "
                     f"--all-namespaces`, processes each in an IPC namespace of its own with "
                     f"the same keyed segments, seen through the /proc of a private PID "
                     f"namespace, and `metrics` beside `list --json` at "
                     f"{args.reference_count:,} segments; POSIX objects of 0 to "
                     f"60 bytes in a tmpfs of its own on /dev/shm (a private mount namespace) "
                     f"for `list --type posix`; transfers between a file in the page cache "
                     f"and a warm segment. The floors are the C programs in `bench/`: the least "
                     f"work a lister, writer, reader or \"who\" must do.")
    parts.append("\n".join(machine_lines(args)))
    parts.append(markdown_table(["case", "command", "median", "runs"], median_rows(order, groups),
                                {2, 3}))
    parts.append(markdown_table(["ratio", "value", "target", "check"],
                                [row.cells() for row in rows], {1}))
    parts.append(f"Targets met: {passed} of {len(judged)}.")
    return "\n\n".join(parts) + "\n", passed, len(judged)


def write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
    fd, temporary = tempfile.mkstemp(prefix=".bench-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def splice(readme_text: str, content: str) -> Optional[str]:
    """Returns readme_text with the text between the markers replaced by content, or None when
    the markers are not both there, once each, start before end."""
    if readme_text.count(START_MARKER) != 1 or readme_text.count(END_MARKER) != 1:
        return None
    start = readme_text.index(START_MARKER) + len(START_MARKER)
    end = readme_text.index(END_MARKER)
    if end < start:
        return None
    return readme_text[:start] + "\n" + content.rstrip("\n") + "\n" + readme_text[end:]


def update_readme(path: str, content: str) -> None:
    with open(path, encoding="utf-8") as readme:
        text = readme.read()
    spliced = splice(text, content)
    if spliced is None:
        print(f"bench: {path}: no single {START_MARKER} ... {END_MARKER} pair; left as it is")
    elif spliced == text:
        print(f"bench: {path}: already up to date")
    else:
        write_atomically(path, spliced)
        print(f"bench: {path}: results written between the bench markers")


def main(argv: list[str]) -> int:
    if argv and argv[0] == "splice":
        parser = argparse.ArgumentParser(prog="report.py splice")
        parser.add_argument("--readme", required=True)
        parser.add_argument("--content", required=True)
        args = parser.parse_args(argv[1:])
        with open(args.content, encoding="utf-8") as content:
            update_readme(args.readme, content.read())
        return 0

    parser = argparse.ArgumentParser(prog="report.py")
    parser.add_argument("--mode", choices=("full", "smoke"), required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--rss", required=True)
    parser.add_argument("--reference-count", type=int, required=True)
    parser.add_argument("--largest-count", type=int, required=True)
    parser.add_argument("--posix-reference-count", type=int, required=True)
    parser.add_argument("--largest-transfer", type=int, required=True)
    parser.add_argument("--shmtool", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--elapsed", type=int)
    parser.add_argument("--results")
    parser.add_argument("--readme")
    args = parser.parse_args(argv)

    body, passed, judged = build_report(args)
    print(body, end="")
    if args.results:
        write_atomically(args.results, "# shmtool benchmark results\n\n" + body)
        print(f"bench: results written to {args.results}")
    if args.readme:
        if os.path.exists(args.readme):
            update_readme(args.readme, body)
        else:
            print(f"bench: {args.readme}: not found; left alone")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
