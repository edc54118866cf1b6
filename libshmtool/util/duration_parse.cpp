#include "util/duration_parse.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>

namespace shmtool {
namespace {

constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> kUnits{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 3600 * 1000},
    {"d", 24 * 3600 * 1000},
}};

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::string longest_text(std::chrono::milliseconds longest) {
  const auto ms = static_cast<std::uint64_t>(longest.count());
  constexpr std::uint64_t kDay = 24ULL * 3600 * 1000;
  if (ms % kDay == 0) return std::to_string(ms / kDay) + " days";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view subject,
                                                 std::chrono::milliseconds longest) {
  auto bad = [&] {
    return usage_error(std::string(subject),
                       "'" + std::string(text) +
                           "' is not a duration (seconds, or a number with ms, s, m, h or d: "
                           "5, 0.5, 500ms, 30m, 12h, 7d)");
  };
  auto too_long = [&] {
    return usage_error(std::string(subject),
                       "'" + std::string(text) + "' is longer than " + longest_text(longest));
  };
  std::size_t whole_end = 0;
  while (whole_end < text.size() && is_digit(text[whole_end]))
    ++whole_end;
  std::size_t number_end = whole_end;
  std::string_view fraction;
  if (number_end < text.size() && text[number_end] == '.') {
    std::size_t end = number_end + 1;
    while (end < text.size() && is_digit(text[end]))
      ++end;
    fraction = text.substr(number_end + 1, end - number_end - 1);
    number_end = end;
  }
  if (whole_end == 0 && fraction.empty()) return bad();

  const std::string_view unit_text = text.substr(number_end);
  std::uint64_t unit = 1000;  // no unit: seconds
  if (!unit_text.empty()) {
    unit = 0;
    for (const auto& [name, ms] : kUnits) {
      if (unit_text == name) unit = ms;
    }
    if (unit == 0) return bad();
  }

  const auto limit = static_cast<std::uint64_t>(longest.count());
  std::uint64_t whole = 0;
  for (std::size_t i = 0; i < whole_end; ++i) {
    const unsigned digit = static_cast<unsigned>(text[i] - '0');
    if (whole > (limit - digit) / 10) return too_long();  // whole stays at most limit
    whole = whole * 10 + digit;
  }
  // floor(unit * 0.d1d2...dn), exactly, from the last digit back: floor((d + y) / 10) with y
  // real equals floor((d + floor(y)) / 10) for a whole d, and the running value stays < unit.
  std::uint64_t part = 0;
  for (std::size_t i = fraction.size(); i-- > 0;)
    part = (static_cast<unsigned>(fraction[i] - '0') * unit + part) / 10;
  if (whole > (limit - part) / unit) return too_long();
  return std::chrono::milliseconds(static_cast<std::int64_t>(whole * unit + part));
}

}  // namespace shmtool
