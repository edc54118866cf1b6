// shmtool write: where the data comes from, text and binary modes, --offset, the overflow rule
// (nothing changes, byte for byte), and --create.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

constexpr std::size_t kSize = 64;

// A private segment of kSize bytes whose bytes are a known pattern before each write.
class WriteInto : public ::testing::Test {
 protected:
  SegmentGuard segment_{IPC_PRIVATE, kSize};
  std::string before_ = fill_with_pattern(segment_.id());

  // The pattern with `bytes` written at `offset`.
  std::string expected(const std::string& bytes, std::size_t offset = 0) const {
    std::string result = before_;
    result.replace(offset, bytes.size(), bytes);
    return result;
  }
  RunResult write(std::vector<std::string> args, const RunOptions& options = {}) const {
    args.insert(args.begin(), {"write", segment_.id_arg()});
    return run_shmtool(args, options);
  }
};

TEST_F(WriteInto, DataArgumentGetsATrailingNul) {
  const RunResult run = write({"hello"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("hello\0", 6)));
}

TEST_F(WriteInto, DataArgumentKeepsItsNewline) {
  const RunResult run = write({"line\n"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("line\n\0", 6)));
}

TEST_F(WriteInto, StandardInputWhenDataIsAbsentDropsOneNewline) {
  const RunResult run = write({}, with_input("from stdin\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("from stdin\0", 11)));
}

TEST_F(WriteInto, DashReadsStandardInput) {
  const RunResult run = write({"-"}, with_input("dash\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("dash\0", 5)));
}

TEST_F(WriteInto, OnlyOneTrailingNewlineIsDropped) {
  const RunResult run = write({}, with_input("two\n\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("two\n\0", 5)));
}

TEST_F(WriteInto, EmptyStandardInputWritesJustTheNul) {
  const RunResult run = write({}, with_input(""));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("\0", 1)));
}

TEST_F(WriteInto, FileOptionReadsTheFileAndDropsOneNewline) {
  const TempFile file("file text\n");
  const RunResult run = write({"--file", file.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("file text\0", 10)));
}

TEST_F(WriteInto, OffsetWritesFromThatByte) {
  const RunResult run = write({"mid", "--offset", "10"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string("mid\0", 4), 10));
}

TEST_F(WriteInto, BinaryWritesTheBytesExactly) {
  const std::string bytes("\x00\x01\xff\n", 4);
  const RunResult run = write({"--binary"}, with_input(bytes));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(bytes));
}

TEST_F(WriteInto, BinaryFromAFileWritesTheBytesExactly) {
  const std::string bytes("\n\x00zz\x80\n", 6);
  const TempFile file(bytes);
  const RunResult run = write({"--binary", "--file", file.path(), "--offset", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected(bytes, 3));
}

TEST_F(WriteInto, BinaryDataArgumentAddsNoNul) {
  const RunResult run = write({"abc", "--binary"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected("abc"));
}

TEST_F(WriteInto, TextWithANulInsideIsRefusedFromStdin) {
  const RunResult run = write({}, with_input(std::string("a\0b", 3)));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--binary"), std::string::npos) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), before_);
}

TEST_F(WriteInto, TextWithANulInsideIsRefusedFromAFile) {
  const TempFile file(std::string("abc\0def\n", 8));
  const RunResult run = write({"--file", file.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--binary"), std::string::npos) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), before_);
}

TEST_F(WriteInto, TextThatFillsTheSegmentExactlyWithItsNulFits) {
  const std::string text(kSize - 1, 'T');
  const RunResult run = write({text});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), text + std::string(1, '\0'));
}

TEST_F(WriteInto, BinaryThatFillsTheSegmentExactlyFits) {
  const std::string bytes(kSize, 'B');
  const RunResult run = write({"--binary"}, with_input(bytes));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), bytes);
}

// The overflow rule: exit 1 naming both sizes, and the segment unchanged byte for byte.
void expect_refused_unchanged(const RunResult& run, const std::string& before, int id) {
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find(std::to_string(kSize)), std::string::npos) << run.err;
  EXPECT_EQ(segment_bytes(id), before);
}

TEST_F(WriteInto, OverflowingDataArgumentChangesNothing) {
  // kSize text bytes need kSize + 1 with the NUL.
  const RunResult run = write({std::string(kSize, 'X')});
  expect_refused_unchanged(run, before_, segment_.id());
  EXPECT_NE(run.err.find(std::to_string(kSize + 1)), std::string::npos) << run.err;
}

TEST_F(WriteInto, OverflowingRegularFileChangesNothing) {
  const TempFile file(std::string(kSize, 'F') + "\n");
  const RunResult run = write({"--file", file.path()});
  expect_refused_unchanged(run, before_, segment_.id());
  EXPECT_NE(run.err.find(std::to_string(kSize + 1)), std::string::npos) << run.err;
}

TEST_F(WriteInto, OverflowingBinaryFileChangesNothing) {
  const TempFile file(std::string(kSize + 1, 'F'));
  const RunResult run = write({"--binary", "--file", file.path()});
  expect_refused_unchanged(run, before_, segment_.id());
  EXPECT_NE(run.err.find(std::to_string(kSize + 1)), std::string::npos) << run.err;
}

TEST_F(WriteInto, OverflowingPipeChangesNothing) {
  const RunResult run = write({}, with_input(std::string(kSize, 'P') + "\n"));
  expect_refused_unchanged(run, before_, segment_.id());
}

TEST_F(WriteInto, OverflowingBinaryPipeChangesNothing) {
  const RunResult run = write({"--binary"}, with_input(std::string(kSize + 1, 'P')));
  expect_refused_unchanged(run, before_, segment_.id());
}

TEST_F(WriteInto, LargePipeIntoSmallSegmentChangesNothing) {
  const RunResult run = write({"--binary"}, with_input(std::string(4 << 20, 'L')));
  expect_refused_unchanged(run, before_, segment_.id());
}

TEST_F(WriteInto, OverflowPastTheOffsetChangesNothing) {
  const RunResult run = write({std::string(kSize - 10, 'O'), "--offset", "10"});
  expect_refused_unchanged(run, before_, segment_.id());
}

TEST_F(WriteInto, JsonReportsWhatWasWritten) {
  const RunResult run = write({"json", "--offset", "2", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["id"], segment_.id());
  EXPECT_EQ(j["key"], 0);
  EXPECT_EQ(j["offset"], 2);
  EXPECT_EQ(j["length"], 5);
  EXPECT_EQ(j["created"], false);
}

TEST(Write, MissingKeyWithoutCreateIsNotFound) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"write", key_arg(key), "data"});
  SegmentGuard guard = adopt_key(key);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(guard.id(), -1);
}

