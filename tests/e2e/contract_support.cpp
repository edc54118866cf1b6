#include "contract_support.hpp"

#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>

namespace shmtool::test {
namespace {

std::string link_target(const char* path) {
  char buffer[256];
  const ssize_t n = readlink(path, buffer, sizeof buffer);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

SegmentSnapshot snapshot_segment(int id) {
  SegmentSnapshot snapshot;
  shmid_ds ds{};
  if (shmctl(id, IPC_STAT, &ds) != 0) return snapshot;
  snapshot.exists = true;
  snapshot.key = ds.shm_perm.__key;
  snapshot.size = ds.shm_segsz;
  snapshot.mode = ds.shm_perm.mode;
  snapshot.uid = ds.shm_perm.uid;
  snapshot.gid = ds.shm_perm.gid;
  snapshot.cuid = ds.shm_perm.cuid;
  snapshot.cgid = ds.shm_perm.cgid;
  snapshot.ctime = ds.shm_ctime;
  void* address = shmat(id, nullptr, SHM_RDONLY);
  if (address == reinterpret_cast<void*>(-1)) {
    throw std::runtime_error(std::string("snapshot: shmat: ") + std::strerror(errno));
  }
  snapshot.bytes.assign(static_cast<const char*>(address), ds.shm_segsz);
  shmdt(address);
  return snapshot;
}

std::ostream& operator<<(std::ostream& os, const SegmentSnapshot& s) {
  if (!s.exists) return os << "{gone}";
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", s.mode);
  return os << "{key " << s.key << ", size " << s.size << ", mode " << mode << ", uid " << s.uid
            << ", gid " << s.gid << ", cuid " << s.cuid << ", cgid " << s.cgid << ", ctime "
            << s.ctime << ", bytes hash " << std::hash<std::string>{}(s.bytes) << "}";
}

void fill_segment(int id, const std::string& bytes) {
  void* address = shmat(id, nullptr, 0);
  if (address == reinterpret_cast<void*>(-1)) {
    throw std::runtime_error(std::string("fill: shmat: ") + std::strerror(errno));
  }
  std::memcpy(address, bytes.data(), bytes.size());
  shmdt(address);
}

bool key_in_use(std::uint32_t key) {
  return shmget(static_cast<key_t>(key), 0, 0) >= 0 || errno != ENOENT;
}

std::string hex_key(std::uint32_t key) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08x", key);
  return buffer;
}

bool in_private_ipc_namespace() {
  if (std::getenv("SHMTOOL_TEST_PRIVATE_IPC") == nullptr) return false;
  // unshare execs what it runs, so the parent is whoever started unshare (CTest).
  const std::string mine = link_target("/proc/self/ns/ipc");
  const std::string parent =
      link_target(("/proc/" + std::to_string(getppid()) + "/ns/ipc").c_str());
  return !mine.empty() && !parent.empty() && mine != parent;
}

int count_segments() {
  std::ifstream table("/proc/sysvipc/shm");
  if (!table) throw std::runtime_error("cannot read /proc/sysvipc/shm");
  int lines = 0;
  for (std::string line; std::getline(table, line);)
    ++lines;
  return lines - 1;  // the heading
}

std::vector<std::string> substitute(
    std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>>& values) {
  for (std::string& arg : args) {
    for (const auto& [placeholder, value] : values) {
      for (auto at = arg.find(placeholder); at != std::string::npos;
           at = arg.find(placeholder, at + value.size())) {
        arg.replace(at, placeholder.size(), value);
      }
    }
  }
  return args;
}

std::string joined(const std::vector<std::string>& args) {
  std::string text = "shmtool";
  for (const std::string& arg : args)
    text += " '" + arg + "'";
  return text;
}

}  // namespace shmtool::test
