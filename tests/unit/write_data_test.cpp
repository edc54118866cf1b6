#include "util/write_data.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace shmtool {
namespace {

// A descriptor closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A pipe whose read end holds `data` and whose write end is closed (small data only).
Fd pipe_holding(const std::string& data) {
  int ends[2];
  if (pipe(ends) != 0) throw std::runtime_error("pipe failed");
  Fd writer(ends[1]);
  if (write(ends[1], data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
    close(ends[0]);
    throw std::runtime_error("pipe write failed");
  }
  return Fd(ends[0]);
}

// A temporary file holding `data`, removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& data) {
    char name[] = "/tmp/shmtool-write-data-test-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    const bool ok = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    close(fd);
    path_ = name;
    if (!ok) {
      unlink(name);
      throw std::runtime_error("write failed");
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr std::byte kUntouched{0xaa};

// Copies `data` into a buffer larger than it and returns the bytes written, checking that
// nothing past stored_size() was touched.
std::string copied(PreparedData& data) {
  const std::size_t size = static_cast<std::size_t>(data.stored_size());
  std::vector<std::byte> target(size + 8, kUntouched);
  const Status status = data.copy_to(target);
  EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().detail);
  for (std::size_t i = size; i < target.size(); ++i) {
    EXPECT_EQ(target[i], kUntouched) << "byte " << i << " past the stored size was written";
  }
  return std::string(reinterpret_cast<const char*>(target.data()), size);
}

PreparedData prepared(Result<PreparedData> result) {
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  if (!result.ok()) return PreparedData{};
  return std::move(result).value();
}

using namespace std::string_literals;

TEST(PrepareLiteral, AddsANulInTextMode) {
  PreparedData data = prepared(prepare_literal("hello", Encoding::text));
  EXPECT_EQ(data.stored_size(), 6U);
  EXPECT_EQ(copied(data), "hello\0"s);
}

TEST(PrepareLiteral, KeepsATrailingNewlineOfCommandLineData) {
  PreparedData data = prepared(prepare_literal("hello\n", Encoding::text));
  EXPECT_EQ(copied(data), "hello\n\0"s);
}

TEST(PrepareLiteral, StoresOnlyANulForEmptyText) {
  PreparedData data = prepared(prepare_literal("", Encoding::text));
  EXPECT_EQ(data.stored_size(), 1U);
  EXPECT_EQ(copied(data), "\0"s);
}

TEST(PrepareLiteral, RefusesANulInTextMode) {
  auto data = prepare_literal("ab\0cd"s, Encoding::text);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::usage);
  EXPECT_NE(data.error().detail.find("--binary"), std::string::npos) << data.error().detail;
  EXPECT_NE(data.error().detail.find('2'), std::string::npos) << data.error().detail;
}

TEST(PrepareLiteral, StoresTheBytesExactlyInBinaryMode) {
  PreparedData data = prepared(prepare_literal("ab\0cd\n"s, Encoding::binary));
  EXPECT_EQ(data.stored_size(), 6U);
  EXPECT_EQ(copied(data), "ab\0cd\n"s);
}

TEST(PrepareLiteral, StoresNothingForEmptyBinaryData) {
  PreparedData data = prepared(prepare_literal("", Encoding::binary));
  EXPECT_EQ(data.stored_size(), 0U);
  EXPECT_EQ(copied(data), "");
}

TEST(PrepareFd, DropsOneTrailingNewlineOfAPipeInTextMode) {
  Fd in = pipe_holding("hello\n");
  PreparedData data = prepared(prepare_fd(in.get(), "standard input", Encoding::text, 100));
  EXPECT_EQ(data.stored_size(), 6U);
  EXPECT_EQ(copied(data), "hello\0"s);
}

TEST(PrepareFd, DropsOnlyOneTrailingNewline) {
  Fd in = pipe_holding("hello\n\n");
  PreparedData data = prepared(prepare_fd(in.get(), "standard input", Encoding::text, 100));
  EXPECT_EQ(copied(data), "hello\n\0"s);
}

TEST(PrepareFd, KeepsTextWithoutATrailingNewline) {
  Fd in = pipe_holding("a\nb");
  PreparedData data = prepared(prepare_fd(in.get(), "standard input", Encoding::text, 100));
  EXPECT_EQ(copied(data), "a\nb\0"s);
}

TEST(PrepareFd, KeepsEveryByteOfAPipeInBinaryMode) {
  Fd in = pipe_holding("x\0y\n"s);
  PreparedData data = prepared(prepare_fd(in.get(), "standard input", Encoding::binary, 100));
  EXPECT_EQ(data.stored_size(), 4U);
  EXPECT_EQ(copied(data), "x\0y\n"s);
}

TEST(PrepareFd, RefusesANulFromAPipeInTextMode) {
  Fd in = pipe_holding("x\0y"s);
  auto data = prepare_fd(in.get(), "standard input", Encoding::text, 100);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::usage);
  EXPECT_EQ(data.error().subject, "standard input");
}

