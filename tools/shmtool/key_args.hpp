#pragma once
// Helpers for commands that take a KEY to create.

#include <cstdint>

#include "model/segment_ref.hpp"

namespace shmtool::cli {

/// Returns the key `ref` names, where it is an argument to create or filter with: an ftok path
/// that cannot be used is a usage error (exit 2). Throws CommandFailure.
std::uint32_t key_as_argument(const SegmentRef& ref);

}  // namespace shmtool::cli
