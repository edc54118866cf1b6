#pragma once
// The record of a POSIX shared memory object: a regular file in /dev/shm, as stat(2) reports
// it, with the shared block (size, mode, owner, atime, ctime) every kind embeds.

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/object_stat.hpp"

namespace shmtool {

/// Where POSIX shared memory objects live: shm_open("/NAME") opens /dev/shm/NAME.
inline constexpr std::string_view kShmDirPath = "/dev/shm";

/// One POSIX shared memory object.
struct PosixRecord : ObjectStat {
  std::string name;             // NAME, without the slash
  std::uint64_t allocated = 0;  // bytes it occupies (tmpfs allocates a page on first touch)
  std::optional<std::int64_t> mtime;
  std::optional<std::uint64_t> nattch;  // processes that map it; nullopt: not read
  dev_t dev = 0;
  ino_t ino = 0;
};

/// Builds the record of object `name` from what fstat/fstatat filled in.
PosixRecord posix_record_from_stat(std::string name, const struct stat& st);

/// Returns "/NAME", how shm_open and messages name it.
std::string posix_display_name(std::string_view name);

/// Returns "/dev/shm/NAME".
std::string posix_path(std::string_view name);

}  // namespace shmtool
