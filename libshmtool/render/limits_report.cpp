#include "render/limits_report.hpp"

#include <algorithm>

#include "render/render_table.hpp"
#include "util/human_format.hpp"
#include "util/terminal_text.hpp"

namespace shmtool {
namespace {

// The kernel's default shmmax and shmall, ULONG_MAX - 2^24: no machine has that much.
constexpr std::uint64_t kUnlimitedFrom = 1ULL << 62;

std::optional<std::uint64_t> times(std::optional<std::uint64_t> value, std::uint64_t factor) {
  if (!value) return std::nullopt;
  if (*value > UINT64_MAX / factor) return UINT64_MAX;
  return *value * factor;
}

std::string amount_text(const std::optional<std::uint64_t>& value, std::string_view unit,
                        bool bytes) {
  if (!value) return "-";
  if (unit == "bytes" && !bytes) return format_human_size(*value);
  return std::to_string(*value);
}

}  // namespace

SegmentTotals total_of(std::span<const SegmentRecord> segments) {
  SegmentTotals totals;
  bool rss_known = true;
  bool swap_known = true;
  std::uint64_t rss = 0;
  std::uint64_t swap = 0;
  for (const SegmentRecord& s : segments) {
    ++totals.segments;
    totals.bytes += s.size;
    if (s.rss)
      rss += *s.rss;
    else
      rss_known = false;
    if (s.swap)
      swap += *s.swap;
    else
      swap_known = false;
    if (s.dest) ++totals.marked;
    if (s.nattch == 0) ++totals.orphaned;
  }
  if (rss_known) totals.rss = rss;
  if (swap_known) totals.swap = swap;
  return totals;
}

std::vector<LimitRow> limit_rows(const LimitFacts& facts, std::span<const SegmentRecord> segments) {
  const ShmLimits& shm = facts.shm;
  std::uint64_t pages = 0;
  std::uint64_t largest = 0;
  for (const SegmentRecord& s : segments) {
    pages += (s.size + shm.page_size - 1) / shm.page_size;
    largest = std::max(largest, s.size);
  }
  std::vector<LimitRow> rows;
  rows.push_back({"shmmni", "System V segments", shm.shmmni,
                  shm.used_segments.value_or(segments.size()), "segments", false});
  const auto shmall = times(shm.shmall, shm.page_size);
  rows.push_back({"shmall", "all System V segments together", shmall,
                  times(shm.used_pages.value_or(pages), shm.page_size), "bytes",
                  shm.shmall && *shm.shmall >= kUnlimitedFrom / shm.page_size});
  rows.push_back({"shmmax", "the largest System V segment", shm.shmmax,
                  std::optional<std::uint64_t>(largest), "bytes",
                  shm.shmmax && *shm.shmmax >= kUnlimitedFrom});
  std::optional<std::uint64_t> fs_size;
  std::optional<std::uint64_t> fs_used;
  if (facts.dev_shm) {
    fs_size = facts.dev_shm->size;
    fs_used = facts.dev_shm->used;
  }
  rows.push_back(
      {"dev_shm", "the /dev/shm filesystem (POSIX objects)", fs_size, fs_used, "bytes", false});
  std::optional<std::uint64_t> huge_used;
  if (facts.huge_pages.total && facts.huge_pages.free) {
    huge_used = *facts.huge_pages.total - std::min(*facts.huge_pages.total, *facts.huge_pages.free);
  }
  rows.push_back(
      {"hugepages", "huge pages (SHM_HUGETLB)", facts.huge_pages.total, huge_used, "pages", false});
  rows.push_back({"shm_rmid_forced", "remove segments no process has attached", shm.rmid_forced,
                  std::nullopt, "flag", false});
  return rows;
}

std::optional<std::uint64_t> use_percent(const LimitRow& row) {
  if (!row.limit || !row.used || row.unlimited || *row.limit == 0 || row.unit == "flag") {
    return std::nullopt;
  }
  const unsigned __int128 percent = static_cast<unsigned __int128>(*row.used) * 100U / *row.limit;
  return static_cast<std::uint64_t>(percent);
}

nlohmann::ordered_json limits_json(std::span<const LimitRow> rows, const SegmentTotals& totals) {
  auto optional = [](const std::optional<std::uint64_t>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
  };
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const LimitRow& row : rows) {
    nlohmann::ordered_json j;
    j["resource"] = std::string(row.resource);
    j["description"] = std::string(row.description);
    j["limit"] = optional(row.limit);
    j["used"] = optional(row.used);
    j["use_percent"] = optional(use_percent(row));
    j["unit"] = std::string(row.unit);
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json out;
  out["limits"] = std::move(list);
  nlohmann::ordered_json t;
  t["segments"] = totals.segments;
  t["bytes"] = totals.bytes;
  t["rss"] = optional(totals.rss);
  t["swap"] = optional(totals.swap);
  t["marked"] = totals.marked;
  t["orphaned"] = totals.orphaned;
  out["totals"] = std::move(t);
  return out;
}

std::string render_limits(std::span<const LimitRow> rows, const SegmentTotals& totals, bool bytes) {
  std::vector<std::vector<std::string>> cells = {
      {"RESOURCE", "DESCRIPTION", "LIMIT", "USED", "USE%"}};
  for (const LimitRow& row : rows) {
    const auto percent = use_percent(row);
    cells.push_back({std::string(row.resource), std::string(row.description),
                     row.unlimited ? "unlimited" : amount_text(row.limit, row.unit, bytes),
                     amount_text(row.used, row.unit, bytes),
                     percent ? std::to_string(*percent) + "%" : "-"});
  }
  std::vector<std::size_t> widths(5, 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i)
      widths[i] = std::max(widths[i], display_width(line[i]));
  }
  std::string out;
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (i > 0) out += ' ';
      // The numbers (LIMIT, USED, USE%) to the right.
      append_padded(out, line[i], widths[i], i >= 2 ? Align::right : Align::left,
                    i + 1 == line.size());
    }
    out += '\n';
  }
  auto size = [bytes](const std::optional<std::uint64_t>& v) {
    return amount_text(v, "bytes", bytes);
  };
  const LabelledValue lines[] = {
      {"segments", std::to_string(totals.segments)},
      {"bytes", size(totals.bytes)},
      {"rss", size(totals.rss)},
      {"swap", size(totals.swap)},
      {"marked", std::to_string(totals.marked)},
      {"orphaned", std::to_string(totals.orphaned)},
  };
  out += "\nSystem V segments in all:\n";
  out += format_labelled_lines(lines, LabelLayout{"  ", ":", 9, 1});
  return out;
}

}  // namespace shmtool
