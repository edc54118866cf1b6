// shmtool lock, write --lock and read --lock: the cooperative lock of a segment (a System V set
// at key 0xffffffff - shmid: semaphore 0 the lock, value 1 = free, taken with SEM_UNDO;
// semaphore 1 shmtool's marker; a set of one semaphore made the old way is the lock too). Copies
// under the lock are never torn, a holder that dies releases it, --timeout bounds the wait, stat
// shows it, rm removes it (and only it), and its permissions follow the segment's.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "functional_support.hpp"

extern char** environ;

namespace shmtool::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// semctl's fourth argument, which the caller must declare (semctl(2)).
union SemArgument {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
};

key_t lock_key(int id) {
  return static_cast<key_t>(0xffffffffU - static_cast<std::uint32_t>(id));
}

std::uint32_t lock_key_value(int id) {
  return static_cast<std::uint32_t>(lock_key(id));
}

// The semid of the lock of segment `id`, or -1 (errno set) when there is none.
int lock_semid(int id) {
  return semget(lock_key(id), 0, 0);
}

bool lock_exists(int id) {
  return lock_semid(id) >= 0;
}

// GETVAL of the lock: 1 free, 0 held, -1 when there is no lock.
int lock_value(int id) {
  const int semid = lock_semid(id);
  return semid < 0 ? -1 : semctl(semid, 0, GETVAL);
}

// GETNCNT of the lock: how many processes wait for it, -1 when there is no lock.
int lock_waiters(int id) {
  const int semid = lock_semid(id);
  return semid < 0 ? -1 : semctl(semid, 0, GETNCNT);
}

struct semid_ds lock_stat(int id) {
  struct semid_ds ds {};
  SemArgument arg{};
  arg.buf = &ds;
  const int semid = lock_semid(id);
  if (semid < 0 || semctl(semid, 0, IPC_STAT, arg) < 0) ADD_FAILURE() << "no lock for id " << id;
  return ds;
}

// The lock a test makes by using a segment's lock: removed when the test ends, whatever happens
// (a set at the segment's lock key of two semaphores, as shmtool makes them, or of one, as a C
// program or an earlier shmtool made them).
class LockGuard {
 public:
  explicit LockGuard(int id) : id_(id) {}
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;
  ~LockGuard() {
    const int semid = lock_semid(id_);
    if (semid < 0) return;
    struct semid_ds ds {};
    SemArgument arg{};
    arg.buf = &ds;
    if (semctl(semid, 0, IPC_STAT, arg) == 0 && (ds.sem_nsems == 1 || ds.sem_nsems == 2)) {
      semctl(semid, 0, IPC_RMID);
    }
  }

 private:
  int id_;
};

// A semaphore set this test made itself; IPC_RMID on destruction.
class SemaphoreSetGuard {
 public:
  SemaphoreSetGuard(key_t key, int count)
      : semid_(semget(key, count, IPC_CREAT | IPC_EXCL | 0600)) {
    if (semid_ < 0) throw std::runtime_error(std::string("semget: ") + std::strerror(errno));
  }
  SemaphoreSetGuard(const SemaphoreSetGuard&) = delete;
  SemaphoreSetGuard& operator=(const SemaphoreSetGuard&) = delete;
  ~SemaphoreSetGuard() { semctl(semid_, 0, IPC_RMID); }
  int semid() const { return semid_; }

 private:
  int semid_;
};

