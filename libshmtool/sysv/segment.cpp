#include "sysv/segment.hpp"

#include <sys/shm.h>

namespace shmtool {
namespace {

std::optional<std::int64_t> time_or_never(time_t value) {
  if (value == 0) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

}  // namespace

SegmentRecord record_from_shmid_ds(int id, const struct shmid_ds& ds) {
  SegmentRecord r;
  r.id = id;
  r.key = static_cast<std::uint32_t>(ds.shm_perm.__key);
  r.size = ds.shm_segsz;
  r.mode = ds.shm_perm.mode & 0777U;
  r.dest = (ds.shm_perm.mode & SHM_DEST) != 0;
  r.locked = (ds.shm_perm.mode & SHM_LOCKED) != 0;
  r.uid = ds.shm_perm.uid;
  r.gid = ds.shm_perm.gid;
  r.cuid = ds.shm_perm.cuid;
  r.cgid = ds.shm_perm.cgid;
  r.cpid = ds.shm_cpid;
  r.lpid = ds.shm_lpid;
  r.nattch = ds.shm_nattch;
  r.atime = time_or_never(ds.shm_atime);
  r.dtime = time_or_never(ds.shm_dtime);
  r.ctime = time_or_never(ds.shm_ctime);
  return r;
}

}  // namespace shmtool
