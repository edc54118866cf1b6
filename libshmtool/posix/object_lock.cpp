#include "posix/object_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <optional>
#include <utility>
#include <vector>

#include "util/poll.hpp"
#include "util/proc_files.hpp"
#include "util/whole_number.hpp"

namespace shmtool {
namespace {

// "A:B:C" split at its first two colons (C may hold more); nullopt without two.
std::optional<std::array<std::string_view, 3>> three_parts(std::string_view text) {
  const auto first = text.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return std::array<std::string_view, 3>{
      text.substr(0, first), text.substr(first + 1, second - first - 1), text.substr(second + 1)};
}

// The descriptor an enclosing lock passed down for this object, or -1.
int inherited_fd(std::string_view entries, dev_t dev, ino_t ino) {
  while (!entries.empty()) {
    const auto comma = entries.find(',');
    const std::string_view entry = entries.substr(0, comma);
    entries = comma == std::string_view::npos ? std::string_view() : entries.substr(comma + 1);
    const auto parts = three_parts(entry);
    unsigned long long d = 0;
    unsigned long long i = 0;
    int fd = -1;
    if (!parts || !parse_whole((*parts)[0], d) || !parse_whole((*parts)[1], i) ||
        !parse_whole((*parts)[2], fd) || fd < 0) {
      continue;
    }
    if (d != dev || i != ino) continue;
    // Only a descriptor of this very file counts; one the holder closed (and a number reused)
    // does not. And only the open file that holds the lock: flock on it succeeds at once,
    // while on any other open file of the object it fails as long as the holder holds it.
    struct stat st {};
    if (fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino &&
        flock(fd, LOCK_EX | LOCK_NB) == 0) {
      return fd;
    }
  }
  return -1;
}

// "MAJ:MIN:INODE" as /proc/locks writes a file's identity: hex device numbers, decimal inode.
bool same_file(std::string_view text, dev_t dev, ino_t ino) {
  const auto parts = three_parts(text);
  unsigned major_number = 0;
  unsigned minor_number = 0;
  unsigned long long inode = 0;
  return parts && parse_whole((*parts)[0], major_number, 16) &&
         parse_whole((*parts)[1], minor_number, 16) && parse_whole((*parts)[2], inode) &&
         major_number == major(dev) && minor_number == minor(dev) && inode == ino;
}

}  // namespace

FlockState parse_proc_locks(std::string_view text, dev_t dev, ino_t ino) {
  FlockState state;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    // "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; a waiter's line has "->" after "1:".
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < line.size()) {
      const auto start = line.find_first_not_of(' ', at);
      if (start == std::string_view::npos) break;
      const auto end = line.find(' ', start);
      words.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
      at = end == std::string_view::npos ? line.size() : end;
    }
    const bool waiter = words.size() > 1 && words[1] == "->";
    const std::size_t base = waiter ? 2 : 1;
    if (words.size() < base + 5 || words[base] != "FLOCK") continue;
    if (!same_file(words[base + 4], dev, ino)) continue;
    if (waiter) {
      ++state.waiting;
      continue;
    }
    state.held = true;
    pid_t pid = 0;
    if (parse_whole(words[base + 3], pid) && pid > 0) state.pid = pid;
  }
  return state;
}

Result<FlockState> read_flock_state(const PosixRecord& object) {
  const std::optional<std::string> text = read_file_at(AT_FDCWD, "/proc/locks");
  if (!text) return errno_error(Op::lock, errno, "/proc/locks");
  return parse_proc_locks(*text, object.dev, object.ino);
}

Result<ObjectLock> ObjectLock::take(const ShmDir& dir, const std::string& name,
                                    std::optional<std::chrono::milliseconds> timeout,
                                    std::string_view inherited) {
  auto file = PosixFile::open(dir, name, Access::read_only);
  if (!file.ok()) return std::move(file).error();
  const PosixRecord& record = file->record();
  const int held = inherited.empty() ? -1 : inherited_fd(inherited, record.dev, record.ino);
  // flock on a descriptor of the same open file the enclosing lock holds succeeds at once.
  const int fd = held >= 0 ? held : fcntl(file->fd(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return errno_error(Op::lock, errno, posix_display_name(name));
  ObjectLock lock(fd, held < 0, record.dev, record.ino);
  if (held >= 0) return lock;
  auto taken = poll_until(
      timeout,
      [fd, &name]() -> Status {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return Done{};
        Error error = errno_error(Op::lock, errno, posix_display_name(name));
        error.posix = true;
        return error;
      },
      [](const Error& error) { return error.err == EWOULDBLOCK || error.err == EINTR; },
      [&name, timeout]() -> Status {
        Error error = errno_error(Op::lock, ETIMEDOUT, posix_display_name(name));
        error.posix = true;
        error.fact = Fact::lock_timeout;
        error.waited_ms = timeout ? timeout->count() : 0;
        return error;
      });
  if (!taken.ok()) return std::move(taken).error();
  return lock;
}

ObjectLock::ObjectLock(ObjectLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), owned_(other.owned_), dev_(other.dev_), ino_(other.ino_) {}

ObjectLock::~ObjectLock() {
  // Closing the last descriptor of the open file releases the flock.
  if (fd_ >= 0 && owned_) close(fd_);
}

std::string ObjectLock::entry() const {
  return std::to_string(static_cast<unsigned long long>(dev_)) + ":" +
         std::to_string(static_cast<unsigned long long>(ino_)) + ":" + std::to_string(fd_);
}

void ObjectLock::make_inheritable() const {
  const int flags = fcntl(fd_, F_GETFD);
  if (flags >= 0) fcntl(fd_, F_SETFD, flags & ~FD_CLOEXEC);
}

}  // namespace shmtool
