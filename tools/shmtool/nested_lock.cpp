#include "nested_lock.hpp"

#include <cstdlib>

#include "failure.hpp"

namespace shmtool::cli {

std::optional<HeldLock> hold_lock(const SegmentRecord& segment,
                                  std::optional<std::chrono::milliseconds> timeout) {
  const char* holders = std::getenv(kHeldLocksVariable);
  if (holders != nullptr && lock_held_by_ancestor(holders, segment)) return std::nullopt;
  return unwrap(take_lock(segment, timeout));
}

}  // namespace shmtool::cli