// Waits up to `limit` for `condition`; returns whether it came true.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// `shmtool ARGS...` running in the background in a process group of its own, its standard
// error kept in a file. Killed with its whole group (the command `lock` runs, too) and reaped
// on destruction if still running.
class Background {
 public:
  explicit Background(const std::vector<std::string>& args) {
    std::vector<std::string> argv{shmtool_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& word : argv)
      raw.push_back(word.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err_.path().c_str(), O_WRONLY | O_TRUNC, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const int rc = posix_spawn(&pid_, raw[0], &actions, &attributes, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) throw std::runtime_error("posix_spawn: " + std::string(std::strerror(rc)));
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background() {
    kill(-pid_, SIGKILL);
    if (!reaped_) waitpid(pid_, &status_, 0);
  }

  pid_t pid() const { return pid_; }

  // Waits up to `limit` for it to end (killing it then); returns its wait status.
  int wait(std::chrono::milliseconds limit = 20s) {
    if (reaped_) return status_;
    const auto deadline = Clock::now() + limit;
    while (waitpid(pid_, &status_, WNOHANG) == 0) {
      if (Clock::now() >= deadline) {
        ADD_FAILURE() << "background shmtool still running after " << limit.count() << " ms";
        kill(-pid_, SIGKILL);
        waitpid(pid_, &status_, 0);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    reaped_ = true;
    return status_;
  }

  // Its exit code once it ended, -1 if a signal ended it.
  int exit_code(std::chrono::milliseconds limit = 20s) {
    const int status = wait(limit);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string err() const {
    std::ifstream in(err_.path());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  TempFile err_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// A `lock ID -- sh -c ...` holder that keeps the lock until release() (or its destruction).
class Holder {
 public:
  explicit Holder(int id)
      : release_path_(release_dir_.path() + ".release"),
        process_({"lock", std::to_string(id), "--", "sh", "-c",
                  "while [ ! -e '" + release_path_ + "' ]; do sleep 0.02; done"}) {}
  Holder(const Holder&) = delete;
  Holder& operator=(const Holder&) = delete;
  ~Holder() { std::filesystem::remove(release_path_); }

  // Lets the command end; returns the holder's exit code.
  int release() {
    std::ofstream(release_path_).put('\n');
    return process_.exit_code();
  }
  Background& process() { return process_; }

 private:
  TempFile release_dir_;  // its path names the release file, unique to this holder
  std::string release_path_;
  Background process_;
};

nlohmann::json stat_lock(int id) {
  const RunResult run = run_shmtool({"stat", "--json", std::to_string(id)});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  if (!j.is_object() || !j.contains("lock")) {
    ADD_FAILURE() << "stat --json has no \"lock\": " << run.out;
    return nullptr;
  }
  return j["lock"];
}

// Whether every byte of `data` is the same (what a copy no writer tore looks like).
bool uniform(const std::string& data) {
  return data.empty() || data.find_first_not_of(data.front()) == std::string::npos;
}

constexpr std::size_t kTearSize = 8U << 20;  // copies of this size take milliseconds
constexpr int kWriters = 3;
constexpr int kWritesEach = 200;
constexpr int kReads = 300;

struct TearCount {
  int reads = 0;
  int torn = 0;
  int wrong_size = 0;
  int failed_runs = 0;
  std::set<char> patterns_seen;
};

// kWriters writers each fill the whole segment with their own byte, over and over (at least
// kWritesEach times, and until the reader is done), while one reader copies it out: with
// `lock_flag` ("--lock" or nothing) on both. The reader stops after `min_reads` reads, or, when
// `until_torn`, at the first torn read after that (up to `max_reads`).
TearCount race_writers_and_reader(int id, const std::vector<std::string>& lock_flag, int min_reads,
                                  int max_reads, bool until_torn) {
  std::vector<std::unique_ptr<TempFile>> patterns;
  for (int w = 0; w < kWriters; ++w)
    patterns.push_back(
        std::make_unique<TempFile>(std::string(kTearSize, static_cast<char>('A' + w))));
  std::atomic<bool> reader_done{false};
  std::atomic<int> failed_writes{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::vector<std::string> args{"write", std::to_string(id), "--binary", "--file",
                                    patterns[static_cast<std::size_t>(w)]->path()};
      args.insert(args.end(), lock_flag.begin(), lock_flag.end());
      for (int n = 0; n < kWritesEach || !reader_done; ++n) {
        if (run_shmtool(args).exit_code != 0) ++failed_writes;
      }
    });
  }
  TearCount count;
  std::vector<std::string> args{"read", std::to_string(id), "--binary"};
  args.insert(args.end(), lock_flag.begin(), lock_flag.end());
  while (count.reads < max_reads && (count.reads < min_reads || (until_torn && count.torn == 0))) {
    const RunResult run = run_shmtool(args);
    ++count.reads;
    if (run.exit_code != 0) {
      ++count.failed_runs;
      continue;
    }
    if (run.out.size() != kTearSize) ++count.wrong_size;
    if (uniform(run.out)) {
      count.patterns_seen.insert(run.out.empty() ? '?' : run.out.front());
    } else {
      ++count.torn;
    }
  }
  reader_done = true;
  for (auto& writer : writers)
    writer.join();
  count.failed_runs += failed_writes;
  return count;
}

TEST(LockedCopies, ReadsUnderTheLockAreNeverTornByWritersUnderTheLock) {
  SegmentGuard segment(IPC_PRIVATE, kTearSize);
  LockGuard lock(segment.id());
  const TearCount count =
      race_writers_and_reader(segment.id(), {"--lock"}, kReads, kReads, /*until_torn=*/false);
  std::cout << "with --lock: " << count.torn << " torn of " << count.reads << " reads (" << kWriters
            << " writers x >= " << kWritesEach << " writes of " << kTearSize << " bytes), "
            << count.patterns_seen.size() << " patterns seen\n";
  RecordProperty("torn_with_lock", count.torn);
  RecordProperty("reads_with_lock", count.reads);
  EXPECT_EQ(count.failed_runs, 0);
  EXPECT_EQ(count.wrong_size, 0);
  EXPECT_EQ(count.reads, kReads);
  EXPECT_EQ(count.torn, 0);
  EXPECT_EQ(lock_value(segment.id()), 1) << "the lock is free when they are done";
}

TEST(LockedCopies, WithoutTheLockTheSameCopiesDoTear) {
  // The companion of the test above: the same writers and reader without --lock tear copies
  // (in trials here, a large fraction of the reads), which shows that the test above could see
  // a torn read if the lock did not work. The reader goes on past kReads until it sees one.
  SegmentGuard segment(IPC_PRIVATE, kTearSize);
  const TearCount count =
      race_writers_and_reader(segment.id(), {}, kReads, 20 * kReads, /*until_torn=*/true);
  std::cout << "without --lock: " << count.torn << " torn of " << count.reads << " reads\n";
  RecordProperty("torn_without_lock", count.torn);
  RecordProperty("reads_without_lock", count.reads);
  EXPECT_EQ(count.failed_runs, 0);
  EXPECT_GE(count.torn, 1);
  EXPECT_FALSE(lock_exists(segment.id())) << "copies without --lock never make the lock";
}

TEST(LockHolder, KilledHolderReleasesTheLockAtOnce) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  Background holder({"lock", segment.id_arg(), "--", "sleep", "30"});
  ASSERT_TRUE(eventually([&] { return lock_value(segment.id()) == 0; })) << holder.err();
  const RunResult blocked =
      run_shmtool({"write", segment.id_arg(), "--lock", "--timeout", "0.2", "blocked"});
  EXPECT_EQ(blocked.exit_code, 1) << "the holder holds it: " << blocked.err;

  ASSERT_EQ(kill(holder.pid(), SIGKILL), 0);
  const int status = holder.wait();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  // --timeout 1: the lock must be free within a second of the holder's death (it is at once:
  // the kernel undoes the dead holder's SEM_UNDO take as it exits).
  const RunResult next =
      run_shmtool({"write", segment.id_arg(), "--lock", "--timeout", "1", "after the kill"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 15), std::string("after the kill\0", 15));
  EXPECT_EQ(lock_value(segment.id()), 1);
}

TEST(LockCommand, ExitsWithTheStatusOfTheCommand) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  EXPECT_EQ(run_shmtool({"lock", id, "--", "true"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"lock", id, "--", "sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(run_shmtool({"lock", id, "--", "sh", "-c", "kill -TERM $$"}).exit_code, 128 + SIGTERM);
  EXPECT_EQ(run_shmtool({"lock", id, "--", "sh", "-c", "kill -KILL $$"}).exit_code, 128 + SIGKILL);

  const RunResult missing = run_shmtool({"lock", id, "--", "/nonexistent/shmtool-no-such-command"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_EQ(count_lines(missing.err), 1) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/shmtool-no-such-command"), std::string::npos)
      << missing.err;

  TempFile not_executable("#!/bin/sh\nexit 0\n");  // mode 0600: no x bit
  const RunResult refused = run_shmtool({"lock", id, "--", not_executable.path()});
  EXPECT_EQ(refused.exit_code, 126);
  EXPECT_EQ(count_lines(refused.err), 1) << refused.err;

  EXPECT_EQ(lock_value(segment.id()), 1) << "released after every command";
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LockCommand, PassesSigtermOnAndHoldsTheLockUntilTheCommandEnds) {
  // timeout(1), kill or a service stop signal shmtool, which holds the lock (SEM_UNDO): it must
  // not die and release the lock while COMMAND runs on.
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  TempFile ready;
  TempFile got_term;
  const std::string script = "trap 'echo term > " + got_term.path() +
                             "; sleep 0.5; exit 5' TERM; echo ready > " + ready.path() +
                             "; while :; do sleep 0.05; done";
  Background holder({"lock", segment.id_arg(), "--", "sh", "-c", script});
  ASSERT_TRUE(eventually([&] { return file_text(ready.path()) == "ready\n"; })) << holder.err();
  ASSERT_EQ(lock_value(segment.id()), 0);

  ASSERT_EQ(kill(holder.pid(), SIGTERM), 0);
  ASSERT_TRUE(eventually([&] { return file_text(got_term.path()) == "term\n"; }))
      << "the command was given the SIGTERM: " << holder.err();
  // The command's trap runs for half a second: the lock stays held all along.
  EXPECT_EQ(lock_value(segment.id()), 0) << "still held while the command runs";
  const RunResult second =
      run_shmtool({"lock", segment.id_arg(), "--timeout", "0.1", "--", "true"});
  EXPECT_EQ(second.exit_code, 1) << "no second holder while the first command runs";

  const int status = holder.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "shmtool ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 5) << "the command's own status";
  EXPECT_EQ(lock_value(segment.id()), 1) << "released once the command ended";
}

TEST(LockCommand, CommandRunsWhileTheLockIsHeldWithItsOutputPassedThrough) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  const RunResult echo = run_shmtool({"lock", id, "--", "echo", "hello", "world"});
  EXPECT_EQ(echo.exit_code, 0) << echo.err;
  EXPECT_EQ(echo.out, "hello world\n");

  // Inside, stat sees the lock held and a second taker gives up when its timeout runs out.
  const RunResult inside =
      run_shmtool({"lock", id, "--", shmtool_binary(), "stat", "--json", segment.id_arg()});
  ASSERT_EQ(inside.exit_code, 0) << inside.err;
  const auto j = parse_json(inside);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["lock"]["held"], true);
  // A taker that is not told the lock is held for it (SHMTOOL_LOCKS removed) waits, and gives
  // up when its timeout runs out.
  const RunResult other =
      run_shmtool({"lock", id, "--", "env", "-u", "SHMTOOL_LOCKS", shmtool_binary(), "write", id,
                   "--lock", "--timeout", "0.1", "other"});
  EXPECT_EQ(other.exit_code, 1) << other.err;
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 6), std::string(6, '\0'));
  EXPECT_EQ(lock_value(segment.id()), 1);
}

// Like flock(1)'s inherited descriptor: a --lock inside `lock` of the same segment proceeds
// instead of waiting for itself, and the lock stays held until the outer command ends.
TEST(LockCommand, NestedLockOfTheSameSegmentProceeds) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  const RunResult nested = run_shmtool({"lock", id, "--", shmtool_binary(), "write", hex_key(key),
                                        "--lock", "--timeout", "5", "nested"});
  EXPECT_EQ(nested.exit_code, 0) << nested.err;
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 7), std::string("nested\0", 7));
  const std::string script = "\"$0\" read " + id + " --lock --timeout 5 && \"$0\" lock " + id +
                             " --timeout 5 -- \"$0\" stat --json " + id;
  const RunResult deeper = run_shmtool({"lock", id, "--", "sh", "-c", script, shmtool_binary()});
  EXPECT_EQ(deeper.exit_code, 0) << deeper.err;
  EXPECT_EQ(deeper.out.substr(0, 7), "nested\n") << deeper.out;
  EXPECT_NE(deeper.out.find("\"held\":true"), std::string::npos) << deeper.out;
  EXPECT_EQ(lock_value(segment.id()), 1) << "released when the outer lock ends";
}

// SHMTOOL_LOCKS is only believed when the kernel agrees: the named process holds the lock and
// is this process's ancestor. A stale or forged entry makes the taker wait as usual.
TEST(LockCommand, AStaleOrForgedHeldLockEntryDoesNotSkipTheLock) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  Holder holder(segment.id());
  ASSERT_TRUE(eventually([&] { return lock_value(segment.id()) == 0; }));
  const std::string semid = std::to_string(lock_semid(segment.id()));
  const std::string holder_pid = std::to_string(holder.process().pid());
  // The holder's own entry, as its command has it, is no use outside that command.
  std::string real_entry;
  ASSERT_TRUE(eventually([&] {
    for (const auto& task : std::filesystem::directory_iterator("/proc")) {
      std::ifstream status(task.path() / "stat");
      std::string pid, comm, state, parent;
      if (!(status >> pid >> comm >> state >> parent) || parent != holder_pid) continue;
      std::ifstream environ(task.path() / "environ");
      for (std::string variable; std::getline(environ, variable, '\0');) {
        if (variable.starts_with("SHMTOOL_LOCKS=")) real_entry = variable.substr(14);
      }
    }
    return !real_entry.empty();
  }));
  EXPECT_TRUE(real_entry.starts_with(id + ":" + semid + ":" + holder_pid + ":")) << real_entry;
  for (const std::string& forged : std::vector<std::string>{
           real_entry, id + ":" + semid + ":" + holder_pid, id + ":" + semid + ":1:0",
           id + ":0:" + holder_pid + ":3", real_entry + ":9", "garbage", id + ":::", ""}) {
    const RunResult run = run_program({"env", "SHMTOOL_LOCKS=" + forged, shmtool_binary(), "write",
                                       id, "--lock", "--timeout", "0.1", "forged"});
    EXPECT_EQ(run.exit_code, 1) << forged << ": " << run.err;
  }
  EXPECT_EQ(holder.release(), 0);
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 6), std::string(6, '\0'));
}