TEST(PrepareFd, ReadsAnEmptyPipe) {
  Fd in = pipe_holding("");
  PreparedData text = prepared(prepare_fd(in.get(), "standard input", Encoding::text, 100));
  EXPECT_EQ(copied(text), "\0"s);
}

TEST(PrepareFd, FailsWithTooLargeWhenAPipeOverflowsTheRoom) {
  for (Encoding encoding : {Encoding::text, Encoding::binary}) {
    Fd in = pipe_holding(std::string(100, 'x'));
    auto data = prepare_fd(in.get(), "standard input", encoding, 10);
    ASSERT_FALSE(data.ok());
    EXPECT_EQ(data.error().kind, ErrorKind::too_large);
    EXPECT_EQ(data.error().op, Op::read_input);
    EXPECT_EQ(data.error().subject, "standard input");
    EXPECT_TRUE(data.error().detail.starts_with("more than ")) << data.error().detail;
  }
}

// The number N in a detail "more than N bytes".
std::uint64_t more_than(const Error& error) {
  return std::strtoull(error.detail.c_str() + std::string_view("more than ").size(), nullptr, 10);
}

TEST(PrepareFd, ClaimsNoMoreThanItSawWhenAPipeOverflows) {
  // A stream of exactly room + 2 bytes must not be called "more than room + 2 bytes".
  for (std::size_t length = 11; length <= 14; ++length) {
    SCOPED_TRACE(length);
    Fd in = pipe_holding(std::string(length, 'x'));
    auto data = prepare_fd(in.get(), "standard input", Encoding::binary, 10);
    ASSERT_FALSE(data.ok() && data->stored_size() <= 10);
    if (data.ok()) continue;  // the caller sees stored_size() > room
    EXPECT_EQ(data.error().kind, ErrorKind::too_large);
    EXPECT_LT(more_than(data.error()), length) << data.error().detail;
    EXPECT_GE(more_than(data.error()), 10U) << data.error().detail;
  }
}

TEST(PrepareFd, FitsDataThatFillsTheRoomExactly) {
  Fd binary_in = pipe_holding("0123456789");
  PreparedData binary =
      prepared(prepare_fd(binary_in.get(), "standard input", Encoding::binary, 10));
  EXPECT_EQ(binary.stored_size(), 10U);
  EXPECT_EQ(copied(binary), "0123456789");
  // Text: nine characters, a newline that is dropped, and the NUL fill ten bytes.
  Fd text_in = pipe_holding("012345678\n");
  PreparedData text = prepared(prepare_fd(text_in.get(), "standard input", Encoding::text, 10));
  EXPECT_EQ(text.stored_size(), 10U);
  EXPECT_EQ(copied(text), "012345678\0"s);
}

TEST(PrepareFd, NeverReportsFitForTextWhoseNulDoesNotFit) {
  Fd in = pipe_holding("0123456789\n");
  auto data = prepare_fd(in.get(), "standard input", Encoding::text, 10);
  EXPECT_FALSE(data.ok() && data->stored_size() <= 10);
}

