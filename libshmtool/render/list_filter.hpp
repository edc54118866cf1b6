#pragma once
// Which segments `list` and `rm --all` act on, and in what order.

#include <cstdint>
#include <optional>
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
  bool orphaned = false;  // nattch 0
  bool dest = false;      // marked for removal
  std::optional<std::uint64_t> min_size;
};

/// Returns whether `row` passes every filter. A POSIX object has no creator, key, attach
/// count (until read) or removal mark: --creator, --key, --orphaned and --dest pass only
/// System V segments.
bool matches(const ListFilter& filter, RowRef row);

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
