// Fuzzes parse_posix_object against the SPEC's rule for NAME, read plainly: accepted exactly
// when the form is right and NAME is 1..255 bytes without '/' or NUL, not . or .., and not a
// semaphore; the name returned is the argument without its form; and the /NAME form of the
// result parses back to itself.

#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "model/posix_name.hpp"

namespace shmtool::fuzz {
namespace {

bool acceptable(std::string_view text, std::string& name) {
  std::string_view rest;
  if (text.substr(0, 7) == "posix:/") {
    rest = text.substr(7);
  } else if (text.substr(0, 6) == "posix:") {
    rest = text.substr(6);
  } else if (!text.empty() && text[0] == '/') {
    rest = text.substr(1);
  } else {
    return false;
  }
  if (rest.empty() || rest.size() > 255 || rest == "." || rest == "..") return false;
  for (char c : rest) {
    if (c == '/' || c == '\0') return false;
  }
  if (rest.substr(0, 4) == "sem.") return false;
  name = std::string(rest);
  return true;
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shmtool::fuzz::as_text(data, size);
  std::string expected;
  const bool ok = shmtool::fuzz::acceptable(text, expected);
  if (!shmtool::is_posix_form(text)) {
    FUZZ_CHECK(!ok);
    return 0;
  }
  const auto parsed = shmtool::parse_posix_object(text);
  FUZZ_CHECK(parsed.ok() == ok);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().kind == shmtool::ErrorKind::usage);
    FUZZ_CHECK(parsed.error().subject == std::string(text));
    FUZZ_CHECK(!parsed.error().detail.empty());
    return 0;
  }
  FUZZ_CHECK(*parsed == expected);
  const auto again = shmtool::parse_posix_object("/" + *parsed);
  FUZZ_CHECK(again.ok() && *again == *parsed);
  return 0;
}