TEST(Write, ByKeyWritesThatSegment) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 16);
  const RunResult run = run_shmtool({"write", hex_key(key), "by key"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 7), std::string("by key\0", 7));
}

TEST(WriteCreate, DefaultSizeIsTheDataWithItsNul) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"write", key_arg(key), "hello", "--create", "--json"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_GE(guard.id(), 0);
  EXPECT_EQ(parse_json(run)["created"], true);
  EXPECT_EQ(parse_json(run)["id"], guard.id());
  EXPECT_EQ(segment_bytes(guard.id()), std::string("hello\0", 6));
  const auto stat = stat_json(guard.id());
  EXPECT_EQ(stat["size"], 6);
  EXPECT_EQ(stat["mode"], 0600);
}

TEST(WriteCreate, DefaultSizeFromStdinDropsTheNewlineAndCountsTheNul) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"write", key_arg(key), "--create"}, with_input("piped\n"));
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(guard.id()), std::string("piped\0", 6));
}

TEST(WriteCreate, BinaryDefaultSizeIsTheDataLength) {
  const std::uint32_t key = unique_key();
  const std::string bytes("\x01\x02\x03\x00\x05\n", 6);
  const RunResult run =
      run_shmtool({"write", key_arg(key), "--create", "--binary"}, with_input(bytes));
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(guard.id()), bytes);
}

TEST(WriteCreate, SizeAndModeOptionsShapeTheNewSegment) {
  const std::uint32_t key = unique_key();
  const RunResult run =
      run_shmtool({"write", key_arg(key), "sized", "--create", "--size", "1K", "--mode", "640"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto stat = stat_json(guard.id());
  EXPECT_EQ(stat["size"], 1024);
  EXPECT_EQ(stat["mode"], 0640);
  EXPECT_EQ(segment_bytes(guard.id()).substr(0, 6), std::string("sized\0", 6));
}

TEST(WriteCreate, ExistingKeyIsWrittenNotRecreated) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 32, 0640);
  const RunResult run = run_shmtool({"write", key_arg(key), "again", "--create", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run)["created"], false);
  EXPECT_EQ(parse_json(run)["id"], existing.id());
  EXPECT_EQ(kernel_size(existing.id()), 32U);
  EXPECT_EQ(segment_bytes(existing.id()).substr(0, 6), std::string("again\0", 6));
}

TEST(WriteCreate, FtokKeyIsCreated) {
  const FtokFile file = make_ftok_file();
  const RunResult run = run_shmtool({"write", file.arg(), "ftok data", "--create"});
  SegmentGuard guard = adopt_key(file.key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(guard.id()), std::string("ftok data\0", 10));
}

TEST(WriteCreate, AnIdIsRefused) {
  SegmentGuard segment(IPC_PRIVATE, 16);
  const std::string before = fill_with_pattern(segment.id());
  const RunResult run = run_shmtool({"write", segment.id_arg(), "x", "--create"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(segment_bytes(segment.id()), before);
}

TEST(WriteCreate, DataThatWouldNotFitTheSizeCreatesNothing) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--size", "1"},
        std::vector<std::string>{"--size", "3", "--offset", "1"}}) {
    const std::uint32_t key = unique_key();
    std::vector<std::string> args{"write", key_arg(key), "hi", "--create"};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult run = run_shmtool(args);
    SegmentGuard guard = adopt_key(key);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_NE(run.err.find("nothing was created or written"), std::string::npos) << run.err;
    EXPECT_EQ(guard.id(), -1) << "no segment left behind";
  }
}

