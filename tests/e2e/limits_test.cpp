// create against the kernel's limits: a refused create says which limit (kernel.shmmni,
// kernel.shmmax, kernel.shmall, huge pages) and its value, exits 1, and leaves no segment.
// The shm limits belong to the IPC namespace: ctest runs each test of this suite under
// `unshare --ipc` (see functional.cmake), where it may lower them without touching anyone else.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

std::size_t page_size() {
  return static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// A number from /proc/meminfo ("HugePages_Free:" ...), or -1.
long meminfo_value(const std::string& name) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string field;
    long value = -1;
    if (words >> field >> value && field == name + ":") return value;
  }
  return -1;
}

class KernelLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    // These tests lower the limits of the IPC namespace they run in: refuse unless it is a
    // private one (`unshare --ipc` gave it a new one, its parent keeps the old one) that holds
    // no segment.
    ASSERT_TRUE(in_private_empty_ipc_namespace());
    for (const char* name : {"shmmax", "shmall", "shmmni", "shm_rmid_forced"}) {
      std::ifstream in(std::string("/proc/sys/kernel/") + name);
      std::uint64_t value = 0;
      if (in >> value) saved_[name] = value;
    }
  }

  // Puts the limits back, for a run of the whole suite in one namespace.
  void TearDown() override {
    for (const auto& [name, value] : saved_)
      std::ofstream(std::string("/proc/sys/kernel/") + name) << value << '\n';
  }

  // Sets kernel.NAME (of this namespace only) and checks it took.
  static void set_limit(const std::string& name, std::uint64_t value) {
    const std::string path = "/proc/sys/kernel/" + name;
    {
      std::ofstream out(path);
      out << value << '\n';
      ASSERT_TRUE(out.flush()) << "cannot write " << path;
    }
    std::ifstream in(path);
    std::uint64_t now = 0;
    ASSERT_TRUE(in >> now);
    ASSERT_EQ(now, value) << path;
  }

  // The one line a refused create prints: exit 1, nothing on stdout.
  static void expect_refused(const RunResult& run, const std::string& command = "create") {
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_EQ(run.err.rfind("shmtool: " + command + ": ", 0), 0U) << run.err;
  }

  static void expect_mentions(const RunResult& run, const std::string& words) {
    EXPECT_NE(run.err.find(words), std::string::npos) << "no \"" << words << "\" in " << run.err;
  }

 private:
  std::map<std::string, std::uint64_t> saved_;
};

TEST_F(KernelLimits, ShmmniReachedNamesTheLimitAndItsValue) {
  ASSERT_NO_FATAL_FAILURE(set_limit("shmmni", 3));
  SegmentGuard a(IPC_PRIVATE, 100);
  SegmentGuard b(IPC_PRIVATE, 100);
  SegmentGuard c(static_cast<key_t>(unique_key()), 100);

  const RunResult anonymous = run_shmtool({"create", "--size", "1K"});
  expect_refused(anonymous);
  expect_mentions(anonymous, "all 3 segments that kernel.shmmni allows are in use");

  const std::uint32_t key = unique_key();
  const RunResult keyed = run_shmtool({"create", key_arg(key), "--size", "1K", "--json"});
  SegmentGuard leftover = adopt_key(key);
  expect_refused(keyed);
  expect_mentions(keyed, "kernel.shmmni");
  EXPECT_EQ(id_of_key(key), -1) << "the refused create left a segment";
  EXPECT_EQ(read_proc_shm().size(), 3U);

  ASSERT_EQ(shmctl(a.id(), IPC_RMID, nullptr), 0);
  const RunResult room = run_shmtool({"create", key_arg(key), "--size", "1K"});
  EXPECT_EQ(room.exit_code, 0) << "one was freed: " << room.err;
  SegmentGuard made = adopt_key(key);
}

TEST_F(KernelLimits, ShmmaxExceededNamesTheLimitAndItsValue) {
  ASSERT_NO_FATAL_FAILURE(set_limit("shmmax", 1 << 20));
  const RunResult over = run_shmtool({"create", "--size", "2M"});
  expect_refused(over);
  expect_mentions(over, "size 2097152 bytes (2M) exceeds kernel.shmmax");
  expect_mentions(over, "1048576 bytes (1M)");

  const std::uint32_t key = unique_key();
  const RunResult keyed = run_shmtool({"create", key_arg(key), "--size", "1048577"});
  SegmentGuard leftover = adopt_key(key);
  expect_refused(keyed);
  expect_mentions(keyed, "kernel.shmmax");
  EXPECT_EQ(id_of_key(key), -1);

  const RunResult written =
      run_shmtool({"write", key_arg(key), "--create", "--size", "2M", "hello"});
  SegmentGuard leftover_too = adopt_key(key);
  expect_refused(written, "write");
  expect_mentions(written, "exceeds kernel.shmmax");
  EXPECT_EQ(id_of_key(key), -1);
  EXPECT_TRUE(read_proc_shm().empty()) << "a refused create left a segment";

  const RunResult at_the_limit = run_shmtool({"create", key_arg(key), "--size", "1M"});
  SegmentGuard made = adopt_key(key);
  EXPECT_EQ(at_the_limit.exit_code, 0) << "kernel.shmmax itself fits: " << at_the_limit.err;
}

