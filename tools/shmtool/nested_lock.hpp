#pragma once
// Taking a segment's lock from write --lock, read --lock and lock, unless a `lock` this
// process runs under holds it already (see SHMTOOL_LOCKS in segment_lock.hpp).

#include <chrono>
#include <optional>

#include "sysv/segment.hpp"
#include "sysv/segment_lock.hpp"

namespace shmtool::cli {

/// Returns the lock of `segment`, taken now, or nullopt when an ancestor `lock` holds it for
/// this process already. Throws CommandFailure when it cannot be taken.
std::optional<HeldLock> hold_lock(const SegmentRecord& segment,
                                  std::optional<std::chrono::milliseconds> timeout);

}  // namespace shmtool::cli
