#pragma once
// Standard output, buffered and checked: every write error is reported, a closed pipe too.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace shmtool::cli {

/// Thrown when standard output cannot be written; `err` is the errno (EPIPE: reader gone).
struct OutputError {
  int err;
};

/// A buffer in front of a file descriptor, written with few write(2) calls.
class Output {
 public:
  explicit Output(int fd) : fd_(fd) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Appends text, flushing when the buffer is large. Throws OutputError.
  void write(std::string_view text);
  /// Flushes, then writes `bytes` straight from where they are (no copy). Throws OutputError.
  void write_direct(std::span<const std::byte> bytes);
  /// Writes what is buffered. Throws OutputError.
  void flush();
  /// Drops what is buffered (after an error, when the rest will not be written).
  void discard() { buffer_.clear(); }

 private:
  void write_all(const char* data, std::size_t size);
  int fd_;
  std::string buffer_;
};

}  // namespace shmtool::cli
