#pragma once
// Helpers of the POSIX shared memory object suites (posix_test, posix_interop_test,
// posix_safety_test): each test runs in a mount namespace of its own with a fresh tmpfs on
// /dev/shm (ctest starts these suites under tests/support/private_shm.sh) and refuses to run
// anywhere else; what is in /dev/shm is read here with plain system calls, never libshmtool.

#include <sys/stat.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "functional_support.hpp"

namespace shmtool::test {

/// Returns "/dev/shm/NAME".
std::string shm_path(const std::string& name);

/// Succeeds when /dev/shm is a tmpfs of this process's own: its mount namespace is not its
/// parent's, /dev/shm is a tmpfs and another filesystem than the parent's /dev/shm, and it is
/// empty; and the IPC namespace is private and empty too. Nothing here can reach the host's
/// objects then.
::testing::AssertionResult in_private_fresh_shm();

/// A fixture whose tests refuse to run (a fatal failure in SetUp) unless in_private_fresh_shm.
class PrivateShm : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(in_private_fresh_shm()); }
};

/// An entry of /dev/shm this test made or had the binary make: removed when the test ends
/// (unlink, or rmdir for a directory; never followed if it is a symbolic link).
class ShmEntry {
 public:
  explicit ShmEntry(std::string name) : name_(std::move(name)) {}
  ShmEntry(ShmEntry&& other) noexcept : name_(std::move(other.name_)) { other.name_.clear(); }
  ShmEntry& operator=(ShmEntry&&) = delete;
  ShmEntry(const ShmEntry&) = delete;
  ShmEntry& operator=(const ShmEntry&) = delete;
  ~ShmEntry();

  /// NAME, without the slash.
  const std::string& name() const { return name_; }
  /// "/NAME", the SEGMENT form.
  std::string arg() const { return "/" + name_; }
  /// "/dev/shm/NAME".
  std::string path() const { return shm_path(name_); }

 private:
  std::string name_;
};

/// Makes object NAME as shm_open(O_CREAT|O_EXCL) and ftruncate would, with exactly `mode`,
/// `size` bytes and `bytes` at offset 0; throws on failure.
ShmEntry make_object(const std::string& name, std::size_t size, mode_t mode = 0600,
                     const std::string& bytes = "");

/// Returns lstat(2) of `path`; a test failure (and zeros) when it fails.
struct stat lstat_of(const std::string& path);

/// Returns whether `path` exists (lstat: a symbolic link counts, whatever it points to).
bool path_exists(const std::string& path);

/// Returns every byte of the file at `path` (read with read(2), not mapped).
std::string file_bytes(const std::string& path);

/// Writes `bytes` into the file at `path` from `offset`, as pwrite does.
void put_file_bytes(const std::string& path, const std::string& bytes, off_t offset = 0);

/// Fills the whole file at `path` with a recognizable pattern and returns it.
std::string fill_file_with_pattern(const std::string& path);

/// Returns the names of /dev/shm's entries, sorted (not . and ..).
std::vector<std::string> shm_entries();

/// Returns whether another open file holds flock(LOCK_EX) on `path`: a LOCK_EX|LOCK_NB of a
/// descriptor of our own fails with EWOULDBLOCK (taken, it is released at once).
bool flock_is_held(const std::string& path);

/// Polls `condition` every 10 ms until it holds or `timeout` runs out; returns the last result.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// Returns the lines `text` holds, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

/// Returns the fields of a stat-style text ("field: value" lines): field -> value.
std::map<std::string, std::string> stat_fields(const std::string& text);

/// Returns epoch seconds as local ISO time, as --raw prints times ("2026-12-02T11:50:06").
std::string raw_time(std::int64_t epoch);

/// A program running in the background, its standard output on a pipe; killed (SIGKILL) and
/// reaped when destroyed if it still runs.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv);
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background();

  pid_t pid() const { return pid_; }
  /// Returns the next line of its output (without the newline), "" when none came in time.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Sends `signal_number`.
  void signal(int signal_number) const;
  /// Waits for it to end (up to `timeout`, then SIGKILL) and returns its exit status, or
  /// 128+N when signal N ended it.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffered_;
};

/// A hostile "container": a process in a mount namespace of its own whose /dev/shm is a
/// symbolic link to a directory of the host's (a temporary one holding file "victim", "keep"
/// in it), removed with what is in it at the end.
class HostileContainer {
 public:
  HostileContainer();
  HostileContainer(const HostileContainer&) = delete;
  HostileContainer& operator=(const HostileContainer&) = delete;
  ~HostileContainer();

  /// Whether it started and made its link.
  bool ready() const { return ready_; }
  pid_t pid() const { return process_->pid(); }
  /// The host's file its /dev/shm/victim leads to.
  std::string victim() const { return dir_ + "/victim"; }

 private:
  std::string dir_;
  std::optional<Background> process_;
  bool ready_ = false;
};

}  // namespace shmtool::test
