#include "util/mode_parse.hpp"

#include <algorithm>

namespace shmtool {

Result<unsigned> parse_mode(std::string_view text, std::string_view subject) {
  auto bad = [&](std::string why) {
    return usage_error(std::string(subject), "'" + std::string(text) + "' " + why);
  };
  if (text.empty()) return bad("is not an octal mode (e.g. 600 or 0640)");
  unsigned mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return bad("is not an octal mode (e.g. 600 or 0640)");
    // Leading zeros are fine ("00000644"); past 0777 stay there, so a long string cannot wrap.
    mode = std::min(mode * 8 + static_cast<unsigned>(c - '0'), 01000U);
  }
  if (mode > 0777) return bad("has bits beyond 0777 (only permission bits can be set)");
  return mode;
}

std::string format_perms(unsigned mode) {
  static constexpr char kLetters[] = "rwxrwxrwx";
  std::string out(9, '-');
  for (unsigned bit = 0; bit < 9; ++bit) {
    if ((mode & (0400U >> bit)) != 0) out[bit] = kLetters[bit];
  }
  return out;
}

}  // namespace shmtool
