#pragma once
// The one list of a System V segment's JSON members, in the SPEC's order, each with its typed
// value: the DOM (render_json) and the streamed form (json_stream) are both made from it, so
// a member is added, renamed or retyped in one place and the two cannot drift apart.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "sysv/segment.hpp"
#include "util/names.hpp"

namespace shmtool {

/// A JSON value as the segment object has them: null, a boolean, a number, or a string.
using JsonValue = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, std::string>;

/// One member of the segment object.
struct JsonField {
  std::string_view key;
  JsonValue (*value)(const SegmentRecord& segment, NameResolver& names);
};

/// Returns the members of the segment object, in order.
std::span<const JsonField> segment_json_fields();

}  // namespace shmtool