// Any reader may wait for the lock's value to be zero (semop {0, 0}), which makes it the
// semaphore's last pid: that must not stop a nested --lock from seeing its ancestor's lock.
TEST(LockCommand, NestingSurvivesAWaitForZeroByAnotherProcess) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  TempFile marker;
  const std::string ready = marker.path() + ".ready";
  const std::string go = marker.path() + ".go";
  Background nested({"lock", id, "--", "sh", "-c",
                     "touch '" + ready + "'; while [ ! -e '" + go +
                         "' ]; do sleep 0.02; done; exec \"$0\" write " + id +
                         " --lock --timeout 5 nested",
                     shmtool_binary()});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(ready); }));
  struct sembuf wait_for_zero {};
  wait_for_zero.sem_flg = IPC_NOWAIT;
  ASSERT_EQ(semop(lock_semid(segment.id()), &wait_for_zero, 1), 0) << std::strerror(errno);
  ASSERT_EQ(semctl(lock_semid(segment.id()), 0, GETPID), getpid());
  std::ofstream(go).put('\n');
  EXPECT_EQ(nested.exit_code(), 0) << nested.err();
  std::filesystem::remove(ready);
  std::filesystem::remove(go);
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 7), std::string("nested\0", 7));
}

TEST(LockCommand, KeyAndIdFormsShareOneLock) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 4096);
  LockGuard lock(segment.id());
  const RunResult inside =
      run_shmtool({"lock", key_arg(key), "--", "env", "-u", "SHMTOOL_LOCKS", shmtool_binary(),
                   "lock", hex_key(key), "--timeout", "0.1", "--", "true"});
  EXPECT_EQ(inside.exit_code, 1) << "the key form and the hex form name the same lock";
  EXPECT_NE(inside.err.find("lock of id " + segment.id_arg()), std::string::npos) << inside.err;
  EXPECT_NE(lock_key_value(segment.id()), key) << "the lock never uses the segment's own key";
}

