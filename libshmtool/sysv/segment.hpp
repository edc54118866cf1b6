#pragma once
// The one record of a segment that every renderer reads: raw kernel values, no formatting.

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "model/object_stat.hpp"

struct shmid_ds;

namespace shmtool {

/// One System V shared memory segment as the kernel reports it: the shared block (size, mode,
/// owner, atime = last attach, ctime) and what only segments have.
struct SegmentRecord : ObjectStat {
  int id = -1;
  std::uint32_t key = 0;  // 0 is IPC_PRIVATE
  bool dest = false;      // marked for removal (SHM_DEST)
  bool locked = false;    // SHM_LOCK'ed in memory (SHM_LOCKED)
  uid_t cuid = 0;
  gid_t cgid = 0;
  pid_t cpid = 0;
  pid_t lpid = 0;
  std::uint64_t nattch = 0;
  std::optional<std::int64_t> dtime;  // nullopt: never detached
  std::optional<std::uint64_t> rss;   // bytes resident; nullopt when not read or not known
  std::optional<std::uint64_t> swap;  // bytes swapped; nullopt when not read or not known
};

/// Builds a record from what IPC_STAT/SHM_STAT(_ANY) filled in, for segment `id`.
SegmentRecord record_from_shmid_ds(int id, const struct shmid_ds& ds);

}  // namespace shmtool
