#pragma once
// Parsing of DURATION arguments (--timeout, and filters by age): a number of seconds, or a
// number with a unit. Range-checked; nothing wraps around.

#include <chrono>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// The longest --timeout: a year (366 days).
inline constexpr std::chrono::milliseconds kLongestTimeout{366LL * 24 * 3600 * 1000};

/// Parses DURATION: a non-negative decimal (5, 0.25, .5, 2.) of seconds, or one followed by a
/// unit: ms, s, m (minutes), h or d (days), as in 500ms, 1.5s, 30m, 12h, 7d. The result is in
/// whole milliseconds (finer parts are dropped, exactly). Fails with a usage Error naming
/// `subject` when malformed or longer than `longest`.
Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view subject,
                                                 std::chrono::milliseconds longest);

}  // namespace shmtool
