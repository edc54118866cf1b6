// Fuzzes parse_mode (octal, at most 0777, any leading zeros) and format_perms (nine letters,
// each one set exactly when its bit is).

#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "util/mode_parse.hpp"

namespace shmtool::fuzz {
namespace {

constexpr std::string_view kSubject = "MODE";

// The mode by the grammar: octal digits whose value is at most 0777.
bool expected_mode(std::string_view text, unsigned& mode) {
  if (text.empty()) return false;
  mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return false;
    mode = mode * 8 + static_cast<unsigned>(c - '0');
    if (mode > 0777) return false;  // stays above once there: digits only add
  }
  return true;
}

std::string octal(unsigned mode) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + (mode & 7U)));
    mode >>= 3;
  } while (mode != 0);
  return out;
}

void check_perms(unsigned mode) {
  static constexpr char kLetters[] = "rwxrwxrwx";
  const std::string perms = format_perms(mode);
  FUZZ_CHECK(perms.size() == 9);
  for (unsigned i = 0; i < 9; ++i) {
    const bool set = (mode & (0400U >> i)) != 0;
    FUZZ_CHECK(perms[i] == (set ? kLetters[i] : '-'));
  }
}

void check_mode(std::string_view text) {
  const auto mode = parse_mode(text, kSubject);
  unsigned expected = 0;
  const bool valid = expected_mode(text, expected);
  if (!mode.ok()) {
    FUZZ_CHECK(!valid);
    FUZZ_CHECK(mode.error().kind == ErrorKind::usage);
    FUZZ_CHECK(mode.error().subject == kSubject);
    return;
  }
  FUZZ_CHECK(valid && *mode == expected);
  FUZZ_CHECK(*mode <= 0777);
  for (const std::string& spelling : {octal(*mode), "0" + octal(*mode)}) {
    const auto again = parse_mode(spelling, kSubject);
    FUZZ_CHECK(again.ok() && *again == *mode);
  }
  check_perms(*mode);
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shmtool::fuzz::as_text(data, size);
  shmtool::fuzz::check_mode(text);
  // Any bits, including those above the permissions, in the first four bytes.
  unsigned bits = 0;
  if (size > 0) std::memcpy(&bits, data, size < sizeof bits ? size : sizeof bits);
  shmtool::fuzz::check_perms(bits);
  return 0;
}
