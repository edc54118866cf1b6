#pragma once
// SEGMENT arguments: a shmid, a key (hex, or key:N in any C base), or ftok:PATH[:PROJ].

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// How the user named a segment.
enum class RefForm { id, key, ftok };

/// A parsed SEGMENT argument. Only the fields of its form are meaningful.
struct SegmentRef {
  RefForm form = RefForm::id;
  int id = -1;            // RefForm::id
  std::uint32_t key = 0;  // RefForm::key
  std::string path;       // RefForm::ftok
  int proj = 'A';         // RefForm::ftok, 1..255
  std::string text;       // the argument as given
};

/// Parses SEGMENT in any form. Fails with a usage Error (key 0, malformed, out of range).
Result<SegmentRef> parse_segment_ref(std::string_view text);

/// Parses the KEY of `create`/`write --create`: a key or ftok form. A bare number is refused as
/// ambiguous, with a hint to write key:N; so is an id: form.
Result<SegmentRef> parse_key_ref(std::string_view text);

/// Returns the key a key or ftok form names, calling ftok(3) for the latter. Fails with
/// Op::ftok and the errno when the path cannot be used; an id form is a usage Error.
Result<std::uint32_t> key_of(const SegmentRef& ref);

/// Returns a key as ipcs prints it: "0x" and eight lowercase hex digits.
std::string format_key_hex(std::uint32_t key);

/// Returns how messages name the segment: "id 42", "key 0x0000162e" or the ftok: text.
std::string describe(const SegmentRef& ref);

}  // namespace shmtool
