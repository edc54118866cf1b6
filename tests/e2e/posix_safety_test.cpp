// POSIX objects where /dev/shm is hostile or not what it should be: symbolic links out of it,
// directories, FIFOs and semaphores in it (refused, never listed, never removed by rm --all),
// names that hold control characters (escaped for a terminal, exact in JSON), callers that may
// not act (nobody against root's objects), and a /dev/shm that is not a tmpfs.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const RunOptions kAsNobody = as_nobody();

// The fields of a stat(2) a command must not change.
struct FileState {
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  off_t size = 0;
  struct timespec mtime {};
  struct timespec ctime {};
  std::string target;  // a symbolic link's target

  static FileState of(const std::string& path) {
    const struct stat st = lstat_of(path);
    FileState state{st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtim, st.st_ctim, {}};
    if (S_ISLNK(st.st_mode)) {
      char buffer[4096];
      const ssize_t n = readlink(path.c_str(), buffer, sizeof buffer);
      if (n > 0) state.target.assign(buffer, static_cast<std::size_t>(n));
    }
    return state;
  }
  bool operator==(const FileState& o) const {
    return mode == o.mode && uid == o.uid && gid == o.gid && size == o.size &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec && target == o.target;
  }
};

std::ostream& operator<<(std::ostream& out, const FileState& s) {
  return out << "mode " << std::oct << s.mode << std::dec << " uid " << s.uid << " gid " << s.gid
             << " size " << s.size << " mtime " << s.mtime.tv_sec << "." << s.mtime.tv_nsec
             << " ctime " << s.ctime.tv_sec << "." << s.ctime.tv_nsec << " target [" << s.target
             << "]";
}

// The names of the POSIX objects `list --json ARGS` prints, in order.
std::vector<std::string> listed_names(std::vector<std::string> args) {
  args.insert(args.begin(), {"list", "--json"});
  const RunResult run = run_shmtool(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> names;
  const auto j = parse_json(run);
  if (!j.is_object()) return names;
  for (const auto& object : j["segments"]) {
    if (object.value("type", "") == "posix") names.push_back(object["name"]);
  }
  return names;
}

// Runs every command of `commands` and expects exit `code` with one line on stderr holding
// `words`, in at most 10 seconds (a FIFO must never make one hang).
void expect_each_refused(const std::vector<std::vector<std::string>>& commands, int code,
                         const std::string& words) {
  for (const auto& args : commands) {
    std::string what;
    for (const auto& word : args)
      what += word + " ";
    RunOptions options;
    options.timeout_seconds = 10;
    const auto start = Clock::now();
    const RunResult run = run_shmtool(args, options);
    EXPECT_EQ(run.signal, 0) << what << ": killed (it hung)";
    EXPECT_LT(Clock::now() - start, 8s) << what;
    EXPECT_EQ(run.exit_code, code) << what << ": " << run.err;
    EXPECT_EQ(count_lines(run.err), 1) << what << ": " << run.err;
    EXPECT_NE(run.err.find(words), std::string::npos) << what << ": " << run.err;
  }
}

// ---------------------------------------------------------------------------------------------
// Entries of /dev/shm that are not objects

// /dev/shm holds one real object (/real) and: evil, a symbolic link to a file outside that the
// test made; dangling, a symbolic link to a path that does not exist; dir, a directory; fifo,
// a FIFO; sem.x, a POSIX semaphore's file.
class HostileEntries : public PrivateShm {
 protected:
  const TempFile outside_{"outside secret\n"};
  std::string nowhere_;
  std::optional<ShmEntry> real_, evil_, dangling_, dir_, fifo_, semaphore_;
  FileState outside_before_, evil_before_, dir_before_, fifo_before_, semaphore_before_;

  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(chmod(outside_.path().c_str(), 0644), 0);
    nowhere_ = outside_.path() + ".nowhere";
    real_.emplace(make_object("real", 64, 0600, "real data"));
    evil_.emplace("evil");
    ASSERT_EQ(symlink(outside_.path().c_str(), evil_->path().c_str()), 0);
    dangling_.emplace("dangling");
    ASSERT_EQ(symlink(nowhere_.c_str(), dangling_->path().c_str()), 0);
    dir_.emplace("dir");
    ASSERT_EQ(mkdir(dir_->path().c_str(), 0755), 0);
    fifo_.emplace("fifo");
    ASSERT_EQ(mkfifo(fifo_->path().c_str(), 0666), 0);
    ASSERT_EQ(chmod(fifo_->path().c_str(), 0666), 0);
    semaphore_.emplace(make_object("sem.x", 32, 0600, "semaphore"));
    outside_before_ = FileState::of(outside_.path());
    evil_before_ = FileState::of(evil_->path());
    dir_before_ = FileState::of(dir_->path());
    fifo_before_ = FileState::of(fifo_->path());
    semaphore_before_ = FileState::of(semaphore_->path());
  }

  void expect_all_unchanged() const {
    EXPECT_EQ(FileState::of(outside_.path()), outside_before_);
    EXPECT_EQ(file_bytes(outside_.path()), "outside secret\n");
    EXPECT_EQ(FileState::of(evil_->path()), evil_before_);
    EXPECT_EQ(FileState::of(dir_->path()), dir_before_);
    EXPECT_EQ(FileState::of(fifo_->path()), fifo_before_);
    EXPECT_EQ(FileState::of(semaphore_->path()), semaphore_before_);
    EXPECT_EQ(file_bytes(semaphore_->path()).substr(0, 9), "semaphore");
    EXPECT_FALSE(path_exists(nowhere_)) << "a file was made through the dangling link";
  }
};

