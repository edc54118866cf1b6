#pragma once
// The one record of a segment that every renderer reads: raw kernel values, no formatting.

#include <sys/types.h>

#include <cstdint>
#include <optional>

struct shmid_ds;

namespace shmtool {

/// One System V shared memory segment as the kernel reports it.
struct SegmentRecord {
  int id = -1;
  std::uint32_t key = 0;  // 0 is IPC_PRIVATE
  std::uint64_t size = 0;
  unsigned mode = 0;    // permission bits only, 0..0777
  bool dest = false;    // marked for removal (SHM_DEST)
  bool locked = false;  // SHM_LOCK'ed in memory (SHM_LOCKED)
  uid_t uid = 0;
  gid_t gid = 0;
  uid_t cuid = 0;
  gid_t cgid = 0;
  pid_t cpid = 0;
  pid_t lpid = 0;
  std::uint64_t nattch = 0;
  std::optional<std::int64_t> atime;  // nullopt: never attached
  std::optional<std::int64_t> dtime;  // nullopt: never detached
  std::optional<std::int64_t> ctime;  // nullopt: never changed (the kernel always sets it)
  std::optional<std::uint64_t> rss;   // bytes resident; nullopt when not read or not known
  std::optional<std::uint64_t> swap;  // bytes swapped; nullopt when not read or not known
};

/// Builds a record from what IPC_STAT/SHM_STAT(_ANY) filled in, for segment `id`.
SegmentRecord record_from_shmid_ds(int id, const struct shmid_ds& ds);

}  // namespace shmtool
