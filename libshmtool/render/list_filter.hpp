#pragma once
// Which segments `list` and `rm --all` act on, and in what order.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "render/columns.hpp"
#include "render/who_report.hpp"
#include "sysv/segment.hpp"

namespace shmtool {

/// The filters of `list` and `rm --all`; an absent filter matches everything.
struct ListFilter {
  std::optional<uid_t> owner;
  std::optional<uid_t> creator;
  std::optional<std::uint32_t> key;
  bool orphaned = false;  // nattch 0 (a POSIX object's: read from /proc, see reads_posix_nattch)
  bool dest = false;      // marked for removal
  std::optional<std::uint64_t> min_size;
  bool creator_gone = false;  // the creating process has exited (or its pid was reused)
  // Not attached, detached or changed for at least this long.
  std::optional<std::chrono::milliseconds> idle;
  std::int64_t now = 0;  // the epoch seconds --idle counts back from (build it from the clock)
  std::string proc = "/proc";  // where --creator-gone looks for processes (tests use a fake one)
};

/// Returns whether `row` passes every filter. A POSIX object has no creator, key or removal
/// mark: --creator, --creator-gone, --key and --dest pass only System V segments. A POSIX
/// object's attach count (--orphaned, --idle) is the processes that map it or hold it open,
/// known only once a walk of /proc has set its `nattch`: until then it passes neither.
bool matches(const ListFilter& filter, RowRef row);

/// Returns whether `filter` reads a POSIX object's `nattch` (--orphaned, --idle), which the
/// caller must first set from one walk of /proc (scan_holders).
bool reads_posix_nattch(const ListFilter& filter);

/// Returns whether `row` is idle for `duration` at `now` (epoch seconds): no process attached
/// (a POSIX object: none maps it or holds it open, `nattch` 0) and the latest of its known
/// times (attach, detach and change for a segment; access, write and change for a POSIX
/// object) at least `duration` before `now`. A row with no known time is not idle.
bool is_idle(RowRef row, std::chrono::milliseconds duration, std::int64_t now);

/// Removes the segments that do not match, keeping the order of the rest.
void apply_filter(const ListFilter& filter, std::vector<SegmentRecord>& segments);

enum class Order { ascending, descending };

/// Sorts by `column` (stable, ties keep index order).
void sort_segments(std::vector<SegmentRecord>& segments, const Column& column, Order order,
                   NameResolver& names, const HolderMap* holders = nullptr);

/// Removes the objects that do not match, keeping the order of the rest.
void apply_filter(const ListFilter& filter, std::vector<AnyRecord>& objects);

/// Sorts objects of either kind by `column` (stable).
void sort_objects(std::vector<AnyRecord>& objects, const Column& column, Order order,
                  NameResolver& names, const HolderMap* holders = nullptr);

/// Sorts `who`'s rows by `column` (stable).
void sort_who_rows(std::vector<WhoRow>& rows, const Column& column, Order order,
                   NameResolver& names);

}  // namespace shmtool
