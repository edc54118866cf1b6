#include "util/terminal_text.hpp"

#include <cstdint>

namespace shmtool {
namespace {

std::uint8_t byte_at(std::string_view text, std::size_t at) {
  return static_cast<std::uint8_t>(text[at]);
}

bool continuation(std::string_view text, std::size_t at) {
  return at < text.size() && (byte_at(text, at) & 0xC0) == 0x80;
}

// A C1 control (U+0080..U+009F) is C2 80..C2 9F in UTF-8; terminals may act on it as on ESC [.
bool c1_control(std::string_view text, std::size_t at) {
  return byte_at(text, at) == 0xC2 && at + 1 < text.size() && byte_at(text, at + 1) < 0xA0;
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

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const std::uint8_t c = byte_at(text, at);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(text, at + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!continuation(text, at + 1) || !continuation(text, at + 2)) return 0;
    const std::uint8_t c1 = byte_at(text, at + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!continuation(text, at + 1) || !continuation(text, at + 2) || !continuation(text, at + 3)) {
      return 0;
    }
    const std::uint8_t c1 = byte_at(text, at + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

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
    if (length == 0 || c1_control(text, i)) {
      // A C1 control is shown as its two bytes, like any byte that is not UTF-8.
      append_escaped_byte(out, c);
      if (length == 2) append_escaped_byte(out, byte_at(text, i + 1));
      i += length == 2 ? 2 : 1;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace shmtool