TEST_F(HostileEntries, ASymbolicLinkOutIsRefusedByEveryCommandAndNothingChanges) {
  const std::string marker = outside_.path() + ".ran";
  expect_each_refused({{"read", "/evil"},
                       {"read", "/evil", "--binary"},
                       {"read", "/evil", "--rm"},
                       {"read", "/evil", "--wait", "--timeout", "2s"},
                       {"write", "/evil", "overwritten"},
                       {"write", "/evil", "--binary", "--offset", "0", "x"},
                       {"write", "--create", "/evil", "overwritten"},
                       {"stat", "/evil"},
                       {"stat", "--json", "posix:evil"},
                       {"rm", "/evil"},
                       {"chmod", "777", "/evil"},
                       {"chown", "nobody", "/evil"},
                       {"chown", ":daemon", "/evil"},
                       {"create", "/evil", "--size", "16"},
                       {"lock", "/evil", "--", "touch", marker}},
                      1, "symbolic link");
  EXPECT_FALSE(path_exists(marker)) << "lock ran its command";
  expect_all_unchanged();
}

TEST_F(HostileEntries, ADanglingSymbolicLinkIsNeverFollowedToMakeAFile) {
  expect_each_refused({{"create", "/dangling", "--size", "16"},
                       {"create", "/dangling", "--size", "16", "--exclusive"},
                       {"write", "--create", "/dangling", "data"},
                       {"write", "--create", "--size", "1K", "/dangling", "data"}},
                      1, "symbolic link");
  EXPECT_FALSE(path_exists(nowhere_));
  EXPECT_TRUE(S_ISLNK(lstat_of(dangling_->path()).st_mode));
  expect_all_unchanged();
}

TEST_F(HostileEntries, ADirectoryIsRefused) {
  expect_each_refused({{"read", "/dir"},
                       {"write", "/dir", "x"},
                       {"stat", "/dir"},
                       {"rm", "/dir"},
                       {"chmod", "700", "/dir"},
                       {"chown", "nobody", "/dir"},
                       {"lock", "/dir", "--", "true"},
                       {"create", "/dir", "--size", "1"}},
                      1, "a directory");
  expect_all_unchanged();
}

