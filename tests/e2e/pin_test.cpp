// shmtool pin and unpin: SHM_LOCK and SHM_UNLOCK seen in stat --json, several segments, the
// refusals as nobody (naming CAP_IPC_LOCK and RLIMIT_MEMLOCK), and POSIX objects refused.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

const RunOptions kAsNobody = as_nobody();

// SHM_LOCKED as the kernel reports it, not as shmtool does.
bool kernel_locked(int id) {
  struct shmid_ds ds {};
  if (shmctl(id, IPC_STAT, &ds) != 0) return false;
  return (ds.shm_perm.mode & SHM_LOCKED) != 0;
}

TEST(Pin, LocksAndUnlocksTheSegmentsPages) {
  SegmentGuard a(IPC_PRIVATE, 4096);
  SegmentGuard b(IPC_PRIVATE, 4096);
  RunResult run = run_shmtool({"pin", a.id_arg(), b.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(stat_json(a.id())["locked"], true);
  EXPECT_EQ(stat_json(b.id())["locked"], true);
  EXPECT_TRUE(kernel_locked(a.id()));
  run = run_shmtool({"unpin", a.id_arg(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  ASSERT_EQ(j["changed"].size(), 1U);
  EXPECT_EQ(j["changed"][0]["locked"], false);
  EXPECT_EQ(j["changed"][0]["id"], a.id());
  EXPECT_FALSE(kernel_locked(a.id()));
  EXPECT_TRUE(kernel_locked(b.id()));
  EXPECT_EQ(run_shmtool({"unpin", b.id_arg()}).exit_code, 0);
}

TEST(Pin, AMissingSegmentIsExit3AndOthersAreStillDone) {
  SegmentGuard a(IPC_PRIVATE, 4096);
  EXPECT_EQ(run_shmtool({"pin", "id:2147483000"}).exit_code, 3);
  const RunResult run = run_shmtool({"pin", "id:2147483000", a.id_arg()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(stat_json(a.id())["locked"], true);
  EXPECT_EQ(run_shmtool({"unpin", a.id_arg()}).exit_code, 0);
}

TEST(Pin, APosixObjectIsAUsageErrorAndNothingIsPinned) {
  SegmentGuard a(IPC_PRIVATE, 4096);
  const RunResult run = run_shmtool({"pin", a.id_arg(), "/frames"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("mlock"), std::string::npos) << run.err;
  EXPECT_EQ(stat_json(a.id())["locked"], false);
}

TEST(Pin, AsNobodyAnotherUsersSegmentIsRefusedNamingTheCapabilityAndTheLimit) {
  SegmentGuard a(IPC_PRIVATE, 4096, 0666);
  RunResult run = run_shmtool({"pin", a.id_arg()}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("CAP_IPC_LOCK"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("RLIMIT_MEMLOCK"), std::string::npos) << run.err;
  EXPECT_EQ(stat_json(a.id())["locked"], false);
  ASSERT_EQ(run_shmtool({"pin", a.id_arg()}).exit_code, 0);
  run = run_shmtool({"unpin", a.id_arg()}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("CAP_IPC_LOCK"), std::string::npos) << run.err;
  EXPECT_EQ(stat_json(a.id())["locked"], true);
  EXPECT_EQ(run_shmtool({"unpin", a.id_arg()}).exit_code, 0);
}

}  // namespace
}  // namespace shmtool::test
