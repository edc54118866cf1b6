// The binary run as nobody (uid/gid 65534, via setpriv) against segments root owns: refusals
// exit 1 and say why, and the segment is the same afterwards, as root sees it.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

const RunOptions kAsNobody = as_nobody();

// A root segment, mode 0600, holding a secret; its stat and bytes are kept to compare.
class AsNobody : public ::testing::Test {
 protected:
  std::uint32_t key_ = unique_key();
  SegmentGuard segment_{static_cast<key_t>(key_), 64, 0600};
  nlohmann::json stat_before_;
  std::string bytes_before_;

  void SetUp() override {
    put_bytes(segment_.id(), std::string("root secret\0", 12));
    bytes_before_ = segment_bytes(segment_.id());
    stat_before_ = stat_json(segment_.id());
  }
  // Stats before reading the bytes back: root's own attach moves atime, dtime and lpid.
  void expect_unchanged() const {
    EXPECT_EQ(stat_json(segment_.id()), stat_before_);
    EXPECT_EQ(segment_bytes(segment_.id()), bytes_before_);
  }
};

TEST(AsNobodyFtok, APathItCannotReachIsSaidToBeThePathNotTheSegment) {
  char dir[] = "/tmp/shmtool-test-dir-XXXXXX";  // mode 0700, root's: nobody cannot search it
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string segment = std::string("ftok:") + dir + "/server.key";
  const RunResult stat = run_shmtool({"stat", segment}, kAsNobody);
  const RunResult create = run_shmtool({"create", segment, "--size", "1"}, kAsNobody);
  rmdir(dir);
  EXPECT_EQ(stat.exit_code, 1);
  EXPECT_EQ(count_lines(stat.err), 1) << stat.err;
  EXPECT_NE(stat.err.find("cannot make a key: permission denied (a directory on the path"),
            std::string::npos)
      << stat.err;
  EXPECT_EQ(create.exit_code, 2) << "the path is create's argument: " << create.err;
  EXPECT_NE(create.err.find("cannot make a key: permission denied (a directory on the path"),
            std::string::npos)
      << create.err;
}

TEST_F(AsNobody, SetprivReallyRunsAsNobody) {
  const RunResult run = run_program({"id", "-u"}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "65534\n");
}

