#pragma once
// The segment object streamed into a buffer, byte for byte what render_json.hpp's DOM dumps
// (compact), without building a DOM per row: `list --json` over thousands of segments.

#include <functional>
#include <span>
#include <string>

#include "names.hpp"
#include "segment.hpp"

namespace shmtool {

/// Appends the compact JSON of the segment object to `out`; identical to
/// segment_json(segment, names).dump() with invalid UTF-8 replaced.
void append_segment_json(std::string& out, const SegmentRecord& segment, NameResolver& names);

/// Appends {"segments":[...]} and a newline: identical to segment_list_json(...).dump() + "\n".
void append_segment_list_json(std::string& out, std::span<const SegmentRecord> segments,
                              NameResolver& names);

/// Receives the text of a document in pieces.
using JsonSink = std::function<void(std::string_view)>;

/// Writes what append_segment_list_json appends, in pieces of about 64 KiB, so memory does
/// not grow with the number of segments.
void write_segment_list_json(std::span<const SegmentRecord> segments, NameResolver& names,
                             const JsonSink& sink);

/// Appends `text` as a JSON string (quoted, escaped as nlohmann/json does; invalid UTF-8
/// replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view text);

}  // namespace shmtool
