#include "util/hexdump.hpp"

#include <cstdio>
#include <cstring>

namespace shmtool {
namespace {

void append_offset(std::uint64_t offset, std::string& out) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%08llx", static_cast<unsigned long long>(offset));
  out += buffer;
}

}  // namespace

void HexDumper::emit_line(std::span<const std::byte> line, std::string& out) {
  if (line.size() == 16 && have_previous_ && std::memcmp(previous_, line.data(), 16) == 0) {
    if (!squeezing_) out += "*\n";
    squeezing_ = true;
    offset_ += 16;
    return;
  }
  squeezing_ = false;
  static constexpr char kHex[] = "0123456789abcdef";
  append_offset(offset_, out);
  out += "  ";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i < line.size()) {
      const auto value = static_cast<unsigned>(line[i]);
      out += kHex[value >> 4];
      out += kHex[value & 15];
      out += ' ';
    } else {
      out += "   ";
    }
    if (i == 7) out += ' ';
  }
  out += " |";
  for (std::byte b : line) {
    const auto c = static_cast<unsigned char>(b);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  out += "|\n";
  if (line.size() == 16) {
    std::memcpy(previous_, line.data(), 16);
    have_previous_ = true;
  }
  offset_ += line.size();
}

void HexDumper::append(std::span<const std::byte> bytes, std::string& out) {
  while (!bytes.empty()) {
    const std::size_t take = std::min(bytes.size(), 16 - pending_size_);
    if (pending_size_ == 0 && take == 16) {
      emit_line(bytes.first(16), out);
    } else {
      std::memcpy(pending_ + pending_size_, bytes.data(), take);
      pending_size_ += take;
      if (pending_size_ == 16) {
        emit_line(std::span(pending_, 16), out);
        pending_size_ = 0;
      }
    }
    bytes = bytes.subspan(take);
  }
}

void HexDumper::finish(std::string& out) {
  if (pending_size_ > 0) emit_line(std::span(pending_, pending_size_), out);
  pending_size_ = 0;
  append_offset(offset_, out);
  out += '\n';
}

}  // namespace shmtool