TEST(LockTimeout, RunningOutIsExitOneWithOneLineNamingTheLock) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  put_bytes(segment.id(), "before");
  Holder holder(segment.id());
  ASSERT_TRUE(eventually([&] { return lock_value(segment.id()) == 0; })) << holder.process().err();
  const std::string names_lock =
      "lock of id " + id + " (key " + hex_key(lock_key_value(segment.id())) + ")";

  TempFile ran_dir;
  const std::string ran = ran_dir.path() + ".ran";
  const auto start = Clock::now();
  const RunResult locked = run_shmtool({"lock", id, "--timeout", "0.3", "--", "touch", ran});
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 10s);
  EXPECT_FALSE(std::filesystem::exists(ran)) << "the command does not run without the lock";
  std::filesystem::remove(ran);
  EXPECT_EQ(locked.out, "");
  EXPECT_EQ(count_lines(locked.err), 1) << locked.err;
  EXPECT_EQ(locked.err.rfind("shmtool: lock: " + names_lock + ": ", 0), 0U) << locked.err;
  EXPECT_NE(locked.err.find("--timeout"), std::string::npos) << locked.err;

  const RunResult write = run_shmtool({"write", id, "--lock", "--timeout", "0.2", "after"});
  EXPECT_EQ(write.exit_code, 1);
  EXPECT_EQ(count_lines(write.err), 1) << write.err;
  EXPECT_EQ(write.err.rfind("shmtool: write: " + names_lock + ": ", 0), 0U) << write.err;
  EXPECT_NE(write.err.find("--timeout"), std::string::npos) << write.err;
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 6), "before") << "nothing written";

  const RunResult read = run_shmtool({"read", id, "--lock", "--timeout", "0.2"});
  EXPECT_EQ(read.exit_code, 1);
  EXPECT_EQ(read.out, "");
  EXPECT_EQ(count_lines(read.err), 1) << read.err;
  EXPECT_EQ(read.err.rfind("shmtool: read: " + names_lock + ": ", 0), 0U) << read.err;

  const RunResult at_once = run_shmtool({"lock", id, "--timeout", "0", "--", "true"});
  EXPECT_EQ(at_once.exit_code, 1) << "--timeout 0 gives up at once while it is held";

  EXPECT_EQ(holder.release(), 0);
  EXPECT_EQ(run_shmtool({"lock", id, "--timeout", "0", "--", "true"}).exit_code, 0)
      << "--timeout 0 takes a free lock";
  EXPECT_EQ(run_shmtool({"write", id, "--lock", "--timeout", "0", "after"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"read", id, "--lock", "--timeout", "0"}).out, "after\n");
}

