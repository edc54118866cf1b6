#pragma once
// The thin seam between the library and the kernel's segment tables. Enumeration and stat go
// through it so that tests can refuse a call and exercise every fallback on real data.

#include <sys/shm.h>

#include <functional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// Which per-index stat call to make.
enum class IndexStat { stat_any, stat };

/// The calls that read the kernel's segment tables. Each returns a non-negative value on
/// success, or minus the errno.
class ShmKernel {
 public:
  virtual ~ShmKernel() = default;
  /// shmctl(0, IPC_INFO): the highest index in use (0 when none: index 0 is then empty), or
  /// -errno. (SHM_INFO says the same, but walks every segment's pages first.)
  virtual int max_index() = 0;
  /// shmctl(index, SHM_STAT_ANY or SHM_STAT): the segment's id, or -errno.
  virtual int stat_index(int index, IndexStat call, struct shmid_ds& ds) = 0;
  /// shmctl(id, IPC_STAT): 0, or -errno.
  virtual int stat_id(int id, struct shmid_ds& ds) = 0;
  /// The text of /proc/sysvipc/shm, or an Error (Op::enumerate) when it cannot be read.
  virtual Result<std::string> proc_table() = 0;
  /// Hands the text of /proc/sysvipc/shm to `consume` in pieces, and stops reading as soon as
  /// it returns true (the kernel builds each line on demand, at a cost). By default, one piece
  /// from proc_table().
  virtual Status scan_proc_table(const std::function<bool(std::string_view piece)>& consume) {
    auto text = proc_table();
    if (!text.ok()) return text.error();
    consume(*text);
    return Done{};
  }
};

/// Returns the real kernel.
ShmKernel& system_kernel();

}  // namespace shmtool
