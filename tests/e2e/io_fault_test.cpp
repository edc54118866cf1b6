// I/O faults: a full standard output is a failure (exit 1, one line); a reader that goes away
// ends the program quietly; an input file that cannot be read is named; an empty standard
// input is empty data (a closed one is refused: see write_test.cpp).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "contract_support.hpp"
#include "run_tool.hpp"
#include "segment_guard.hpp"

namespace shmtool::test {
namespace {

// Larger than a pipe's buffer many times over, so a reader that leaves is noticed mid-write.
constexpr std::size_t kLargeSize = 4 << 20;

struct IoCase {
  std::string name;
  std::vector<std::string> args;  // @SEG: the segment's id
};

// CTest names each test after what this prints (gtest_discover_tests' pretty values).
void PrintTo(const IoCase& row, std::ostream* os) {
  *os << row.name;
}

// A private segment of `size` bytes of 'x' (no NUL, so text mode prints all of it).
SegmentGuard filled_segment(std::size_t size, int mode = 0600) {
  SegmentGuard segment(IPC_PRIVATE, size, mode);
  fill_segment(segment.id(), std::string(size, 'x'));
  return segment;
}

// The same with "abc...z" over and over, so no two hex dump lines in a row are alike (a dump
// of repeated lines shrinks to one "*").
SegmentGuard patterned_segment(std::size_t size) {
  SegmentGuard segment(IPC_PRIVATE, size, 0600);
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>('a' + i % 26);
  fill_segment(segment.id(), bytes);
  return segment;
}

// A directory under /tmp, removed (when empty) at the end.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/shmtool-test-dir-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { rmdir(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Standard output is /dev/full.

class FullStdout : public testing::TestWithParam<IoCase> {};

TEST_P(FullStdout, IsAFailureWithOneLineAndChangesNothing) {
  SegmentGuard segment = filled_segment(kLargeSize);
  const auto args = substitute(GetParam().args, {{"@SEG", segment.id_arg()}});
  const SegmentSnapshot before = snapshot_segment(segment.id());
  RunOptions options;
  options.stdout_path = "/dev/full";
  const RunResult result = run_shmtool(args, options);

  SCOPED_TRACE(joined(args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(count_lines(result.err), 1) << result.err;
  EXPECT_TRUE(result.err.starts_with("shmtool: ")) << result.err;
  EXPECT_NE(result.err.find("standard output: no space left on device"), std::string::npos)
      << result.err;
  // read --rm removes only what it delivered; rm --dry-run removes nothing.
  EXPECT_EQ(snapshot_segment(segment.id()), before);
}

INSTANTIATE_TEST_SUITE_P(
    contract, FullStdout,
    testing::Values(IoCase{"List", {"list"}}, IoCase{"ListAsJson", {"--json", "list"}},
                    IoCase{"ReadAsText", {"read", "@SEG"}},
                    IoCase{"ReadAsBinary", {"read", "--binary", "@SEG"}},
                    IoCase{"ReadAsHex", {"read", "--hex", "@SEG"}},
                    IoCase{"ReadAsJson", {"read", "@SEG", "--json"}},
                    IoCase{"ReadAndRemove", {"read", "--rm", "@SEG"}},
                    IoCase{"Stat", {"stat", "@SEG"}},
                    IoCase{"StatAsJson", {"--json", "stat", "@SEG"}},
                    IoCase{"RmDryRun", {"rm", "--dry-run", "@SEG"}}, IoCase{"Who", {"who"}},
                    IoCase{"WhoSegment", {"who", "@SEG"}}, IoCase{"WhoAsJson", {"who", "--json"}},
                    IoCase{"Limits", {"limits"}}, IoCase{"Metrics", {"metrics"}},
                    IoCase{"Help", {"--help"}}, IoCase{"CommandHelp", {"read", "--help"}},
                    IoCase{"Version", {"--version"}}));

// A segment made just now whose id cannot be printed is taken back: nobody could find a
// private one again, and a keyed one was not there before.
TEST(FullStdoutOfCreate, RemovesTheSegmentItMade) {
  const std::uint32_t key = unique_key();
  RunOptions options;
  options.stdout_path = "/dev/full";
  for (const bool json : {false, true}) {
    std::vector<std::string> args{"create", key_arg(key), "--size", "4K"};
    if (json) args.push_back("--json");
    const RunResult result = run_shmtool(args, options);
    SCOPED_TRACE(joined(args));
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_EQ(count_lines(result.err), 1) << result.err;
    const int left = shmget(static_cast<key_t>(key), 0, 0);
    EXPECT_LT(left, 0) << "the new segment was left behind";
    if (left >= 0) SegmentGuard::adopt(left);
  }
}

TEST(FullStdoutOfCreate, KeepsASegmentThatWasThereBefore) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 4096);
  RunOptions options;
  options.stdout_path = "/dev/full";
  const RunResult result = run_shmtool({"create", key_arg(key), "--size", "1K"}, options);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(shmget(static_cast<key_t>(key), 0, 0), existing.id());
}

// The reader of a pipe leaves after one byte.

class ClosedPipe : public testing::TestWithParam<IoCase> {};

TEST_P(ClosedPipe, EndsTheProgramQuietly) {
  // An ignored SIGPIPE would be inherited and hide a program that dies of it.
  struct sigaction current {};
  ASSERT_EQ(sigaction(SIGPIPE, nullptr, &current), 0);
  ASSERT_EQ(current.sa_handler, SIG_DFL);

  SegmentGuard segment = patterned_segment(kLargeSize);
  const auto args = substitute(GetParam().args, {{"@SEG", segment.id_arg()}});
  // pipefail: the pipeline fails if shmtool exits non-zero or dies of SIGPIPE (141).
  std::vector<std::string> argv{
      "bash", "-c", "set -o pipefail; \"$0\" \"$@\" | head -c1 >/dev/null", shmtool_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult result = run_program(argv);

  SCOPED_TRACE(joined(args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 0) << "the pipeline failed: " << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "");
}

INSTANTIATE_TEST_SUITE_P(contract, ClosedPipe,
                         testing::Values(IoCase{"ReadAsBinary", {"read", "--binary", "@SEG"}},
                                         IoCase{"ReadAsText", {"read", "@SEG"}},
                                         IoCase{"ReadAsHex", {"read", "--hex", "@SEG"}},
                                         IoCase{"ReadAsJson", {"--json", "read", "@SEG"}},
                                         IoCase{"ListAsJson", {"list", "--json"}},
                                         IoCase{"List", {"list"}}));

// write --file with a file that cannot be read.

enum class Unreadable { missing, directory, mode_zero };

struct UnreadableCase {
  std::string name;
  Unreadable kind;
};

void PrintTo(const UnreadableCase& row, std::ostream* os) {
  *os << row.name;
}

class UnreadableInputFile : public testing::TestWithParam<UnreadableCase> {};

TEST_P(UnreadableInputFile, IsNamedInOneLineWithExitOne) {
  // Mode 0666 so the file, not the segment, is what stops a caller who is nobody.
  SegmentGuard segment = filled_segment(4096, 0666);
  TempDir dir;
  TempFile file("data\n");
  std::string path;
  RunOptions options;
  switch (GetParam().kind) {
    case Unreadable::missing:
      path = dir.path() + "/missing";
      break;
    case Unreadable::directory:
      path = dir.path();
      break;
    case Unreadable::mode_zero:
      path = file.path();
      ASSERT_EQ(chmod(path.c_str(), 0), 0);
      options.as = As::nobody;  // root reads any file
      break;
  }
  const std::vector<std::string> args{"write", segment.id_arg(), "--file", path};
  const SegmentSnapshot before = snapshot_segment(segment.id());
  const RunResult result = run_shmtool(args, options);

  SCOPED_TRACE(joined(args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(count_lines(result.err), 1) << result.err;
  EXPECT_TRUE(result.err.starts_with("shmtool: write: " + path + ": ")) << result.err;
  EXPECT_EQ(snapshot_segment(segment.id()), before);
}

INSTANTIATE_TEST_SUITE_P(contract, UnreadableInputFile,
                         testing::Values(UnreadableCase{"Missing", Unreadable::missing},
                                         UnreadableCase{"Directory", Unreadable::directory},
                                         UnreadableCase{"ModeZero", Unreadable::mode_zero}));

// write with no data on standard input.

struct EmptyInputCase {
  std::string name;
  std::vector<std::string> extra_args;
  bool close_stdin;
  bool binary;
};

void PrintTo(const EmptyInputCase& row, std::ostream* os) {
  *os << row.name;
}

class EmptyInput : public testing::TestWithParam<EmptyInputCase> {};

TEST_P(EmptyInput, WritesEmptyData) {
  const EmptyInputCase& row = GetParam();
  SegmentGuard segment = filled_segment(64);
  std::vector<std::string> args{"write", segment.id_arg()};
  args.insert(args.end(), row.extra_args.begin(), row.extra_args.end());
  RunOptions options;
  options.close_stdin = row.close_stdin;
  const RunResult result = run_shmtool(args, options);

  SCOPED_TRACE(joined(args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "");
  // Text mode writes just the terminating NUL; binary mode writes nothing.
  std::string expected(64, 'x');
  if (!row.binary) expected[0] = '\0';
  EXPECT_EQ(snapshot_segment(segment.id()).bytes, expected);
}

INSTANTIATE_TEST_SUITE_P(
    contract, EmptyInput,
    testing::Values(EmptyInputCase{"TextFromEmptyStdin", {}, false, false},
                    EmptyInputCase{"TextFromEmptyStdinNamedByDash", {"-"}, false, false},
                    EmptyInputCase{"BinaryFromEmptyStdin", {"--binary"}, false, true},
                    EmptyInputCase{
                        "BinaryFromEmptyStdinNamedByDash", {"-", "--binary"}, false, true}));

}  // namespace
}  // namespace shmtool::test
