#pragma once
// Locks that outlived their segments. shmtool rm removes a segment's lock with it, but a
// segment removed by anything else (ipcrm, a program's IPC_RMID, kernel.shm_rmid_forced) leaves
// its lock behind. A set is such a stale lock only when it proves itself shmtool's: its key is
// 0xffffffff - N for an N that is no segment's id in this IPC namespace, it has two semaphores
// and semaphore 1 holds the marker (segment_lock.hpp). A set of one semaphore there may be a
// lock made by a C program or an earlier shmtool, or any program's set: it is only counted.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "sysv/kernel.hpp"
#include "util/result.hpp"

namespace shmtool {

/// A lock whose segment is gone.
struct StaleLock {
  int semid = -1;
  std::uint32_t key = 0;
  int segment_id = -1;  // 0xffffffff - key: the segment it was the lock of
  uid_t uid = 0;
  gid_t gid = 0;
  uid_t cuid = 0;
  gid_t cgid = 0;
  unsigned mode = 0;  // permission bits
  bool held = false;  // semaphore 0 is 0: a process still holds it
  std::int64_t ctime = 0;
};

/// Every stale lock in this IPC namespace that the caller can read (root: all of them).
struct StaleLockScan {
  std::vector<StaleLock> locks;  // in the kernel's index order
  std::uint64_t unproven = 0;    // sets of one semaphore at the lock key of a gone segment
};

/// Returns the stale locks: every semaphore set (SEM_INFO, then SEM_STAT_ANY per index, or
/// SEM_STAT where the kernel lacks it or refuses it) whose key is a lock key, and for those only,
/// whether the segment exists (`kernel`.stat_id) and the set's values. Fails (Op::enumerate)
/// when the sets cannot be listed.
Result<StaleLockScan> find_stale_locks(ShmKernel& kernel);

/// Returns the stale lock of segment `id` (known not to exist), or nullopt when its key holds
/// no set that proves itself shmtool's.
std::optional<StaleLock> find_stale_lock(ShmKernel& kernel, int id);

/// Whether this process may remove `lock` (IPC_RMID): it is the set's owner or creator, or it
/// has CAP_SYS_ADMIN, as for a segment.
bool caller_may_remove(const StaleLock& lock);

/// Removes `lock` (IPC_RMID) if it is still stale: its segment id is still no segment's.
/// Returns false when it is gone already, or is no longer stale. Fails (Op::remove) with
/// permission when the caller may not remove it.
Result<bool> remove_stale_lock(ShmKernel& kernel, const StaleLock& lock);

}  // namespace shmtool