TEST_F(HostileEntries, AFifoIsRefusedAndNothingHangsOnIt) {
  expect_each_refused({{"read", "/fifo"},
                       {"read", "/fifo", "--binary"},
                       {"read", "/fifo", "--wait", "--timeout", "1s"},
                       {"write", "/fifo", "x"},
                       {"write", "--create", "/fifo", "x"},
                       {"stat", "/fifo"},
                       {"rm", "/fifo"},
                       {"chmod", "600", "/fifo"},
                       {"lock", "/fifo", "--", "true"}},
                      1, "a FIFO");
  expect_all_unchanged();
}

TEST_F(HostileEntries, ASemaphoreNamedIsAUsageError) {
  ShmEntry never("sem.new");
  expect_each_refused({{"read", "/sem.x"},
                       {"stat", "posix:sem.x"},
                       {"rm", "/sem.x"},
                       {"write", "/sem.x", "x"},
                       {"chmod", "644", "/sem.x"},
                       {"chown", "nobody", "/sem.x"},
                       {"lock", "/sem.x", "--", "true"},
                       {"create", "/sem.new", "--size", "16"},
                       {"write", "--create", "/sem.new", "x"}},
                      2, "semaphore");
  EXPECT_FALSE(path_exists(never.path()));
  expect_all_unchanged();
}

