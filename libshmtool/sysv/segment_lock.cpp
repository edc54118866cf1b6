#include "sysv/segment_lock.hpp"

#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "model/segment_ref.hpp"
#include "util/proc_files.hpp"
#include "util/whole_number.hpp"

namespace shmtool {
namespace {

// semctl's fourth argument, which the caller must declare (semctl(2)).
union SemArgument {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
};

// Readers of the segment may take its lock: read permission also grants alter.
unsigned short lock_mode(unsigned segment_mode) {
  return static_cast<unsigned short>((segment_mode | ((segment_mode & 0444U) >> 1)) & 0777U);
}

Error lock_error(int err, int id, std::string detail = {}) {
  Error error = errno_error(Op::lock, err, lock_subject(id));
  error.detail = std::move(detail);
  return error;
}

Error marked_error(int id) {
  return Error{ErrorKind::not_found, Op::lock, EIDRM, lock_subject(id),
               "the segment is removed or marked for removal; a new lock would outlive it"};
}

// A set at the lock key is the segment's lock only if it is a set of one semaphore or a marked
// set of two (read_lock_format), is not at the segment's own key, and belongs to the segment's
// owner (as shmtool keeps it) or was created by the segment's owner or creator (the only
// non-root users shmtool lets create it). Anything else there is another program's, and lock,
// stat and rm leave it alone.
Result<int> check_ours(int semid, const SegmentRecord& segment) {
  const int id = segment.id;
  struct semid_ds ds {};
  auto format = read_lock_format(semid, ds);
  if (!format.ok()) return lock_error(format.error().err, id);
  if (lock_key_for(id) == segment.key) {
    return lock_error(EEXIST, id,
                      "the lock key is the segment's own key; a semaphore set there is the "
                      "application's, so it is left alone");
  }
  if (*format == LockFormat::other) {
    const std::string what =
        ds.sem_nsems == kLockSemaphores ? " semaphores without shmtool's marker" : " semaphores";
    return lock_error(EEXIST, id,
                      "a semaphore set with " + std::to_string(ds.sem_nsems) + what +
                          " has this key; it is not shmtool's, so it is left alone");
  }
  const uid_t owner = ds.sem_perm.uid;
  const uid_t creator = ds.sem_perm.cuid;
  if (owner != segment.uid && creator != segment.uid && creator != segment.cuid) {
    return lock_error(EEXIST, id,
                      "a semaphore set of uid " + std::to_string(owner) +
                          " has this key, not the segment's owner's; it is not shmtool's, so "
                          "it is left alone");
  }
  return semid;
}

Result<int> find_lock(const SegmentRecord& segment) {
  const int semid = semget(static_cast<key_t>(lock_key_for(segment.id)), 0, 0);
  if (semid < 0) return lock_error(errno, segment.id);
  return check_ours(semid, segment);
}

Result<int> open_or_create_lock(const SegmentRecord& segment) {
  const int id = segment.id;
  const auto key = static_cast<key_t>(lock_key_for(id));
  if (static_cast<std::uint32_t>(key) == segment.key) {
    return lock_error(EEXIST, id, "the lock key is the segment's own key; refusing to use it");
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto found = find_lock(segment);
    if (found.ok() || found.error().err != ENOENT) return found;
    // Only those who may remove the segment create its lock, so rm can always remove it too.
    const uid_t me = geteuid();
    if (me != 0 && me != segment.uid && me != segment.cuid) {
      return lock_error(EPERM, id,
                        "the lock does not exist yet, and only the segment's owner, its creator "
                        "or root may create it");
    }
    if (segment.dest) return marked_error(id);
    const int semid = semget(key, kLockSemaphores, IPC_CREAT | IPC_EXCL | lock_mode(segment.mode));
    if (semid < 0) {
      if (errno == EEXIST) continue;  // another process created it first
      return lock_error(errno, id);
    }
    // The lock free and the marker, in one call: until then the set holds zeros, and
    // read_lock_format gives a creator that long before it calls the set another program's.
    unsigned short values[kLockSemaphores] = {1, kLockMarker};
    SemArgument arg{};
    arg.array = values;
    if (semctl(semid, 0, SETALL, arg) < 0) {
      const int err = errno;
      semctl(semid, 0, IPC_RMID);
      return lock_error(err, id);
    }
    // A privileged creator hands the lock to the segment's owner; others cannot, and keep it.
    struct semid_ds ds {};
    ds.sem_perm.uid = segment.uid;
    ds.sem_perm.gid = segment.gid;
    ds.sem_perm.mode = lock_mode(segment.mode);
    arg.buf = &ds;
    if (geteuid() == 0) semctl(semid, 0, IPC_SET, arg);
    // The segment may have been removed, or marked, since it was looked up: then the new lock
    // would outlive it.
    struct shmid_ds now {};
    if (shmctl(id, IPC_STAT, &now) < 0 ? (errno == EINVAL || errno == EIDRM)
                                       : (now.shm_perm.mode & SHM_DEST) != 0) {
      semctl(semid, 0, IPC_RMID);
      return marked_error(id);
    }
    return semid;
  }
  return lock_error(EAGAIN, id, "the lock kept changing while it was being opened");
}

// The parent of `pid` from /proc/PID/stat, or 0. The command name, in parentheses, may hold
// spaces and parentheses itself: the fields after it follow the last ')'.
pid_t parent_of(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  const std::optional<std::string> stat = read_file_at(AT_FDCWD, path.c_str());
  pid_t parent = 0;
  if (!stat || !parse_whole(proc_stat_field(*stat, 4), parent)) return 0;
  return parent;
}

bool is_self_or_ancestor(pid_t pid) {
  pid_t at = getpid();
  for (int depth = 0; depth < 256 && at > 0; ++depth) {
    if (at == pid) return true;
    at = parent_of(at);
  }
  return false;
}

}  // namespace

std::uint32_t lock_key_for(int id) {
  return 0xffffffffU - static_cast<std::uint32_t>(id);
}

std::string lock_subject(int id) {
  return "lock of id " + std::to_string(id) + " (key " + format_key_hex(lock_key_for(id)) + ")";
}

Result<LockFormat> read_lock_format(int semid, struct semid_ds& ds) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(250);
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    SemArgument arg{};
    arg.buf = &ds;
    if (semctl(semid, 0, IPC_STAT, arg) < 0) return errno_error(Op::lock, errno, {});
    if (ds.sem_nsems == 1) return LockFormat::single;
    if (ds.sem_nsems != kLockSemaphores) return LockFormat::other;
    unsigned short values[kLockSemaphores] = {};
    arg.array = values;
    if (semctl(semid, 0, GETALL, arg) < 0) return errno_error(Op::lock, errno, {});
    if (values[1] == kLockMarker) return LockFormat::marked;
    // A lock being created holds zeros until its creator's SETALL, the call after semget, and
    // no process has operated on it yet. Any other set of two is another program's at once.
    const bool just_made = values[0] == 0 && values[1] == 0 && ds.sem_otime == 0 &&
                           std::time(nullptr) - ds.sem_ctime <= 2;
    if (!just_made || Clock::now() >= deadline) return LockFormat::other;
    std::this_thread::sleep_for(pause);
    pause *= 2;
  }
}

