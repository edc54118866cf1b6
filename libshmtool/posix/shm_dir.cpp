#include "posix/shm_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "util/path_root.hpp"
#include "util/poll.hpp"
#include "util/unique_fd.hpp"

namespace shmtool {
namespace {

Error posix_error(ErrorKind kind, Op op, int err, const std::string& name) {
  Error error{kind, op, err, posix_display_name(name), {}};
  error.posix = true;
  return error;
}

// A failed call on object `name`: ENOENT is "not found", ELOOP a symbolic link.
Error errno_of(Op op, int err, const std::string& name) {
  Error error = errno_error(op, err, posix_display_name(name));
  error.posix = true;
  if (err == ENOENT) {
    error.kind = ErrorKind::not_found;
    error.op = Op::resolve;
  } else if (err == ELOOP) {
    error.kind = ErrorKind::not_regular;
    error.st_mode = S_IFLNK;
  }
  return error;
}

Error not_regular(Op op, const std::string& name, mode_t mode) {
  Error error = posix_error(ErrorKind::not_regular, op, 0, name);
  error.st_mode = mode & S_IFMT;
  return error;
}

bool is_semaphore(std::string_view name) {
  return name.starts_with("sem.");
}

// fstatat without following a symbolic link; fails unless `name` is a regular file.
Result<struct stat> stat_regular(const ShmDir& dir, const std::string& name, Op op) {
  struct stat st {};
  if (fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_of(op, errno, name);
  }
  if (!S_ISREG(st.st_mode)) return not_regular(op, name, st.st_mode);
  return st;
}

// An O_PATH descriptor of regular file `name` (never a link it points to), for the calls
// that change its inode: no read or write permission is needed to hold one.
Result<int> open_path(const ShmDir& dir, const std::string& name, Op op) {
  UniqueFd fd(openat(dir.fd(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return errno_of(op, errno, name);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return errno_of(op, errno, name);
  if (!S_ISREG(st.st_mode)) return not_regular(op, name, st.st_mode);
  return fd.release();
}

Result<PosixRecord> record_of_fd(int fd, const std::string& name, Op op) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return errno_of(op, errno, name);
  return posix_record_from_stat(name, st);
}

}  // namespace

Result<ShmDir> ShmDir::open_default() {
  return open_checked(-1);
}

Result<ShmDir> ShmDir::open_under_root(int root) {
  return open_checked(root);
}

Result<ShmDir> ShmDir::open_checked(int root) {
  const std::string path(kShmDirPath);
  Error error{ErrorKind::system, Op::shm_dir, 0, path, {}};
  error.posix = true;
  // Under another process's root (--ns, --all-namespaces), /dev/shm and each directory on the
  // way must be what they say: a symbolic link there could lead the host's root to a host
  // directory.
  const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  UniqueFd fd(root >= 0 ? open_under(root, path.c_str(), flags, Links::refuse)
                        : open_in_root(path.c_str(), flags,
                                       has_path_root() ? Links::refuse : Links::follow));
  if (fd.get() < 0) {
    error.err = errno;
    return error;
  }
  struct statfs fs {};
  if (fstatfs(fd.get(), &fs) != 0) {
    error.err = errno;
    return error;
  }
  // What glibc's shm_open accepts as the directory of objects: a tmpfs (or a ramfs).
  const auto type = static_cast<unsigned long>(fs.f_type);
  if (type != TMPFS_MAGIC && type != RAMFS_MAGIC) {
    error.err = EMEDIUMTYPE;
    return error;
  }
  return ShmDir(fd.release());
}

dev_t ShmDir::device() const {
  struct stat st {};
  return fstat(fd_.get(), &st) == 0 ? st.st_dev : 0;
}

ShmDir ShmDir::adopt(int fd) {
  return ShmDir(fd);
}

Result<FsUsage> filesystem_usage(const ShmDir& dir) {
  struct statvfs fs {};
  if (fstatvfs(dir.fd(), &fs) != 0) {
    Error error{ErrorKind::system, Op::shm_dir, errno, std::string(kShmDirPath), {}};
    error.posix = true;
    return error;
  }
  const std::uint64_t unit = fs.f_frsize != 0 ? fs.f_frsize : fs.f_bsize;
  return FsUsage{static_cast<std::uint64_t>(fs.f_blocks) * unit,
                 static_cast<std::uint64_t>(fs.f_blocks - fs.f_bfree) * unit};
}

Result<std::vector<PosixRecord>> list_posix_objects(const ShmDir& dir) {
  // fdopendir takes the descriptor it is given: a duplicate, so dir keeps its own.
  const int copy = fcntl(dir.fd(), F_DUPFD_CLOEXEC, 0);
  Error failure{ErrorKind::system, Op::enumerate, 0, std::string(kShmDirPath), {}};
  failure.posix = true;
  if (copy < 0) {
    failure.err = errno;
    return failure;
  }
  DIR* stream = fdopendir(copy);
  if (stream == nullptr) {
    failure.err = errno;
    close(copy);
    return failure;
  }
  rewinddir(stream);
  std::vector<PosixRecord> out;
  out.reserve(256);
  for (;;) {
    errno = 0;
    const dirent* entry = readdir(stream);
    if (entry == nullptr) {
      failure.err = errno;
      break;
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == ".." || is_semaphore(name)) continue;
    if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    struct stat st {};
    // Gone since readdir (removed meanwhile), or not a regular file: not an object.
    if (fstatat(dirfd(stream), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode)) continue;
    out.push_back(posix_record_from_stat(std::string(name), st));
  }
  closedir(stream);
  if (failure.err != 0) return failure;
  // Sorted through indices: moving whole records while sorting costs more than the listing.
  std::vector<std::uint32_t> order(out.size());
  for (std::uint32_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&out](std::uint32_t a, std::uint32_t b) { return out[a].name < out[b].name; });
  std::vector<PosixRecord> sorted;
  sorted.reserve(out.size());
  for (std::uint32_t i : order)
    sorted.push_back(std::move(out[i]));
  return sorted;
}

Result<PosixRecord> stat_posix(const ShmDir& dir, const std::string& name) {
  auto st = stat_regular(dir, name, Op::stat);
  if (!st.ok()) return std::move(st).error();
  return posix_record_from_stat(name, *st);
}

Result<PosixFile> PosixFile::open(const ShmDir& dir, const std::string& name, Access access) {
  // Checked before opening, so a FIFO or device never sees an open; then the file opened is
  // checked to be the regular file that was checked (a rename in between is refused).
  auto before = stat_regular(dir, name, Op::attach);
  if (!before.ok()) return std::move(before).error();
  const int flags = (access == Access::read_only ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_NONBLOCK |
                    O_NOCTTY | O_CLOEXEC;
  UniqueFd fd(openat(dir.fd(), name.c_str(), flags));
  if (fd.get() < 0) return errno_of(Op::attach, errno, name);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return errno_of(Op::attach, errno, name);
  if (!S_ISREG(st.st_mode)) return not_regular(Op::attach, name, st.st_mode);
  if (st.st_dev != before->st_dev || st.st_ino != before->st_ino) {
    return errno_of(Op::attach, ENOENT, name);  // replaced while opened: not the one checked
  }
  return PosixFile(fd.release(), posix_record_from_stat(name, st));
}

Result<Attachment> PosixFile::map(Access access) const {
  auto mapped =
      Attachment::map_file(fd_.get(), record_.size, access, posix_display_name(record_.name));
  if (!mapped.ok()) {
    Error error = std::move(mapped).error();
    error.posix = true;
    return error;
  }
  return mapped;
}

Status PosixFile::reserve(std::uint64_t offset, std::uint64_t length) const {
  if (length == 0) return Done{};
  if (fallocate(fd_.get(), 0, static_cast<off_t>(offset), static_cast<off_t>(length)) == 0 ||
      errno == EOPNOTSUPP) {
    return Done{};
  }
  Error error = errno_error(Op::attach, errno, posix_display_name(record_.name));
  error.posix = true;
  return error;
}

Result<PosixCreateOutcome> create_posix(const ShmDir& dir, const PosixCreateRequest& request) {
  const std::string& name = request.name;
  UniqueFd fd(openat(dir.fd(), name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     static_cast<mode_t>(request.mode)));
  if (fd.get() >= 0) {
    // The mode asked for, not as the umask cut it; then the size. Undone if either fails.
    if (fchmod(fd.get(), static_cast<mode_t>(request.mode)) != 0 ||
        ftruncate(fd.get(), static_cast<off_t>(request.size)) != 0) {
      Error error = errno_of(Op::create, errno, name);
      error.size = request.size;
      unlinkat(dir.fd(), name.c_str(), 0);
      return error;
    }
    auto record = record_of_fd(fd.get(), name, Op::create);
    if (!record.ok()) return std::move(record).error();
    return PosixCreateOutcome{std::move(*record), true};
  }
  if (errno != EEXIST) {
    Error error = errno_of(Op::create, errno, name);
    error.size = request.size;
    return error;
  }
  // The name is taken: by an object (reported, as create does for a key, if the caller may
  // read it), or by something that is not one (a symbolic link, a directory): refused.
  // Its errors stand as they are: a mode that does not let the caller read it (Op::attach)
  // is not /dev/shm refusing a new file.
  auto opened = PosixFile::open(dir, name, Access::read_only);
  if (!opened.ok()) return std::move(opened).error();
  const std::optional<PosixRecord> existing = opened->record();
  if (request.exclusive == Exclusive::yes) {
    return posix_error(ErrorKind::exists, Op::create, EEXIST, name);
  }
  if (existing->size < request.size) {
    Error error = posix_error(ErrorKind::too_large, Op::create, EEXIST, name);
    error.fact = Fact::existing_smaller;
    error.have = existing->size;
    error.size = request.size;
    return error;
  }
  return PosixCreateOutcome{std::move(*existing), false};
}

Result<PosixRecord> remove_posix(const ShmDir& dir, const std::string& name,
                                 const PosixRecord* expected) {
  auto st = stat_regular(dir, name, Op::remove);
  if (!st.ok()) return std::move(st).error();
  if (expected != nullptr && (st->st_dev != expected->dev || st->st_ino != expected->ino)) {
    return errno_of(Op::remove, ENOENT, name);
  }
  if (unlinkat(dir.fd(), name.c_str(), 0) != 0) return errno_of(Op::remove, errno, name);
  return posix_record_from_stat(name, *st);
}

Result<PosixRecord> set_posix_owner(const ShmDir& dir, const std::string& name,
                                    const OwnerChange& change) {
  auto opened = open_path(dir, name, Op::set_owner);
  if (!opened.ok()) return std::move(opened).error();
  UniqueFd fd(*opened);
  const uid_t uid = change.uid ? *change.uid : static_cast<uid_t>(-1);
  const gid_t gid = change.gid ? *change.gid : static_cast<gid_t>(-1);
  if (fchownat(fd.get(), "", uid, gid, AT_EMPTY_PATH) != 0) {
    return errno_of(Op::set_owner, errno, name);
  }
  return record_of_fd(fd.get(), name, Op::set_owner);
}

Result<PosixRecord> set_posix_mode(const ShmDir& dir, const std::string& name, unsigned mode) {
  auto opened = open_path(dir, name, Op::set_mode);
  if (!opened.ok()) return std::move(opened).error();
  UniqueFd fd(*opened);
  // fchmod refuses an O_PATH descriptor; its /proc/self/fd link reaches the same inode.
  const std::string link = "/proc/self/fd/" + std::to_string(fd.get());
  if (fchmodat(AT_FDCWD, link.c_str(), static_cast<mode_t>(mode), 0) != 0) {
    return errno_of(Op::set_mode, errno, name);
  }
  return record_of_fd(fd.get(), name, Op::set_mode);
}

Result<PosixRecord> wait_for_posix(const ShmDir& dir, const std::string& name,
                                   std::optional<std::chrono::milliseconds> timeout) {
  return poll_until(
      timeout, [&] { return stat_posix(dir, name); },
      [](const Error& error) { return error.kind == ErrorKind::not_found; },
      [&name, timeout]() -> Result<PosixRecord> {
        Error error = posix_error(ErrorKind::not_found, Op::wait, 0, name);
        error.fact = Fact::wait_timeout;
        error.waited_ms = timeout ? timeout->count() : 0;
        return error;
      });
}

}  // namespace shmtool