TEST(LockTimeout, BadTimeoutsAreUsageErrors) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  for (const char* bad : {"-1", "abc", "1x", ""}) {
    const RunResult run = run_shmtool({"lock", id, "--timeout", bad, "--", "true"});
    EXPECT_EQ(run.exit_code, 2) << bad << ": " << run.err;
  }
  EXPECT_EQ(run_shmtool({"write", id, "--timeout", "1", "x"}).exit_code, 2)
      << "write --timeout goes with --lock";
  EXPECT_EQ(run_shmtool({"lock", id}).exit_code, 2) << "no command";
  EXPECT_FALSE(lock_exists(segment.id())) << "usage errors make no lock";
}

TEST(LockTimeout, DurationsTakeUnits) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  for (const char* duration : {"1s", "500ms", "2m", "0.5h", "1d", "3"}) {
    const RunResult run = run_shmtool({"lock", id, "--timeout", duration, "--", "true"});
    EXPECT_EQ(run.exit_code, 0) << duration << ": " << run.err;
  }
  Holder holder(segment.id());
  ASSERT_TRUE(eventually([&] { return lock_value(segment.id()) == 0; }));
  const auto start = Clock::now();
  const RunResult waited = run_shmtool({"write", id, "--lock", "--timeout", "300ms", "x"});
  EXPECT_EQ(waited.exit_code, 1) << waited.err;
  EXPECT_GE(Clock::now() - start, 300ms);
  EXPECT_NE(waited.err.find("after 0.3 s"), std::string::npos) << waited.err;
  EXPECT_EQ(holder.release(), 0);
}

TEST(LockSegments, PrivateSegmentsHaveLocksToo) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  EXPECT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  ASSERT_TRUE(lock_exists(segment.id()));
  const struct semid_ds ds = lock_stat(segment.id());
  EXPECT_EQ(ds.sem_nsems, 2U) << "the lock and the marker";
  EXPECT_EQ(lock_value(segment.id()), 1);
  EXPECT_EQ(semctl(lock_semid(segment.id()), 1, GETVAL), 0x5348) << "shmtool's marker";
  EXPECT_EQ(ds.sem_perm.mode & 0777U, 0600U) << "the segment's bits, read granting alter";
  EXPECT_EQ(run_shmtool({"write", segment.id_arg(), "--lock", "private"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"read", segment.id_arg(), "--lock"}).out, "private\n");
}

// A set of one semaphore at the lock key, made as a C program following the first form of the
// convention (or an earlier shmtool) made it, is the lock: used, shown and removed as it is.
TEST(LockSegments, AOneSemaphoreLockMadeTheOldWayIsStillTheLock) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  const int semid = semget(lock_key(id), 1, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_GE(semid, 0) << std::strerror(errno);
  SemArgument arg{};
  arg.val = 1;
  ASSERT_EQ(semctl(semid, 0, SETVAL, arg), 0);

  const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--", "true"});
  EXPECT_EQ(locked.exit_code, 0) << locked.err;
  EXPECT_EQ(lock_semid(id), semid) << "the old set is used, not replaced";
  EXPECT_EQ(lock_stat(id).sem_nsems, 1U);
  EXPECT_NE(semctl(semid, 0, GETPID), 0) << "shmtool took and released it";
  EXPECT_EQ(lock_value(id), 1);
  EXPECT_EQ(stat_lock(id)["semid"], semid);

  Holder holder(id);
  ASSERT_TRUE(eventually([&] { return lock_value(id) == 0; })) << holder.process().err();
  EXPECT_EQ(stat_lock(id)["held"], true);
  const RunResult waited =
      run_shmtool({"write", segment.id_arg(), "--lock", "--timeout", "100ms", "x"});
  EXPECT_EQ(waited.exit_code, 1) << waited.err;
  EXPECT_EQ(holder.release(), 0);

  const RunResult rm = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(rm.err, "");
  EXPECT_FALSE(lock_exists(id)) << "rm removes the old lock with its segment";
}

// A C program that knows only semaphore 0 (semget(key, 1, 0)) opens the lock shmtool makes now
// and holds shmtool back with it.
TEST(LockSegments, ACProgramThatAsksForOneSemaphoreJoinsTheLock) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const int semid = semget(lock_key(id), 1, 0);
  ASSERT_GE(semid, 0) << std::strerror(errno);
  EXPECT_EQ(semid, lock_semid(id));
  struct sembuf take {};
  take.sem_num = 0;
  take.sem_op = -1;
  take.sem_flg = SEM_UNDO;
  ASSERT_EQ(semop(semid, &take, 1), 0);
  EXPECT_EQ(stat_lock(id)["held"], true);
  const RunResult waited =
      run_shmtool({"lock", segment.id_arg(), "--timeout", "100ms", "--", "true"});
  EXPECT_EQ(waited.exit_code, 1) << waited.err;
  struct sembuf give = take;
  give.sem_op = 1;
  ASSERT_EQ(semop(semid, &give, 1), 0);
  EXPECT_EQ(run_shmtool({"lock", segment.id_arg(), "--timeout", "5", "--", "true"}).exit_code, 0);
  EXPECT_EQ(semctl(semid, 1, GETVAL), 0x5348) << "the marker is untouched";
}