Result<std::optional<LockState>> inspect_lock(const SegmentRecord& segment) {
  auto semid = find_lock(segment);
  if (!semid.ok()) {
    if (semid.error().err == ENOENT) return std::optional<LockState>{};
    return semid.error();
  }
  LockState state;
  state.key = lock_key_for(segment.id);
  state.semid = *semid;
  const int value = semctl(*semid, 0, GETVAL);
  const int waiting = semctl(*semid, 0, GETNCNT);
  const int pid = semctl(*semid, 0, GETPID);
  if (value < 0 || waiting < 0 || pid < 0) return lock_error(errno, segment.id);
  state.held = value == 0;
  state.waiting = static_cast<std::uint64_t>(waiting);
  state.last_pid = pid;
  return std::optional<LockState>(state);
}

HeldLock::HeldLock(HeldLock&& other) noexcept : semid_(std::exchange(other.semid_, -1)) {}

HeldLock::~HeldLock() {
  if (semid_ < 0) return;
  struct sembuf release {};
  release.sem_num = 0;
  release.sem_op = 1;
  release.sem_flg = SEM_UNDO;
  semop(semid_, &release, 1);
}

Result<HeldLock> take_lock(const SegmentRecord& segment,
                           std::optional<std::chrono::milliseconds> timeout) {
  auto semid = open_or_create_lock(segment);
  if (!semid.ok()) return semid.error();
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout.value_or(std::chrono::milliseconds(0));
  struct sembuf take {};
  take.sem_num = 0;
  take.sem_op = -1;
  take.sem_flg = SEM_UNDO;
  for (;;) {
    int rc = 0;
    if (timeout) {
      const auto left =
          std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
      const long long ns = left.count() > 0 ? left.count() : 0;
      struct timespec wait {};
      wait.tv_sec = static_cast<time_t>(ns / 1000000000LL);
      wait.tv_nsec = static_cast<long>(ns % 1000000000LL);
      rc = semtimedop(*semid, &take, 1, &wait);
    } else {
      rc = semop(*semid, &take, 1);
    }
    if (rc == 0) return HeldLock(*semid);
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      Error error = lock_error(ETIMEDOUT, segment.id);
      error.fact = Fact::lock_timeout;
      error.waited_ms = timeout->count();
      return error;
    }
    if (errno == EIDRM || errno == EINVAL) {
      return Error{ErrorKind::not_found, Op::lock, errno, lock_subject(segment.id),
                   "the lock was removed (with its segment) while waiting for it"};
    }
    return lock_error(errno, segment.id);
  }
}

