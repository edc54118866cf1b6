// POSIX shared memory objects (/NAME, posix:NAME) in every command: create, write, read, stat,
// list --type posix|all, rm, chown, chmod and lock, checked against what stat(2) and read(2)
// say of the file in /dev/shm. Each test runs with a fresh tmpfs of its own on /dev/shm (see
// posix_support.hpp) and refuses to run without one.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The names, in order, of the objects in a `list --json` document.
std::vector<std::string> names_in(const nlohmann::json& list) {
  std::vector<std::string> names;
  if (!list.is_object() || !list.contains("segments")) return names;
  for (const auto& object : list["segments"]) {
    if (object.value("type", "") == "posix") names.push_back(object["name"]);
  }
  return names;
}

std::vector<std::string> listed_names(std::vector<std::string> args) {
  args.insert(args.begin(), {"list", "--json"});
  const RunResult run = run_shmtool(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return names_in(parse_json(run));
}

// The whitespace-separated words of a line.
std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;)
    words.push_back(word);
  return words;
}

std::int64_t allocated_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_blocks) * 512;
}

// Runs shmtool with the umask `mask` (set by sh before it execs the binary).
RunResult run_with_umask(const std::string& mask, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"sh", "-c", "umask " + mask + " && exec \"$0\" \"$@\"",
                                shmtool_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

// ---------------------------------------------------------------------------------------------
// The private /dev/shm itself

TEST_F(PrivateShm, DevShmIsAFreshStickyTmpfsOfThisTestAlone) {
  EXPECT_EQ(lstat_of("/dev/shm").st_mode & 07777, 01777U) << "mounted as distributions do";
  EXPECT_EQ(shm_entries(), std::vector<std::string>{});
  const RunResult run = run_shmtool({"list", "--type", "all", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run), nlohmann::json::parse(R"({"segments": []})"));
}

// ---------------------------------------------------------------------------------------------
// create

class PosixCreate : public PrivateShm {};

TEST_F(PosixCreate, PrintsTheNameAndMakesTheFile) {
  ShmEntry made("made");
  const RunResult run = run_shmtool({"create", "/made", "--size", "4K"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "/made\n");
  EXPECT_EQ(run.err, "");
  const struct stat st = lstat_of(made.path());
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_size, 4096);
  EXPECT_EQ(st.st_mode & 07777, 0600U) << "default mode";
  EXPECT_EQ(st.st_uid, getuid());
  EXPECT_EQ(shm_entries(), std::vector<std::string>{"made"});
}

TEST_F(PosixCreate, EveryPosixFormNamesTheSameObject) {
  ShmEntry one("one");
  const RunResult plain = run_shmtool({"create", "posix:one", "--size", "10"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out, "/one\n");
  for (const std::string form : {"posix:/one", "/one"}) {
    const RunResult again = run_shmtool({"create", form, "--size", "10", "--json"});
    ASSERT_EQ(again.exit_code, 0) << form << ": " << again.err;
    const auto j = parse_json(again);
    EXPECT_EQ(j["created"], false) << form;
    EXPECT_EQ(j["name"], "/one") << form;
  }
  EXPECT_EQ(shm_entries(), std::vector<std::string>{"one"});
}

TEST_F(PosixCreate, JsonGivesThePosixObjectAndCreatedTrue) {
  ShmEntry made("json");
  const RunResult run = run_shmtool({"create", "/json", "--size", "1000", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  const struct stat st = lstat_of(made.path());
  EXPECT_EQ(j["type"], "posix");
  EXPECT_EQ(j["name"], "/json");
  EXPECT_EQ(j["path"], "/dev/shm/json");
  EXPECT_EQ(j["size"], 1000);
  EXPECT_EQ(j["allocated"], allocated_of(st));
  EXPECT_EQ(j["mode"], 0600);
  EXPECT_EQ(j["perms"], "rw-------");
  EXPECT_EQ(j["uid"], 0);
  EXPECT_EQ(j["user"], "root");
  EXPECT_EQ(j["gid"], 0);
  EXPECT_EQ(j["group"], "root");
  EXPECT_EQ(j["atime"], st.st_atim.tv_sec);
  EXPECT_EQ(j["mtime"], st.st_mtim.tv_sec);
  EXPECT_EQ(j["ctime"], st.st_ctim.tv_sec);
  ASSERT_TRUE(j.contains("nattch"));
  EXPECT_TRUE(j["nattch"].is_null() || j["nattch"].is_number_unsigned()) << j["nattch"];
  EXPECT_EQ(j["created"], true);
  EXPECT_FALSE(j.contains("id")) << "a POSIX object has no shmid";
  EXPECT_FALSE(j.contains("key")) << "a POSIX object has no key";
}

TEST_F(PosixCreate, AnExistingObjectIsReportedWhenTheSizeFits) {
  ShmEntry old = make_object("old", 8192, 0640, "keep me");
  const std::string before = file_bytes(old.path());
  const RunResult plain = run_shmtool({"create", "/old", "--size", "4K"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out, "/old\n");
  const RunResult json = run_shmtool({"create", "/old", "--size", "8K", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = parse_json(json);
  EXPECT_EQ(j["created"], false);
  EXPECT_EQ(j["size"], 8192) << "the existing object, not the size asked for";
  EXPECT_EQ(j["mode"], 0640) << "the existing object's mode, not the default";
  EXPECT_EQ(file_bytes(old.path()), before);
  EXPECT_EQ(lstat_of(old.path()).st_mode & 0777, 0640U);
}

TEST_F(PosixCreate, AnExistingSmallerObjectIsExit1NamingBothSizes) {
  ShmEntry old = make_object("small", 4096, 0600, "data");
  const RunResult run = run_shmtool({"create", "/small", "--size", "8K"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_EQ(run.err.rfind("shmtool: create: /small: ", 0), 0U) << run.err;
  EXPECT_NE(run.err.find("4096"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("8192"), std::string::npos) << run.err;
  EXPECT_EQ(lstat_of(old.path()).st_size, 4096) << "never grown";
}

TEST_F(PosixCreate, ExclusiveRefusesAnExistingObject) {
  ShmEntry old = make_object("taken", 64, 0600, "data");
  const RunResult run = run_shmtool({"create", "/taken", "--size", "16", "--exclusive"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("exists"), std::string::npos) << run.err;
  EXPECT_EQ(lstat_of(old.path()).st_size, 64);
  EXPECT_EQ(file_bytes(old.path()).substr(0, 4), "data");
}

TEST_F(PosixCreate, ModeIsExactlyTheModeAskedForWhateverTheUmask) {
  ShmEntry open_one("open"), fenced("fenced");
  const RunResult wide = run_with_umask("077", {"create", "/open", "--size", "1", "--mode", "666"});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_EQ(lstat_of(open_one.path()).st_mode & 07777, 0666U);
  const RunResult narrow = run_with_umask("0", {"create", "/fenced", "--size", "1"});
  ASSERT_EQ(narrow.exit_code, 0) << narrow.err;
  EXPECT_EQ(lstat_of(fenced.path()).st_mode & 07777, 0600U)
      << "never world-writable unless asked, even with umask 0";
}

TEST_F(PosixCreate, HugetlbAndNoreserveAreUsageErrorsAndCreateNothing) {
  ShmEntry guard("huge");
  for (const std::string flag : {"--hugetlb", "--noreserve"}) {
    const RunResult run = run_shmtool({"create", "/huge", "--size", "2M", flag});
    EXPECT_EQ(run.exit_code, 2) << flag;
    EXPECT_NE(run.err.find(flag), std::string::npos) << run.err;
    EXPECT_EQ(shm_entries(), std::vector<std::string>{}) << flag;
  }
}

TEST_F(PosixCreate, WithoutPopulateNothingIsAllocated) {
  ShmEntry lazy("lazy");
  const RunResult run = run_shmtool({"create", "/lazy", "--size", "64K", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(allocated_of(lstat_of(lazy.path())), 0) << "tmpfs allocates on first touch";
  EXPECT_EQ(parse_json(run)["allocated"], 0);
}

TEST_F(PosixCreate, PopulateAllocatesEveryPage) {
  ShmEntry eager("eager");
  const RunResult run = run_shmtool({"create", "/eager", "--size", "64K", "--populate"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "/eager\n");
  const struct stat st = lstat_of(eager.path());
  EXPECT_EQ(st.st_size, 65536);
  EXPECT_EQ(allocated_of(st), 65536);
  EXPECT_EQ(file_bytes(eager.path()), std::string(65536, '\0')) << "populating writes nothing";
}

TEST_F(PosixCreate, PopulateJsonReportsThePagesItAllocated) {
  // create --json prints the object as it is when create is done: after --populate, allocated
  // is its size (as stat --json then says), not the 0 of the moment before.
  ShmEntry eager("eager");
  const RunResult run = run_shmtool({"create", "/eager", "--size", "64K", "--populate", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(allocated_of(lstat_of(eager.path())), 65536);
  const auto stat = parse_json(run_shmtool({"stat", "--json", "/eager"}));
  EXPECT_EQ(stat["allocated"], 65536);
  EXPECT_EQ(parse_json(run)["allocated"], 65536)
      << "create --populate --json reports the allocation from before it populated";
}

TEST_F(PosixCreate, BadNamesAreUsageErrorsAndCreateNothing) {
  for (const std::string& name :
       std::vector<std::string>{"/a/b", "posix:", "/", "posix:/", "/.", "posix:..", "posix:../etc",
                                "/" + std::string(256, 'n')}) {
    const RunResult run = run_shmtool({"create", name, "--size", "16"});
    EXPECT_EQ(run.exit_code, 2) << name << ": " << run.err;
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_NE(run.err.find("NAME is 1 to 255 bytes"), std::string::npos) << run.err;
  }
  EXPECT_EQ(shm_entries(), std::vector<std::string>{});
  ShmEntry longest(std::string(255, 'n'));
  const RunResult run = run_shmtool({"create", longest.arg(), "--size", "16"});
  EXPECT_EQ(run.exit_code, 0) << "255 bytes is a NAME: " << run.err;
  EXPECT_TRUE(path_exists(longest.path()));
}

// ---------------------------------------------------------------------------------------------
// write

// Object /w of 16 bytes, filled with a pattern.
class PosixWrite : public PrivateShm {
 protected:
  std::optional<ShmEntry> object_;
  std::string pattern_;
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    object_.emplace(make_object("w", 16));
    pattern_ = fill_file_with_pattern(object_->path());
  }
  std::string bytes() const { return file_bytes(object_->path()); }
  // `pattern_` with `data` put in at `offset`.
  std::string pattern_with(const std::string& data, std::size_t offset = 0) const {
    std::string expected = pattern_;
    expected.replace(offset, data.size(), data);
    return expected;
  }
};

TEST_F(PosixWrite, TextAddsANul) {
  const RunResult run = run_shmtool({"write", "/w", "hello"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(bytes(), pattern_with(std::string("hello\0", 6)));
}

TEST_F(PosixWrite, BinaryWritesTheBytesExactly) {
  const RunResult run = run_shmtool({"write", "/w", "--binary", "hello"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(bytes(), pattern_with("hello"));
}

TEST_F(PosixWrite, OffsetWritesThere) {
  const RunResult run = run_shmtool({"write", "posix:w", "--offset", "4", "abc"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(bytes(), pattern_with(std::string("abc\0", 4), 4));
}

TEST_F(PosixWrite, LengthTakesExactlyThatManyBytes) {
  const RunResult run = run_shmtool({"write", "/w", "abcdef", "--length", "3", "--offset", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(bytes(), pattern_with("abc", 2)) << "no NUL: --length copies bytes exactly";
}

TEST_F(PosixWrite, FileDataDropsOneTrailingNewline) {
  const TempFile file("from file\n");
  const RunResult run = run_shmtool({"write", "/w", "--file", file.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(bytes(), pattern_with(std::string("from file\0", 10)));
}

TEST_F(PosixWrite, StandardInputWhenDataIsAbsentOrDash) {
  const RunResult absent = run_shmtool({"write", "/w"}, with_input("stdin\n"));
  ASSERT_EQ(absent.exit_code, 0) << absent.err;
  EXPECT_EQ(bytes(), pattern_with(std::string("stdin\0", 6)));
  const RunResult dash = run_shmtool({"write", "/w", "-", "--binary"}, with_input("dash\n"));
  ASSERT_EQ(dash.exit_code, 0) << dash.err;
  EXPECT_EQ(bytes(), pattern_with(std::string("dash\n\0", 6))) << "--binary keeps the newline";
}

TEST_F(PosixWrite, JsonSaysWhereTheDataWent) {
  const RunResult run = run_shmtool({"write", "/w", "hi", "--offset", "3", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run),
            nlohmann::json::parse(R"({"name":"/w","offset":3,"length":3,"created":false})"));
}

TEST_F(PosixWrite, ExactFitIsWritten) {
  const RunResult text = run_shmtool({"write", "/w", std::string(15, 'T')});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(bytes(), std::string(15, 'T') + std::string(1, '\0'));
  const RunResult binary = run_shmtool({"write", "/w", "--binary", std::string(16, 'B')});
  ASSERT_EQ(binary.exit_code, 0) << binary.err;
  EXPECT_EQ(bytes(), std::string(16, 'B'));
}

TEST_F(PosixWrite, OverflowIsExit1AndLeavesTheObjectUnchangedByteForByte) {
  const TempFile big_file(std::string(40, 'F'));
  const struct stat before = lstat_of(object_->path());
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"write", "/w", std::string(16, 'x')}, ""},  // 16 + its NUL
      {{"write", "/w", "--binary", std::string(17, 'x')}, ""},
      {{"write", "/w", "--offset", "10", "abcdef"}, ""},
      {{"write", "/w", "--offset", "16", "a"}, ""},
      {{"write", "/w", "--file", big_file.path()}, ""},
      {{"write", "/w", "--file", big_file.path(), "--length", "17"}, ""},
      {{"write", "/w"}, std::string(100, 'i') + "\n"},
      {{"write", "/w", "--binary", "--offset", "8"}, std::string(9, 'i')},
  };
  for (const auto& [args, input] : cases) {
    const std::string what = args.back() + (input.empty() ? "" : " <stdin>");
    const RunResult run = run_shmtool(args, with_input(input));
    EXPECT_EQ(run.exit_code, 1) << what << ": " << run.err;
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_NE(run.err.find("does not fit"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("16"), std::string::npos) << "names the object's size: " << run.err;
    EXPECT_EQ(bytes(), pattern_) << what;
  }
  const struct stat after = lstat_of(object_->path());
  EXPECT_EQ(after.st_size, 16);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec) << "not even written in place";
}

TEST_F(PosixWrite, CreateOnAnExistingObjectWritesIntoIt) {
  const RunResult run = run_shmtool({"write", "--create", "/w", "hi", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run)["created"], false);
  EXPECT_EQ(bytes(), pattern_with(std::string("hi\0", 3)));
  EXPECT_EQ(lstat_of(object_->path()).st_size, 16);
}

TEST_F(PosixWrite, CreateWithALargerSizeThanTheExistingObjectIsExit1) {
  const RunResult run = run_shmtool({"write", "--create", "--size", "1K", "/w", "hi"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("16"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("1024"), std::string::npos) << run.err;
  EXPECT_EQ(bytes(), pattern_);
}

TEST_F(PosixWrite, MissingObjectIsExit3AndNothingIsCreated) {
  ShmEntry guard("nope");
  const RunResult run = run_shmtool({"write", "/nope", "x"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("/nope"), std::string::npos) << run.err;
  EXPECT_FALSE(path_exists(guard.path()));
}

class PosixWriteCreate : public PrivateShm {};

TEST_F(PosixWriteCreate, WithoutSizeTheDataSizesTheObject) {
  ShmEntry fresh("fresh");
  const RunResult run = run_shmtool({"write", "--create", "/fresh", "hello", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run)["created"], true);
  const struct stat st = lstat_of(fresh.path());
  EXPECT_EQ(st.st_size, 6) << "hello and its NUL";
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_EQ(file_bytes(fresh.path()), std::string("hello\0", 6));
}

TEST_F(PosixWriteCreate, WithSizeAndMode) {
  ShmEntry fresh("sized");
  const RunResult run =
      run_shmtool({"write", "--create", "--size", "1K", "--mode", "640", "/sized", "hello"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const struct stat st = lstat_of(fresh.path());
  EXPECT_EQ(st.st_size, 1024);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_EQ(file_bytes(fresh.path()), std::string("hello") + std::string(1019, '\0'));
}

TEST_F(PosixWriteCreate, DataLargerThanSizeCreatesNothing) {
  ShmEntry fresh("tiny");
  const RunResult run = run_shmtool({"write", "--create", "--size", "4", "/tiny", "hello"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("does not fit"), std::string::npos) << run.err;
  EXPECT_FALSE(path_exists(fresh.path()));
}

// ---------------------------------------------------------------------------------------------
// read

// Object /r of 16 bytes: "hi", NUL, "xyz", NULs.
class PosixRead : public PrivateShm {
 protected:
  std::optional<ShmEntry> object_;
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    object_.emplace(make_object("r", 16, 0600, std::string("hi\0xyz\0", 7)));
  }
};

TEST_F(PosixRead, TextStopsAtTheFirstNul) {
  const RunResult run = run_shmtool({"read", "/r"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hi\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(PosixRead, TextWithoutANulReadsToTheEnd) {
  ShmEntry full = make_object("full", 4, 0600, "abcd");
  const RunResult run = run_shmtool({"read", "posix:full"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "abcd\n");
}

TEST_F(PosixRead, BinaryGivesEveryByte) {
  const RunResult run = run_shmtool({"read", "/r", "--binary"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, file_bytes(object_->path()));
  EXPECT_EQ(run.out.size(), 16U);
}

TEST_F(PosixRead, OffsetAndLength) {
  const RunResult text = run_shmtool({"read", "/r", "--offset", "3"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "xyz\n");
  const RunResult binary =
      run_shmtool({"read", "/r", "--binary", "--offset", "1", "--length", "4"});
  ASSERT_EQ(binary.exit_code, 0) << binary.err;
  EXPECT_EQ(binary.out, std::string("i\0xy", 4));
  const RunResult past = run_shmtool({"read", "/r", "--offset", "17"});
  EXPECT_EQ(past.exit_code, 2) << past.err;
}

TEST_F(PosixRead, HexDumpsWithOffsets) {
  const RunResult run = run_shmtool({"read", "/r", "--hex"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = lines_of(run.out);
  ASSERT_EQ(lines.size(), 2U) << run.out;
  EXPECT_EQ(lines[0],
            "00000000  68 69 00 78 79 7a 00 00  00 00 00 00 00 00 00 00  |hi.xyz..........|");
  EXPECT_EQ(lines[1], "00000010");
  const RunResult part = run_shmtool({"read", "/r", "--hex", "--offset", "3", "--length", "3"});
  ASSERT_EQ(part.exit_code, 0) << part.err;
  EXPECT_EQ(part.out.rfind("00000003  78 79 7a", 0), 0U) << part.out;
  EXPECT_NE(part.out.find("|xyz|"), std::string::npos) << part.out;
}

TEST_F(PosixRead, JsonDocument) {
  const RunResult text = run_shmtool({"read", "/r", "--json"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(parse_json(text), nlohmann::json::parse(R"({"name": "/r", "offset": 0, "length": 2,
                                                         "encoding": "utf-8", "data": "hi"})"));
  put_file_bytes(object_->path(), "\xff\xfe");
  const RunResult binary =
      run_shmtool({"read", "/r", "--json", "--binary", "--offset", "0", "--length", "4"});
  ASSERT_EQ(binary.exit_code, 0) << binary.err;
  EXPECT_EQ(parse_json(binary), nlohmann::json::parse(R"({"name": "/r", "offset": 0, "length": 4,
                                                           "encoding": "base64",
                                                           "data": "//4AeA=="})"));
}

TEST_F(PosixRead, RmUnlinksAfterReading) {
  const RunResult run = run_shmtool({"read", "/r", "--rm"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hi\n");
  EXPECT_FALSE(path_exists(object_->path()));
}

TEST_F(PosixRead, RmAfterAFailedReadLeavesTheObject) {
  const RunResult past_end = run_shmtool({"read", "/r", "--offset", "1M", "--rm"});
  EXPECT_EQ(past_end.exit_code, 2) << past_end.err;
  const RunResult full = run_shmtool({"read", "/r", "--rm"}, [] {
    RunOptions options;
    options.stdout_path = "/dev/full";
    return options;
  }());
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_TRUE(path_exists(object_->path())) << "removed only after a complete read";
  EXPECT_EQ(file_bytes(object_->path()).substr(0, 2), "hi");
}

TEST_F(PosixRead, WaitForANameCreatedLaterByABackgroundProcess) {
  ShmEntry late("late"), staging("late.tmp");
  // The writer fills the object under another name and renames it: the reader sees all of it
  // the moment the name appears.
  Background writer({"sh", "-c",
                     "sleep 0.5 && \"$0\" write --create posix:late.tmp appeared && "
                     "mv /dev/shm/late.tmp /dev/shm/late",
                     shmtool_binary()});
  const auto start = Clock::now();
  const RunResult run = run_shmtool({"read", "/late", "--wait", "--timeout", "20"});
  const auto waited = Clock::now() - start;
  EXPECT_EQ(writer.wait(), 0);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "appeared\n");
  EXPECT_GE(waited, 400ms) << "it waited for the name";
}

TEST_F(PosixRead, WaitTimeoutIsExit3) {
  const auto start = Clock::now();
  const RunResult run = run_shmtool({"read", "/never", "--wait", "--timeout", "300ms"});
  const auto waited = Clock::now() - start;
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("/never"), std::string::npos) << run.err;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 10s);
}

TEST_F(PosixRead, MissingObjectIsExit3) {
  const RunResult run = run_shmtool({"read", "/missing"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "shmtool: read: /missing: no such object (there is no file of this name in "
            "/dev/shm)\n");
}

// ---------------------------------------------------------------------------------------------
// stat and list against stat(2)

// An object whose every field differs from the defaults and from each other: 1 MiB with two
// pages written (allocated 8K), mode 0640, owner nobody, group daemon (1), atime and mtime set
// far apart in the past.
class PosixStatAndList : public PrivateShm {
 protected:
  std::optional<ShmEntry> object_;
  struct stat st_ {};
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    object_.emplace(make_object("obj", 1 << 20, 0640));
    put_file_bytes(object_->path(), "first page");
    put_file_bytes(object_->path(), "a later page", 512 * 1024);
    ASSERT_EQ(chown(object_->path().c_str(), 65534, 1), 0);
    const struct timespec times[2] = {{1100000000, 0}, {1000000000, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, object_->path().c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
    st_ = lstat_of(object_->path());
    ASSERT_EQ(allocated_of(st_), 8192) << "tmpfs allocated the two pages written";
  }
  void expect_object_json(const nlohmann::json& j) const {
    EXPECT_EQ(j["type"], "posix");
    EXPECT_EQ(j["name"], "/obj");
    EXPECT_EQ(j["path"], "/dev/shm/obj");
    EXPECT_EQ(j["size"], st_.st_size);
    EXPECT_EQ(j["allocated"], allocated_of(st_));
    EXPECT_EQ(j["mode"], st_.st_mode & 0777);
    EXPECT_EQ(j["perms"], "rw-r-----");
    EXPECT_EQ(j["uid"], st_.st_uid);
    EXPECT_EQ(j["user"], "nobody");
    EXPECT_EQ(j["gid"], st_.st_gid);
    EXPECT_EQ(j["group"], "daemon");
    EXPECT_EQ(j["atime"], st_.st_atim.tv_sec);
    EXPECT_EQ(j["mtime"], st_.st_mtim.tv_sec);
    EXPECT_EQ(j["ctime"], st_.st_ctim.tv_sec);
  }
};

TEST_F(PosixStatAndList, StatJsonIsWhatStat2Says) {
  const RunResult run = run_shmtool({"stat", "--json", "/obj"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_object_json(parse_json(run));
}

TEST_F(PosixStatAndList, StatTextIsWhatStat2Says) {
  const RunResult run = run_shmtool({"stat", "/obj"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto fields = stat_fields(run.out);
  EXPECT_EQ(fields.at("name"), "/obj");
  EXPECT_EQ(fields.at("path"), "/dev/shm/obj");
  EXPECT_EQ(fields.at("size"), "1048576 (1M)");
  EXPECT_EQ(fields.at("allocated"), "8192 (8K)");
  EXPECT_EQ(fields.at("perms"), "rw-r----- (0640)");
  EXPECT_EQ(fields.at("owner"), "nobody (uid 65534)");
  EXPECT_EQ(fields.at("group"), "daemon (gid 1)");
  EXPECT_NE(fields.at("atime").find("(1100000000)"), std::string::npos) << fields.at("atime");
  EXPECT_NE(fields.at("mtime").find("(1000000000)"), std::string::npos) << fields.at("mtime");
  EXPECT_NE(fields.at("ctime").find("(" + std::to_string(st_.st_ctim.tv_sec) + ")"),
            std::string::npos)
      << fields.at("ctime");
}

TEST_F(PosixStatAndList, ListJsonIsWhatStat2Says) {
  for (const std::string type : {"posix", "all"}) {
    const RunResult run = run_shmtool({"list", "--json", "--type", type});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto j = parse_json(run);
    ASSERT_EQ(j["segments"].size(), 1U) << j;
    expect_object_json(j["segments"][0]);
  }
}

TEST_F(PosixStatAndList, ListRawIsWhatStat2Says) {
  const RunResult run = run_shmtool(
      {"list", "--type", "posix", "--raw", "-o", "NAME,SIZE,ALLOCATED,PERMS,OWNER,GROUP,MTIME"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "NAME SIZE ALLOCATED PERMS OWNER GROUP MTIME\n/obj 1048576 8192 rw-r----- "
            "nobody daemon " +
                raw_time(1000000000) + "\n");
}

TEST_F(PosixStatAndList, StatOfAMissingObjectIsExit3) {
  const RunResult run = run_shmtool({"stat", "/missing"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("/missing"), std::string::npos);
}

TEST_F(PosixStatAndList, AnOwnerWithoutANameIsNullInJsonAndANumberInText) {
  ASSERT_EQ(chown(object_->path().c_str(), 12345, 12346), 0);
  const auto j = parse_json(run_shmtool({"stat", "--json", "/obj"}));
  EXPECT_EQ(j["uid"], 12345);
  EXPECT_TRUE(j["user"].is_null()) << j["user"];
  EXPECT_EQ(j["gid"], 12346);
  EXPECT_TRUE(j["group"].is_null()) << j["group"];
  const RunResult raw =
      run_shmtool({"list", "--type", "posix", "--raw", "--noheadings", "-o", "NAME,OWNER,GROUP"});
  EXPECT_EQ(raw.out, "/obj 12345 12346\n");
}

// ---------------------------------------------------------------------------------------------
// list

class PosixList : public PrivateShm {};

TEST_F(PosixList, TypePosixListsOnlyObjectsSortedByName) {
  ShmEntry b = make_object("b", 2048), c = make_object("c", 3072), a = make_object("a", 1024);
  SegmentGuard segment(IPC_PRIVATE, 100);
  EXPECT_EQ(listed_names({"--type", "posix"}), (std::vector<std::string>{"/a", "/b", "/c"}));
  const RunResult run = run_shmtool({"list", "--json", "--type", "posix"});
  const auto j = parse_json(run);
  for (const auto& object : j["segments"])
    EXPECT_EQ(object["type"], "posix") << object;
}

TEST_F(PosixList, DefaultTypeIsSysvAndShowsNoObject) {
  ShmEntry a = make_object("a", 1024);
  SegmentGuard segment(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"list", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  ASSERT_EQ(j["segments"].size(), 1U) << j;
  EXPECT_EQ(j["segments"][0]["id"], segment.id());
  EXPECT_EQ(j["segments"][0]["type"], "sysv");
}

TEST_F(PosixList, TableHasThePosixDefaultColumns) {
  ShmEntry a = make_object("a", 1024), b = make_object("b", 3 << 20, 0644);
  const RunResult run = run_shmtool({"list", "--type", "posix"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = lines_of(run.out);
  ASSERT_EQ(lines.size(), 3U) << run.out;
  EXPECT_EQ(words_of(lines[0]), (std::vector<std::string>{"NAME", "OWNER", "GROUP", "PERMS", "SIZE",
                                                          "ALLOCATED", "MTIME"}));
  const auto row_a = words_of(lines[1]);
  const auto row_b = words_of(lines[2]);
  ASSERT_EQ(row_a.size(), 8U) << lines[1] << " (MTIME is a date and a time)";
  ASSERT_EQ(row_b.size(), 8U) << lines[2];
  EXPECT_EQ(std::vector<std::string>(row_a.begin(), row_a.begin() + 6),
            (std::vector<std::string>{"/a", "root", "root", "rw-------", "1K", "0B"}));
  EXPECT_EQ(std::vector<std::string>(row_b.begin(), row_b.begin() + 6),
            (std::vector<std::string>{"/b", "root", "root", "rw-r--r--", "3M", "0B"}));
  const RunResult bare = run_shmtool({"list", "--type", "posix", "--noheadings"});
  EXPECT_EQ(count_lines(bare.out), 2) << bare.out;
}

TEST_F(PosixList, RawIsOneLineAnObjectWithSizesInBytes) {
  ShmEntry a = make_object("a", 1024), b = make_object("b", 3 << 20, 0644, "x");
  const RunResult run = run_shmtool({"list", "--type", "posix", "--raw", "--noheadings"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string mtime_a = raw_time(lstat_of(a.path()).st_mtim.tv_sec);
  const std::string mtime_b = raw_time(lstat_of(b.path()).st_mtim.tv_sec);
  EXPECT_EQ(run.out, "/a root root rw------- 1024 0 " + mtime_a + "\n/b root root rw-r--r-- " +
                         std::to_string(3 << 20) + " 4096 " + mtime_b + "\n");
}

TEST_F(PosixList, TypeAllHasBothKindsEachInItsOwnForm) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100);
  ShmEntry object = make_object("obj", 2048);
  const RunResult json = run_shmtool({"list", "--json", "--type", "all"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = parse_json(json);
  ASSERT_EQ(j["segments"].size(), 2U) << j;
  const auto& sysv = j["segments"][0];
  const auto& posix = j["segments"][1];
  EXPECT_EQ(sysv["type"], "sysv");
  EXPECT_EQ(sysv["id"], segment.id());
  EXPECT_EQ(sysv["key"], key);
  EXPECT_EQ(sysv["key_hex"], hex_key(key));
  EXPECT_EQ(sysv["size"], 100);
  EXPECT_FALSE(sysv.contains("name"));
  EXPECT_EQ(posix["type"], "posix");
  EXPECT_EQ(posix["name"], "/obj");
  EXPECT_EQ(posix["path"], "/dev/shm/obj");
  EXPECT_EQ(posix["size"], 2048);
  EXPECT_FALSE(posix.contains("id"));
  EXPECT_FALSE(posix.contains("key"));

  const RunResult table = run_shmtool({"list", "--type", "all"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const auto lines = lines_of(table.out);
  ASSERT_EQ(lines.size(), 3U) << table.out;
  const auto heading = words_of(lines[0]);
  ASSERT_GE(heading.size(), 3U);
  EXPECT_EQ(heading[0], "TYPE");
  EXPECT_EQ(heading[1], "NAME");
  EXPECT_EQ(words_of(lines[1])[0], "sysv");
  EXPECT_EQ(words_of(lines[1])[1], hex_key(key));
  EXPECT_EQ(words_of(lines[2])[0], "posix");
  EXPECT_EQ(words_of(lines[2])[1], "/obj");

  const RunResult raw =
      run_shmtool({"list", "--type", "all", "--raw", "--noheadings", "-o", "TYPE,NAME,ID,SIZE"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(raw.out, "sysv " + hex_key(key) + " " + segment.id_arg() + " 100\nposix /obj - 2048\n");
}

TEST_F(PosixList, SortAndReverse) {
  ShmEntry a = make_object("a", 3000), b = make_object("b", 1000), c = make_object("c", 2000);
  const RunResult by_size = run_shmtool(
      {"list", "--type", "posix", "--raw", "--noheadings", "-o", "NAME", "--sort", "SIZE"});
  ASSERT_EQ(by_size.exit_code, 0) << by_size.err;
  EXPECT_EQ(by_size.out, "/b\n/c\n/a\n");
  const RunResult reversed = run_shmtool({"list", "--type", "posix", "--raw", "--noheadings", "-o",
                                          "NAME", "--sort", "SIZE", "--reverse"});
  EXPECT_EQ(reversed.out, "/a\n/c\n/b\n");
  const RunResult by_name_reversed =
      run_shmtool({"list", "--type", "posix", "--raw", "--noheadings", "-o", "NAME", "--reverse"});
  EXPECT_EQ(by_name_reversed.out, "/c\n/b\n/a\n");
  EXPECT_EQ(listed_names({"--type", "posix", "--sort", "SIZE"}),
            (std::vector<std::string>{"/b", "/c", "/a"}))
      << "--json in the table's order";
}

TEST_F(PosixList, OwnerAndMinSizeFilters) {
  ShmEntry small = make_object("small", 1024), big = make_object("big", 8192),
           theirs = make_object("theirs", 8192);
  ASSERT_EQ(chown(theirs.path().c_str(), 65534, 65534), 0);
  EXPECT_EQ(listed_names({"--type", "posix", "--owner", "nobody"}),
            std::vector<std::string>{"/theirs"});
  EXPECT_EQ(listed_names({"--type", "posix", "--owner", "65534"}),
            std::vector<std::string>{"/theirs"});
  EXPECT_EQ(listed_names({"--type", "posix", "--owner", "root"}),
            (std::vector<std::string>{"/big", "/small"}));
  EXPECT_EQ(listed_names({"--type", "posix", "--min-size", "4K"}),
            (std::vector<std::string>{"/big", "/theirs"}));
  EXPECT_EQ(listed_names({"--type", "posix", "--min-size", "8193"}), std::vector<std::string>{});
  EXPECT_EQ(listed_names({"--type", "all", "--owner", "root", "--min-size", "4K"}),
            std::vector<std::string>{"/big"});
}

// ---------------------------------------------------------------------------------------------
// rm

class PosixRm : public PrivateShm {};

TEST_F(PosixRm, RemovesOneAndSaysSo) {
  ShmEntry x = make_object("x", 64);
  const RunResult run = run_shmtool({"rm", "/x"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /x\n");
  EXPECT_EQ(run.err, "");
  EXPECT_FALSE(path_exists(x.path()));
}

TEST_F(PosixRm, RemovesSeveral) {
  ShmEntry a = make_object("a", 64), b = make_object("b", 64), c = make_object("c", 64);
  const RunResult run = run_shmtool({"rm", "/a", "posix:b", "posix:/c"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /a\nremoved /b\nremoved /c\n");
  EXPECT_EQ(shm_entries(), std::vector<std::string>{});
}

TEST_F(PosixRm, AMissingObjectIsExit3) {
  const RunResult run = run_shmtool({"rm", "/nope"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "shmtool: rm: /nope: no such object (there is no file of this name in /dev/shm)\n");
}

TEST_F(PosixRm, AMissingOneAmongOthersIsExit1AndTheOthersGo) {
  ShmEntry a = make_object("a", 64), b = make_object("b", 64);
  const RunResult run = run_shmtool({"rm", "/a", "/nope", "/b"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "removed /a\nremoved /b\n");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("/nope"), std::string::npos) << run.err;
  EXPECT_EQ(shm_entries(), std::vector<std::string>{});
}

TEST_F(PosixRm, AllTypePosixRemovesEveryObjectAndNoSegment) {
  ShmEntry a = make_object("a", 64), b = make_object("b", 64);
  SegmentGuard segment(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"rm", "--all", "--type", "posix"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /a\nremoved /b\n");
  EXPECT_EQ(shm_entries(), std::vector<std::string>{});
  EXPECT_TRUE(segment_exists(segment.id()));
}

TEST_F(PosixRm, AllTypeAllRemovesBothKinds) {
  ShmEntry a = make_object("a", 64);
  SegmentGuard segment(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"rm", "--all", "--type", "all"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count_lines(run.out), 2) << run.out;
  EXPECT_NE(run.out.find("removed /a\n"), std::string::npos) << run.out;
  EXPECT_EQ(shm_entries(), std::vector<std::string>{});
  EXPECT_FALSE(segment_exists(segment.id()));
}

TEST_F(PosixRm, DryRunRemovesNothing) {
  ShmEntry a = make_object("a", 64), b = make_object("b", 64);
  const RunResult all = run_shmtool({"rm", "--all", "--type", "posix", "--dry-run"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, "would remove /a\nwould remove /b\n");
  const RunResult named = run_shmtool({"rm", "--dry-run", "/a"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(named.out, "would remove /a\n");
  EXPECT_EQ(shm_entries(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(PosixRm, JsonListsWhatWentAndWhatFailed) {
  ShmEntry a = make_object("a", 64);
  const RunResult run = run_shmtool({"rm", "--json", "/a", "/nope"});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = parse_json(run);
  ASSERT_EQ(j["removed"].size(), 1U) << j;
  EXPECT_EQ(j["removed"][0]["type"], "posix");
  EXPECT_EQ(j["removed"][0]["name"], "/a");
  EXPECT_EQ(j["removed"][0]["size"], 64);
  ASSERT_EQ(j["failed"].size(), 1U) << j;
  EXPECT_EQ(j["failed"][0]["segment"], "/nope");
  EXPECT_NE(j["failed"][0]["error"].get<std::string>().find("no such object"), std::string::npos);
  EXPECT_FALSE(path_exists(a.path()));
}

// ---------------------------------------------------------------------------------------------
// chown and chmod

// Object /x of 64 bytes, mode 0600, root's.
class PosixChownChmod : public PrivateShm {
 protected:
  std::optional<ShmEntry> object_;
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    object_.emplace(make_object("x", 64, 0600, "data"));
  }
};

TEST_F(PosixChownChmod, ChownGivesTheObjectAway) {
  const RunResult run = run_shmtool({"chown", "nobody", "/x"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  const struct stat st = lstat_of(object_->path());
  EXPECT_EQ(st.st_uid, 65534U);
  EXPECT_EQ(st.st_gid, 0U) << "the group stays";
}

TEST_F(PosixChownChmod, ChownOfTheGroupAloneLeavesTheOwner) {
  const RunResult run = run_shmtool({"chown", ":daemon", "/x"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const struct stat st = lstat_of(object_->path());
  EXPECT_EQ(st.st_uid, 0U);
  EXPECT_EQ(st.st_gid, 1U);
}

TEST_F(PosixChownChmod, ChownTakesNumbersAndJson) {
  const RunResult run = run_shmtool({"chown", "--json", "65534:65534", "posix:x"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const struct stat st = lstat_of(object_->path());
  EXPECT_EQ(st.st_uid, 65534U);
  EXPECT_EQ(st.st_gid, 65534U);
  const auto j = parse_json(run);
  ASSERT_EQ(j["changed"].size(), 1U) << j;
  EXPECT_EQ(j["changed"][0]["name"], "/x");
  EXPECT_EQ(j["changed"][0]["uid"], 65534);
  EXPECT_EQ(j["changed"][0]["gid"], 65534);
  EXPECT_EQ(j["failed"], nlohmann::json::array());
}

TEST_F(PosixChownChmod, ChmodSetsThePermissionBits) {
  const RunResult run = run_shmtool({"chmod", "640", "/x"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(lstat_of(object_->path()).st_mode & 07777, 0640U);
  const RunResult json = run_shmtool({"chmod", "--json", "0604", "/x"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(lstat_of(object_->path()).st_mode & 07777, 0604U);
  const auto j = parse_json(json);
  ASSERT_EQ(j["changed"].size(), 1U) << j;
  EXPECT_EQ(j["changed"][0]["mode"], 0604);
  EXPECT_EQ(j["changed"][0]["perms"], "rw----r--");
  EXPECT_EQ(file_bytes(object_->path()).substr(0, 4), "data");
}

TEST_F(PosixChownChmod, ChmodBeyond0777IsAUsageError) {
  for (const std::string mode : {"1777", "4755", "8", "rwx"}) {
    const RunResult run = run_shmtool({"chmod", mode, "/x"});
    EXPECT_EQ(run.exit_code, 2) << mode << ": " << run.err;
  }
  EXPECT_EQ(lstat_of(object_->path()).st_mode & 07777, 0600U);
}

TEST_F(PosixChownChmod, SeveralWithAMissingOneChangeTheOthersAndExit1) {
  ShmEntry other = make_object("y", 64);
  const RunResult chmod = run_shmtool({"chmod", "644", "/x", "/nope", "/y"});
  EXPECT_EQ(chmod.exit_code, 1);
  EXPECT_NE(chmod.err.find("/nope"), std::string::npos) << chmod.err;
  EXPECT_EQ(lstat_of(object_->path()).st_mode & 07777, 0644U);
  EXPECT_EQ(lstat_of(other.path()).st_mode & 07777, 0644U);
  const RunResult chown = run_shmtool({"chown", "nobody", "/nope"});
  EXPECT_EQ(chown.exit_code, 3) << "the one object named does not exist";
}

// ---------------------------------------------------------------------------------------------
// lock

// Object /x of 32 bytes holding "before".
class PosixLock : public PrivateShm {
 protected:
  std::optional<ShmEntry> object_;
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    object_.emplace(make_object("x", 32, 0600, "before"));
  }
};

TEST_F(PosixLock, RunsTheCommandAndExitsWithItsStatus) {
  const RunResult run = run_shmtool({"lock", "/x", "--", "sh", "-c", "echo ran; exit 7"});
  EXPECT_EQ(run.exit_code, 7) << run.err;
  EXPECT_EQ(run.out, "ran\n");
  EXPECT_FALSE(flock_is_held(object_->path())) << "released when the command is done";
}

TEST_F(PosixLock, ASecondLockTimesOutWhileTheFirstHoldsIt) {
  Background holder({shmtool_binary(), "lock", "/x", "--", "sleep", "30"});
  ASSERT_TRUE(wait_until([&] { return flock_is_held(object_->path()); }));
  const auto start = Clock::now();
  const RunResult second =
      run_shmtool({"lock", "/x", "--timeout", "200ms", "--", "echo", "must not run"});
  const auto waited = Clock::now() - start;
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_EQ(second.out, "");
  EXPECT_NE(second.err.find("held by another process"), std::string::npos) << second.err;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 10s);
  // write --lock and read --lock wait for the same lock.
  const RunResult write = run_shmtool({"write", "/x", "--lock", "--timeout", "200ms", "changed"});
  EXPECT_EQ(write.exit_code, 1) << write.err;
  EXPECT_EQ(file_bytes(object_->path()).substr(0, 7), std::string("before\0", 7));
  const RunResult read = run_shmtool({"read", "/x", "--lock", "--timeout", "200ms"});
  EXPECT_EQ(read.exit_code, 1) << read.err;
  EXPECT_EQ(read.out, "");
  // SIGTERM is passed on to the command; lock exits with its status, and the lock is free.
  holder.signal(SIGTERM);
  EXPECT_EQ(holder.wait(), 128 + SIGTERM);
  const RunResult after = run_shmtool({"lock", "/x", "--timeout", "2s", "--", "echo", "ran"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "ran\n");
}

TEST_F(PosixLock, NestedLockAndWriteLockDoNotDeadlock) {
  const auto start = Clock::now();
  RunOptions options;
  options.timeout_seconds = 20;
  const RunResult run = run_shmtool(
      {"lock", "/x", "--", shmtool_binary(), "write", "--lock", "--timeout", "5s", "/x", "nested"},
      options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.signal, 0) << "killed at the timeout: a deadlock";
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(file_bytes(object_->path()).substr(0, 7), std::string("nested\0", 7));
  const RunResult deeper =
      run_shmtool({"lock", "/x", "--", shmtool_binary(), "lock", "/x", "--timeout", "5s", "--",
                   shmtool_binary(), "read", "--lock", "--timeout", "5s", "/x"},
                  options);
  EXPECT_EQ(deeper.exit_code, 0) << deeper.err;
  EXPECT_EQ(deeper.out, "nested\n");
}

TEST_F(PosixLock, AMissingObjectIsExit3AndRunsNothing) {
  const TempFile marker;
  ASSERT_EQ(unlink(marker.path().c_str()), 0);
  const RunResult run = run_shmtool({"lock", "/nope", "--", "touch", marker.path()});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_FALSE(path_exists(marker.path())) << "the command ran without the lock";
}

}  // namespace
}  // namespace shmtool::test
