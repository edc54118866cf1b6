#pragma once
// The operations that act on segments: resolving a SEGMENT to an id, creating, removing,
// changing owner and mode, and waiting for a key to appear. Each resolves a key once and then
// works by id, so a key whose segment is replaced meanwhile never redirects the action.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "model/segment_ref.hpp"
#include "sysv/kernel.hpp"
#include "sysv/segment.hpp"
#include "sysv/segment_table.hpp"
#include "util/owner_parse.hpp"
#include "util/result.hpp"

namespace shmtool {

/// Returns the id `ref` names now. Ids are returned as given (stat them to know they exist);
/// keys are looked up with shmget(key, 0, 0). Fails with not_found (Op::resolve) when the key
/// names no segment, or with the ftok error.
Result<int> resolve_id(const SegmentRef& ref);

/// Resolves `ref` and stats the segment. Fails with not_found when it is gone.
Result<SegmentRecord> lookup_segment(ShmKernel& kernel, const SegmentRef& ref, Usage usage);

enum class Exclusive { no, yes };

/// What `create` asks for.
struct CreateRequest {
  std::optional<std::uint32_t> key;  // nullopt: IPC_PRIVATE
  std::uint64_t size = 0;
  unsigned mode = 0600;
  Exclusive exclusive = Exclusive::no;
  bool hugetlb = false;
  bool noreserve = false;
  std::string subject;  // how messages name it
};

struct CreateOutcome {
  SegmentRecord segment;
  bool created = false;  // false: the key named a live segment large enough
};

/// Creates a segment, or reports the existing one a key names. Fails with exists (Op::create)
/// under Exclusive::yes, too_large when the existing one is smaller than asked, or the errno
/// of shmget (EINVAL size limits, ENOSPC count limits, ENOMEM).
Result<CreateOutcome> create_segment(ShmKernel& kernel, const CreateRequest& request);

struct RemoveOutcome {
  SegmentRecord segment;              // as it was just before removal
  bool marked = false;                // still attached: removed once the last process detaches
  std::optional<Error> lock_failure;  // its lock exists but could not be removed
};

/// The failure of asking for `size` bytes from a key whose segment `existing` is smaller
/// (Op::create, too_large), as create_segment gives it.
Error existing_too_small(const std::string& subject, const SegmentRecord& existing,
                         std::uint64_t size);

/// Whether this process may remove `segment` (IPC_RMID): it is the segment's owner or creator,
/// or it has CAP_SYS_ADMIN.
bool caller_may_remove(const SegmentRecord& segment);

/// Whether this process may remove an IPC object (IPC_RMID) whose owner is `owner` and whose
/// creator is `creator`: it is one of them, or it has CAP_SYS_ADMIN.
bool caller_may_remove(uid_t owner, uid_t creator);

/// Removes segment `id` (IPC_RMID), then its lock if it has one (segment_lock.hpp). The record
/// is read first, with rss/swap when `usage` asks. Fails with not_found or permission
/// (Op::remove).
Result<RemoveOutcome> remove_segment(ShmKernel& kernel, int id, Usage usage);

/// Changes owner and/or group of segment `id` (IPC_SET) and returns the new record.
Result<SegmentRecord> set_owner(ShmKernel& kernel, int id, const OwnerChange& change);

/// Changes the permission bits of segment `id` (IPC_SET) and returns the new record.
Result<SegmentRecord> set_mode(ShmKernel& kernel, int id, unsigned mode);

/// Pins segment `id` in memory (SHM_LOCK: its pages are never swapped out), or unpins it
/// (SHM_UNLOCK), and returns the new record. Fails (Op::pin, Op::unpin) with EPERM when the caller
/// is neither privileged (CAP_IPC_LOCK) nor its owner or creator, ENOMEM when RLIMIT_MEMLOCK is too
/// small for it, or not_found.
Result<SegmentRecord> set_pinned(ShmKernel& kernel, int id, bool pinned);

/// Waits until `ref` (a key or ftok form) names a segment and returns its id, polling. Fails
/// with not_found (Op::wait) when `timeout` runs out; nullopt waits without end.
Result<int> wait_for_segment(const SegmentRef& ref,
                             std::optional<std::chrono::milliseconds> timeout);

}  // namespace shmtool