TEST_F(KernelLimits, ShmallExceededNamesTheLimitItsValueAndWhatIsInUse) {
  ASSERT_NO_FATAL_FAILURE(set_limit("shmall", 100));
  SegmentGuard half(IPC_PRIVATE, 50 * page_size());

  const RunResult over = run_shmtool({"create", "--size", std::to_string(75 * page_size())});
  expect_refused(over);
  expect_mentions(over,
                  "kernel.shmall, the total of all segments, is 100 pages; 50 are in use and "
                  "this needs 75 more");

  const std::uint32_t key = unique_key();
  const RunResult keyed =
      run_shmtool({"create", key_arg(key), "--size", std::to_string(51 * page_size())});
  SegmentGuard leftover = adopt_key(key);
  expect_refused(keyed);
  expect_mentions(keyed, "kernel.shmall");
  EXPECT_EQ(id_of_key(key), -1);
  EXPECT_EQ(read_proc_shm().size(), 1U) << "a refused create left a segment";

  const RunResult fits =
      run_shmtool({"create", key_arg(key), "--size", std::to_string(50 * page_size())});
  SegmentGuard made = adopt_key(key);
  EXPECT_EQ(fits.exit_code, 0) << "exactly the rest fits: " << fits.err;
}

// With kernel.shm_rmid_forced = 1 a segment no process has attached goes with its creator's
// exit or its last detach: create and write say so, naming the setting.
TEST_F(KernelLimits, RmidForcedIsNamedWhenTheKernelRemovesWhatWasMade) {
  ASSERT_NO_FATAL_FAILURE(set_limit("shm_rmid_forced", 1));
  const RunResult created = run_shmtool({"create", "--size", "1K"});
  EXPECT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(count_lines(created.err), 1) << created.err;
  expect_mentions(created, "kernel.shm_rmid_forced is 1");
  EXPECT_TRUE(read_proc_shm().empty()) << "the kernel keeps it after all: the warning is wrong";

  const std::uint32_t key = unique_key();
  const RunResult written = run_shmtool({"write", key_arg(key), "--create", "data"});
  SegmentGuard leftover = adopt_key(key);
  EXPECT_EQ(written.exit_code, 0) << written.err;
  expect_mentions(written, "kernel.shm_rmid_forced is 1");
  EXPECT_EQ(id_of_key(key), -1);

  // read of a segment nobody else has attached removes it as it detaches: said too.
  SegmentGuard unattached(IPC_PRIVATE, 64);
  const RunResult read = run_shmtool({"read", unattached.id_arg()});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  expect_mentions(read, "kernel.shm_rmid_forced is 1 and no other process had the segment");
  EXPECT_FALSE(segment_exists(unattached.id()));

  // A segment some process keeps attached stays, and nothing is said.
  SegmentGuard kept(IPC_PRIVATE, 64);
  const Attached holder(kept.id());
  const RunResult into_kept = run_shmtool({"write", kept.id_arg(), "data"});
  EXPECT_EQ(into_kept.exit_code, 0) << into_kept.err;
  EXPECT_EQ(into_kept.err, "");
  const RunResult from_kept = run_shmtool({"read", kept.id_arg()});
  EXPECT_EQ(from_kept.exit_code, 0) << from_kept.err;
  EXPECT_EQ(from_kept.err, "");
  EXPECT_TRUE(segment_exists(kept.id()));
}

TEST_F(KernelLimits, RmidForcedOffSaysNothing) {
  ASSERT_NO_FATAL_FAILURE(set_limit("shm_rmid_forced", 0));
  const RunResult created = run_shmtool({"create", "--size", "1K"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  SegmentGuard made = SegmentGuard::adopt(std::stoi(created.out));
  EXPECT_EQ(created.err, "");
  EXPECT_TRUE(segment_exists(made.id()));
}

TEST_F(KernelLimits, HugePagesWhenThereAreNoneExplainVmNrHugepages) {
  if (meminfo_value("HugePages_Total") != 0) {
    GTEST_SKIP() << "this machine has huge pages (vm.nr_hugepages is not 0)";
  }
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"create", key_arg(key), "--hugetlb", "--size", "2M"});
  SegmentGuard leftover = adopt_key(key);
  expect_refused(run);
  expect_mentions(run, "not enough free huge pages for 2097152 bytes (2M): 0 of 0 free");
  expect_mentions(run, "(raise vm.nr_hugepages)");
  EXPECT_EQ(id_of_key(key), -1);

  const RunResult anonymous = run_shmtool({"create", "--hugetlb", "--size", "4M"});
  expect_refused(anonymous);
  expect_mentions(anonymous, "raise vm.nr_hugepages");
  EXPECT_TRUE(read_proc_shm().empty());
}

TEST_F(KernelLimits, HugePagesForNobodyExplainWhatIsMissing) {
  if (meminfo_value("HugePages_Total") != 0) {
    GTEST_SKIP() << "this machine has huge pages (vm.nr_hugepages is not 0)";
  }
  // Without CAP_IPC_LOCK or vm.hugetlb_shm_group the kernel says EPERM (older kernels let
  // RLIMIT_MEMLOCK stand in and then run out of pages): either way the line says what to change.
  const RunResult run = run_shmtool({"create", "--hugetlb", "--size", "2M"}, as_nobody());
  expect_refused(run);
  const bool not_allowed =
      run.err.find("not allowed to use huge pages: that needs CAP_IPC_LOCK") != std::string::npos &&
      run.err.find("(vm.hugetlb_shm_group)") != std::string::npos;
  const bool none_free = run.err.find("(raise vm.nr_hugepages)") != std::string::npos;
  EXPECT_TRUE(not_allowed || none_free) << run.err;
  EXPECT_TRUE(read_proc_shm().empty());
}

}  // namespace
}  // namespace shmtool::test
