// shmtool read: text up to the NUL, --binary, --length, --offset, --hex (as hexdump -C),
// --json with both encodings, --rm, and --wait/--timeout.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <chrono>
#include <thread>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string base64_decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const auto at = kAlphabet.find(c);
    if (at == std::string::npos) {
      ADD_FAILURE() << "not base64: " << text;
      return out;
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(at);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFFU));
    }
  }
  return out;
}

// A private segment holding "hello\0" and then a pattern.
class ReadFrom : public ::testing::Test {
 protected:
  static constexpr std::size_t kSize = 100;
  SegmentGuard segment_{IPC_PRIVATE, kSize};
  std::string bytes_ = fill_with_pattern(segment_.id());
  void SetUp() override {
    bytes_.replace(0, 6, std::string("hello\0", 6));
    put_bytes(segment_.id(), bytes_);
  }
  RunResult read(std::vector<std::string> args) const {
    args.insert(args.begin(), {"read", segment_.id_arg()});
    return run_shmtool(args);
  }
};

TEST_F(ReadFrom, TextModePrintsUpToTheNulAndANewline) {
  const RunResult run = read({});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hello\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(ReadFrom, TextModeWithoutANulPrintsToTheEnd) {
  put_bytes(segment_.id(), std::string(kSize, 'z'));
  const RunResult run = read({});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, std::string(kSize, 'z') + "\n");
}

TEST_F(ReadFrom, TextModeOffsetStartsThere) {
  const RunResult run = read({"--offset", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "llo\n");
}

TEST_F(ReadFrom, TextModeLengthReadsAtMostThatMuch) {
  const RunResult run = read({"--length", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hel\n");
}

TEST_F(ReadFrom, BinaryPrintsEveryByteToTheEnd) {
  const RunResult run = read({"--binary"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, bytes_);
}

TEST_F(ReadFrom, BinaryWithOffsetAndLengthPrintsExactlyThoseBytes) {
  const RunResult run = read({"--binary", "--offset", "3", "--length", "10"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, bytes_.substr(3, 10));
}

TEST_F(ReadFrom, BinaryLengthPastTheEndIsAUsageError) {
  const RunResult run = read({"--binary", "--offset", "90", "--length", "11"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
}

TEST_F(ReadFrom, OffsetPastTheEndIsAUsageError) {
  const RunResult run = read({"--offset", "101"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
}

TEST_F(ReadFrom, HexMatchesHexdumpOfTheSameBytes) {
  const TempFile copy(bytes_);
  const RunResult run = read({"--hex"});
  const RunResult reference = run_program({"hexdump", "-C", copy.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  EXPECT_EQ(run.out, reference.out);
}

TEST_F(ReadFrom, HexWithRepeatedLinesMatchesHexdump) {
  std::string zeros(kSize, '\0');
  zeros[70] = 'x';
  put_bytes(segment_.id(), zeros);
  const TempFile copy(zeros);
  const RunResult run = read({"--hex"});
  const RunResult reference = run_program({"hexdump", "-C", copy.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, reference.out);
}

TEST_F(ReadFrom, HexWithOffsetAndLengthMatchesHexdumpSkipAndLength) {
  const TempFile copy(bytes_);
  const RunResult run = read({"--hex", "--offset", "5", "--length", "40"});
  const RunResult reference = run_program({"hexdump", "-C", "-s", "5", "-n", "40", copy.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, reference.out);
}

TEST_F(ReadFrom, JsonGivesUtf8Text) {
  put_bytes(segment_.id(), std::string("h\xc3\xa9llo\0", 7));
  const RunResult run = read({"--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["id"], segment_.id());
  EXPECT_EQ(j["key"], 0);
  EXPECT_EQ(j["offset"], 0);
  EXPECT_EQ(j["length"], 6);
  EXPECT_EQ(j["encoding"], "utf-8");
  EXPECT_EQ(j["data"], "h\xc3\xa9llo");
}

TEST_F(ReadFrom, JsonGivesBase64ForBytesThatAreNotUtf8) {
  const std::string bytes("\xff\x00\x01\x80\xfe", 5);
  put_bytes(segment_.id(), bytes);
  const RunResult run = read({"--json", "--binary", "--length", "5"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["encoding"], "base64");
  EXPECT_EQ(j["length"], 5);
  EXPECT_EQ(base64_decode(j["data"].get<std::string>()), bytes);
}

TEST_F(ReadFrom, JsonBinaryWithOffsetKeepsTheOffset) {
  const RunResult run = read({"--json", "--binary", "--offset", "10", "--length", "20"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["offset"], 10);
  EXPECT_EQ(j["length"], 20);
  EXPECT_EQ(j["encoding"], "utf-8");
  EXPECT_EQ(j["data"], bytes_.substr(10, 20));
}

TEST(Read, RmRemovesTheSegmentAfterReadingIt) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 16);
  put_bytes(segment.id(), std::string("last words\0", 11));
  const RunResult run = run_shmtool({"read", key_arg(key), "--rm"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "last words\n");
  EXPECT_FALSE(segment_exists(segment.id()));
  EXPECT_LT(id_of_key(key), 0);
}

TEST(Read, ByHexKeyAndFtok) {
  const FtokFile file = make_ftok_file();
  SegmentGuard segment(static_cast<key_t>(file.key), 16);
  put_bytes(segment.id(), std::string("ftok\0", 5));
  const RunResult by_ftok = run_shmtool({"read", file.arg()});
  const RunResult by_hex = run_shmtool({"read", hex_key(file.key)});
  EXPECT_EQ(by_ftok.exit_code, 0) << by_ftok.err;
  EXPECT_EQ(by_ftok.out, "ftok\n");
  EXPECT_EQ(by_hex.exit_code, 0) << by_hex.err;
  EXPECT_EQ(by_hex.out, "ftok\n");
}

TEST(Read, MissingSegmentIsNotFound) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"read", key_arg(key)});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
}

TEST(ReadWait, WaitsForASegmentCreatedLaterByAnotherProcess) {
  const std::uint32_t key = unique_key();
  RunResult creator;
  std::thread background([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    creator = run_shmtool({"create", key_arg(key), "--size", "32"});
  });
  const auto start = Clock::now();
  const RunResult run = run_shmtool({"read", key_arg(key), "--wait", "--timeout", "20", "--json"});
  const std::chrono::duration<double> took = Clock::now() - start;
  background.join();
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(creator.exit_code, 0) << creator.err;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GE(took.count(), 0.3);
  const auto j = parse_json(run);
  EXPECT_EQ(j["id"], guard.id());
  EXPECT_EQ(j["data"], "");  // a new segment is all zeros
}

TEST(ReadWait, WithoutTimeoutReturnsOnceTheSegmentExists) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 16);
  put_bytes(segment.id(), std::string("here\0", 5));
  const RunResult run = run_shmtool({"read", key_arg(key), "--wait"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "here\n");
}

TEST(ReadWait, TimeoutRunsOutWithExit3InAboutThatTime) {
  const std::uint32_t key = unique_key();
  const auto start = Clock::now();
  const RunResult run = run_shmtool({"read", key_arg(key), "--wait", "--timeout", "0.3"});
  const std::chrono::duration<double> took = Clock::now() - start;
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_GE(took.count(), 0.29);
  EXPECT_LT(took.count(), 2.0);
}

TEST(ReadWait, AnIdCannotBeWaitedFor) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const RunResult run = run_shmtool({"read", segment.id_arg(), "--wait"});
  EXPECT_EQ(run.exit_code, 2);
}

}  // namespace
}  // namespace shmtool::test