// Between a creator's semget and its SETALL the lock holds zeros and no marker: another
// shmtool that finds it then waits a moment for the marker instead of calling it another
// program's set.
TEST(LockSegments, ALockBeingCreatedIsWaitedForNotTakenForAnotherProgramsSet) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  const int semid = semget(lock_key(id), 2, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_GE(semid, 0) << std::strerror(errno);
  std::thread creator([semid] {
    std::this_thread::sleep_for(100ms);
    unsigned short values[2] = {1, 0x5348};
    SemArgument arg{};
    arg.array = values;
    semctl(semid, 0, SETALL, arg);
  });
  const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--timeout", "5", "--", "true"});
  creator.join();
  EXPECT_EQ(locked.exit_code, 0) << locked.err;
  EXPECT_EQ(lock_semid(id), semid);
  EXPECT_NE(semctl(semid, 0, GETPID), 0) << "shmtool took and released it";
}

TEST(LockStat, ShowsNoneThenHeldWithTheHolderThenFree) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  const std::string id = segment.id_arg();
  const std::uint32_t key = lock_key_value(segment.id());

  EXPECT_TRUE(stat_lock(segment.id()).is_null());
  const RunResult text_none = run_shmtool({"stat", id});
  EXPECT_NE(text_none.out.find("lock:    none yet (key " + hex_key(key) + ")\n"), std::string::npos)
      << text_none.out;

  Holder holder(segment.id());
  ASSERT_TRUE(eventually([&] { return lock_value(segment.id()) == 0; })) << holder.process().err();
  auto held = stat_lock(segment.id());
  ASSERT_TRUE(held.is_object()) << held;
  EXPECT_EQ(held["key"], key);
  EXPECT_EQ(held["key_hex"], hex_key(key));
  EXPECT_EQ(held["semid"], lock_semid(segment.id()));
  EXPECT_EQ(held["held"], true);
  EXPECT_EQ(held["waiting"], 0);
  EXPECT_EQ(held["last_pid"], holder.process().pid());
  const RunResult text_held = run_shmtool({"stat", id});
  EXPECT_NE(text_held.out.find("lock:    held (key " + hex_key(key)), std::string::npos)
      << text_held.out;

  Background waiter({"lock", id, "--timeout", "20", "--", "true"});
  ASSERT_TRUE(eventually([&] { return lock_waiters(segment.id()) == 1; })) << waiter.err();
  EXPECT_EQ(stat_lock(segment.id())["waiting"], 1);
  EXPECT_NE(run_shmtool({"stat", id}).out.find(", 1 waiting)"), std::string::npos);

  EXPECT_EQ(holder.release(), 0);
  EXPECT_EQ(waiter.exit_code(), 0) << waiter.err();
  const auto after = stat_lock(segment.id());
  ASSERT_TRUE(after.is_object()) << after;
  EXPECT_EQ(after["held"], false);
  EXPECT_EQ(after["waiting"], 0);
  EXPECT_EQ(after["last_pid"], waiter.pid()) << "the last to take and release it";
  EXPECT_NE(run_shmtool({"stat", id}).out.find("lock:    free (key " + hex_key(key)),
            std::string::npos);
}

TEST(LockRemoval, RmRemovesTheLockWithTheSegment) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  ASSERT_TRUE(lock_exists(id));
  const RunResult rm = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(segment_exists(id));
  errno = 0;
  EXPECT_LT(lock_semid(id), 0);
  EXPECT_EQ(errno, ENOENT);
}

TEST(LockRemoval, RmOfAnAttachedSegmentRemovesTheLockToo) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  Attached attached(id);
  const RunResult rm = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_NE(rm.out.find("marked id " + segment.id_arg()), std::string::npos) << rm.out;
  errno = 0;
  EXPECT_LT(lock_semid(id), 0);
  EXPECT_EQ(errno, ENOENT);
}

TEST(LockRemoval, WaiterForALockRemovedWithItsSegmentGetsNotFound) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  Holder holder(id);
  ASSERT_TRUE(eventually([&] { return lock_value(id) == 0; })) << holder.process().err();
  TempFile ran_dir;
  const std::string ran = ran_dir.path() + ".ran";
  Background waiter({"lock", segment.id_arg(), "--timeout", "20", "--", "touch", ran});
  ASSERT_TRUE(eventually([&] { return lock_waiters(id) == 1; })) << waiter.err();
  const RunResult rm = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(waiter.exit_code(), 3) << waiter.err();
  EXPECT_EQ(count_lines(waiter.err()), 1) << waiter.err();
  EXPECT_FALSE(std::filesystem::exists(ran));
  std::filesystem::remove(ran);
  EXPECT_EQ(holder.release(), 0) << "the holder's command ends normally";
  EXPECT_FALSE(lock_exists(id));
}

