#include "render/json_stream.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "render/segment_fields.hpp"
#include "util/text_encoding.hpp"

namespace shmtool {
namespace {

template <class T>
void append_number(std::string& out, T value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, static_cast<std::size_t>(end - buffer));
}

// Appends valid UTF-8 as nlohmann/json escapes it with ensure_ascii off: quotes, backslashes
// and control characters; everything else ("/", DEL, multi-byte characters) as it is. Each
// escape comes from one byte, so text cut anywhere escapes the same piece by piece.
void append_escaped_utf8(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t plain = 0;  // start of the run not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (u) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
    }
  }
  out.append(text, plain);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  const auto bytes = std::as_bytes(std::span(text.data(), text.size()));
  if (!is_valid_utf8(bytes)) {
    // Rare (a name that is not UTF-8): let the reference implementation replace it.
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  append_escaped_utf8(out, text);
  out += '"';
}

namespace {

template <class R>
void append_object_json(std::string& out, const R& record, NameResolver& names) {
  char separator = '{';
  for (const auto& field : json_fields_of(record)) {
    out += separator;
    separator = ',';
    out += '"';
    out += field.key;  // keys are plain ASCII: nothing to escape
    out += "\":";
    std::visit(
        [&out](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            out += "null";
          } else if constexpr (std::is_same_v<T, bool>) {
            out += value ? "true" : "false";
          } else if constexpr (std::is_same_v<T, std::string>) {
            append_json_string(out, value);
          } else {
            append_number(out, value);
          }
        },
        field.value(record, names));
  }
  if (record.ns) {
    // With --all-namespaces, after the kind's own members: as dom_of adds it.
    out += ",\"ns\":{\"inode\":";
    append_number(out, record.ns->inode);
    out += ",\"pid\":";
    append_number(out, static_cast<std::int64_t>(record.ns->pid));
    out += ",\"comm\":";
    append_json_string(out, record.ns->comm);
    out += '}';
  }
  out += '}';
}

}  // namespace

void append_segment_json(std::string& out, const SegmentRecord& s, NameResolver& names) {
  append_object_json(out, s, names);
}

void append_posix_json(std::string& out, const PosixRecord& p, NameResolver& names) {
  append_object_json(out, p, names);
}

ObjectListWriter::ObjectListWriter(NameResolver& names, JsonSink sink)
    : names_(names), sink_(std::move(sink)) {
  piece_.reserve(kJsonPiece + 1024);
  piece_ += "{\"segments\":[";
}

void ObjectListWriter::add(const SegmentRecord& segment) {
  if (!first_) piece_ += ',';
  append_object_json(piece_, segment, names_);
  added();
}

void ObjectListWriter::add(const PosixRecord& object) {
  if (!first_) piece_ += ',';
  append_object_json(piece_, object, names_);
  added();
}

void ObjectListWriter::added() {
  first_ = false;
  if (piece_.size() >= kJsonPiece) {
    sink_(piece_);
    piece_.clear();
  }
}

void ObjectListWriter::finish() {
  piece_ += "]}\n";
  sink_(piece_);
  piece_.clear();
}

void write_object_list_json(std::span<const AnyRecord> objects, NameResolver& names,
                            const JsonSink& sink) {
  ObjectListWriter writer(names, sink);
  for (const AnyRecord& object : objects)
    std::visit([&writer](const auto& record) { writer.add(record); }, object);
  writer.finish();
}

void append_segment_list_json(std::string& out, std::span<const SegmentRecord> segments,
                              NameResolver& names) {
  write_segment_list_json(segments, names, [&out](std::string_view piece) { out += piece; });
}

void write_segment_list_json(std::span<const SegmentRecord> segments, NameResolver& names,
                             const JsonSink& sink) {
  ObjectListWriter writer(names, sink);
  for (const SegmentRecord& segment : segments)
    writer.add(segment);
  writer.finish();
}

namespace {

// The document of read --json after its first members (`head`, the object's identity).
void write_data_document(std::string piece, std::uint64_t offset, std::span<const std::byte> bytes,
                         const JsonSink& sink, std::size_t piece_size) {
  const bool text = is_valid_utf8(bytes);
  piece += ",\"offset\":";
  append_number(piece, offset);
  piece += ",\"length\":";
  append_number(piece, bytes.size());
  piece += text ? ",\"encoding\":\"utf-8\",\"data\":\"" : ",\"encoding\":\"base64\",\"data\":\"";
  // Whole groups of 3 bytes per base64 chunk: '=' padding comes only at the very end.
  const std::size_t chunk =
      text ? std::max<std::size_t>(piece_size, 1) : std::max<std::size_t>(piece_size / 3 * 3, 3);
  while (!bytes.empty()) {
    const auto part = bytes.first(std::min(bytes.size(), chunk));
    if (text) {
      append_escaped_utf8(
          piece, std::string_view(reinterpret_cast<const char*>(part.data()), part.size()));
    } else {
      append_base64(piece, part);
    }
    bytes = bytes.subspan(part.size());
    if (piece.size() >= piece_size) {
      sink(piece);
      piece.clear();
    }
  }
  piece += "\"}\n";
  sink(piece);
}

}  // namespace

void write_data_json(const SegmentRecord& segment, std::uint64_t offset,
                     std::span<const std::byte> bytes, const JsonSink& sink,
                     std::size_t piece_size) {
  std::string head = "{\"id\":";
  append_number(head, segment.id);
  head += ",\"key\":";
  append_number(head, segment.key);
  write_data_document(std::move(head), offset, bytes, sink, piece_size);
}

void write_data_json(const PosixRecord& object, std::uint64_t offset,
                     std::span<const std::byte> bytes, const JsonSink& sink,
                     std::size_t piece_size) {
  std::string head = "{\"name\":";
  append_json_string(head, posix_display_name(object.name));
  write_data_document(std::move(head), offset, bytes, sink, piece_size);
}

}  // namespace shmtool
