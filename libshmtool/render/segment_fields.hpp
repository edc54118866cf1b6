#pragma once
// The one list of each kind's fields, a System V segment's and a POSIX object's: each field's
// JSON member (in the SPEC's order, with its typed value) and, where `stat` shows it, its
// line there. The DOM (render_json), the streamed JSON (json_stream) and stat's lines
// (render_stat) are all made from them, so a field is added, renamed or retyped in one place
// and the three cannot drift apart. The table's columns, which show both kinds in one row
// layout, are the one registry in columns.hpp.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "posix/posix_object.hpp"
#include "sysv/segment.hpp"
#include "util/names.hpp"

namespace shmtool {

/// A JSON value as the segment object has them: null, a boolean, a number, or a string.
using JsonValue = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, std::string>;

/// One field of a record of type R: its JSON member, and its line in `stat` (none when
/// `label` is empty: another line shows it, as "owner" shows both uid and user).
template <class R>
struct JsonFieldOf {
  std::string_view key;
  JsonValue (*value)(const R& record, NameResolver& names);
  std::string_view label = {};
  std::string (*text)(const R& record, NameResolver& names) = nullptr;
};

using JsonField = JsonFieldOf<SegmentRecord>;
using PosixJsonField = JsonFieldOf<PosixRecord>;

/// Returns the members of the segment object, in order.
std::span<const JsonField> segment_json_fields();

/// Returns the members of the POSIX object, in order.
std::span<const PosixJsonField> posix_json_fields();

/// Returns the members of the object of a record of either kind.
inline std::span<const JsonField> json_fields_of(const SegmentRecord&) {
  return segment_json_fields();
}
inline std::span<const PosixJsonField> json_fields_of(const PosixRecord&) {
  return posix_json_fields();
}

}  // namespace shmtool