TEST_F(HostileEntries, OnlyTheRealObjectIsListed) {
  EXPECT_EQ(listed_names({"--type", "posix"}), std::vector<std::string>{"/real"});
  EXPECT_EQ(listed_names({"--type", "all"}), std::vector<std::string>{"/real"});
  const RunResult table = run_shmtool({"list", "--type", "posix"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(count_lines(table.out), 2) << table.out;
  const RunResult raw = run_shmtool({"list", "--type", "posix", "--raw", "--noheadings"});
  EXPECT_EQ(raw.out.rfind("/real ", 0), 0U) << raw.out;
  EXPECT_EQ(count_lines(raw.out), 1) << raw.out;
  expect_all_unchanged();
}

TEST_F(HostileEntries, RmAllRemovesOnlyTheRealObject) {
  const RunResult dry = run_shmtool({"rm", "--all", "--type", "posix", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "would remove /real\n");
  EXPECT_TRUE(path_exists(real_->path()));
  const RunResult run = run_shmtool({"rm", "--all", "--type", "posix"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /real\n");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(shm_entries(), (std::vector<std::string>{"dangling", "dir", "evil", "fifo", "sem.x"}));
  expect_all_unchanged();
}

// ---------------------------------------------------------------------------------------------
// Names that hold control characters

const std::string kBad = "bad\nname\033[31m";
const std::string kBadEscaped = "bad\\nname\\e[31m";

class HostileNames : public PrivateShm {};

TEST_F(HostileNames, CreatePrintsTheNameEscapedAndMakesItExactly) {
  ShmEntry bad(kBad);
  const RunResult run = run_shmtool({"create", "/" + kBad, "--size", "16"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "/" + kBadEscaped + "\n");
  EXPECT_EQ(shm_entries(), std::vector<std::string>{kBad});
}

TEST_F(HostileNames, TheTableEscapesIt) {
  ShmEntry bad = make_object(kBad, 16), spaced = make_object("a b", 16);
  const RunResult run = run_shmtool({"list", "--type", "posix"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find('\033'), std::string::npos) << run.out;
  EXPECT_EQ(count_lines(run.out), 3) << "a heading and one line an object:\n" << run.out;
  const auto lines = lines_of(run.out);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[1].rfind("/a b ", 0), 0U) << lines[1];
  EXPECT_EQ(lines[2].rfind("/" + kBadEscaped + " ", 0), 0U) << lines[2];
  const RunResult all = run_shmtool({"list", "--type", "all"});
  EXPECT_EQ(all.out.find('\033'), std::string::npos) << all.out;
  EXPECT_EQ(count_lines(all.out), 3) << all.out;
}

TEST_F(HostileNames, RawEscapesItAndKeepsOneLineAnObject) {
  ShmEntry bad = make_object(kBad, 16), spaced = make_object("a b", 16);
  const RunResult run = run_shmtool({"list", "--type", "posix", "--raw", "--noheadings"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find('\033'), std::string::npos) << run.out;
  const auto lines = lines_of(run.out);
  ASSERT_EQ(lines.size(), 2U) << run.out;
  for (const auto& line : lines) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ' '), 6) << "7 fields: " << line;
  }
  EXPECT_EQ(lines[0].rfind("/a\\x20b ", 0), 0U) << lines[0];
  EXPECT_EQ(lines[1].rfind("/" + kBadEscaped + " ", 0), 0U) << lines[1];
}

TEST_F(HostileNames, RmLinesEscapeIt) {
  ShmEntry bad = make_object(kBad, 16), spaced = make_object("a b", 16);
  const RunResult dry = run_shmtool({"rm", "--all", "--type", "posix", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "would remove /a b\nwould remove /" + kBadEscaped + "\n");
  const RunResult run = run_shmtool({"rm", "/" + kBad});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /" + kBadEscaped + "\n");
  EXPECT_FALSE(path_exists(bad.path()));
}

TEST_F(HostileNames, JsonKeepsItExact) {
  ShmEntry bad = make_object(kBad, 16);
  const RunResult list = run_shmtool({"list", "--json", "--type", "posix"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto j = parse_json(list);
  ASSERT_EQ(j["segments"].size(), 1U) << j;
  EXPECT_EQ(j["segments"][0]["name"], "/" + kBad);
  EXPECT_EQ(j["segments"][0]["path"], "/dev/shm/" + kBad);
  const auto stat = parse_json(run_shmtool({"stat", "--json", "/" + kBad}));
  EXPECT_EQ(stat["name"], "/" + kBad);
  const RunResult rm = run_shmtool({"rm", "--json", "/" + kBad});
  ASSERT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(parse_json(rm)["removed"][0]["name"], "/" + kBad);
}

TEST_F(HostileNames, StatLinesAndMessagesEscapeIt) {
  ShmEntry bad = make_object(kBad, 16);
  const RunResult stat = run_shmtool({"stat", "/" + kBad});
  ASSERT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_EQ(stat.out.find('\033'), std::string::npos) << stat.out;
  EXPECT_EQ(stat_fields(stat.out).at("name"), "/" + kBadEscaped);
  const RunResult missing = run_shmtool({"read", "/no\033[2Jpe\n"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(missing.err.find('\033'), std::string::npos) << missing.err;
  EXPECT_EQ(count_lines(missing.err), 1) << missing.err;
  EXPECT_NE(missing.err.find("/no\\e[2Jpe\\n"), std::string::npos) << missing.err;
}

// ---------------------------------------------------------------------------------------------
// nobody against root's objects

// A root object /secret, mode 0600, holding a secret.
class PosixAsNobody : public PrivateShm {
 protected:
  std::optional<ShmEntry> secret_;
  FileState before_;
  std::string bytes_before_;
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    secret_.emplace(make_object("secret", 64, 0600, std::string("root secret\0", 12)));
    before_ = FileState::of(secret_->path());
    bytes_before_ = file_bytes(secret_->path());
  }
  void expect_unchanged() const {
    EXPECT_EQ(FileState::of(secret_->path()), before_);
    EXPECT_EQ(file_bytes(secret_->path()), bytes_before_);
  }
};

TEST_F(PosixAsNobody, SetprivReallyRunsAsNobody) {
  const RunResult run = run_program({"id", "-u"}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "65534\n");
}

TEST_F(PosixAsNobody, ReadIsDeniedAndSaysWhy) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"read", "/secret"},
                                               {"read", "/secret", "--binary"},
                                               {"read", "/secret", "--rm"},
                                               {"lock", "/secret", "--", "true"}}) {
    const RunResult run = run_shmtool(args, kAsNobody);
    EXPECT_EQ(run.exit_code, 1) << args[0] << ": " << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_EQ(run.err.rfind("shmtool: " + args[0] + ": /secret: permission denied", 0), 0U)
        << run.err;
  }
  expect_unchanged();
}

TEST_F(PosixAsNobody, WriteIsDeniedAndChangesNothing) {
  const RunResult run = run_shmtool({"write", "/secret", "overwritten"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  const RunResult create = run_shmtool({"write", "--create", "/secret", "x"}, kAsNobody);
  EXPECT_EQ(create.exit_code, 1);
  expect_unchanged();
}

TEST_F(PosixAsNobody, RmIsRefusedNamingWhoMay) {
  const RunResult run = run_shmtool({"rm", "/secret"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("only the object's owner or root"), std::string::npos) << run.err;
  EXPECT_TRUE(path_exists(secret_->path()));
  expect_unchanged();
}

TEST_F(PosixAsNobody, RmAllPassesOverRootsObjects) {
  ShmEntry mine("mine");
  ASSERT_EQ(run_shmtool({"create", "/mine", "--size", "16"}, kAsNobody).exit_code, 0);
  const RunResult run = run_shmtool({"rm", "--all", "--type", "posix"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /mine\n");
  EXPECT_FALSE(path_exists(mine.path()));
  expect_unchanged();
}

TEST_F(PosixAsNobody, ChownIsRefused) {
  for (const std::string owner : {"nobody", "nobody:nogroup", ":nogroup", "root"}) {
    const RunResult run = run_shmtool({"chown", owner, "/secret"}, kAsNobody);
    EXPECT_EQ(run.exit_code, 1) << owner;
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  }
  expect_unchanged();
}

TEST_F(PosixAsNobody, ChmodIsRefused) {
  const RunResult run = run_shmtool({"chmod", "666", "/secret"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("only the object's owner or root"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(PosixAsNobody, StatStillWorksOnAnObjectItMayNotRead) {
  const RunResult run = run_shmtool({"stat", "--json", "/secret"}, kAsNobody);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["uid"], 0);
  EXPECT_EQ(j["mode"], 0600);
  EXPECT_EQ(j["size"], 64);
  const RunResult list = run_shmtool({"list", "--type", "posix", "--json"}, kAsNobody);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(parse_json(list)["segments"].size(), 1U) << "listed though it may not read it";
  expect_unchanged();
}

TEST_F(PosixAsNobody, CreateOfAnObjectItMayNotOpenIsRefused) {
  // As for a System V key (exit 1, "a segment with this key exists and its mode does not let
  // you read it"), and as shm_open(O_CREAT) without O_EXCL fails with EACCES: an existing
  // object the caller may not open is not reported as theirs.
  const RunResult run = run_shmtool({"create", "/secret", "--size", "16"}, kAsNobody);
  EXPECT_EQ(run.exit_code, 1) << "stdout: " << run.out;
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  expect_unchanged();
}

TEST_F(PosixAsNobody, AnObjectItMayReadIsReadableButNotWritable) {
  ShmEntry shared = make_object("shared", 16, 0644, "for all");
  const RunResult read = run_shmtool({"read", "/shared"}, kAsNobody);
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "for all\n");
  const RunResult write = run_shmtool({"write", "/shared", "mine"}, kAsNobody);
  EXPECT_EQ(write.exit_code, 1);
  EXPECT_EQ(file_bytes(shared.path()).substr(0, 7), "for all");
  expect_unchanged();
}

TEST_F(PosixAsNobody, ItsOwnObjectWorks) {
  ShmEntry mine("mine");
  const RunResult create =
      run_shmtool({"create", "/mine", "--size", "64", "--mode", "640"}, kAsNobody);
  ASSERT_EQ(create.exit_code, 0) << create.err;
  const struct stat st = lstat_of(mine.path());
  EXPECT_EQ(st.st_uid, 65534U);
  EXPECT_EQ(st.st_gid, 65534U);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_EQ(run_shmtool({"write", "/mine", "nobody's"}, kAsNobody).exit_code, 0);
  EXPECT_EQ(run_shmtool({"read", "/mine"}, kAsNobody).out, "nobody's\n");
  EXPECT_EQ(run_shmtool({"chmod", "600", "/mine"}, kAsNobody).exit_code, 0);
  EXPECT_EQ(lstat_of(mine.path()).st_mode & 07777, 0600U);
  EXPECT_EQ(run_shmtool({"chown", ":nogroup", "/mine"}, kAsNobody).exit_code, 0)
      << "its owner may set its group to one of their own";
  const RunResult lock = run_shmtool({"lock", "/mine", "--", "true"}, kAsNobody);
  EXPECT_EQ(lock.exit_code, 0) << lock.err;
  const RunResult rm = run_shmtool({"rm", "/mine"}, kAsNobody);
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(rm.out, "removed /mine\n");
  EXPECT_FALSE(path_exists(mine.path()));
  expect_unchanged();
}

// ---------------------------------------------------------------------------------------------
// /dev/shm that is not a tmpfs

// A directory on a filesystem that is not a tmpfs, removed at the end.
class NotTmpfsDir {
 public:
  NotTmpfsDir() {
    char name[] = "/var/tmp/shmtool-test-notmpfs-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  NotTmpfsDir(const NotTmpfsDir&) = delete;
  NotTmpfsDir& operator=(const NotTmpfsDir&) = delete;
  ~NotTmpfsDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `argv` in a mount namespace of its own whose /dev/shm is `dir`, bound over it: the
// test's own /dev/shm stays as it is.
RunResult run_over(const std::string& dir, const std::vector<std::string>& argv) {
  std::vector<std::string> command{
      "unshare", "--mount", "sh", "-c", "mount --bind \"$1\" /dev/shm && shift && exec \"$@\"",
      "sh",      dir};
  command.insert(command.end(), argv.begin(), argv.end());
  return run_program(command);
}

RunResult shmtool_over(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), shmtool_binary());
  return run_over(dir, args);
}

class NotATmpfs : public PrivateShm {};

TEST_F(NotATmpfs, ListSaysDevShmIsNotATmpfs) {
  const NotTmpfsDir dir;
  struct statfs fs {};
  ASSERT_EQ(statfs(dir.path().c_str(), &fs), 0);
  const auto type = static_cast<unsigned long>(fs.f_type);
  ASSERT_NE(type, TMPFS_MAGIC) << "/var/tmp is a tmpfs here: the test needs another filesystem";
  ASSERT_NE(type, RAMFS_MAGIC);
  // What shmtool will see on /dev/shm: the directory's filesystem.
  const RunResult probe = run_over(dir.path(), {"stat", "-f", "-c", "%T", "/dev/shm"});
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  EXPECT_NE(probe.out, "tmpfs\n");

  for (const std::string type_arg : {"posix", "all"}) {
    const RunResult run = shmtool_over(dir.path(), {"list", "--type", type_arg});
    EXPECT_EQ(run.exit_code, 1) << type_arg << ": " << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_EQ(run.err.rfind("shmtool: list: /dev/shm: not a tmpfs", 0), 0U) << run.err;
  }
  const RunResult create = shmtool_over(dir.path(), {"create", "/x", "--size", "16"});
  EXPECT_EQ(create.exit_code, 1) << create.err;
  EXPECT_NE(create.err.find("not a tmpfs"), std::string::npos) << create.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "nothing was made in the directory";
  const RunResult sysv = shmtool_over(dir.path(), {"list"});
  EXPECT_EQ(sysv.exit_code, 0) << "System V segments do not need /dev/shm: " << sysv.err;
  // The test's own /dev/shm is still its tmpfs.
  ASSERT_EQ(statfs("/dev/shm", &fs), 0);
  EXPECT_EQ(static_cast<unsigned long>(fs.f_type), TMPFS_MAGIC);
}

// Runs `argv` in a mount namespace of its own whose /dev/shm is a fresh tmpfs mounted with
// `options` (a small size, a mode), so a full or unwritable /dev/shm is this test's alone.
RunResult run_with_shm_mounted(const std::string& options, const std::vector<std::string>& argv) {
  std::vector<std::string> command = {
      "unshare",
      "--mount",
      "sh",
      "-c",
      "mount -t tmpfs -o \"$1\" tmpfs /dev/shm && shift && exec \"$@\"",
      "sh",
      options};
  command.insert(command.end(), argv.begin(), argv.end());
  return run_program(command);
}

using PosixResources = PrivateShm;

TEST_F(PosixResources, ReadingASparseObjectAllocatesNothing) {
  ASSERT_EQ(run_shmtool({"create", "/sparse", "--size", "16M"}).exit_code, 0);
  ShmEntry object("sparse");
  put_file_bytes(object.path(), "data in the middle", 8 << 20);
  const auto before = static_cast<std::uint64_t>(lstat_of(object.path()).st_blocks);
  for (const char* mode : {"--binary", "--hex"}) {
    const RunResult read = run_shmtool({"read", "/sparse", mode});
    ASSERT_EQ(read.exit_code, 0) << mode << ": " << read.err;
    EXPECT_NE(read.out.find("data in"), std::string::npos) << mode;
  }
  const RunResult text = run_shmtool({"read", "/sparse", "--offset", "8M"});
  EXPECT_EQ(text.out, "data in the middle\n");
  EXPECT_EQ(static_cast<std::uint64_t>(lstat_of(object.path()).st_blocks), before);
  EXPECT_LT(before * 512U, 1U << 20);
}

TEST_F(PosixResources, AFullDevShmRefusesAWriteAndLeavesTheObjectUnchanged) {
  const std::string shmtool = shmtool_binary();
  // In a tmpfs of 1 MiB: an object of 4 MiB (sparse) whose first bytes are known, then a
  // write of 2 MiB into it, which cannot fit in the memory /dev/shm has.
  const RunResult run = run_with_shm_mounted(
      "size=1M,mode=1777",
      {"sh", "-c",
       "\"$0\" create /full --size 4M >/dev/null && \"$0\" write /full --binary before && "
       "\"$0\" write /full --file /dev/zero --length 2M; echo \"rc=$?\"; "
       "\"$0\" read /full --binary --length 6; echo; "
       "\"$0\" create /made --size 2M --populate; echo \"populate rc=$?\"; ls /dev/shm",
       shmtool});
  EXPECT_NE(run.out.find("rc=1\n"), std::string::npos) << run.out << run.err;
  EXPECT_NE(run.err.find("/full: no space left on device (/dev/shm is full)"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("shrank"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("before\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("populate rc=1\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("made"), std::string::npos) << "a failed create left it:\n" << run.out;
}

TEST_F(PosixResources, AnUnwritableDevShmIsNamedAsTheReasonCreateFails) {
  const RunResult run = run_with_shm_mounted(
      "mode=0755", {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", shmtool_binary(),
                    "create", "/new", "--size", "1K"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("/new: permission denied (/dev/shm does not let you create it)"),
            std::string::npos)
      << run.err;
}

TEST_F(PosixResources, ALockIsNotTakenForHeldOnTheWordOfAForgedVariable) {
  ShmEntry object = make_object("locked", 16, 0600, "before");
  Background holder({shmtool_binary(), "lock", "/locked", "--", "sleep", "30"});
  ASSERT_TRUE(wait_until([&] { return flock_is_held(object.path()); }));
  const struct stat st = lstat_of(object.path());
  // Descriptor 9 is another open file of the object: the variable names it, but it does not
  // hold the lock, so the write waits for the real holder and gives up at its timeout.
  const std::string forged = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":9";
  const RunResult run =
      run_program({"sh", "-c",
                   "exec 9</dev/shm/locked; SHMTOOL_FLOCKS=\"$1\" exec \"$0\" write /locked "
                   "--lock --timeout 300ms forged",
                   shmtool_binary(), forged});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("still held by another process"), std::string::npos) << run.err;
  EXPECT_EQ(file_bytes(object.path()).substr(0, 6), "before");
  holder.signal(SIGTERM);  // passed on to sleep: the lock ends with it
  EXPECT_EQ(holder.wait(), 128 + SIGTERM);
}

}  // namespace
}  // namespace shmtool::test
