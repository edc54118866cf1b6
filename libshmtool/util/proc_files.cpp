#include "util/proc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/whole_number.hpp"

namespace shmtool {

bool FileReader::read(int dir, const char* path) {
  size_ = 0;
  const int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  for (;;) {
    if (size_ == bytes_.size()) bytes_.resize(2 * bytes_.size());
    const ssize_t n = ::read(fd, bytes_.data() + size_, bytes_.size() - size_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      size_ = 0;
      errno = err;
      return false;
    }
    if (n == 0) break;
    size_ += static_cast<std::size_t>(n);
  }
  close(fd);
  return true;
}

std::optional<std::string> read_file_at(int dir, const char* path) {
  FileReader reader;
  if (!reader.read(dir, path)) return std::nullopt;
  return std::string(reader.text());
}

std::string_view proc_stat_field(std::string_view stat, int number) {
  if (number == 1) return stat.substr(0, stat.find(' '));
  const auto open_paren = stat.find('(');
  const auto close_paren = stat.rfind(')');
  if (open_paren == std::string_view::npos || close_paren == std::string_view::npos ||
      close_paren < open_paren) {
    return {};
  }
  if (number == 2) return stat.substr(open_paren + 1, close_paren - open_paren - 1);
  std::string_view rest = stat.substr(close_paren + 1);
  for (int field = 3;; ++field) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) return {};
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \n");
    const std::string_view word = rest.substr(0, end);
    if (field == number) return word;
    if (end == std::string_view::npos) return {};
    rest.remove_prefix(end);
  }
}

bool process_is_gone(int err) {
  return err == ENOENT || err == ESRCH;
}

std::string_view comm_text(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return text;
}

std::optional<std::uint64_t> namespace_inode(int dir, const char* path) {
  char link[64];
  const ssize_t n = readlinkat(dir, path, link, sizeof link);
  if (n < 0) return std::nullopt;
  const std::string_view text(link, static_cast<std::size_t>(n));
  const auto open = text.find(":[");
  std::uint64_t inode = 0;
  if (static_cast<std::size_t>(n) == sizeof link || open == std::string_view::npos ||
      !text.ends_with("]") || !parse_whole(text.substr(open + 2, text.size() - open - 3), inode)) {
    errno = EINVAL;  // not a namespace link
    return std::nullopt;
  }
  return inode;
}

}  // namespace shmtool
