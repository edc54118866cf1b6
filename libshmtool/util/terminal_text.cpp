#include "util/terminal_text.hpp"

#include "util/text_encoding.hpp"

#include <algorithm>
#include <cstdint>

namespace shmtool {
namespace {

std::uint8_t byte_at(std::string_view text, std::size_t at) {
  return static_cast<std::uint8_t>(text[at]);
}

// A C1 control (U+0080..U+009F) is C2 80..C2 9F in UTF-8; terminals may act on it as on ESC [.
bool c1_control(std::string_view text, std::size_t at) {
  return byte_at(text, at) == 0xC2 && at + 1 < text.size() && byte_at(text, at + 1) < 0xA0;
}

std::uint32_t code_point(std::string_view text, std::size_t at, std::size_t length) {
  const std::uint8_t lead = byte_at(text, at);
  if (length == 1) return lead;
  std::uint32_t value = lead & (0x7FU >> length);
  for (std::size_t i = 1; i < length; ++i)
    value = (value << 6) | (byte_at(text, at + i) & 0x3FU);
  return value;
}

// Characters that change the order in which a terminal shows the rest of the line.
bool bidi_control(std::uint32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Printable ASCII that passes unchanged.
bool plain_ascii(std::uint8_t c, EscapeSpaces spaces) {
  return c >= 0x20 && c < 0x7F && c != '\\' && !(c == ' ' && spaces == EscapeSpaces::yes);
}

void append_escaped_byte(std::string& out, std::uint8_t c) {
  switch (c) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\v':
      out += "\\v";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    case 0x1B:
      out += "\\e";
      return;
    case '\\':
      out += "\\\\";
      return;
    default:
      break;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

bool needs_terminal_escape(std::string_view text, EscapeSpaces spaces) {
  for (std::size_t i = 0; i < text.size();) {
    const std::uint8_t c = byte_at(text, i);
    if (plain_ascii(c, spaces)) {
      ++i;
      continue;
    }
    if (c < 0x80) return true;
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0 || c1_control(text, i)) return true;
    if (length == 3 && bidi_control(code_point(text, i, length))) return true;
    i += length;
  }
  return false;
}

std::string escape_for_terminal(std::string_view text, EscapeSpaces spaces) {
  if (!needs_terminal_escape(text, spaces)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    const std::uint8_t c = byte_at(text, i);
    if (plain_ascii(c, spaces)) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const std::size_t length = c < 0x80 ? 0 : utf8_sequence_length(text, i);
    if (length == 0 || c1_control(text, i) ||
        (length == 3 && bidi_control(code_point(text, i, length)))) {
      // A C1 or bidirectional control is shown as its bytes, like any byte that is not UTF-8.
      for (std::size_t k = 0; k < std::max<std::size_t>(length, 1); ++k)
        append_escaped_byte(out, byte_at(text, i + k));
      i += std::max<std::size_t>(length, 1);
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (byte_at(text, i) < 0x80) {
      ++width;
      ++i;
      continue;
    }
    const std::size_t length = std::max<std::size_t>(utf8_sequence_length(text, i), 1);
    const std::uint32_t c = code_point(text, i, length);
    i += length;
    const bool combining = (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
                           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
                           (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B || c == 0x200C ||
                           c == 0x200D || c == 0xFEFF;
    const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
                      (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
                      (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
                      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                      (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
    width += combining ? 0 : (wide ? 2 : 1);
  }
  return width;
}

}  // namespace shmtool
