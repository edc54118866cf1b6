#include "util/text_encoding.hpp"

#include <cstdint>
#include <string_view>

namespace shmtool {

namespace {

std::uint8_t byte_at(std::string_view text, std::size_t at) {
  return static_cast<std::uint8_t>(text[at]);
}

bool continuation(std::string_view text, std::size_t at) {
  return at < text.size() && (byte_at(text, at) & 0xC0) == 0x80;
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

bool is_valid_utf8(std::span<const std::byte> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (std::size_t i = 0; i < text.size();) {
    if (byte_at(text, i) < 0x80) {  // most text: no call per byte
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string base64_encode(std::span<const std::byte> bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
}

void append_base64(std::string& out, std::span<const std::byte> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t start = out.size();
  out.resize(start + (bytes.size() + 2) / 3 * 4);
  char* next = out.data() + start;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    *next++ = kAlphabet[(v >> 18) & 63];
    *next++ = kAlphabet[(v >> 12) & 63];
    *next++ = kAlphabet[(v >> 6) & 63];
    *next++ = kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = byte(i) << 16;
    if (rest == 2) v |= byte(i + 1) << 8;
    *next++ = kAlphabet[(v >> 18) & 63];
    *next++ = kAlphabet[(v >> 12) & 63];
    *next++ = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    *next = '=';
  }
}

}  // namespace shmtool
