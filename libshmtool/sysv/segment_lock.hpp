#pragma once
// The cooperative lock of a segment: one System V semaphore per segment, taken with SEM_UNDO so
// a process that dies holding it releases it.
//
// The convention (documented in shmtool(1) so C programs can join):
//   lock key  = 0xffffffff - shmid   (never the segment's own key, which applications may use
//                                     for their own semaphore sets; works for private segments)
//   the set   = semget(lock key, 1, ...): one semaphore, value 1 = free, 0 = held
//   take      = semop({0, -1, SEM_UNDO}); release = semop({0, +1, SEM_UNDO})
//   created   on first use by the segment's owner, its creator or root (those who may remove
//             the segment, and so its lock), with the segment's permission bits (read
//             permission also grants alter, so readers can lock); a privileged creator gives it
//             the segment's owner. chown and chmod of the segment carry over to its lock.
//   it is the lock only if it is a set of one semaphore, not at the segment's own key, owned
//             by the segment's owner or created by the segment's owner or creator; any other
//             set at that key is another program's and is never used, shown or removed.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sysv/segment.hpp"
#include "util/result.hpp"

namespace shmtool {

/// Returns the key of the lock of segment `id`.
std::uint32_t lock_key_for(int id);

/// What `stat` shows of a segment's lock.
struct LockState {
  std::uint32_t key = 0;
  int semid = -1;
  bool held = false;          // value 0
  std::uint64_t waiting = 0;  // processes waiting to take it (GETNCNT)
  pid_t last_pid = 0;         // the last process that took or released it (GETPID)
};

/// Returns the lock of `segment`, or nullopt when it has none yet. Fails (Op::lock) when it
/// cannot be read, or with EEXIST when the set at its key is another program's.
Result<std::optional<LockState>> inspect_lock(const SegmentRecord& segment);

/// A held lock; released (semop +1, SEM_UNDO) when destroyed.
class HeldLock {
 public:
  HeldLock(HeldLock&& other) noexcept;
  HeldLock& operator=(HeldLock&&) = delete;
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  ~HeldLock();

  int semid() const { return semid_; }

 private:
  friend Result<HeldLock> take_lock(const SegmentRecord&, std::optional<std::chrono::milliseconds>);
  explicit HeldLock(int semid) : semid_(semid) {}
  int semid_ = -1;
};

/// Takes the lock of `segment`, creating it on first use. Waits at most `timeout` (nullopt:
/// without end); fails with Op::lock and ETIMEDOUT when it runs out, EACCES when the caller may
/// not use it, EPERM when it does not exist and the caller may not create it, not_found when
/// the segment is removed or marked (a new lock would outlive it).
Result<HeldLock> take_lock(const SegmentRecord& segment,
                           std::optional<std::chrono::milliseconds> timeout);

/// The environment variable through which `lock` tells the command it runs which locks it holds:
/// entries "SHMID:SEMID:PID:FD" separated by spaces. PID is the holding shmtool process; FD is
/// a descriptor it keeps open and its command inherits (the read end of a pipe), which proves
/// that a process is inside that command: no other process has it.
inline constexpr const char* kHeldLocksVariable = "SHMTOOL_LOCKS";

/// Returns `holders` (the variable's value, possibly empty) with an entry for `lock`, held by
/// this process for `segment`, with `token_fd` (open here, inherited by the command) as proof.
std::string add_held_lock(std::string_view holders, const SegmentRecord& segment,
                          const HeldLock& lock, int token_fd);

/// Returns whether `holders` names the lock of `segment` as held for this process, and the
/// kernel agrees: the set at the lock key is that semid and it is held (value 0); the holder
/// is this process or an ancestor; and this process has descriptor FD open on the very pipe
/// the holder has open as FD (same device and inode through /proc/PID/fd). Then a nested
/// `--lock` proceeds without taking it again (it would wait for itself), as flock(1)'s
/// inherited descriptor does. A stale or forged entry fails one of these.
bool lock_held_by_ancestor(std::string_view holders, const SegmentRecord& segment);

/// Gives the lock of a segment (if it has one) the segment's new owner, group and mode, after a
/// chown or chmod: `before` is the segment as it was (the lock is recognised by it), `segment`
/// as it is now. Fails (Op::lock) when the caller may not change the lock.
Status sync_lock(const SegmentRecord& before, const SegmentRecord& segment);

/// Removes the lock of `segment` if it has one (after the segment is removed). A set at the
/// lock key that is not the segment's lock (see above) is left alone. Returns whether one was
/// removed.
Result<bool> remove_lock(const SegmentRecord& segment);

}  // namespace shmtool
