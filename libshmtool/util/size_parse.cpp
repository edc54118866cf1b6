#include "util/size_parse.hpp"

#include <array>
#include <cctype>
#include <string>

namespace shmtool {
namespace {

struct Suffix {
  std::string_view name;
  std::uint64_t multiplier;
};

constexpr std::uint64_t kKi = 1024;
constexpr std::array<Suffix, 13> kSuffixes{{
    {"", 1},
    {"b", 1},
    {"k", kKi},
    {"kib", kKi},
    {"kb", 1000},
    {"m", kKi* kKi},
    {"mib", kKi* kKi},
    {"mb", 1000 * 1000},
    {"g", kKi* kKi* kKi},
    {"gib", kKi* kKi* kKi},
    {"gb", 1000ULL * 1000 * 1000},
    {"t", kKi* kKi* kKi* kKi},
    {"tib", kKi* kKi* kKi* kKi},
}};
// TB is handled with the table above plus one more entry; kept apart so the array stays small.
constexpr Suffix kTerabyte{"tb", 1000ULL * 1000 * 1000 * 1000};

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const Suffix* find_suffix(std::string_view text) {
  const std::string lower = lowercase(text);
  for (const Suffix& s : kSuffixes) {
    if (s.name == lower) return &s;
  }
  return lower == kTerabyte.name ? &kTerabyte : nullptr;
}

Error malformed(std::string_view text, std::string_view subject) {
  return usage_error(std::string(subject),
                     "'" + std::string(text) +
                         "' is not a byte count (use digits with an optional K, M, G or T suffix, "
                         "e.g. 4096 or 64K)");
}

Error too_big(std::string_view text, std::string_view subject) {
  return usage_error(std::string(subject), "'" + std::string(text) + "' is too large");
}

}  // namespace

Result<std::uint64_t> parse_byte_count(std::string_view text, std::string_view subject) {
  std::size_t pos = 0;
  unsigned __int128 whole = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    whole = whole * 10 + static_cast<unsigned>(text[pos] - '0');
    if (whole > UINT64_MAX) return too_big(text, subject);
    ++pos;
  }
  if (pos == 0) return malformed(text, subject);
  unsigned __int128 fraction = 0;
  unsigned __int128 scale = 1;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (pos - start >= 18) return malformed(text, subject);
      fraction = fraction * 10 + static_cast<unsigned>(text[pos] - '0');
      scale *= 10;
      ++pos;
    }
    if (pos == start) return malformed(text, subject);
  }
  const Suffix* suffix = find_suffix(text.substr(pos));
  if (suffix == nullptr) return malformed(text, subject);
  const unsigned __int128 total = whole * suffix->multiplier;
  if (total > UINT64_MAX) return too_big(text, subject);
  const unsigned __int128 part = fraction * suffix->multiplier;
  if (part % scale != 0) {
    return usage_error(std::string(subject),
                       "'" + std::string(text) + "' is not a whole number of bytes");
  }
  const unsigned __int128 sum = total + part / scale;
  if (sum > UINT64_MAX) return too_big(text, subject);
  return static_cast<std::uint64_t>(sum);
}

Result<std::uint64_t> parse_size(std::string_view text, std::string_view subject) {
  auto value = parse_byte_count(text, subject);
  if (value.ok() && *value == 0) {
    return usage_error(std::string(subject), "size must be at least 1 byte");
  }
  return value;
}

}  // namespace shmtool
