// Bad input, table-driven: every malformed argument list gives exit 2, one "shmtool: ..." line on
// stderr, nothing on stdout, and changes no segment. Each row runs against a guard segment whose
// key, size, mode, owner and bytes are compared before and after, and must not make a segment
// with an unused key it names. Under CTest the suite runs in an IPC namespace of its own
// (unshare --ipc, see contract.cmake), where the rows that could touch any segment (rm --all, a
// private create) also run and the whole namespace is counted before and after.

#include <gtest/gtest.h>
#include <sys/shm.h>

#include <optional>
#include <string>
#include <vector>

#include "contract_support.hpp"
#include "run_tool.hpp"
#include "segment_guard.hpp"

namespace shmtool::test {
namespace {

// Where a row may run: a bug behind `rm --all` or a keyless create could touch segments that
// are not ours, so those rows need a namespace of their own.
enum class Scope { anywhere, private_namespace };

struct BadInput {
  const char* name;
  // Placeholders: @SEG the guard's id, @KEY the guard's key (key:N), @FREE an unused key (key:N),
  // @FILE a readable file.
  std::vector<std::string> args;
  // The message must contain this: the argument at fault, or the words that say what is wrong.
  const char* mentions;
  Scope scope = Scope::anywhere;
  std::string input = {};  // standard input
};

// CTest names each test after what this prints (gtest_discover_tests' pretty values).
void PrintTo(const BadInput& row, std::ostream* os) {
  *os << row.name;
}

const std::vector<BadInput> kRows = {
    // SEGMENT forms.
    {"StatOfKeyZero", {"stat", "key:0"}, "IPC_PRIVATE"},
    {"StatOfHexKeyZero", {"stat", "0x0"}, "IPC_PRIVATE"},
    {"StatOfHexKeyWithoutHexDigits", {"stat", "0xZZ"}, "0xZZ"},
    {"StatOfHexKeyWiderThan32Bits", {"stat", "0x123456789"}, "0x123456789"},
    {"StatOfKeyAbove32Bits", {"stat", "key:4294967296"}, "key:4294967296"},
    {"StatOfKeyBelowInt32Min", {"stat", "key:-2147483649"}, "key:-2147483649"},
    {"StatOfKeyWithoutDigits", {"stat", "key:"}, "key:"},
    {"StatOfKeyWithHexPrefixOnly", {"stat", "key:0x"}, "key:0x"},
    {"StatOfFtokWithoutPath", {"stat", "ftok:"}, "ftok:"},
    {"StatOfFtokWithProjOnly", {"stat", "ftok::A"}, "ftok::A"},
    {"StatOfFtokWithProjZero", {"stat", "ftok:/tmp:0"}, "ftok:/tmp:0"},
    {"StatOfFtokWithProj256", {"stat", "ftok:/tmp:256"}, "ftok:/tmp:256"},
    // A missing ftok path where it makes the key to create or filter by.
    {"CreateOfMissingFtokPath",
     {"create", "ftok:/nonexistent/shmtool-test", "--size", "1"},
     "no such file"},
    {"WriteCreateOfMissingFtokPath",
     {"write", "ftok:/nonexistent/shmtool-test", "x", "--create"},
     "no such file"},
    {"ListByMissingFtokPath",
     {"list", "--key", "ftok:/nonexistent/shmtool-test"},
     "--key ftok:/nonexistent/shmtool-test: cannot make a key: no such file"},
    {"StatOfNegativeId", {"stat", "id:-1"}, "id:-1"},
    {"StatOfIdWithLetters", {"stat", "id:abc"}, "id:abc"},
    {"StatOfIdAboveIntMax", {"stat", "99999999999"}, "99999999999"},
    {"StatOfEmptySegment", {"stat", ""}, "SEGMENT"},
    {"ReadOfKeyWithLetters", {"read", "key:abc"}, "key:abc"},
    {"ReadOfEmptyIdForm", {"read", "id:"}, "id:"},
    {"ReadOfBareHexPrefix", {"read", "0x"}, "0x"},
    {"WriteToKeyZero", {"write", "key:0", "hello"}, "IPC_PRIVATE"},
    {"WriteToHexKeyWithoutHexDigits", {"write", "0xZZ", "hello"}, "0xZZ"},
    {"RmOfAGoodAndABadSegment", {"rm", "@SEG", "0xZZ"}, "0xZZ"},
    {"RmOfAGoodSegmentAndKeyZero", {"rm", "@SEG", "key:0"}, "key:0"},
    {"ChmodOfAGoodAndAWideKey", {"chmod", "640", "@SEG", "0x123456789"}, "0x123456789"},
    {"ChownOfAGoodAndABadId", {"chown", "65534", "@SEG", "id:abc"}, "id:abc"},
    // SIZE.
    {"CreateOfSizeZero", {"create", "@FREE", "--size", "0"}, "--size"},
    {"CreateOfNegativeSize", {"create", "@FREE", "--size", "-1"}, "-1"},
    {"CreateOfFractionOfAByte", {"create", "@FREE", "--size", "1.5B"}, "1.5B"},
    {"CreateOfUnknownSuffix", {"create", "@FREE", "--size", "12Q"}, "12Q"},
    {"CreateOfOverflowingSuffix", {"create", "@FREE", "--size", "99999999999T"}, "99999999999T"},
    {"CreateOfOverflowingBytes",
     {"create", "@FREE", "--size", "18446744073709551616"},
     "18446744073709551616"},
    {"CreateOfEmptySize", {"create", "@FREE", "--size", ""}, "--size"},
    {"CreateOfHexSize", {"create", "@FREE", "--size", "0x10"}, "0x10"},
    {"CreateOfExponentSize", {"create", "@FREE", "--size", "1e3"}, "1e3"},
    {"CreatePrivateOfSizeZero", {"create", "--size", "0"}, "--size", Scope::private_namespace},
    {"WriteCreateOfSizeZero", {"write", "@FREE", "--create", "--size", "0", "hello"}, "--size"},
    {"ListOfMalformedMinSize", {"list", "--min-size", "x"}, "--min-size"},
    // DURATION of --idle.
    {"ListOfMalformedIdle", {"list", "--idle", "x"}, "--idle: 'x' is not a duration"},
    {"ListOfNegativeIdle", {"list", "--idle", "-1"}, "--idle: '-1' is not a duration"},
    {"ListOfEmptyIdle", {"list", "--idle", ""}, "--idle"},
    {"ListOfIdleInWeeks", {"list", "--idle", "2w"}, "--idle: '2w' is not a duration"},
    {"ListOfIdleWithoutItsValue", {"list", "--idle"}, "--idle"},
    {"ListOfIdleBeyondAHundredYears",
     {"list", "--idle", "36526d"},
     "--idle: '36526d' is longer than 36525 days"},
    {"ListOfPosixIdleInUnits", {"list", "--type", "posix", "--idle", "5 m"}, "'5 m'"},
    {"RmAllOfMalformedIdle",
     {"rm", "--all", "--idle", "soon"},
     "--idle: 'soon' is not a duration",
     Scope::private_namespace},
    // MODE.
    {"CreateOfModeWithDigitEight", {"create", "@FREE", "--size", "1", "--mode", "8"}, "'8'"},
    {"CreateOfModeAbove0777", {"create", "@FREE", "--size", "1", "--mode", "1000"}, "1000"},
    {"CreateOfSymbolicMode", {"create", "@FREE", "--size", "1", "--mode", "rwx"}, "rwx"},
    {"CreateOfPythonOctalMode", {"create", "@FREE", "--size", "1", "--mode", "0o644"}, "0o644"},
    {"CreatePrivateOfBadMode",
     {"create", "--size", "1", "--mode", "8"},
     "--mode",
     Scope::private_namespace},
    {"WriteCreateOfBadMode", {"write", "@FREE", "--create", "--mode", "999", "hello"}, "999"},
    {"ChmodTo800", {"chmod", "800", "@SEG"}, "800"},
    {"ChmodTo8", {"chmod", "8", "@SEG"}, "'8'"},
    {"ChmodTo1000", {"chmod", "1000", "@SEG"}, "1000"},
    {"ChmodToSymbolicMode", {"chmod", "rwx", "@SEG"}, "rwx"},
    {"ChmodToPythonOctalMode", {"chmod", "0o644", "@SEG"}, "0o644"},
    {"ChmodToEmptyMode", {"chmod", "", "@SEG"}, "MODE"},
    {"ChmodToNegativeMode", {"chmod", "-1", "@SEG"}, "-1"},
    {"ChmodToAModeThatWouldWrapTo0640", {"chmod", "200640", "@SEG"}, "200640"},
    // Offsets and lengths.
    {"ReadAtNegativeOffset", {"read", "@SEG", "--offset", "-1"}, "--offset"},
    {"ReadAtWordOffset", {"read", "@SEG", "--offset", "abc"}, "abc"},
    {"ReadAtOverflowingOffset",
     {"read", "@SEG", "--offset", "99999999999999999999"},
     "99999999999999999999"},
    {"ReadAtOffsetPastTheEnd", {"read", "@SEG", "--offset", "4097"}, "--offset"},
    {"ReadOfNegativeLength", {"read", "@SEG", "--length", "-1"}, "--length"},
    {"ReadOfFractionalLength", {"read", "@SEG", "--length", "1.5"}, "1.5"},
    {"ReadOfLengthPastTheEnd",
     {"read", "@SEG", "--binary", "--offset", "4000", "--length", "200"},
     "--length"},
    {"ReadWithOffsetMissingItsValue", {"read", "@SEG", "-O"}, "--offset"},
    {"ReadWithOffsetGivenTwice", {"read", "@SEG", "--offset", "1", "--offset", "2"}, "--offset"},
    {"WriteAtNegativeOffset", {"write", "@SEG", "hello", "--offset", "-1"}, "--offset"},
    {"WriteAtOffsetPastTheEnd", {"write", "@SEG", "hello", "--offset", "4097"}, "--offset"},
    {"WriteAtFractionalOffset", {"write", "@SEG", "hello", "--offset", "1.5"}, "1.5"},
    {"WriteCreateAtOffsetPastTheSize",
     {"write", "@FREE", "--create", "--size", "1K", "--offset", "2K", "hi"},
     "--offset"},
    // Timeouts.
    {"WaitWithNegativeTimeout", {"read", "@KEY", "--wait", "--timeout", "-1"}, "--timeout"},
    {"WaitWithWordTimeout", {"read", "@KEY", "--wait", "--timeout", "abc"}, "abc"},
    {"WaitWithEmptyTimeout", {"read", "@KEY", "--wait", "--timeout", ""}, "--timeout"},
    {"WaitWithExponentTimeout", {"read", "@KEY", "--wait", "--timeout", "1e3"}, "1e3"},
    {"WaitWithTimeoutOverAYear",
     {"read", "@KEY", "--wait", "--timeout", "99999999999"},
     "--timeout"},
    {"TimeoutWithoutWait", {"read", "@KEY", "--timeout", "1"}, "--wait"},
    {"WaitOnAnId", {"read", "@SEG", "--wait"}, "--wait"},
    // Columns and sorting.
    {"ListOfUnknownColumn", {"list", "-o", "BOGUS"}, "BOGUS"},
    {"ListOfNoColumns", {"list", "-o", ""}, "-o"},
    {"ListOfEmptyColumnName", {"list", "-o", "KEY,,ID"}, "KEY,,ID"},
    {"ListOfUnknownAddedColumn", {"list", "-o", "+BOGUS"}, "BOGUS"},
    {"ListWithColumnsMissingTheirValue", {"list", "-o"}, "--output"},
    {"ListSortedByUnknownColumn", {"list", "--sort", "BOGUS"}, "BOGUS"},
    {"ListSortedByEmptyColumn", {"list", "--sort", ""}, "--sort"},
    {"ListSortedByTwoColumns", {"list", "--sort", "KEY,ID"}, "KEY,ID"},
    {"ListSortedWithoutColumn", {"list", "--sort"}, "--sort"},
    // Filters.
    {"ListOfUnknownOwner", {"list", "--owner", "no-such-user-shmtool"}, "no-such-user-shmtool"},
    {"ListOfUnknownCreator", {"list", "--creator", "no-such-user-shmtool"}, "no-such-user-shmtool"},
    {"ListOfEmptyOwner", {"list", "--owner", ""}, "--owner"},
    {"ListOfOwnerBeyondUidRange", {"list", "--owner", "4294967295"}, "4294967295"},
    {"ListOfMalformedKey", {"list", "--key", "0xZZ"}, "--key 0xZZ"},
    {"ListOfBareNumberKey", {"list", "--key", "12"}, "--key 12"},
    {"RmAllOfMalformedKey", {"rm", "--all", "--key", "0xZZ"}, "0xZZ", Scope::private_namespace},
    {"RmAllOfNegativeMinSize",
     {"rm", "--all", "--min-size", "-1"},
     "--min-size",
     Scope::private_namespace},
    {"RmAllOfUnknownOwner",
     {"rm", "--all", "--owner", "no-such-user-shmtool"},
     "no-such-user-shmtool",
     Scope::private_namespace},
    // Options that conflict or lack their partner.
    {"ReadAsBinaryAndHex", {"read", "@SEG", "--binary", "--hex"}, "--hex"},
    {"ReadAsHexAndJson", {"read", "@SEG", "--hex", "--json"}, "--hex"},
    {"ListOfZeroMinSize", {"list", "--min-size", "0"}, "--min-size"},
    {"ListOfKeyZero", {"list", "--key", "key:0"}, "--key key:0: key 0 is IPC_PRIVATE"},
    {"WriteWithSizeButNoCreate", {"write", "@SEG", "--size", "10", "hello"}, "--create"},
    {"WriteWithModeButNoCreate", {"write", "@SEG", "--mode", "600", "hello"}, "--create"},
    {"WriteOfDataAndFile", {"write", "@SEG", "hello", "--file", "@FILE"}, "--file"},
    {"WriteCreateOnAnId", {"write", "@SEG", "--create", "hello"}, "--create"},
    {"WriteOfTextWithANul", {"write", "@SEG"}, "--binary", Scope::anywhere, std::string("a\0b", 3)},
    {"WriteWithAnOptionOfRead", {"write", "@SEG", "--hex", "hello"}, "--hex"},
    {"RmOfASegmentAndAll", {"rm", "@SEG", "--all"}, "--all", Scope::private_namespace},
    {"RmWithFiltersButNoAll", {"rm", "--owner", "root", "@SEG"}, "--all"},
    {"RmWithMinSizeButNoAll", {"rm", "--min-size", "1", "@SEG"}, "--all"},
    {"RmWithIdleButNoAll", {"rm", "--idle", "1h", "@SEG"}, "--all"},
    {"RmWithCreatorGoneButNoAll", {"rm", "--creator-gone", "@SEG"}, "--all"},
    {"CreateOfBareNumberKey", {"create", "1234", "--size", "1"}, "key:1234"},
    {"CreateOfAnId", {"create", "id:5", "--size", "1"}, "id:5"},
    {"CreateOfKeyZero", {"create", "key:0", "--size", "1"}, "IPC_PRIVATE"},
    {"CreateOfTwoKeys", {"create", "@FREE", "key:2", "--size", "1"}, "key:2"},
    {"ChownToUnknownUser", {"chown", "no-such-user-shmtool", "@SEG"}, "no-such-user-shmtool"},
    {"ChownToUnknownGroup",
     {"chown", "root:no-such-group-shmtool", "@SEG"},
     "no-such-group-shmtool"},
    {"ChownToEmptyOwner", {"chown", "", "@SEG"}, "OWNER"},
    {"ChownToColonAlone", {"chown", ":", "@SEG"}, "OWNER[:GROUP]"},
    {"ChownToUidBeyondRange", {"chown", "4294967295", "@SEG"}, "4294967295"},
    {"ChownToGidBeyondRange", {"chown", ":99999999999", "@SEG"}, "99999999999"},
    {"StatOfTwoSegments", {"stat", "@SEG", "@SEG"}, "@SEG"},
    {"StatWithJsonGivenAValue", {"stat", "@SEG", "--json=maybe"}, "--json"},
    // Missing required arguments.
    {"NoCommand", {}, "--help"},
    {"CreateWithoutSize", {"create"}, "--size"},
    {"CreateWithSizeMissingItsValue", {"create", "@FREE", "--size"}, "--size"},
    {"WriteWithoutSegment", {"write"}, "SEGMENT"},
    {"ReadWithoutSegment", {"read"}, "SEGMENT"},
    {"StatWithoutSegment", {"stat"}, "SEGMENT"},
    {"ChownWithoutOwner", {"chown"}, "OWNER"},
    {"ChownWithoutSegment", {"chown", "root"}, "SEGMENT"},
    {"ChmodWithoutMode", {"chmod"}, "MODE"},
    {"ChmodWithoutSegment", {"chmod", "600"}, "SEGMENT"},
    {"RmWithoutSegment", {"rm"}, "SEGMENT"},
};

constexpr std::size_t kGuardSize = 4096;
constexpr int kGuardMode = 0640;

// The first subcommand in `args`, or "" if there is none.
std::string command_of(const std::vector<std::string>& args) {
  static const std::vector<std::string> kCommands = {"create", "write", "read",  "stat",
                                                     "list",   "rm",    "chown", "chmod"};
  for (const std::string& arg : args) {
    for (const std::string& command : kCommands) {
      if (arg == command) return command;
    }
  }
  return "";
}

class BadArguments : public testing::TestWithParam<BadInput> {
 protected:
  // One pair of keys for the whole process: unique_key() hands out a few dozen only, and the
  // guard is removed after each row, so its key is free again for the next.
  static std::uint32_t guard_key() {
    static const std::uint32_t key = unique_key();
    return key;
  }
  static std::uint32_t free_key() {
    static const std::uint32_t key = unique_key();
    return key;
  }

