#pragma once
// kernel.shm_rmid_forced = 1 removes a segment when its last process detaches: write and read,
// which attach only while they copy, say so when that removed the segment they worked on.

#include "command.hpp"
#include "sysv/segment.hpp"

namespace shmtool::cli {

/// After a copy into or out of `segment` (as it was before attaching; `created`: made by this
/// run), warns on stderr if the kernel removed it as shmtool detached.
void warn_if_removed_on_detach(const Context& context, const SegmentRecord& segment, bool created);

}  // namespace shmtool::cli
