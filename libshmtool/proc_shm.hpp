#pragma once
// Parsing of /proc/sysvipc/shm, the table the kernel prints of every segment.

#include <string_view>
#include <vector>

#include "result.hpp"
#include "segment.hpp"

namespace shmtool {

/// Parses the text of /proc/sysvipc/shm into records, columns found by their header names.
/// rss/swap are filled where the kernel prints them. Lines that do not parse are skipped;
/// a missing or foreign header is an Error (Op::enumerate).
Result<std::vector<SegmentRecord>> parse_proc_shm(std::string_view text);

}  // namespace shmtool
