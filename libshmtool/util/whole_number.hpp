#pragma once
// Reading a number that must fill its whole text: the one from_chars wrapper of the parsers of
// kernel files (/proc/sysvipc/shm, /proc/PID/stat, /proc/locks, shmtool's own variables).

#include <charconv>
#include <string_view>

namespace shmtool {

/// Parses all of `text` as a number in `base` into `out`; false (and `out` unspecified) when
/// it is empty, out of range, or holds anything else.
template <class T>
bool parse_whole(std::string_view text, T& out, int base = 10) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace shmtool
