// Runtime failures print one line, "shmtool: COMMAND: WHAT: WHY", with the exit code the
// contract gives: 3 when the segment does not exist, 1 for any other failure. WHAT names the
// segment (or file) at fault; WHY is words, not a bare errno.

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "contract_support.hpp"
#include "run_tool.hpp"
#include "segment_guard.hpp"

namespace shmtool::test {
namespace {

// An id far above any the kernel hands out on a test machine.
constexpr const char* kGoneId = "2147483646";

struct RuntimeFailure {
  const char* name;
  // Placeholders: @SEG the segment's id, @KEY its key (key:N), @HEX its key in hex,
  // @FREE an unused key (key:N), @FREEHEX the same in hex.
  std::vector<std::string> args;
  int exit_code;
  const char* what;      // the subject, between "COMMAND: " and ": WHY"
  const char* why = "";  // words WHY must contain
  As as = As::caller;
};

// CTest names each test after what this prints (gtest_discover_tests' pretty values).
void PrintTo(const RuntimeFailure& row, std::ostream* os) {
  *os << row.name;
}

const std::vector<RuntimeFailure> kRows = {
    {"StatOfAGoneId", {"stat", kGoneId}, 3, "id 2147483646", "no such segment"},
    {"StatOfAGoneIdForm", {"stat", "id:2147483646"}, 3, "id 2147483646", "no such segment"},
    {"ReadOfAnUnusedKey", {"read", "@FREE"}, 3, "key @FREEHEX", "no segment has this key"},
    {"StatOfAnUnusedHexKey", {"stat", "@FREEHEX"}, 3, "key @FREEHEX", "no segment has this key"},
    {"WriteToAnUnusedKey", {"write", "@FREE", "hello"}, 3, "key @FREEHEX", "no segment"},
    {"RmOfAGoneId", {"rm", kGoneId}, 3, "id 2147483646", "no such segment"},
    {"RmOfAnUnusedKey", {"rm", "@FREE"}, 3, "key @FREEHEX", "no segment"},
    {"ChmodOfAGoneId", {"chmod", "600", kGoneId}, 3, "id 2147483646", "no such segment"},
    {"ChownOfAGoneId", {"chown", "0", kGoneId}, 3, "id 2147483646", "no such segment"},
    {"WaitThatTimesOut",
     {"read", "@FREE", "--wait", "--timeout", "0.2"},
     3,
     "key @FREEHEX",
     "timeout"},
    {"FtokOfAMissingPath",
     {"stat", "ftok:/nonexistent/shmtool-test"},
     3,
     "ftok:/nonexistent/shmtool-test",
     "no such file"},
    {"CreateLargerThanTheSegmentOfTheKey",
     {"create", "@KEY", "--size", "8192"},
     1,
     "key @HEX",
     "8192"},
    {"CreateExclusiveOfAUsedKey",
     {"create", "@KEY", "--size", "16", "--exclusive"},
     1,
     "key @HEX",
     "exists"},
    {"WriteThatDoesNotFit",
     {"write", "@SEG", "--offset", "4090", "too long for the rest"},
     1,
     "id @SEG",
     "does not fit"},
    {"WriteFromAMissingFile",
     {"write", "@SEG", "--file", "/nonexistent/shmtool-test"},
     1,
     "/nonexistent/shmtool-test",
     "no such file"},
    {"RmByAnotherUser", {"rm", "@SEG"}, 1, "id @SEG", "permission denied", As::nobody},
    {"ChmodByAnotherUser", {"chmod", "666", "@SEG"}, 1, "id @SEG", "permission denied", As::nobody},
    {"ChownByAnotherUser",
     {"chown", "65534", "@SEG"},
     1,
     "id @SEG",
     "permission denied",
     As::nobody},
    {"ReadByAnotherUser", {"read", "@SEG"}, 1, "id @SEG", "permission denied", As::nobody},
    {"WriteByAnotherUser",
     {"write", "@SEG", "hello"},
     1,
     "id @SEG",
     "permission denied",
     As::nobody},
};

class RuntimeFailures : public testing::TestWithParam<RuntimeFailure> {};

TEST_P(RuntimeFailures, ArePrintedAsOneLineOfCommandWhatWhy) {
  const RuntimeFailure& row = GetParam();
  const std::uint32_t key = unique_key();
  const std::uint32_t free = unique_key();
  const SegmentGuard segment(static_cast<key_t>(key), 4096, 0600);
  // Longest placeholders first: "@HEX" is inside "@FREEHEX".
  const std::vector<std::pair<std::string, std::string>> values = {{"@FREEHEX", hex_key(free)},
                                                                   {"@FREE", key_arg(free)},
                                                                   {"@HEX", hex_key(key)},
                                                                   {"@KEY", key_arg(key)},
                                                                   {"@SEG", segment.id_arg()}};
  const auto args = substitute(row.args, values);
  const std::string what = substitute({row.what}, values).front();
  const SegmentSnapshot before = snapshot_segment(segment.id());
  RunOptions options;
  options.as = row.as;
  const RunResult result = run_shmtool(args, options);

  SCOPED_TRACE(joined(args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, row.exit_code) << result.err;
  EXPECT_EQ(result.out, "");
  ASSERT_EQ(count_lines(result.err), 1) << result.err;
  const std::string head = "shmtool: " + args.front() + ": " + what + ": ";
  ASSERT_TRUE(result.err.starts_with(head)) << "expected '" << head << "...': " << result.err;
  const std::string why = result.err.substr(head.size(), result.err.size() - head.size() - 1);
  ASSERT_FALSE(why.empty());
  EXPECT_TRUE(std::islower(static_cast<unsigned char>(why.front()))) << why;
  EXPECT_NE(why.find(row.why), std::string::npos) << why;
  EXPECT_LE(result.err.size(), 200U) << result.err;
  EXPECT_EQ(snapshot_segment(segment.id()), before);
  EXPECT_FALSE(key_in_use(free));
}

INSTANTIATE_TEST_SUITE_P(contract, RuntimeFailures, testing::ValuesIn(kRows));

}  // namespace
}  // namespace shmtool::test

namespace shmtool::test {
namespace {

// Arguments and paths are quoted in messages: a control character in one is shown escaped,
// so it can neither act on the terminal nor split the one line in two.
TEST(FailureLines, ShowControlCharactersInArgumentsEscaped) {
  const std::vector<std::vector<std::string>> commands = {
      {"stat", "\x1b[31mRED"},
      {"stat", "ftok:/nonexistent/two\nlines"},
      {"read",
       "ftok:/nonexistent/\x07\x9b"
       "bell"},
      {"list", "--sort", "\x1b]0;title\x07"},
      {"stat", "--bogus\x1b[2J"},
      {"create", "key:\r5", "--size", "1"},
  };
  for (const std::vector<std::string>& args : commands) {
    const RunResult run = run_shmtool(args);
    SCOPED_TRACE(run.err);
    EXPECT_NE(run.exit_code, 0);
    EXPECT_EQ(count_lines(run.err), 1);
    EXPECT_EQ(run.err.back(), '\n');
    for (std::size_t i = 0; i + 1 < run.err.size(); ++i) {
      const auto c = static_cast<unsigned char>(run.err[i]);
      EXPECT_TRUE(c >= 0x20 && c != 0x7f && c != 0x9b) << "byte " << static_cast<int>(c);
    }
  }
  const RunResult red = run_shmtool({"stat", "\x1b[31mRED"});
  EXPECT_NE(red.err.find("\\e[31mRED"), std::string::npos) << red.err;
  const RunResult lines = run_shmtool({"stat", "ftok:/nonexistent/two\nlines"});
  EXPECT_NE(lines.err.find("ftok:/nonexistent/two\\nlines"), std::string::npos) << lines.err;
}

}  // namespace
}  // namespace shmtool::test
