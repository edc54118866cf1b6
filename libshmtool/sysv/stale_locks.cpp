#include "sysv/stale_locks.hpp"

#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <cerrno>

#include "sysv/segment_lock.hpp"
#include "sysv/segment_ops.hpp"

namespace shmtool {
namespace {

// semctl's fourth argument, which the caller must declare (semctl(2)).
union SemArgument {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
  struct seminfo* info;
};

// The id of the segment whose lock key is `key`, or nullopt when no id has it (ids are
// non-negative ints, so lock keys are 0x80000000 and above).
std::optional<int> segment_of_key(std::uint32_t key) {
  if (key < 0x80000000U) return std::nullopt;
  return static_cast<int>(0xffffffffU - key);
}

// Whether segment `id` exists: IPC_STAT says EINVAL or EIDRM only for an id that is no
// segment's (EACCES: it exists and the caller may not read it).
bool segment_exists(ShmKernel& kernel, int id) {
  struct shmid_ds ds {};
  const int rc = kernel.stat_id(id, ds);
  return rc != -EINVAL && rc != -EIDRM;
}

enum class Verdict { not_stale, stale, unproven };

// Judges set `semid`, whose IPC_STAT is `ds`; fills `lock` when it is stale.
Verdict judge(ShmKernel& kernel, int semid, struct semid_ds& ds, StaleLock& lock) {
  const auto key = static_cast<std::uint32_t>(ds.sem_perm.__key);
  const std::optional<int> id = segment_of_key(key);
  if (!id) return Verdict::not_stale;
  if (ds.sem_nsems != 1 && ds.sem_nsems != kLockSemaphores) return Verdict::not_stale;
  if (segment_exists(kernel, *id)) return Verdict::not_stale;
  if (ds.sem_nsems == 1) return Verdict::unproven;
  // The marker needs read permission: a set the caller may not read proves nothing to it.
  auto format = read_lock_format(semid, ds);
  if (!format.ok() || *format != LockFormat::marked) return Verdict::not_stale;
  const int value = semctl(semid, 0, GETVAL);
  if (value < 0) return Verdict::not_stale;
  lock.semid = semid;
  lock.key = key;
  lock.segment_id = *id;
  lock.uid = ds.sem_perm.uid;
  lock.gid = ds.sem_perm.gid;
  lock.cuid = ds.sem_perm.cuid;
  lock.cgid = ds.sem_perm.cgid;
  lock.mode = ds.sem_perm.mode & 0777U;
  lock.held = value == 0;
  lock.ctime = ds.sem_ctime;
  return Verdict::stale;
}

}  // namespace

Result<StaleLockScan> find_stale_locks(ShmKernel& kernel) {
  struct seminfo info {};
  SemArgument arg{};
  arg.info = &info;
  // SEM_INFO returns the highest index in use (0 when there is none).
  const int max_index = semctl(0, 0, SEM_INFO, arg);
  if (max_index < 0) return errno_error(Op::enumerate, errno, "semaphore sets");
  StaleLockScan scan;
  bool stat_any_works = false;
  bool stat_any_refused = false;
  for (int index = 0; index <= max_index; ++index) {
    struct semid_ds ds {};
    arg.buf = &ds;
    int semid = -1;
    if (!stat_any_refused) {
      semid = semctl(index, 0, SEM_STAT_ANY, arg);
      if (semid >= 0) {
        stat_any_works = true;
      } else if (stat_any_works && (errno == EINVAL || errno == EIDRM)) {
        continue;  // once SEM_STAT_ANY has worked, EINVAL can only mean an empty slot
      }
    }
    if (semid < 0) {
      // SEM_STAT_ANY is unknown to this kernel (EINVAL) or refused by an LSM: SEM_STAT needs
      // read permission, which reading the marker needs anyway.
      semid = semctl(index, 0, SEM_STAT, arg);
      if (semid < 0) continue;  // an empty slot, or a set the caller may not read
      stat_any_refused = !stat_any_works;
    }
    StaleLock lock;
    switch (judge(kernel, semid, ds, lock)) {
      case Verdict::stale:
        scan.locks.push_back(lock);
        break;
      case Verdict::unproven:
        ++scan.unproven;
        break;
      case Verdict::not_stale:
        break;
    }
  }
  return scan;
}

std::optional<StaleLock> find_stale_lock(ShmKernel& kernel, int id) {
  if (id < 0) return std::nullopt;
  const int semid = semget(static_cast<key_t>(lock_key_for(id)), 0, 0);
  if (semid < 0) return std::nullopt;
  struct semid_ds ds {};
  SemArgument arg{};
  arg.buf = &ds;
  if (semctl(semid, 0, IPC_STAT, arg) < 0) return std::nullopt;
  StaleLock lock;
  if (judge(kernel, semid, ds, lock) != Verdict::stale) return std::nullopt;
  return lock;
}

bool caller_may_remove(const StaleLock& lock) {
  return caller_may_remove(lock.uid, lock.cuid);
}

Result<bool> remove_stale_lock(ShmKernel& kernel, const StaleLock& lock) {
  // A segment with its id since (the kernel reuses an id only after many generations of its
  // slot) would make this its lock again.
  if (segment_exists(kernel, lock.segment_id)) return false;
  if (semctl(lock.semid, 0, IPC_RMID) < 0) {
    const int err = errno;
    if (err == EINVAL || err == EIDRM) return false;  // removed meanwhile
    return errno_error(Op::remove, err, lock_subject(lock.segment_id));
  }
  return true;
}

}  // namespace shmtool