TEST(LockRemoval, ASetOfTwoSemaphoresAtTheLockKeyIsNotShmtoolsAndIsLeftAlone) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  SemaphoreSetGuard foreign(lock_key(id), 2);
  const std::string subject = "lock of id " + segment.id_arg();

  const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--", "true"});
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_EQ(count_lines(locked.err), 1) << locked.err;
  EXPECT_NE(locked.err.find(subject), std::string::npos) << locked.err;
  EXPECT_NE(locked.err.find("2 semaphores"), std::string::npos) << locked.err;
  EXPECT_EQ(run_shmtool({"write", segment.id_arg(), "--lock", "x"}).exit_code, 1);
  EXPECT_EQ(run_shmtool({"read", segment.id_arg(), "--lock"}).exit_code, 1);
  EXPECT_EQ(run_shmtool({"stat", segment.id_arg()}).exit_code, 0);

  const RunResult rm = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(segment_exists(id));
  struct semid_ds ds {};
  SemArgument arg{};
  arg.buf = &ds;
  ASSERT_EQ(semctl(foreign.semid(), 0, IPC_STAT, arg), 0) << "the set is still there";
  EXPECT_EQ(ds.sem_nsems, 2U);
  unsigned short values[2] = {9, 9};
  arg.array = values;
  ASSERT_EQ(semctl(foreign.semid(), 0, GETALL, arg), 0);
  EXPECT_EQ(values[0], 0) << "its values were not touched";
  EXPECT_EQ(values[1], 0);
}

// A set of one semaphore at `key` made by nobody (uid 65534), as another program of another
// user would; removed (by root) when the guard ends.
class NobodysSemaphoreSet {
 public:
  explicit NobodysSemaphoreSet(key_t key) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
    const pid_t child = fork();
    if (child == 0) {
      close(pipe_fds[0]);
      int semid = -1;
      if (setgid(65534) == 0 && setuid(65534) == 0) {
        semid = semget(key, 1, IPC_CREAT | IPC_EXCL | 0666);
      }
      (void)!write(pipe_fds[1], &semid, sizeof semid);
      _exit(0);
    }
    close(pipe_fds[1]);
    if (read(pipe_fds[0], &semid_, sizeof semid_) != sizeof semid_) semid_ = -1;
    close(pipe_fds[0]);
    waitpid(child, nullptr, 0);
    if (semid_ < 0) throw std::runtime_error("nobody could not make the semaphore set");
  }
  NobodysSemaphoreSet(const NobodysSemaphoreSet&) = delete;
  NobodysSemaphoreSet& operator=(const NobodysSemaphoreSet&) = delete;
  ~NobodysSemaphoreSet() { semctl(semid_, 0, IPC_RMID); }
  int semid() const { return semid_; }

 private:
  int semid_ = -1;
};

TEST(LockRemoval, AnotherUsersSetAtTheLockKeyIsNotShmtoolsAndIsLeftAlone) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  NobodysSemaphoreSet foreign(lock_key(id));

  const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--", "true"});
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_EQ(count_lines(locked.err), 1) << locked.err;
  EXPECT_NE(locked.err.find("not shmtool's"), std::string::npos) << locked.err;
  EXPECT_EQ(run_shmtool({"write", segment.id_arg(), "--lock", "x"}).exit_code, 1);

  const RunResult stat = run_shmtool({"stat", segment.id_arg()});
  EXPECT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_NE(stat.out.find("lock:    none (key " + hex_key(lock_key_value(id)) +
                          " holds another program's semaphore set)"),
            std::string::npos)
      << stat.out;
  const RunResult json = run_shmtool({"stat", "--json", segment.id_arg()});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(parse_json(json)["lock"].is_null()) << json.out;

  const RunResult rm = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(rm.err, "");
  EXPECT_FALSE(segment_exists(id));
  struct semid_ds ds {};
  SemArgument arg{};
  arg.buf = &ds;
  EXPECT_EQ(semctl(foreign.semid(), 0, IPC_STAT, arg), 0) << "nobody's set is still there";
}

TEST(LockPermissions, NobodyMayNotTakeTheLockOfARootOnlySegment) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0600);
  LockGuard lock(segment.id());
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  EXPECT_EQ(lock_stat(segment.id()).sem_perm.mode & 0777U, 0600U);

  const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--", "true"}, as_nobody());
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_EQ(count_lines(locked.err), 1) << locked.err;
  EXPECT_NE(locked.err.find("permission denied"), std::string::npos) << locked.err;
  EXPECT_EQ(run_shmtool({"read", segment.id_arg(), "--lock"}, as_nobody()).exit_code, 1);
  EXPECT_EQ(run_shmtool({"lock", segment.id_arg(), "--timeout", "1", "--", "true"}, as_nobody())
                .exit_code,
            1);
  EXPECT_EQ(lock_value(segment.id()), 1);
}

TEST(LockPermissions, NobodyMayNotTakeTheLockOfAGroupOnlySegment) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0640);  // group root; nobody has no groups
  LockGuard lock(segment.id());
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const struct semid_ds ds = lock_stat(segment.id());
  EXPECT_EQ(ds.sem_perm.mode & 0777U, 0660U) << "read grants alter: the group may take it";
  EXPECT_EQ(ds.sem_perm.gid, getegid());
  EXPECT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}, as_nobody()).exit_code, 1);
}