  void SetUp() override {
    private_namespace_ = in_private_ipc_namespace();
    if (GetParam().scope == Scope::private_namespace && !private_namespace_) {
      GTEST_SKIP() << "runs only in an IPC namespace of its own (ctest runs it under unshare)";
    }
    ASSERT_FALSE(key_in_use(free_key()));
    guard_.emplace(static_cast<key_t>(guard_key()), kGuardSize, kGuardMode);
    std::string pattern(kGuardSize, '\0');
    for (std::size_t i = 0; i < pattern.size(); ++i)
      pattern[i] = static_cast<char>('a' + i % 26);
    fill_segment(guard_->id(), pattern);
  }

  void TearDown() override {
    // A row that wrongly made a segment with the free key: remove it, the row has failed.
    const int made = shmget(static_cast<key_t>(free_key()), 0, 0);
    if (made >= 0) SegmentGuard::adopt(made);
  }

  std::optional<SegmentGuard> guard_;
  bool private_namespace_ = false;
};

TEST_P(BadArguments, AreRefusedWithOneUsageLineAndChangeNothing) {
  const BadInput& row = GetParam();
  const TempFile file("some data\n");
  const std::vector<std::string> args = substitute(row.args, {{"@SEG", guard_->id_arg()},
                                                              {"@KEY", key_arg(guard_key())},
                                                              {"@FREE", key_arg(free_key())},
                                                              {"@FILE", file.path()}});
  const std::string mentions = substitute({row.mentions}, {{"@SEG", guard_->id_arg()}}).front();
  const SegmentSnapshot before = snapshot_segment(guard_->id());
  const int segments_before = private_namespace_ ? count_segments() : 0;

  RunOptions options;
  options.input = row.input;
  options.timeout_seconds = 10;
  const RunResult result = run_shmtool(args, options);

  SCOPED_TRACE(joined(args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(count_lines(result.err), 1) << result.err;
  ASSERT_FALSE(result.err.empty());
  EXPECT_EQ(result.err.back(), '\n');
  const std::string command = command_of(args);
  const std::string prefix = command.empty() ? "shmtool: " : "shmtool: " + command + ": ";
  EXPECT_TRUE(result.err.starts_with(prefix)) << "expected '" << prefix << "': " << result.err;
  EXPECT_NE(result.err.find(mentions), std::string::npos)
      << "expected it to mention '" << mentions << "': " << result.err;

  EXPECT_EQ(snapshot_segment(guard_->id()), before) << "the guard segment changed";
  EXPECT_FALSE(key_in_use(free_key())) << "a segment with the unused key appeared";
  if (private_namespace_) {
    EXPECT_EQ(count_segments(), segments_before) << "segments appeared or went";
  }
}

INSTANTIATE_TEST_SUITE_P(bad_input, BadArguments, testing::ValuesIn(kRows));

}  // namespace
}  // namespace shmtool::test
