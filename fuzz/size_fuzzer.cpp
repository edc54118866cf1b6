// Fuzzes parse_byte_count and parse_size against a plain reference reading of
// the SPEC's grammar: same acceptance, same value, nothing wrapped around, decimal round trip.

#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "util/size_parse.hpp"

namespace shmtool::fuzz {
namespace {

using u128 = unsigned __int128;

constexpr std::string_view kSubject = "SIZE";

struct Unit {
  std::string_view name;
  std::uint64_t multiplier;
};

// SPEC "Values": powers of 1024 for K/KiB/..., of 1000 for KB/MB/...; B or nothing is bytes.
constexpr std::uint64_t kKi = 1024;
constexpr std::array<Unit, 14> kUnits{{
    {"", 1},
    {"b", 1},
    {"k", kKi},
    {"kib", kKi},
    {"kb", 1000},
    {"m", kKi* kKi},
    {"mib", kKi* kKi},
    {"mb", 1000ULL * 1000},
    {"g", kKi* kKi* kKi},
    {"gib", kKi* kKi* kKi},
    {"gb", 1000ULL * 1000 * 1000},
    {"t", kKi* kKi* kKi* kKi},
    {"tib", kKi* kKi* kKi* kKi},
    {"tb", 1000ULL * 1000 * 1000 * 1000},
}};

std::optional<std::uint64_t> unit_multiplier(std::string_view text) {
  std::string lower;
  for (char c : text)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Unit& u : kUnits) {
    if (u.name == lower) return u.multiplier;
  }
  return std::nullopt;
}

std::size_t count_digits(std::string_view text, std::size_t from) {
  std::size_t n = 0;
  while (from + n < text.size() && text[from + n] >= '0' && text[from + n] <= '9')
    ++n;
  return n;
}

// Decimal digits as a value, saturating at `cap` + 1 so huge inputs cannot wrap.
u128 saturating_value(std::string_view digits, u128 cap) {
  u128 value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > cap) return cap + 1;
  }
  return value;
}

// What a byte count should be by the grammar DIGITS[.DIGITS][UNIT]: nullopt when it must be
// refused. `undecided` is set where the library may refuse a valid spelling (over 18 fraction
// digits).
std::optional<std::uint64_t> expected_byte_count(std::string_view text, bool& undecided) {
  undecided = false;
  const std::size_t whole_digits = count_digits(text, 0);
  if (whole_digits == 0) return std::nullopt;
  std::size_t pos = whole_digits;
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    fraction = text.substr(pos + 1, count_digits(text, pos + 1));
    if (fraction.empty()) return std::nullopt;
    pos += 1 + fraction.size();
  }
  const auto multiplier = unit_multiplier(text.substr(pos));
  if (!multiplier) return std::nullopt;
  if (fraction.size() > 18) {
    undecided = true;
    return std::nullopt;
  }
  const u128 whole = saturating_value(text.substr(0, whole_digits), UINT64_MAX);
  if (whole > UINT64_MAX) return std::nullopt;
  u128 scale = 1;
  for (std::size_t i = 0; i < fraction.size(); ++i)
    scale *= 10;
  const u128 part = saturating_value(fraction, scale) * *multiplier;
  if (part % scale != 0) return std::nullopt;  // not a whole number of bytes
  const u128 total = whole * *multiplier + part / scale;
  if (total > UINT64_MAX) return std::nullopt;
  return static_cast<std::uint64_t>(total);
}

void check_usage_error(const Error& error) {
  FUZZ_CHECK(error.kind == ErrorKind::usage);
  FUZZ_CHECK(error.subject == kSubject);
  FUZZ_CHECK(!error.detail.empty());
}

void check_byte_count(std::string_view text) {
  const auto count = parse_byte_count(text, kSubject);
  const auto size = parse_size(text, kSubject);
  bool undecided = false;
  const auto expected = expected_byte_count(text, undecided);
  if (!count.ok()) {
    check_usage_error(count.error());
    FUZZ_CHECK(!expected || undecided);
    FUZZ_CHECK(!size.ok());
    check_usage_error(size.error());
    return;
  }
  FUZZ_CHECK(expected.has_value());
  FUZZ_CHECK(*count == *expected);
  const std::string decimal = std::to_string(*count);
  const auto again = parse_byte_count(decimal, kSubject);
  FUZZ_CHECK(again.ok() && *again == *count);
  // SIZE is the same number, refused only at zero.
  FUZZ_CHECK(size.ok() == (*count != 0));
  if (size.ok()) FUZZ_CHECK(*size == *count);
  if (!size.ok()) check_usage_error(size.error());
  if (*count % kKi == 0) {
    const auto in_k = parse_byte_count(std::to_string(*count / kKi) + "K", kSubject);
    FUZZ_CHECK(in_k.ok() && *in_k == *count);
  }
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shmtool::fuzz::as_text(data, size);
  shmtool::fuzz::check_byte_count(text);
  return 0;
}
