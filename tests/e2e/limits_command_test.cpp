// shmtool limits in a private IPC namespace (ctest runs it under unshare --ipc): the rows
// follow /proc/sys/kernel/shm* as they are changed here, and the totals count the segments
// made here.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <fstream>
#include <map>
#include <string>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

void set_sysctl(const std::string& name, const std::string& value) {
  std::ofstream out("/proc/sys/kernel/" + name);
  out << value;
  out.close();
  ASSERT_TRUE(out) << "cannot set kernel." << name;
}

std::map<std::string, nlohmann::json> rows_of(const nlohmann::json& j) {
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : j.at("limits"))
    rows[row.at("resource").get<std::string>()] = row;
  return rows;
}

class LimitsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    // Only in a namespace of its own: the limits are changed here.
    const auto list = parse_json(run_shmtool({"list", "--json"}));
    ASSERT_TRUE(list["segments"].empty()) << "not in a private IPC namespace";
  }
};

TEST_F(LimitsCommand, FollowsTheKernelsSettingsAndCountsTheSegments) {
  set_sysctl("shmmni", "64");
  set_sysctl("shmmax", "1048576");
  set_sysctl("shmall", "1024");
  set_sysctl("shm_rmid_forced", "0");
  SegmentGuard a(IPC_PRIVATE, 100000);
  SegmentGuard b(IPC_PRIVATE, 5000);
  ASSERT_EQ(shmctl(b.id(), IPC_RMID, nullptr), 0);  // nobody attached: removed at once
  SegmentGuard c(IPC_PRIVATE, 4096);
  const RunResult run = run_shmtool({"limits", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  auto rows = rows_of(j);
  EXPECT_EQ(rows["shmmni"]["limit"], 64);
  EXPECT_EQ(rows["shmmni"]["used"], 2);
  EXPECT_EQ(rows["shmmni"]["use_percent"], 3);
  EXPECT_EQ(rows["shmmax"]["limit"], 1048576);
  EXPECT_EQ(rows["shmmax"]["used"], 100000);
  EXPECT_EQ(rows["shmall"]["limit"], 1024 * 4096);
  EXPECT_EQ(rows["shmall"]["used"], (25 + 1) * 4096);
  EXPECT_EQ(rows["shmall"]["unit"], "bytes");
  EXPECT_EQ(rows["shm_rmid_forced"]["limit"], 0);
  EXPECT_EQ(j["totals"]["segments"], 2);
  EXPECT_EQ(j["totals"]["bytes"], 104096);
  EXPECT_EQ(j["totals"]["orphaned"], 2);
  EXPECT_EQ(j["totals"]["marked"], 0);
  set_sysctl("shm_rmid_forced", "1");
  rows = rows_of(parse_json(run_shmtool({"limits", "--json"})));
  EXPECT_EQ(rows["shm_rmid_forced"]["limit"], 1);
  set_sysctl("shm_rmid_forced", "0");
}

TEST_F(LimitsCommand, TheTableSaysUnlimitedForTheKernelsDefaults) {
  set_sysctl("shmmax", "18446744073692774399");
  set_sysctl("shmall", "18446744073692774399");
  const RunResult run = run_shmtool({"limits"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("RESOURCE", 0), 0U) << run.out;
  std::size_t unlimited = 0;
  for (std::size_t at = run.out.find("unlimited"); at != std::string::npos;
       at = run.out.find("unlimited", at + 1))
    ++unlimited;
  EXPECT_EQ(unlimited, 2U) << run.out;
  EXPECT_NE(run.out.find("shmmax"), std::string::npos);
  const auto rows = rows_of(parse_json(run_shmtool({"limits", "--json"})));
  EXPECT_EQ(rows.at("shmmax")["limit"].get<std::uint64_t>(), 18446744073692774399ULL);
  EXPECT_TRUE(rows.at("shmmax")["use_percent"].is_null());
}

}  // namespace
}  // namespace shmtool::test
