#include "detach_check.hpp"

#include "failure.hpp"
#include "sysv/kernel_limits.hpp"
#include "sysv/segment_table.hpp"

namespace shmtool::cli {

void warn_if_removed_on_detach(const Context& context, const SegmentRecord& segment, bool created) {
  // Only a segment nobody else had attached can go with shmtool's detach; the setting is read
  // only then.
  if (!created && segment.nattch != 0) return;
  if (!kernel_removes_unattached()) return;
  auto after = stat_segment(context.kernel, segment.id, Usage::skip);
  if (!after.ok() && after.error().kind == ErrorKind::not_found) {
    context.warn("id " + std::to_string(segment.id), rmid_forced_detached_words());
  }
}

}  // namespace shmtool::cli
