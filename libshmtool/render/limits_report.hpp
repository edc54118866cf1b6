#pragma once
// What `limits` reports: one row per kernel resource (the limit, its use and the percentage)
// and the totals of System V segments, made from the facts the kernel gives; rendered as a
// table like lsipc -g and as typed JSON.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posix/shm_dir.hpp"
#include "sysv/kernel_limits.hpp"
#include "sysv/segment.hpp"

namespace shmtool {

/// One resource: its name, what it is, the limit, what is used, and the unit of both.
struct LimitRow {
  std::string_view resource;
  std::string_view description;
  std::optional<std::uint64_t> limit;
  std::optional<std::uint64_t> used;
  std::string_view unit;   // "segments", "bytes", "pages" or "flag"
  bool unlimited = false;  // the limit is the kernel's default, larger than any machine
};

/// The totals of the System V segments.
struct SegmentTotals {
  std::uint64_t segments = 0;
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> rss;
  std::optional<std::uint64_t> swap;
  std::uint64_t marked = 0;
  std::uint64_t orphaned = 0;
};

/// Everything `limits` reads.
struct LimitFacts {
  ShmLimits shm;
  HugePageInfo huge_pages;
  std::optional<FsUsage> dev_shm;
};

/// Adds up `segments` (rss and swap null when any segment's is unknown).
SegmentTotals total_of(std::span<const SegmentRecord> segments);

/// Returns the rows: shmmni, shmall, shmmax, dev_shm, hugepages, shm_rmid_forced. The use of
/// shmmni and shmall comes from `segments` when SHM_INFO did not say; shmmax's use is the
/// largest segment.
std::vector<LimitRow> limit_rows(const LimitFacts& facts, std::span<const SegmentRecord> segments);

/// Returns USE%: used * 100 / limit, rounded down; nullopt without both, or when unlimited.
std::optional<std::uint64_t> use_percent(const LimitRow& row);

/// Returns {"limits": [{"resource", "description", "limit", "used", "use_percent", "unit"}],
/// "totals": {"segments", "bytes", "rss", "swap", "marked", "orphaned"}}.
nlohmann::ordered_json limits_json(std::span<const LimitRow> rows, const SegmentTotals& totals);

/// Returns the table (RESOURCE DESCRIPTION LIMIT USED USE%), then the totals' lines; sizes
/// human unless `bytes`, "unlimited" for a default limit, "-" for unknown.
std::string render_limits(std::span<const LimitRow> rows, const SegmentTotals& totals, bool bytes);

}  // namespace shmtool
