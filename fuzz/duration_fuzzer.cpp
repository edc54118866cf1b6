// Fuzzes parse_duration against a plain reference reading of DURATION: NUMBER[UNIT], NUMBER
// being DIGITS, DIGITS., .DIGITS or DIGITS.DIGITS, UNIT one of ms s m h d (none: seconds). The
// reference works in decimal digits, the way one does it on paper, so it shares no arithmetic
// with the parser: same acceptance, same milliseconds, the limit held, decimal round trip.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "util/duration_parse.hpp"

namespace shmtool::fuzz {
namespace {

constexpr std::string_view kSubject = "--timeout";

struct Unit {
  std::string_view name;
  std::uint32_t ms;
};

constexpr std::array<Unit, 6> kUnits{{
    {"", 1000},
    {"ms", 1},
    {"s", 1000},
    {"m", 60000},
    {"h", 3600000},
    {"d", 86400000},
}};

std::size_t count_digits(std::string_view text, std::size_t from) {
  std::size_t n = 0;
  while (from + n < text.size() && text[from + n] >= '0' && text[from + n] <= '9')
    ++n;
  return n;
}

// floor(NUMBER * unit) in milliseconds, or nullopt when it exceeds `limit`: the digits of the
// number without its point, multiplied by `unit` digit by digit, then the fraction's places cut.
std::optional<std::uint64_t> reference_ms(std::string_view whole, std::string_view fraction,
                                          std::uint32_t unit, std::uint64_t limit) {
  std::vector<std::uint32_t> digits;  // most significant first
  for (char c : whole)
    digits.push_back(static_cast<std::uint32_t>(c - '0'));
  for (char c : fraction)
    digits.push_back(static_cast<std::uint32_t>(c - '0'));
  std::uint64_t carry = 0;
  for (std::size_t i = digits.size(); i-- > 0;) {
    const std::uint64_t product = std::uint64_t{digits[i]} * unit + carry;
    digits[i] = static_cast<std::uint32_t>(product % 10);
    carry = product / 10;
  }
  std::vector<std::uint32_t> head;
  while (carry > 0) {
    head.insert(head.begin(), static_cast<std::uint32_t>(carry % 10));
    carry /= 10;
  }
  digits.insert(digits.begin(), head.begin(), head.end());
  digits.resize(digits.size() - fraction.size());  // drop the places after the point
  std::uint64_t value = 0;
  for (std::uint32_t d : digits) {
    if (value > (limit - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  return value;
}

void check_duration(std::string_view text, std::chrono::milliseconds longest) {
  const auto parsed = parse_duration(text, kSubject, longest);
  const auto limit = static_cast<std::uint64_t>(longest.count());

  std::optional<std::uint64_t> expected;
  bool well_formed = false;
  const std::size_t whole_digits = count_digits(text, 0);
  std::size_t pos = whole_digits;
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    fraction = text.substr(pos + 1, count_digits(text, pos + 1));
    pos += 1 + fraction.size();
  }
  if (whole_digits > 0 || !fraction.empty()) {
    for (const Unit& unit : kUnits) {
      if (text.substr(pos) != unit.name) continue;
      well_formed = true;
      expected = reference_ms(text.substr(0, whole_digits), fraction, unit.ms, limit);
    }
  }

  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().kind == ErrorKind::usage);
    FUZZ_CHECK(parsed.error().subject == kSubject);
    FUZZ_CHECK(!parsed.error().detail.empty());
    FUZZ_CHECK(!expected.has_value());
    return;
  }
  FUZZ_CHECK(well_formed);
  const std::int64_t ms = parsed->count();
  FUZZ_CHECK(ms >= 0 && static_cast<std::uint64_t>(ms) <= limit);
  FUZZ_CHECK(expected && *expected == static_cast<std::uint64_t>(ms));
  const auto again = parse_duration(std::to_string(ms) + "ms", kSubject, longest);
  FUZZ_CHECK(again.ok() && *again == *parsed);
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shmtool::fuzz::as_text(data, size);
  shmtool::fuzz::check_duration(text, shmtool::kLongestTimeout);
  // A limit near the top of the range: the parser must not wrap around on the way to it.
  shmtool::fuzz::check_duration(text, std::chrono::milliseconds(INT64_MAX));
  return 0;
}
