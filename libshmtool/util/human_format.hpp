#pragma once
// Values made readable for people: sizes with units, local times.

#include <cstdint>
#include <optional>
#include <string>

namespace shmtool {

/// Returns `bytes` with a binary unit and at most one decimal: "512B", "4K", "1.5M".
std::string format_human_size(std::uint64_t bytes);

/// How a time is written.
enum class TimeStyle {
  local,   // "2026-11-22 10:14:11"
  packed,  // "2026-11-22T10:14:11" (no space, for --raw)
};

/// Returns an epoch time in local time, or "-" for never.
std::string format_time(std::optional<std::int64_t> epoch, TimeStyle style);

}  // namespace shmtool
