// Fuzzes parse_segment_ref and parse_key_ref: no input crashes them, every failure is a usage
// error, and every success names exactly what re-parsing its canonical form names.

#include <climits>
#include <string>

#include "fuzz_check.hpp"
#include "model/segment_ref.hpp"

namespace shmtool::fuzz {
namespace {

void check_usage_error(const Error& error) {
  FUZZ_CHECK(error.kind == ErrorKind::usage);
  FUZZ_CHECK(error.op == Op::parse);
  FUZZ_CHECK(!error.detail.empty());
}

bool same_target(const SegmentRef& a, const SegmentRef& b) {
  if (a.form != b.form) return false;
  switch (a.form) {
    case RefForm::id:
      return a.id == b.id;
    case RefForm::key:
      return a.key == b.key;
    case RefForm::ftok:
      return a.path == b.path && a.proj == b.proj;
    case RefForm::posix:
      return a.name == b.name;
  }
  return false;
}

// Re-parses `text` and requires it to name the same segment as `ref`.
void check_reparses_to(const std::string& text, const SegmentRef& ref) {
  const auto again = parse_segment_ref(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(same_target(*again, ref));
}

void check_id(const SegmentRef& ref) {
  FUZZ_CHECK(ref.id >= 0 && ref.id <= INT_MAX);
  check_reparses_to(std::to_string(ref.id), ref);
  check_reparses_to("id:" + std::to_string(ref.id), ref);
  FUZZ_CHECK(describe(ref) == "id " + std::to_string(ref.id));
}

void check_key(const SegmentRef& ref) {
  FUZZ_CHECK(ref.key != 0);  // IPC_PRIVATE names no segment
  const std::string hex = format_key_hex(ref.key);
  FUZZ_CHECK(hex.size() == 10 && hex.starts_with("0x"));
  check_reparses_to(hex, ref);
  check_reparses_to("key:" + std::to_string(ref.key), ref);
  // The signed spelling ipcs would print for a key with the top bit set.
  check_reparses_to("key:" + std::to_string(static_cast<std::int32_t>(ref.key)), ref);
  FUZZ_CHECK(describe(ref) == "key " + hex);
}

void check_ftok(const SegmentRef& ref) {
  FUZZ_CHECK(ref.proj >= 1 && ref.proj <= 255);
  FUZZ_CHECK(!ref.path.empty());
  // ftok(3) takes a C string: a NUL would make it hash a different, shorter path.
  FUZZ_CHECK(ref.path.find('\0') == std::string::npos);
  FUZZ_CHECK(ref.text.starts_with("ftok:"));
  check_reparses_to("ftok:" + ref.path + ":" + std::to_string(ref.proj), ref);
}

void check_posix(const SegmentRef& ref) {
  // A NAME is a file name in /dev/shm: nothing that could reach outside it or name a semaphore.
  FUZZ_CHECK(!ref.name.empty() && ref.name.size() <= 255);
  FUZZ_CHECK(ref.name.find('/') == std::string::npos);
  FUZZ_CHECK(ref.name.find('\0') == std::string::npos);
  FUZZ_CHECK(ref.name != "." && ref.name != "..");
  FUZZ_CHECK(!ref.name.starts_with("sem."));
  check_reparses_to("/" + ref.name, ref);
  check_reparses_to("posix:" + ref.name, ref);
  FUZZ_CHECK(describe(ref) == "/" + ref.name);
}

void check_segment_ref(std::string_view text) {
  const auto ref = parse_segment_ref(text);
  if (!ref.ok()) {
    check_usage_error(ref.error());
    return;
  }
  FUZZ_CHECK(ref->text == text);
  FUZZ_CHECK(!describe(*ref).empty());
  switch (ref->form) {
    case RefForm::id:
      check_id(*ref);
      break;
    case RefForm::key:
      check_key(*ref);
      break;
    case RefForm::ftok:
      check_ftok(*ref);
      break;
    case RefForm::posix:
      check_posix(*ref);
      break;
  }
}

// parse_key_ref is parse_segment_ref without the id forms.
void check_key_ref(std::string_view text) {
  const auto key_ref = parse_key_ref(text);
  const auto segment_ref = parse_segment_ref(text);
  if (!key_ref.ok()) {
    check_usage_error(key_ref.error());
    // It refuses only what parse_segment_ref refuses, plus ids.
    FUZZ_CHECK(!segment_ref.ok() || segment_ref->form == RefForm::id);
    return;
  }
  FUZZ_CHECK(!all_decimal(text));  // a bare number is ambiguous as a key
  FUZZ_CHECK(!text.starts_with("id:"));
  FUZZ_CHECK(key_ref->form != RefForm::id);
  FUZZ_CHECK(segment_ref.ok());
  FUZZ_CHECK(same_target(*key_ref, *segment_ref));
  FUZZ_CHECK(!describe(*key_ref).empty());
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shmtool::fuzz::as_text(data, size);
  shmtool::fuzz::check_segment_ref(text);
  shmtool::fuzz::check_key_ref(text);
  return 0;
}