TEST(PrepareFd, ReadsAStreamLargerThanThePipeBuffer) {
  int ends[2];
  ASSERT_EQ(pipe(ends), 0);
  Fd reader(ends[0]);
  std::string expected(300000, '\0');
  for (std::size_t i = 0; i < expected.size(); ++i)
    expected[i] = static_cast<char>('a' + i % 26);
  std::thread writer([fd = ends[1], &expected] {
    std::size_t done = 0;
    while (done < expected.size()) {
      const ssize_t n = write(fd, expected.data() + done, expected.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    close(fd);
  });
  auto result = prepare_fd(reader.get(), "standard input", Encoding::binary, 1 << 20);
  writer.join();
  PreparedData data = prepared(std::move(result));
  EXPECT_EQ(data.stored_size(), expected.size());
  EXPECT_EQ(copied(data), expected);
}

TEST(PrepareFd, ReadsARegularFile) {
  TempFile file("line one\nline two\n");
  Fd text_fd(open(file.path().c_str(), O_RDONLY));
  ASSERT_GE(text_fd.get(), 0);
  PreparedData text = prepared(prepare_fd(text_fd.get(), file.path(), Encoding::text, 5));
  EXPECT_EQ(text.stored_size(), 18U);
  EXPECT_EQ(copied(text), "line one\nline two\0"s);

  Fd binary_fd(open(file.path().c_str(), O_RDONLY));
  ASSERT_GE(binary_fd.get(), 0);
  PreparedData binary = prepared(prepare_fd(binary_fd.get(), file.path(), Encoding::binary, 5));
  EXPECT_EQ(binary.stored_size(), 18U);
  EXPECT_EQ(copied(binary), "line one\nline two\n");
}

TEST(PrepareFd, ReadsARegularFileFromItsCurrentOffset) {
  TempFile file("skip:kept\n");
  for (Encoding encoding : {Encoding::text, Encoding::binary}) {
    Fd fd(open(file.path().c_str(), O_RDONLY));
    ASSERT_GE(fd.get(), 0);
    ASSERT_EQ(lseek(fd.get(), 5, SEEK_SET), 5);
    PreparedData data = prepared(prepare_fd(fd.get(), file.path(), encoding, 100));
    EXPECT_EQ(copied(data), encoding == Encoding::text ? "kept\0"s : "kept\n"s);
  }
}

TEST(PrepareFd, RefusesANulInARegularFileInTextMode) {
  TempFile file("abc\0def"s);
  Fd fd(open(file.path().c_str(), O_RDONLY));
  ASSERT_GE(fd.get(), 0);
  auto data = prepare_fd(fd.get(), file.path(), Encoding::text, 100);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::usage);
  EXPECT_EQ(data.error().subject, file.path());
  EXPECT_NE(data.error().detail.find('3'), std::string::npos) << data.error().detail;
}

TEST(PrepareFd, ReadsAnEmptyRegularFile) {
  TempFile file("");
  for (Encoding encoding : {Encoding::text, Encoding::binary}) {
    Fd fd(open(file.path().c_str(), O_RDONLY));
    ASSERT_GE(fd.get(), 0);
    PreparedData data = prepared(prepare_fd(fd.get(), file.path(), encoding, 100));
    EXPECT_EQ(copied(data), encoding == Encoding::text ? "\0"s : ""s);
  }
}

TEST(PrepareFd, RefusesAClosedDescriptorInEitherMode) {
  int ends[2];
  ASSERT_EQ(pipe(ends), 0);
  close(ends[0]);
  close(ends[1]);
  const int closed = ends[0];
  for (Encoding encoding : {Encoding::text, Encoding::binary}) {
    auto data = prepare_fd(closed, "standard input", encoding, 100);
    ASSERT_FALSE(data.ok());
    EXPECT_EQ(data.error().op, Op::read_input);
    EXPECT_EQ(data.error().err, EBADF);
    EXPECT_EQ(data.error().subject, "standard input");
  }
  auto exact = prepare_fd_exact(closed, "standard input", 1);
  ASSERT_FALSE(exact.ok());
  EXPECT_EQ(exact.error().err, EBADF);
}

TEST(PrepareFd, RefusesADescriptorOpenOnlyForWriting) {
  Fd write_only(open("/dev/null", O_WRONLY | O_CLOEXEC));
  ASSERT_GE(write_only.get(), 0);
  auto data = prepare_fd(write_only.get(), "standard input", Encoding::binary, 100);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().err, EBADF);
}

TEST(PrepareExact, TakesThatManyBytesOfAPipeAndLeavesTheRest) {
  Fd in = pipe_holding("abcdef\n");
  PreparedData data = prepared(prepare_fd_exact(in.get(), "standard input", 4));
  EXPECT_EQ(data.stored_size(), 4U);
  EXPECT_EQ(copied(data), "abcd");
  char rest[8] = {};
  EXPECT_EQ(read(in.get(), rest, sizeof rest), 3);
}

TEST(PrepareExact, TakesThatManyBytesOfAFileFromItsOffset) {
  TempFile file("0123456789");
  Fd fd(open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_EQ(lseek(fd.get(), 2, SEEK_SET), 2);
  PreparedData data = prepared(prepare_fd_exact(fd.get(), file.path(), 5));
  EXPECT_EQ(copied(data), "23456");
}

TEST(PrepareExact, InputShorterThanTheLengthFails) {
  TempFile file("0123");
  Fd fd(open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
  Fd in = pipe_holding("ab");
  std::vector<Result<PreparedData>> results;
  results.push_back(prepare_fd_exact(fd.get(), file.path(), 5));
  results.push_back(prepare_fd_exact(in.get(), "standard input", 3));
  results.push_back(prepare_literal_exact("xy", 3));
  for (const auto& result : results) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().op, Op::read_input);
    EXPECT_NE(result.error().detail.find("nothing was written"), std::string::npos);
  }
}

TEST(PrepareExact, LiteralKeepsNulsAndNewlinesAndAddsNothing) {
  PreparedData data = prepared(prepare_literal_exact("a\0b\nc"s, 4));
  EXPECT_EQ(data.stored_size(), 4U);
  EXPECT_EQ(copied(data), "a\0b\n"s);
}

TEST(OpenInputFile, OpensAReadableFile) {
  TempFile file("data");
  auto fd = open_input_file(file.path());
  ASSERT_TRUE(fd.ok()) << fd.error().detail;
  Fd guard(*fd);
  char buffer[8];
  EXPECT_EQ(read(*fd, buffer, sizeof buffer), 4);
}

TEST(OpenInputFile, FailsWithTheErrnoForAMissingFile) {
  auto fd = open_input_file("/nonexistent/shmtool-unit-test");
  ASSERT_FALSE(fd.ok());
  EXPECT_EQ(fd.error().op, Op::open_input);
  EXPECT_EQ(fd.error().err, ENOENT);
  EXPECT_EQ(fd.error().subject, "/nonexistent/shmtool-unit-test");
}

TEST(OpenInputFile, RefusesADirectory) {
  auto fd = open_input_file("/tmp");
  ASSERT_FALSE(fd.ok());
  EXPECT_EQ(fd.error().op, Op::open_input);
  EXPECT_EQ(fd.error().err, EISDIR);
}

}  // namespace
}  // namespace shmtool
