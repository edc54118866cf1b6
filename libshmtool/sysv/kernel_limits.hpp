#pragma once
// The kernel's limits on shared memory, read to explain why a segment cannot be created.

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace shmtool {

/// What /proc/sys/kernel/shm* and SHM_INFO say; each field nullopt when it cannot be read.
/// The values are those of the caller's IPC namespace.
struct ShmLimits {
  std::optional<std::uint64_t> shmmax;         // bytes, largest segment
  std::optional<std::uint64_t> shmall;         // pages, all segments together
  std::optional<std::uint64_t> shmmni;         // number of segments
  std::optional<std::uint64_t> used_segments;  // segments in use (SHM_INFO used_ids)
  std::optional<std::uint64_t> used_pages;     // pages in use (SHM_INFO shm_tot)
  std::optional<std::uint64_t> rmid_forced;    // kernel.shm_rmid_forced, 0 or 1
  std::uint64_t page_size = 4096;
};

/// Returns the limits and, with `ask_usage`, the current use (SHM_INFO, which sums every
/// segment's pages under the table's lock). Never fails: what cannot be read is nullopt.
ShmLimits read_shm_limits(bool ask_usage = true);

/// Returns whether kernel.shm_rmid_forced is 1 in the caller's IPC namespace: the kernel then
/// removes a segment as soon as no process has it attached (its creator's exit, or the last
/// detach). False when it cannot be read.
bool kernel_removes_unattached();

/// What /proc/meminfo and /proc/sys/vm/hugetlb_shm_group say about huge pages.
struct HugePageInfo {
  std::optional<std::uint64_t> total;       // HugePages_Total
  std::optional<std::uint64_t> free;        // HugePages_Free
  std::optional<std::uint64_t> page_bytes;  // Hugepagesize
  std::optional<gid_t> shm_group;           // the group allowed SHM_HUGETLB besides CAP_IPC_LOCK
};

/// Returns what the kernel says about huge pages. Never fails.
HugePageInfo read_huge_page_info();

}  // namespace shmtool
