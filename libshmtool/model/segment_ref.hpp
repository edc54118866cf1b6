#pragma once
// SEGMENT arguments: a shmid, a key (hex, or key:N in any C base), ftok:PATH[:PROJ], or a
// POSIX object (/NAME, posix:NAME).

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// How the user named a segment.
enum class RefForm { id, key, ftok, posix };

/// A parsed SEGMENT argument. Only the fields of its form are meaningful.
struct SegmentRef {
  RefForm form = RefForm::id;
  int id = -1;            // RefForm::id
  std::uint32_t key = 0;  // RefForm::key
  std::string path;       // RefForm::ftok
  int proj = 'A';         // RefForm::ftok, 1..255
  std::string name;       // RefForm::posix: NAME, without the slash
  std::string text;       // the argument as given
};

/// Parses SEGMENT in any form. Fails with a usage Error (key 0, malformed, out of range).
Result<SegmentRef> parse_segment_ref(std::string_view text);

/// Returns whether `ref` names a POSIX object rather than a System V segment.
inline bool is_posix(const SegmentRef& ref) {
  return ref.form == RefForm::posix;
}

/// Parses the KEY of `create`/`write --create`: a key, ftok or POSIX form. A bare number is refused
/// as ambiguous, with a hint to write key:N; so is an id: form.
Result<SegmentRef> parse_key_ref(std::string_view text);

/// Returns the key a key or ftok form names, calling ftok(3) for the latter. Fails with
/// Op::ftok and the errno when the path cannot be used; an id form is a usage Error.
Result<std::uint32_t> key_of(const SegmentRef& ref);

/// Returns a key as ipcs prints it: "0x" and eight lowercase hex digits.
std::string format_key_hex(std::uint32_t key);

/// Returns how messages name the segment: "id 42", "key 0x0000162e", the ftok: text, or
/// "/NAME".
std::string describe(const SegmentRef& ref);

}  // namespace shmtool
