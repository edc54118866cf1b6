#pragma once
// The directory of POSIX shared memory objects (/dev/shm) and every operation on its objects.
// /dev/shm is world-writable and its names are chosen by any local user, so each operation
// works relative to one descriptor of the directory, never follows a symbolic link
// (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW), acts only on regular files, checks the file it opened
// with fstat and then works on that descriptor. Names never hold '/', so nothing outside the
// directory is reached. Files named sem.* (POSIX semaphores) are never listed.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "posix/posix_object.hpp"
#include "sysv/attachment.hpp"
#include "sysv/segment_ops.hpp"
#include "util/owner_parse.hpp"
#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace shmtool {

/// An open descriptor of the directory of POSIX objects.
class ShmDir {
 public:
  /// Opens /dev/shm. Fails (Op::shm_dir) when it is missing, or is not a tmpfs
  /// (err EMEDIUMTYPE): then it is not where shm_open keeps objects.
  static Result<ShmDir> open_default();
  /// Opens /dev/shm under directory `root` (another process's /proc/PID/root), which no
  /// symbolic link on the way may leave; fails as open_default, or with ELOOP for a link.
  static Result<ShmDir> open_under_root(int root);
  /// Takes ownership of `fd`, a directory opened by the caller (tests use any directory).
  static ShmDir adopt(int fd);

  int fd() const { return fd_.get(); }
  /// The device of its filesystem, which every object in it has (0 if fstat fails).
  dev_t device() const;

 private:
  explicit ShmDir(int fd) : fd_(fd) {}
  static Result<ShmDir> open_checked(int root);  // root < 0: the path root
  UniqueFd fd_;
};

/// The size and use of the filesystem of /dev/shm (statvfs).
struct FsUsage {
  std::uint64_t size = 0;  // bytes
  std::uint64_t used = 0;  // bytes
};

/// Returns what fstatvfs says of the directory's filesystem. Fails with its errno.
Result<FsUsage> filesystem_usage(const ShmDir& dir);

/// Returns every POSIX object (the regular files not named sem.*), sorted by name. Entries
/// that vanish while read, and anything that is not a regular file, are left out.
Result<std::vector<PosixRecord>> list_posix_objects(const ShmDir& dir);

/// Returns the record of object `name`. Fails with not_found, or not_regular (a symbolic
/// link, directory, FIFO, socket or device has that name).
Result<PosixRecord> stat_posix(const ShmDir& dir, const std::string& name);

/// An object opened for reading or writing, checked to be a regular file.
class PosixFile {
 public:
  /// Opens object `name`. Fails with not_found, not_regular, or permission (Op::attach, as a
  /// segment its mode does not let the caller attach).
  static Result<PosixFile> open(const ShmDir& dir, const std::string& name, Access access);

  int fd() const { return fd_.get(); }
  const PosixRecord& record() const { return record_; }

  /// Maps the whole object (its size when opened).
  Result<Attachment> map(Access access) const;

  /// Allocates the pages of bytes [offset, offset + length) now (fallocate), so that a copy
  /// into them cannot fail half done when /dev/shm is full: fails with ENOSPC (Op::attach)
  /// before anything is written. A filesystem without fallocate (ramfs) is not an error.
  Status reserve(std::uint64_t offset, std::uint64_t length) const;

 private:
  PosixFile(int fd, PosixRecord record) : fd_(fd), record_(std::move(record)) {}
  UniqueFd fd_;
  PosixRecord record_;
};

struct PosixCreateRequest {
  std::string name;
  std::uint64_t size = 0;
  unsigned mode = 0600;
  Exclusive exclusive = Exclusive::no;
};

struct PosixCreateOutcome {
  PosixRecord object;
  bool created = false;  // false: the name held an object large enough
};

/// Creates object `name` with exactly `mode` (no umask) and `size` bytes, as shm_open with
/// O_CREAT|O_EXCL and ftruncate do; or reports the existing one. Fails with exists under
/// Exclusive::yes, too_large when the existing one is smaller, or the errno.
Result<PosixCreateOutcome> create_posix(const ShmDir& dir, const PosixCreateRequest& request);

/// Removes object `name` (what shm_unlink does) and returns its record as it was. A process
/// that has it open or mapped keeps it until it closes it. Fails with not_found,
/// not_regular, or permission (Op::remove: /dev/shm is sticky).
/// With `expected` (an object read before), only that very file (device and inode) is
/// removed: a name that now holds another object fails with not_found.
Result<PosixRecord> remove_posix(const ShmDir& dir, const std::string& name,
                                 const PosixRecord* expected = nullptr);

/// Changes the owner and/or group of object `name` and returns the new record.
Result<PosixRecord> set_posix_owner(const ShmDir& dir, const std::string& name,
                                    const OwnerChange& change);

/// Changes the permission bits of object `name` and returns the new record.
Result<PosixRecord> set_posix_mode(const ShmDir& dir, const std::string& name, unsigned mode);

/// Waits until object `name` exists and returns its record, polling. Fails with not_found
/// (Op::wait) when `timeout` runs out; nullopt waits without end.
Result<PosixRecord> wait_for_posix(const ShmDir& dir, const std::string& name,
                                   std::optional<std::chrono::milliseconds> timeout);

}  // namespace shmtool