std::string add_held_lock(std::string_view holders, const SegmentRecord& segment,
                          const HeldLock& lock, int token_fd) {
  std::string out(holders);
  if (!out.empty()) out += ' ';
  out += std::to_string(segment.id) + ":" + std::to_string(lock.semid()) + ":" +
         std::to_string(getpid()) + ":" + std::to_string(token_fd);
  return out;
}

bool lock_held_by_ancestor(std::string_view holders, const SegmentRecord& segment) {
  while (!holders.empty()) {
    const auto space = holders.find(' ');
    const std::string_view entry = holders.substr(0, space);
    holders = space == std::string_view::npos ? std::string_view() : holders.substr(space + 1);
    std::vector<std::string_view> fields;
    for (std::string_view rest = entry;;) {
      const auto colon = rest.find(':');
      fields.push_back(rest.substr(0, colon));
      if (colon == std::string_view::npos) break;
      rest = rest.substr(colon + 1);
    }
    int shmid = -1;
    int semid = -1;
    pid_t pid = 0;
    int fd = -1;
    if (fields.size() != 4 || !parse_whole(fields[0], shmid) || shmid != segment.id ||
        !parse_whole(fields[1], semid) || !parse_whole(fields[2], pid) || pid <= 0 ||
        !parse_whole(fields[3], fd) || fd < 0) {
      continue;
    }
    auto found = find_lock(segment);
    if (!found.ok() || *found != semid || semctl(semid, 0, GETVAL) != 0) continue;
    if (!is_self_or_ancestor(pid)) continue;
    struct stat mine {};
    struct stat holders_end {};
    const std::string theirs = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
    if (fstat(fd, &mine) != 0 || !S_ISFIFO(mine.st_mode) ||
        stat(theirs.c_str(), &holders_end) != 0) {
      continue;
    }
    if (mine.st_dev == holders_end.st_dev && mine.st_ino == holders_end.st_ino) return true;
  }
  return false;
}

Status sync_lock(const SegmentRecord& before, const SegmentRecord& segment) {
  auto semid = find_lock(before);
  if (!semid.ok()) {
    if (semid.error().err == ENOENT) return Done{};
    return semid.error();
  }
  struct semid_ds ds {};
  ds.sem_perm.uid = segment.uid;
  ds.sem_perm.gid = segment.gid;
  ds.sem_perm.mode = lock_mode(segment.mode);
  SemArgument arg{};
  arg.buf = &ds;
  if (semctl(*semid, 0, IPC_SET, arg) < 0) return lock_error(errno, segment.id);
  return Done{};
}

Result<bool> remove_lock(const SegmentRecord& segment) {
  const int id = segment.id;
  auto semid = find_lock(segment);
  if (!semid.ok()) {
    // None there, or a set that is not shmtool's (EEXIST from check_ours): nothing to remove.
    if (semid.error().err == ENOENT || semid.error().err == EEXIST) return false;
    return semid.error();
  }
  if (semctl(*semid, 0, IPC_RMID) < 0) {
    if (errno == EINVAL || errno == EIDRM) return false;
    return lock_error(errno, id);
  }
  return true;
}

}  // namespace shmtool
