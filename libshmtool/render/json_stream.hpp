#pragma once
// JSON documents streamed in pieces, byte for byte what an nlohmann DOM dumps (compact, invalid
// UTF-8 replaced), without building the DOM: the segment objects of `list --json` over thousands
// of segments (render_json.hpp's DOM), and `read --json` of a segment of any size.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "render/any_record.hpp"
#include "sysv/segment.hpp"
#include "util/names.hpp"

namespace shmtool {

/// Appends the compact JSON of the segment object to `out`; identical to
/// segment_json(segment, names).dump() with invalid UTF-8 replaced.
void append_segment_json(std::string& out, const SegmentRecord& segment, NameResolver& names);

/// Appends the compact JSON of the POSIX object to `out`; identical to posix_json().dump().
void append_posix_json(std::string& out, const PosixRecord& object, NameResolver& names);

/// Appends {"segments":[...]} and a newline: identical to segment_list_json(...).dump() + "\n".
void append_segment_list_json(std::string& out, std::span<const SegmentRecord> segments,
                              NameResolver& names);

/// Receives the text of a document in pieces.
using JsonSink = std::function<void(std::string_view)>;

/// The size of the pieces a sink receives: 64 KiB.
inline constexpr std::size_t kJsonPiece = 1 << 16;

/// Writes what append_segment_list_json appends, in pieces of about 64 KiB, so memory does
/// not grow with the number of segments.
void write_segment_list_json(std::span<const SegmentRecord> segments, NameResolver& names,
                             const JsonSink& sink);

/// Writes {"segments":[...]} one object at a time as they come, in pieces of about kJsonPiece
/// (what write_object_list_json writes, for objects that are not all kept).
class ObjectListWriter {
 public:
  ObjectListWriter(NameResolver& names, JsonSink sink);
  void add(const SegmentRecord& segment);
  void add(const PosixRecord& object);
  /// Closes the document (and writes its last piece).
  void finish();

 private:
  void added();
  NameResolver& names_;
  JsonSink sink_;
  std::string piece_;
  bool first_ = true;
};

/// Writes {"segments":[...]} of objects of either kind, each in its own kind's form.
void write_object_list_json(std::span<const AnyRecord> objects, NameResolver& names,
                            const JsonSink& sink);

/// Appends `text` as a JSON string (quoted, escaped as nlohmann/json does; invalid UTF-8
/// replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view text);

/// Writes `read --json`'s document and a newline for `bytes` read from `segment` at `offset`:
/// {"id", "key", "offset", "length", "encoding", "data"}, data as a UTF-8 string when the bytes
/// are valid UTF-8, else base64. Pieces of about `piece_size` bytes of data each, so memory does
/// not grow with the bytes; together identical to the ordered_json DOM's dump.
void write_data_json(const SegmentRecord& segment, std::uint64_t offset,
                     std::span<const std::byte> bytes, const JsonSink& sink,
                     std::size_t piece_size = kJsonPiece);

/// As above for a POSIX object: {"name", "offset", "length", "encoding", "data"}.
void write_data_json(const PosixRecord& object, std::uint64_t offset,
                     std::span<const std::byte> bytes, const JsonSink& sink,
                     std::size_t piece_size = kJsonPiece);

}  // namespace shmtool