TEST(WriteCreate, PipedDataThatWouldNotFitTheSizeCreatesNothing) {
  const std::uint32_t key = unique_key();
  const RunResult run =
      run_shmtool({"write", key_arg(key), "--create", "--size", "3"}, with_input("hello\n"));
  SegmentGuard guard = adopt_key(key);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(guard.id(), -1) << "no segment left behind";
}

TEST(WriteCreate, ExistingKeySmallerThanSizeFailsNamingBothSizesAsCreateDoes) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 32);
  const std::string before = fill_with_pattern(existing.id());
  const RunResult run = run_shmtool({"write", key_arg(key), "x", "--create", "--size", "1K"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("with size 32 bytes, smaller than the 1024 bytes asked for"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(segment_bytes(existing.id()), before);
}

// --length N: exactly N bytes of the input, nothing dropped or added, the rest of the
// segment untouched.
TEST_F(WriteInto, LengthTakesExactlyThatManyBytesOfADevice) {
  const RunResult run = write({"--file", "/dev/zero", "--length", "16", "--offset", "8"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(segment_bytes(segment_.id()), expected(std::string(16, '\0'), 8));
}

TEST_F(WriteInto, LengthTakesTheFirstBytesOfAPipeWithNoNulAdded) {
  const RunResult run = write({"--length", "3"}, with_input("abcdef\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected("abc"));
}

TEST_F(WriteInto, LengthTakesTheFirstBytesOfAFileOrArgument) {
  const TempFile file("0123456789");
  RunResult run = write({"--file", file.path(), "--length", "4"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), expected("0123"));
  run = write({"xyz", "--length", "2", "--offset", "20"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()).substr(20, 3), before_.substr(20, 3).replace(0, 2, "xy"));
}

TEST_F(WriteInto, InputShorterThanLengthWritesNothing) {
  const TempFile file("short");
  for (const RunResult& run :
       {write({"--length", "10"}, with_input("abc")), write({"--file", file.path(), "-l", "6"}),
        write({"ab", "--length", "3"})}) {
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_NE(run.err.find("nothing was written"), std::string::npos) << run.err;
  }
  EXPECT_EQ(segment_bytes(segment_.id()), before_);
}

TEST_F(WriteInto, LengthPastTheEndIsRefusedBeforeReading) {
  const RunResult run = write({"--file", "/dev/zero", "--length", "1G"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("does not fit"), std::string::npos) << run.err;
  EXPECT_EQ(segment_bytes(segment_.id()), before_);
}

TEST(WriteCreate, LengthSizesTheNewSegment) {
  const std::uint32_t key = unique_key();
  const RunResult run =
      run_shmtool({"write", key_arg(key), "--create", "--file", "/dev/zero", "--length", "5K"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_NE(guard.id(), -1);
  EXPECT_EQ(kernel_size(guard.id()), 5u * 1024);
}

// A closed standard input is not empty input: nothing is written and nothing created.
TEST_F(WriteInto, ClosedStandardInputIsAFailureAndChangesNothing) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--binary"},
        std::vector<std::string>{"-"}, std::vector<std::string>{"--length", "1"}}) {
    RunOptions options;
    options.close_stdin = true;
    const RunResult run = write(extra, options);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(run.err,
              "shmtool: write: standard input: bad file descriptor (closed, or not open "
              "for reading)\n");
  }
  EXPECT_EQ(segment_bytes(segment_.id()), before_);
}

// /dev/stdin names the same closed descriptor: no empty data through the back door.
TEST_F(WriteInto, ClosedStandardInputNamedAsAFileIsAFailureToo) {
  for (const char* name : {"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"}) {
    RunOptions options;
    options.close_stdin = true;
    const RunResult run = write({"--file", name}, options);
    EXPECT_EQ(run.exit_code, 1) << name << ": " << run.err;
    EXPECT_NE(run.err.find("bad file descriptor"), std::string::npos) << run.err;
  }
  EXPECT_EQ(segment_bytes(segment_.id()), before_);
  const std::uint32_t key = unique_key();
  RunOptions options;
  options.close_stdin = true;
  const RunResult created =
      run_shmtool({"write", key_arg(key), "--create", "--file", "/dev/stdin"}, options);
  SegmentGuard guard = adopt_key(key);
  EXPECT_EQ(created.exit_code, 1) << created.err;
  EXPECT_EQ(guard.id(), -1) << "no segment left behind";
}

TEST(WriteCreate, ClosedStandardInputCreatesNothing) {
  const std::uint32_t key = unique_key();
  RunOptions options;
  options.close_stdin = true;
  const RunResult run = run_shmtool({"write", key_arg(key), "--create"}, options);
  SegmentGuard guard = adopt_key(key);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(guard.id(), -1) << "no segment left behind";
}

TEST(WriteCreate, SizeWithoutCreateIsAUsageError) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"write", key_arg(key), "x", "--size", "10"});
  SegmentGuard guard = adopt_key(key);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(guard.id(), -1);
}

}  // namespace
}  // namespace shmtool::test
