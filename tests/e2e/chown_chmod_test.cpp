// shmtool chown and chmod: the effect seen in stat --json, names and numbers, `:GROUP` alone,
// several segments with one failing, and --json.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

constexpr unsigned kNobody = 65534;

TEST(Chmod, SetsThePermissionBits) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  for (const auto& [arg, mode] : std::vector<std::pair<std::string, unsigned>>{
           {"640", 0640}, {"0604", 0604}, {"777", 0777}, {"0", 0}, {"600", 0600}}) {
    const RunResult run = run_shmtool({"chmod", arg, segment.id_arg()});
    EXPECT_EQ(run.exit_code, 0) << arg << ": " << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(stat_json(segment.id())["mode"], mode) << arg;
  }
}

TEST(Chmod, LeavesOwnersAlone) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const auto before = stat_json(segment.id());
  ASSERT_EQ(run_shmtool({"chmod", "644", segment.id_arg()}).exit_code, 0);
  const auto after = stat_json(segment.id());
  for (const char* field : {"uid", "gid", "cuid", "cgid", "size", "key"})
    EXPECT_EQ(after[field], before[field]) << field;
  EXPECT_EQ(after["perms"], "rw-r--r--");
}

TEST(Chmod, ModeAbove0777IsAUsageErrorAndChangesNothing) {
  SegmentGuard segment(IPC_PRIVATE, 16, 0640);
  for (const char* bad : {"1777", "8", "rw", "-1", "01000"}) {
    const RunResult run = run_shmtool({"chmod", bad, segment.id_arg()});
    EXPECT_EQ(run.exit_code, 2) << bad;
    EXPECT_EQ(stat_json(segment.id())["mode"], 0640) << bad;
  }
}

TEST(Chmod, SeveralSegmentsWithOneMissingChangesTheOthersAndExits1) {
  SegmentGuard first(IPC_PRIVATE, 16);
  SegmentGuard second(IPC_PRIVATE, 16);
  const std::uint32_t missing = unique_key();
  const RunResult run =
      run_shmtool({"chmod", "640", first.id_arg(), key_arg(missing), second.id_arg()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_EQ(stat_json(first.id())["mode"], 0640);
  EXPECT_EQ(stat_json(second.id())["mode"], 0640);
}

TEST(Chmod, OneMissingSegmentIsNotFound) {
  const std::uint32_t missing = unique_key();
  const RunResult run = run_shmtool({"chmod", "640", key_arg(missing)});
  EXPECT_EQ(run.exit_code, 3);
}

TEST(Chmod, JsonListsChangedSegmentsWithTheirNewMode) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"chmod", "--json", "640", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  ASSERT_EQ(j["changed"].size(), 1U);
  EXPECT_EQ(j["changed"][0]["id"], segment.id());
  EXPECT_EQ(j["changed"][0]["mode"], 0640);
  EXPECT_EQ(j["failed"], nlohmann::json::array());
  auto changed = j["changed"][0];
  changed.erase("segment");
  EXPECT_EQ(changed, stat_json(segment.id()));
}

TEST(Chown, UserByNameChangesOnlyTheOwner) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"chown", "nobody", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["uid"], kNobody);
  EXPECT_EQ(j["user"], "nobody");
  EXPECT_EQ(j["gid"], 0);
  EXPECT_EQ(j["cuid"], 0);
  EXPECT_EQ(j["cgid"], 0);
  EXPECT_EQ(j["mode"], 0600);
}

TEST(Chown, UserAndGroupByName) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"chown", "nobody:nogroup", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["uid"], kNobody);
  EXPECT_EQ(j["gid"], kNobody);
  EXPECT_EQ(j["group"], "nogroup");
  EXPECT_EQ(j["cuid"], 0);
  EXPECT_EQ(j["cgid"], 0);
}

TEST(Chown, UserAndGroupByNumber) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"chown", "65534:65534", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["uid"], kNobody);
  EXPECT_EQ(j["gid"], kNobody);
}

TEST(Chown, ColonGroupAloneChangesOnlyTheGroup) {
  SegmentGuard segment(IPC_PRIVATE, 16, 0640);
  const RunResult run = run_shmtool({"chown", ":nogroup", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["uid"], 0);
  EXPECT_EQ(j["user"], "root");
  EXPECT_EQ(j["gid"], kNobody);
  EXPECT_EQ(j["mode"], 0640);
}

TEST(Chown, UserColonTakesTheLoginGroup) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"chown", "nobody:", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["uid"], kNobody);
  EXPECT_EQ(j["gid"], kNobody);
}

TEST(Chown, UnknownUserIsAUsageErrorAndChangesNothing) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"chown", "no-such-user-here", segment.id_arg()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(stat_json(segment.id())["uid"], 0);
}

TEST(Chown, SeveralSegmentsByEveryForm) {
  SegmentGuard by_id(IPC_PRIVATE, 16);
  const std::uint32_t key = unique_key();
  SegmentGuard by_key(static_cast<key_t>(key), 16);
  const RunResult run = run_shmtool({"chown", "nobody", by_id.id_arg(), hex_key(key)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(stat_json(by_id.id())["uid"], kNobody);
  EXPECT_EQ(stat_json(by_key.id())["uid"], kNobody);
}

TEST(Chown, JsonListsChangedAndFailed) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const std::uint32_t missing = unique_key();
  const RunResult run =
      run_shmtool({"chown", "--json", ":nogroup", segment.id_arg(), key_arg(missing)});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = parse_json(run);
  ASSERT_EQ(j["changed"].size(), 1U);
  EXPECT_EQ(j["changed"][0]["gid"], kNobody);
  ASSERT_EQ(j["failed"].size(), 1U);
  EXPECT_EQ(j["failed"][0]["segment"], key_arg(missing));
}

}  // namespace
}  // namespace shmtool::test
