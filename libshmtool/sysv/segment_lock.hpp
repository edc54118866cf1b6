#pragma once
// The cooperative lock of a segment: one System V semaphore per segment, taken with SEM_UNDO so
// a process that dies holding it releases it.
//
// The convention (documented in shmtool-lock(1) so C programs can join):
//   lock key  = 0xffffffff - shmid   (never the segment's own key, which applications may use
//                                     for their own semaphore sets; works for private segments)
//   the set   = semget(lock key, 2, ...): semaphore 0 is the lock, value 1 = free, 0 = held;
//             semaphore 1 holds the marker kLockMarker, which says the set is shmtool's even
//             after its segment is gone. Both are set by one SETALL right after the set is
//             created, before anyone uses it. semget(lock key, 1, 0) opens it too, so a C
//             program that knows only semaphore 0 joins unchanged.
//   take      = semop({0, -1, SEM_UNDO}); release = semop({0, +1, SEM_UNDO})
//   created   on first use by the segment's owner, its creator or root (those who may remove
//             the segment, and so its lock), with the segment's permission bits (read
//             permission also grants alter, so readers can lock); a privileged creator gives it
//             the segment's owner. chown and chmod of the segment carry over to its lock.
//   it is the lock only if it is a set of one semaphore (made by a C program, or by shmtool
//             before the marker) or of two whose semaphore 1 holds the marker, not at the
//             segment's own key, owned by the segment's owner or created by the segment's owner
//             or creator; any other set at that key is another program's and is never used,
//             shown or removed.
//   stale     a set of two with the marker at the key of an id that is no segment's any more
//             (removed by ipcrm or a program's IPC_RMID, not by shmtool rm): stale_locks.hpp
//             finds and removes those. A set of one there proves nothing and is left alone.

#include <sys/sem.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sysv/segment.hpp"
#include "util/result.hpp"

namespace shmtool {

/// The semaphores of a lock set shmtool creates: the lock, then the marker.
inline constexpr int kLockSemaphores = 2;

/// The value of semaphore 1 of a lock set shmtool created: "SH", below SEMVMX (32767).
inline constexpr unsigned short kLockMarker = 0x5348;

/// Returns the key of the lock of segment `id`.
std::uint32_t lock_key_for(int id);

/// Returns how messages name the lock of segment `id`: "lock of id 42 (key 0xffffffd5)".
std::string lock_subject(int id);

/// What a semaphore set says of itself (see the convention above).
enum class LockFormat {
  single,  // one semaphore: the lock as C programs and earlier shmtool made it, or anyone's
  marked,  // two, semaphore 1 holding kLockMarker: made by shmtool
  other,   // any other set
};

/// Reads the set `semid` (IPC_STAT into `ds`, and the values of a set of two) and says which it
/// is. A set of two that has never been used, holds zeros and was made in the last seconds may
/// be a lock its creator is about to SETALL: it is read again for a moment before it is called
/// another program's. Fails with the errno (EACCES: the caller may not read it; EINVAL, EIDRM:
/// it is gone).
Result<LockFormat> read_lock_format(int semid, struct semid_ds& ds);

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
