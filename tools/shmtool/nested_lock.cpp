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

std::string_view inherited_object_locks() {
  const char* entries = std::getenv(kHeldObjectLocksVariable);
  return entries == nullptr ? std::string_view() : std::string_view(entries);
}

ObjectLock hold_object_lock(const ShmDir& dir, const std::string& name,
                            std::optional<std::chrono::milliseconds> timeout) {
  return unwrap(ObjectLock::take(dir, name, timeout, inherited_object_locks()));
}

}  // namespace shmtool::cli
