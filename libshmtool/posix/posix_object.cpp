#include "posix/posix_object.hpp"

namespace shmtool {

PosixRecord posix_record_from_stat(std::string name, const struct stat& st) {
  PosixRecord record;
  record.name = std::move(name);
  record.size = static_cast<std::uint64_t>(st.st_size);
  record.mode = static_cast<unsigned>(st.st_mode) & 0777U;
  record.uid = st.st_uid;
  record.gid = st.st_gid;
  record.atime = st.st_atim.tv_sec;
  record.mtime = st.st_mtim.tv_sec;
  record.ctime = st.st_ctim.tv_sec;
  // st_blocks counts 512-byte units whatever the filesystem's block size.
  record.allocated = static_cast<std::uint64_t>(st.st_blocks) * 512U;
  record.dev = st.st_dev;
  record.ino = st.st_ino;
  return record;
}

std::string posix_display_name(std::string_view name) {
  std::string out = "/";
  out += name;
  return out;
}

std::string posix_path(std::string_view name) {
  std::string out(kShmDirPath);
  out += '/';
  out += name;
  return out;
}

}  // namespace shmtool
