#pragma once
// Reading the small files of /proc: a whole file relative to a directory descriptor, and one
// field of /proc/PID/stat.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shmtool {

/// Reads whole files into one buffer, reused from one file to the next (a walk of /proc reads
/// thousands: no allocation per file once the buffer is big enough).
class FileReader {
 public:
  /// Reads all of `path` relative to directory descriptor `dir`; false, with errno set, when
  /// it cannot be opened or read.
  bool read(int dir, const char* path);
  /// The text of the last file read (empty after a failure).
  std::string_view text() const { return {bytes_.data(), size_}; }

 private:
  std::vector<char> bytes_ = std::vector<char>(4096);
  std::size_t size_ = 0;
};

/// Returns the whole of file `path` relative to directory descriptor `dir` (AT_FDCWD for the
/// working directory); nullopt, with errno set, when it cannot be opened or read.
std::optional<std::string> read_file_at(int dir, const char* path);

/// Returns field `number` (1-based, as proc(5) counts them: 1 pid, 2 comm, 3 state, 4 ppid,
/// 22 starttime) of the text of /proc/PID/stat; empty when there is no such field. The
/// command name may hold spaces and parentheses: the fields after it follow the last ')'.
std::string_view proc_stat_field(std::string_view stat, int number);

/// Returns whether an errno of reading /proc/PID says the process is not there (or has just
/// gone): ENOENT or ESRCH.
bool process_is_gone(int err);

/// Returns the text of /proc/PID/comm without its newline.
std::string_view comm_text(std::string_view text);

/// Returns the inode a namespace link names ("ipc:[4026531839]"): `path` relative to directory
/// `dir` (a process's "ns/ipc"). nullopt, with errno set, when it cannot be read.
std::optional<std::uint64_t> namespace_inode(int dir, const char* path);

}  // namespace shmtool
