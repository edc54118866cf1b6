#pragma once
// Reading the small files of /proc: a whole file relative to a directory descriptor, and one
// field of /proc/PID/stat.

#include <optional>
#include <string>
#include <string_view>

namespace shmtool {

/// Returns the whole of file `path` relative to directory descriptor `dir` (AT_FDCWD for the
/// working directory); nullopt, with errno set, when it cannot be opened or read.
std::optional<std::string> read_file_at(int dir, const char* path);

/// Returns field `number` (1-based, as proc(5) counts them: 1 pid, 2 comm, 3 state, 4 ppid,
/// 22 starttime) of the text of /proc/PID/stat; empty when there is no such field. The
/// command name may hold spaces and parentheses: the fields after it follow the last ')'.
std::string_view proc_stat_field(std::string_view stat, int number);

}  // namespace shmtool
