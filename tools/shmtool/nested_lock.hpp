#pragma once
// Taking a segment's lock from write --lock, read --lock and lock, unless a `lock` this
// process runs under holds it already (see SHMTOOL_LOCKS in segment_lock.hpp).

#include <chrono>
#include <optional>

#include <string>
#include <string_view>

#include "posix/object_lock.hpp"
#include "sysv/segment.hpp"
#include "sysv/segment_lock.hpp"

namespace shmtool::cli {

/// Returns the lock of `segment`, taken now, or nullopt when an ancestor `lock` holds it for
/// this process already. Throws CommandFailure when it cannot be taken.
std::optional<HeldLock> hold_lock(const SegmentRecord& segment,
                                  std::optional<std::chrono::milliseconds> timeout);

/// The environment variable that passes a POSIX object's held flock down to the command a
/// `lock` runs: "DEV:INO:FD" entries, comma-separated.
inline constexpr const char* kHeldObjectLocksVariable = "SHMTOOL_FLOCKS";

/// Returns the SHMTOOL_FLOCKS entries this process inherited ("" when none).
std::string_view inherited_object_locks();

/// Takes the lock of POSIX object `name` (or finds it inherited); throws CommandFailure.
ObjectLock hold_object_lock(const ShmDir& dir, const std::string& name,
                            std::optional<std::chrono::milliseconds> timeout);

}  // namespace shmtool::cli
