#include "output.hpp"

#include <unistd.h>

#include <cerrno>

namespace shmtool::cli {
namespace {
constexpr std::size_t kFlushAt = 1 << 16;
}

void Output::write(std::string_view text) {
  if (text.size() >= kFlushAt) {
    // A large text (a whole table) goes out from where it is, not copied into the buffer.
    flush();
    write_all(text.data(), text.size());
    return;
  }
  buffer_.append(text);
  if (buffer_.size() >= kFlushAt) flush();
}

void Output::write_direct(std::span<const std::byte> bytes) {
  flush();
  write_all(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void Output::flush() {
  if (buffer_.empty()) return;
  std::string pending;
  pending.swap(buffer_);
  write_all(pending.data(), pending.size());
}

void Output::write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw OutputError{errno};
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace shmtool::cli
