// shmtool rm: one or several segments, going on past a failure, marking attached segments,
// --json and --dry-run. (`rm --all` is in namespace_test.cpp, in a private IPC namespace.)

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

// An id that named a segment a moment ago and names none now.
int gone_id() {
  SegmentGuard segment(IPC_PRIVATE, 16);
  return segment.id();
}

TEST(Rm, RemovesOneSegmentByKeyAndSaysSo) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100);
  const RunResult run = run_shmtool({"rm", key_arg(key)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed id " + segment.id_arg() + " (key " + hex_key(key) + ")\n");
  EXPECT_EQ(run.err, "");
  EXPECT_FALSE(segment_exists(segment.id()));
}

TEST(Rm, RemovesByIdHexKeyAndFtok) {
  SegmentGuard by_id(IPC_PRIVATE, 16);
  const std::uint32_t key = unique_key();
  SegmentGuard by_hex(static_cast<key_t>(key), 16);
  const FtokFile file = make_ftok_file();
  SegmentGuard by_ftok(static_cast<key_t>(file.key), 16);
  const RunResult run = run_shmtool({"rm", by_id.id_arg(), hex_key(key), file.arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count_lines(run.out), 3) << run.out;
  EXPECT_NE(run.out.find("removed id " + by_id.id_arg()), std::string::npos) << run.out;
  EXPECT_FALSE(segment_exists(by_id.id()));
  EXPECT_FALSE(segment_exists(by_hex.id()));
  EXPECT_FALSE(segment_exists(by_ftok.id()));
}

TEST(Rm, PrivateSegmentIsCalledPrivate) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"rm", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("removed id " + segment.id_arg(), 0), 0U) << run.out;
  EXPECT_NE(run.out.find("private"), std::string::npos) << run.out;
}

TEST(Rm, SeveralWithOneFailingRemovesTheOthersAndExits1) {
  SegmentGuard first(IPC_PRIVATE, 16);
  SegmentGuard last(IPC_PRIVATE, 16);
  const std::uint32_t missing = unique_key();
  const int gone = gone_id();
  const RunResult run =
      run_shmtool({"rm", first.id_arg(), key_arg(missing), std::to_string(gone), last.id_arg()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_FALSE(segment_exists(first.id()));
  EXPECT_FALSE(segment_exists(last.id()));
  EXPECT_EQ(count_lines(run.out), 2) << run.out;
  EXPECT_EQ(count_lines(run.err), 2) << run.err;
  EXPECT_NE(run.err.find(std::to_string(gone)), std::string::npos) << run.err;
  EXPECT_EQ(run.err.rfind("shmtool: rm: ", 0), 0U) << run.err;
}

TEST(Rm, OneMissingSegmentIsNotFound) {
  const RunResult run = run_shmtool({"rm", std::to_string(gone_id())});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
}

TEST(Rm, AttachedSegmentIsMarkedAndShowsDest) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  Attached attached(segment.id());
  const RunResult run = run_shmtool({"rm", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Version 2 names the holders: this test's own process.
  EXPECT_EQ(run.out, "marked id " + segment.id_arg() + " for removal: 1 process still attached (" +
                         std::to_string(getpid()) + " rm_test)\n");
  const auto stat = stat_json(segment.id());
  EXPECT_EQ(stat["dest"], true);
  EXPECT_EQ(stat["nattch"], 1);
}

TEST(Rm, SegmentWithTwoAttachesSaysProcesses) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  Attached one(segment.id());
  Attached two(segment.id());
  const RunResult run = run_shmtool({"rm", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Two attachments, one process: the holders name it once.
  EXPECT_EQ(run.out, "marked id " + segment.id_arg() +
                         " for removal: 2 processes still attached (" + std::to_string(getpid()) +
                         " rm_test)\n");
}

TEST(Rm, JsonListsRemovedAndFailed) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const int gone = gone_id();
  const RunResult run = run_shmtool({"rm", "--json", segment.id_arg(), std::to_string(gone)});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = parse_json(run);
  ASSERT_TRUE(j["removed"].is_array());
  ASSERT_EQ(j["removed"].size(), 1U);
  EXPECT_EQ(j["removed"][0]["id"], segment.id());
  EXPECT_TRUE(j["removed"][0]["rss"].is_number()) << "read before removal, as stat reads it";
  EXPECT_TRUE(j["removed"][0]["swap"].is_number());
  ASSERT_TRUE(j["failed"].is_array());
  ASSERT_EQ(j["failed"].size(), 1U);
  EXPECT_EQ(j["failed"][0]["segment"], std::to_string(gone));
  EXPECT_TRUE(j["failed"][0]["error"].is_string());
  EXPECT_FALSE(j["failed"][0]["error"].get<std::string>().empty());
  EXPECT_EQ(count_lines(run.err), 1) << "the failure's line on stderr, as without --json";
  EXPECT_NE(run.err.find("id " + std::to_string(gone)), std::string::npos) << run.err;
  EXPECT_FALSE(segment_exists(segment.id()));
}

TEST(Rm, JsonAllRemovedHasEmptyFailed) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"rm", segment.id_arg(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["removed"].size(), 1U);
  EXPECT_EQ(j["failed"], nlohmann::json::array());
}

TEST(Rm, DryRunRemovesNothing) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 16);
  SegmentGuard attached_one(IPC_PRIVATE, 16);
  Attached attached(attached_one.id());
  const RunResult run = run_shmtool({"rm", "--dry-run", key_arg(key), attached_one.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count_lines(run.out), 2) << run.out;
  EXPECT_NE(run.out.find(segment.id_arg()), std::string::npos) << run.out;
  EXPECT_TRUE(segment_exists(segment.id()));
  EXPECT_TRUE(segment_exists(attached_one.id()));
  EXPECT_EQ(stat_json(attached_one.id())["dest"], false);
  EXPECT_EQ(id_of_key(key), segment.id());
}

TEST(Rm, DryRunJsonSaysSo) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"rm", "--dry-run", "--json", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["removed"].size(), 1U);
  EXPECT_TRUE(segment_exists(segment.id()));
}

TEST(Rm, MalformedSegmentChangesNothing) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"rm", segment.id_arg(), "key:0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(segment_exists(segment.id()));
}

}  // namespace
}  // namespace shmtool::test
