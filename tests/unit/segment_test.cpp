#include "sysv/segment.hpp"

#include <gtest/gtest.h>
#include <sys/shm.h>

namespace shmtool {
namespace {

struct shmid_ds sample_ds() {
  struct shmid_ds ds {};
  ds.shm_perm.__key = 0x162e;
  ds.shm_perm.mode = 0640;
  ds.shm_perm.uid = 1000;
  ds.shm_perm.gid = 100;
  ds.shm_perm.cuid = 1001;
  ds.shm_perm.cgid = 101;
  ds.shm_segsz = 1U << 20;
  ds.shm_cpid = 4702;
  ds.shm_lpid = 4711;
  ds.shm_nattch = 3;
  ds.shm_atime = 1763806451;
  ds.shm_dtime = 1763806452;
  ds.shm_ctime = 1763806450;
  return ds;
}

TEST(RecordFromShmidDs, CopiesEveryField) {
  const SegmentRecord r = record_from_shmid_ds(32773, sample_ds());
  EXPECT_EQ(r.id, 32773);
  EXPECT_EQ(r.key, 0x162eU);
  EXPECT_EQ(r.size, 1U << 20);
  EXPECT_EQ(r.mode, 0640U);
  EXPECT_EQ(r.uid, 1000U);
  EXPECT_EQ(r.gid, 100U);
  EXPECT_EQ(r.cuid, 1001U);
  EXPECT_EQ(r.cgid, 101U);
  EXPECT_EQ(r.cpid, 4702);
  EXPECT_EQ(r.lpid, 4711);
  EXPECT_EQ(r.nattch, 3U);
  EXPECT_EQ(r.atime, std::optional<std::int64_t>(1763806451));
  EXPECT_EQ(r.dtime, std::optional<std::int64_t>(1763806452));
  EXPECT_EQ(r.ctime, std::optional<std::int64_t>(1763806450));
  EXPECT_FALSE(r.rss.has_value());
  EXPECT_FALSE(r.swap.has_value());
}

TEST(RecordFromShmidDs, KeepsTheCreatorApartFromTheOwner) {
  // util-linux once copied cuid into cgid; every id must come from its own field.
  const SegmentRecord r = record_from_shmid_ds(1, sample_ds());
  EXPECT_NE(r.cgid, r.cuid);
  EXPECT_NE(r.cgid, r.gid);
  EXPECT_NE(r.cuid, r.uid);
}

TEST(RecordFromShmidDs, ReadsNegativeKeysAsUnsigned) {
  struct shmid_ds ds = sample_ds();
  ds.shm_perm.__key = -5;
  EXPECT_EQ(record_from_shmid_ds(1, ds).key, 0xfffffffbU);
}

TEST(RecordFromShmidDs, SplitsStateBitsFromPermissionBits) {
  struct shmid_ds ds = sample_ds();
  ds.shm_perm.mode = static_cast<unsigned short>(0600 | SHM_DEST);
  SegmentRecord r = record_from_shmid_ds(1, ds);
  EXPECT_EQ(r.mode, 0600U);
  EXPECT_TRUE(r.dest);
  EXPECT_FALSE(r.locked);
  ds.shm_perm.mode = static_cast<unsigned short>(0644 | SHM_LOCKED);
  r = record_from_shmid_ds(1, ds);
  EXPECT_EQ(r.mode, 0644U);
  EXPECT_FALSE(r.dest);
  EXPECT_TRUE(r.locked);
  ds.shm_perm.mode = static_cast<unsigned short>(0777 | SHM_DEST | SHM_LOCKED);
  r = record_from_shmid_ds(1, ds);
  EXPECT_EQ(r.mode, 0777U);
  EXPECT_TRUE(r.dest);
  EXPECT_TRUE(r.locked);
}

TEST(RecordFromShmidDs, TakesTimeZeroAsNever) {
  struct shmid_ds ds = sample_ds();
  ds.shm_atime = 0;
  ds.shm_dtime = 0;
  const SegmentRecord r = record_from_shmid_ds(1, ds);
  EXPECT_FALSE(r.atime.has_value());
  EXPECT_FALSE(r.dtime.has_value());
  EXPECT_TRUE(r.ctime.has_value());
}

TEST(RecordFromShmidDs, KeepsSizesBeyond32Bits) {
  struct shmid_ds ds = sample_ds();
  ds.shm_segsz = 17179869184U;
  EXPECT_EQ(record_from_shmid_ds(1, ds).size, 17179869184U);
}

}  // namespace
}  // namespace shmtool