TEST_F(AsNobody, ReadIsDeniedAndSaysWhy) {
  const RunResult run = run_shmtool({"read", key_arg(key_)}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_EQ(run.err.rfind("shmtool: read: ", 0), 0U) << run.err;
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(AsNobody, WriteIsDeniedAndChangesNothing) {
  const RunResult run = run_shmtool({"write", segment_.id_arg(), "overwritten"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(AsNobody, RmIsRefusedNamingWhoMay) {
  const RunResult run = run_shmtool({"rm", segment_.id_arg()}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "shmtool: rm: id " + segment_.id_arg() +
                         ": permission denied (only the owner, the creator or root may remove "
                         "it)\n");
  EXPECT_TRUE(segment_exists(segment_.id()));
  expect_unchanged();
}

TEST_F(AsNobody, RmByKeyIsRefusedToo) {
  const RunResult run = run_shmtool({"rm", key_arg(key_)}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("only the owner, the creator or root"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(AsNobody, ChownIsRefusedNamingWhoMay) {
  const RunResult run = run_shmtool({"chown", "nobody", segment_.id_arg()}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("only the owner, the creator or root"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(AsNobody, ChmodIsRefusedNamingWhoMay) {
  const RunResult run = run_shmtool({"chmod", "666", segment_.id_arg()}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("only the owner, the creator or root"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(AsNobody, StatStillWorksOnASegmentItMayNotRead) {
  const RunResult run = run_shmtool({"stat", "--json", segment_.id_arg()}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["id"], segment_.id());
  EXPECT_EQ(j["key"], key_);
  EXPECT_EQ(j["uid"], 0);
  EXPECT_EQ(j["mode"], 0600);
  EXPECT_EQ(j["size"], 64);
}

TEST_F(AsNobody, ListShowsSegmentsItMayNotRead) {
  const RunResult run = run_shmtool({"list", "--json", "--key", key_arg(key_)}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto entry = find_segment(parse_json(run), segment_.id());
  ASSERT_TRUE(entry.has_value()) << run.out;
  EXPECT_EQ((*entry)["uid"], 0);
}

TEST_F(AsNobody, CreateOnRootsKeyIsRefused) {
  const RunResult run = run_shmtool({"create", key_arg(key_), "--size", "16"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(AsNobody, CreateOnAKeyItMayReadButNotWriteReportsTheSegment) {
  ASSERT_EQ(run_shmtool({"chmod", "644", segment_.id_arg()}).exit_code, 0);
  stat_before_ = stat_json(segment_.id());
  const RunResult run = run_shmtool({"create", key_arg(key_), "--size", "16", "--json"}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json j = parse_json(run);
  EXPECT_EQ(j["created"], false);
  EXPECT_EQ(j["id"], segment_.id());
  const RunResult plain = run_shmtool({"create", key_arg(key_), "--size", "16"}, kAsNobody);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out, std::to_string(segment_.id()) + "\n");
  expect_unchanged();
}

TEST_F(AsNobody, CreatePopulateOfAKeyItMayOnlyReadFaultsThePagesInWithoutWriting) {
  ASSERT_EQ(run_shmtool({"chmod", "644", segment_.id_arg()}).exit_code, 0);
  const RunResult run =
      run_shmtool({"create", key_arg(key_), "--size", "16", "--populate"}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, std::to_string(segment_.id()) + "\n");
  EXPECT_EQ(segment_bytes(segment_.id()), bytes_before_);
  EXPECT_GE(stat_json(segment_.id())["rss"].get<std::uint64_t>(), 64U);
}

TEST_F(AsNobody, SeveralWithOneRefusedGoesOnAndExits1) {
  SegmentGuard others(IPC_PRIVATE, 16);
  ASSERT_EQ(run_shmtool({"chown", "nobody", others.id_arg()}).exit_code, 0);
  const RunResult run = run_shmtool({"rm", segment_.id_arg(), others.id_arg()}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_FALSE(segment_exists(others.id()));
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  expect_unchanged();
}

TEST(AsNobodyOwner, MayReadWriteChmodAndRemoveItsOwnSegment) {
  SegmentGuard segment(IPC_PRIVATE, 32, 0600);
  ASSERT_EQ(run_shmtool({"chown", "nobody:nogroup", segment.id_arg()}).exit_code, 0);
  const RunResult write = run_shmtool({"write", segment.id_arg(), "mine"}, kAsNobody);
  EXPECT_EQ(write.exit_code, 0) << write.err;
  const RunResult read = run_shmtool({"read", segment.id_arg()}, kAsNobody);
  EXPECT_EQ(read.out, "mine\n");
  const RunResult chmod = run_shmtool({"chmod", "640", segment.id_arg()}, kAsNobody);
  EXPECT_EQ(chmod.exit_code, 0) << chmod.err;
  EXPECT_EQ(stat_json(segment.id())["mode"], 0640);
  const RunResult rm = run_shmtool({"rm", segment.id_arg()}, kAsNobody);
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(segment_exists(segment.id()));
}

TEST(AsNobodyReader, MayReadAWorldReadableSegmentButNotWriteIt) {
  SegmentGuard segment(IPC_PRIVATE, 32, 0644);
  put_bytes(segment.id(), std::string("public\0", 7));
  const RunResult read = run_shmtool({"read", segment.id_arg()}, kAsNobody);
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "public\n");
  const RunResult write = run_shmtool({"write", segment.id_arg(), "nope"}, kAsNobody);
  EXPECT_EQ(write.exit_code, 1);
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 7), std::string("public\0", 7));
}

}  // namespace
}  // namespace shmtool::test