TEST(LockPermissions, ReadersOfAWorldReadableSegmentMayTakeItsLock) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0644);
  LockGuard lock(segment.id());
  put_bytes(segment.id(), std::string("shared\0", 7));
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const struct semid_ds ds = lock_stat(segment.id());
  EXPECT_EQ(ds.sem_perm.mode & 0777U, 0666U) << "read permission also grants alter";
  EXPECT_EQ(ds.sem_perm.uid, geteuid());

  EXPECT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}, as_nobody()).exit_code, 0);
  const RunResult read = run_shmtool({"read", segment.id_arg(), "--lock"}, as_nobody());
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "shared\n");
  const RunResult write = run_shmtool({"write", segment.id_arg(), "--lock", "x"}, as_nobody());
  EXPECT_EQ(write.exit_code, 1) << "the lock does not grant writing: " << write.err;
  EXPECT_EQ(segment_bytes(segment.id()).substr(0, 6), "shared");
  EXPECT_EQ(lock_value(segment.id()), 1) << "released after the failed write";
}

TEST(LockPermissions, ARootCreatedLockBelongsToTheSegmentsOwner) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0600);
  LockGuard lock(segment.id());
  ASSERT_EQ(run_shmtool({"chown", "65534:65534", segment.id_arg()}).exit_code, 0);
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const struct semid_ds ds = lock_stat(segment.id());
  EXPECT_EQ(ds.sem_perm.uid, 65534U);
  EXPECT_EQ(ds.sem_perm.gid, 65534U);
  EXPECT_EQ(ds.sem_perm.mode & 0777U, 0600U);
  const RunResult owner = run_shmtool({"lock", segment.id_arg(), "--", "true"}, as_nobody());
  EXPECT_EQ(owner.exit_code, 0) << owner.err;
  EXPECT_EQ(run_shmtool({"write", segment.id_arg(), "--lock", "mine"}, as_nobody()).exit_code, 0);
}

// Known bugs (see the report of this suite): enable when fixed.

// A caller who may not read a segment must not create its lock. Today the lock is created
// with the caller as its owner, and the command runs (exit 0).
TEST(LockPermissions, NobodyMayNotCreateTheLockOfARootOnlySegment) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0600);
  LockGuard lock(segment.id());
  const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--", "true"}, as_nobody());
  EXPECT_EQ(locked.exit_code, 1) << locked.err;
  EXPECT_FALSE(lock_exists(segment.id()));
}

// rm by the segment's owner leaves behind a lock another user created (best effort removal).
// Only those who may remove the segment create its lock, so its owner's rm removes both.
TEST(LockRemoval, OnlyOwnerCreatorOrRootCreateTheLockSoRmRemovesIt) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0644);
  const int id = segment.id();
  LockGuard lock(id);
  ASSERT_EQ(run_shmtool({"chown", "1:1", segment.id_arg()}).exit_code, 0);
  const RunResult reader_first = run_shmtool({"read", segment.id_arg(), "--lock"}, as_nobody());
  EXPECT_EQ(reader_first.exit_code, 1) << reader_first.err;
  EXPECT_NE(reader_first.err.find("only the segment's owner, its creator or root may create it"),
            std::string::npos)
      << reader_first.err;
  EXPECT_FALSE(lock_exists(id));
  const auto as_owner = [&](std::vector<std::string> args) {
    args.insert(args.begin(),
                {"setpriv", "--reuid=1", "--regid=1", "--clear-groups", shmtool_binary()});
    return run_program(args);
  };
  ASSERT_EQ(as_owner({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  ASSERT_TRUE(lock_exists(id));
  const RunResult reader = run_shmtool({"read", segment.id_arg(), "--lock"}, as_nobody());
  EXPECT_EQ(reader.exit_code, 0) << "once it exists, readers take it: " << reader.err;
  const RunResult rm = as_owner({"rm", segment.id_arg()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(segment_exists(id));
  EXPECT_FALSE(lock_exists(id)) << "the lock outlived its segment";
}

// Taking the lock of a segment already marked for removal makes a new lock that nothing removes.
TEST(LockRemoval, LockOfAMarkedSegmentDoesNotOutliveIt) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const int id = segment.id();
  LockGuard lock(id);
  {
    Attached attached(id);
    ASSERT_EQ(run_shmtool({"rm", segment.id_arg()}).exit_code, 0);
    run_shmtool({"lock", segment.id_arg(), "--", "true"});
  }
  EXPECT_FALSE(segment_exists(id));
  EXPECT_FALSE(lock_exists(id)) << "the lock outlived its segment";
}

TEST(LockOwnership, FollowsChownAndChmodOfItsSegment) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0600);
  const int id = segment.id();
  LockGuard lock(id);
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  ASSERT_EQ(run_shmtool({"chown", "65534:65534", segment.id_arg()}).exit_code, 0);
  ASSERT_EQ(run_shmtool({"chmod", "640", segment.id_arg()}).exit_code, 0);
  const int semid = semget(static_cast<key_t>(0xffffffffU - static_cast<unsigned>(id)), 0, 0);
  ASSERT_GE(semid, 0);
  struct semid_ds ds {};
  union {
    int val;
    struct semid_ds* buf;
  } arg{};
  arg.buf = &ds;
  ASSERT_EQ(semctl(semid, 0, IPC_STAT, arg), 0);
  EXPECT_EQ(ds.sem_perm.uid, 65534U);
  EXPECT_EQ(ds.sem_perm.gid, 65534U);
  EXPECT_EQ(ds.sem_perm.mode & 0777U, 0660U) << "read permission grants alter too";
}

TEST(LockTimeout, SaysHowLongItWaited) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockGuard lock(segment.id());
  Holder holder(segment.id());
  ASSERT_TRUE(eventually([&] { return lock_value(segment.id()) == 0; })) << holder.process().err();
  const RunResult run =
      run_shmtool({"write", segment.id_arg(), "--lock", "--timeout", "0.25", "x"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("after 0.25 s (--timeout)"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace shmtool::test
