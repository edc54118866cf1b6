#pragma once
// Reading the kernel's segment table: every segment, or one by id, for any caller.

#include <span>
#include <vector>

#include "sysv/kernel.hpp"
#include "sysv/segment.hpp"
#include "util/result.hpp"

namespace shmtool {

/// Whether rss/swap (only in /proc/sysvipc/shm) are wanted.
enum class Usage { skip, read };

/// Which way the segments were read.
enum class TableSource { stat_any, stat, proc };

/// Every segment in the IPC namespace, in index order.
struct SegmentTable {
  std::vector<SegmentRecord> segments;
  TableSource source = TableSource::stat_any;
};

/// Lists every segment: IPC_INFO, then SHM_STAT_ANY per index; SHM_STAT where SHM_STAT_ANY is
/// refused; /proc/sysvipc/shm where a segment cannot be read either way. With Usage::read,
/// /proc/sysvipc/shm first (the one source of rss and swap has every field), then the others
/// if it cannot be read. Segments that vanish meanwhile are skipped. Fails (Op::enumerate) only
/// when no source works.
Result<SegmentTable> list_segments(ShmKernel& kernel, Usage usage);

/// Receives the segments of for_each_segment as they are read.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  /// At most `count` segments follow (a hint for reserving room).
  virtual void expect(std::size_t count) { (void)count; }
  virtual void add(const SegmentRecord& segment) = 0;
  /// Forget every segment added so far: the listing starts again from /proc/sysvipc/shm, since
  /// a segment turned up that neither SHM_STAT_ANY nor SHM_STAT may read.
  virtual void restart() = 0;
};

/// As list_segments without usage, but hands each segment to `sink` as it is read instead of
/// keeping them all: `list` renders its table from it with no record vector. Returns the
/// source that gave the final listing.
Result<TableSource> for_each_segment(ShmKernel& kernel, SegmentSink& sink);

/// Returns segment `id`: IPC_STAT, or by index with SHM_STAT_ANY when the caller may not read
/// it. Fails with not_found (Op::stat) when the id is gone.
Result<SegmentRecord> stat_segment(ShmKernel& kernel, int id, Usage usage);

/// Fills rss/swap of `segments` from /proc/sysvipc/shm, matching by id. Fails (Op::enumerate)
/// when /proc cannot be read; segments it does not list keep nullopt.
Status fill_usage(ShmKernel& kernel, std::span<SegmentRecord> segments);

}  // namespace shmtool
