#pragma once
// The lock of a POSIX object: flock(2) LOCK_EX on its file in /dev/shm, so a C program joins
// with flock(fd, LOCK_EX) on its own shm_open descriptor. The kernel releases it when the
// holder closes the file or dies.

#include <chrono>
#include <optional>
#include <string>

#include "posix/shm_dir.hpp"
#include "util/result.hpp"

namespace shmtool {

/// What /proc/locks says of an object's flock.
struct FlockState {
  bool held = false;
  std::optional<pid_t> pid;  // the process that took it, as /proc/locks names it
  std::uint64_t waiting = 0;
};

/// Reads the FLOCK locks of the file (`dev`, `ino`) from the text of /proc/locks.
FlockState parse_proc_locks(std::string_view text, dev_t dev, ino_t ino);

/// Reads /proc/locks for the flock of `object`. Fails with the errno of reading it.
Result<FlockState> read_flock_state(const PosixRecord& object);

/// A held flock of an object; released when destroyed, unless it is the lock of an
/// enclosing `shmtool lock` this process inherited (then that one releases it).
class ObjectLock {
 public:
  /// Takes the lock of object `name`, waiting up to `timeout` (nullopt: without end). Fails
  /// with the open error, or Op::lock, ETIMEDOUT and Fact::lock_timeout when the timeout ran out.
  /// When `inherited` lists "DEV:INO:FD" entries (the SHMTOOL_FLOCKS of an enclosing lock) and one
  /// names this object and an open descriptor of it, the lock is already held here: no wait.
  static Result<ObjectLock> take(const ShmDir& dir, const std::string& name,
                                 std::optional<std::chrono::milliseconds> timeout,
                                 std::string_view inherited = {});

  ObjectLock(ObjectLock&& other) noexcept;
  ObjectLock& operator=(ObjectLock&&) = delete;
  ObjectLock(const ObjectLock&) = delete;
  ObjectLock& operator=(const ObjectLock&) = delete;
  ~ObjectLock();

  /// The descriptor that holds the lock (close-on-exec unless made inheritable).
  int fd() const { return fd_; }
  /// This process's "DEV:INO:FD" entry for SHMTOOL_FLOCKS.
  std::string entry() const;
  /// Lets a command started now inherit the held lock.
  void make_inheritable() const;

 private:
  ObjectLock(int fd, bool owned, dev_t dev, ino_t ino)
      : fd_(fd), owned_(owned), dev_(dev), ino_(ino) {}
  int fd_ = -1;
  bool owned_ = true;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace shmtool
