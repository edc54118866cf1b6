// Large transfers: the progress bar of write and read (asked for, or automatic only on a
// terminal), and create --populate.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <random>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

std::string random_bytes(std::size_t size) {
  std::mt19937_64 random(7);
  std::string bytes(size, '\0');
  for (char& c : bytes)
    c = static_cast<char>(random());
  return bytes;
}

TEST(Progress, WriteAndReadShowABarWhenAskedAndKeepTheDataExact) {
  constexpr std::size_t kSize = 3U << 20;
  const std::string data = random_bytes(kSize);
  TempFile file(data);
  SegmentGuard segment(IPC_PRIVATE, kSize);

  const RunResult write =
      run_shmtool({"write", segment.id_arg(), "--binary", "--file", file.path(), "--progress"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  EXPECT_NE(write.err.find("shmtool: write: ["), std::string::npos) << write.err;
  EXPECT_NE(write.err.find("100%"), std::string::npos) << write.err;
  EXPECT_TRUE(write.err.ends_with("\n")) << "the bar ends its line";
  EXPECT_EQ(segment_bytes(segment.id()), data);

  const RunResult read = run_shmtool({"read", segment.id_arg(), "--binary", "--progress"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, data) << "the bar goes to stderr, never into the data";
  EXPECT_NE(read.err.find("shmtool: read: ["), std::string::npos) << read.err;
  EXPECT_NE(read.err.find("100%"), std::string::npos) << read.err;
}

TEST(Progress, IsNotShownUnaskedWhenStderrIsNotATerminal) {
  // 64 MiB: the size from which a terminal gets a bar without asking.
  constexpr std::size_t kSize = 64U << 20;
  SegmentGuard segment(IPC_PRIVATE, kSize);
  TempFile file(std::string(kSize, 'p'));
  const RunResult write =
      run_shmtool({"write", segment.id_arg(), "--binary", "--file", file.path()});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  EXPECT_EQ(write.err, "");
  const RunResult read = run_shmtool({"read", segment.id_arg(), "--binary"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.err, "");
  EXPECT_EQ(read.out.size(), kSize);
}

TEST(Populate, AllocatesEveryPageOfANewSegment) {
  constexpr std::size_t kSize = 8U << 20;
  const RunResult plain = run_shmtool({"create", "--size", "8M", "--json"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  SegmentGuard plain_guard = SegmentGuard::adopt(parse_json(plain)["id"].get<int>());
  const RunResult populated = run_shmtool({"create", "--size", "8M", "--populate", "--json"});
  ASSERT_EQ(populated.exit_code, 0) << populated.err;
  SegmentGuard populated_guard = SegmentGuard::adopt(parse_json(populated)["id"].get<int>());

  EXPECT_EQ(stat_json(plain_guard.id())["rss"], 0) << "a new segment has no pages yet";
  EXPECT_EQ(stat_json(populated_guard.id())["rss"], kSize);
  EXPECT_EQ(segment_bytes(populated_guard.id()), std::string(kSize, '\0'))
      << "populating allocates; it writes nothing";
}

TEST(Populate, LeavesTheContentsOfAnExistingSegmentAlone) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 1U << 20);
  const std::string before = fill_with_pattern(segment.id());
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "1M", "--populate"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment.id()), before);
}

}  // namespace
}  // namespace shmtool::test
