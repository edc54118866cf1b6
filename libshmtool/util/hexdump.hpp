#pragma once
// A `hexdump -C` style dump, produced in pieces so large segments need no large buffer.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace shmtool {

/// Formats bytes as hexdump -C does: offset, 16 hex bytes in two groups, |printable|, with
/// runs of identical lines folded into "*", and the end offset on the last line.
class HexDumper {
 public:
  /// `start` is the offset of the first byte, as shown in the left column.
  explicit HexDumper(std::uint64_t start) : offset_(start) {}

  /// Appends the lines for `bytes` to `out` (a partial last line is kept for later).
  void append(std::span<const std::byte> bytes, std::string& out);

  /// Appends the last partial line and the end offset.
  void finish(std::string& out);

 private:
  void emit_line(std::span<const std::byte> line, std::string& out);

  std::uint64_t offset_;
  std::byte pending_[16]{};
  std::size_t pending_size_ = 0;
  std::byte previous_[16]{};
  bool have_previous_ = false;
  bool squeezing_ = false;
};

}  // namespace shmtool
