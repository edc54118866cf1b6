#include "sysv/kernel_limits.hpp"

#include <sys/shm.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "util/whole_number.hpp"

namespace shmtool {
namespace {

std::optional<std::uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  std::uint64_t value = 0;
  if (!parse_whole(text, value)) return std::nullopt;
  return value;
}

}  // namespace

ShmLimits read_shm_limits(bool ask_usage) {
  ShmLimits limits;
  limits.shmmax = read_number("/proc/sys/kernel/shmmax");
  limits.shmall = read_number("/proc/sys/kernel/shmall");
  limits.shmmni = read_number("/proc/sys/kernel/shmmni");
  limits.rmid_forced = read_number("/proc/sys/kernel/shm_rmid_forced");
  const long page = sysconf(_SC_PAGESIZE);
  if (page > 0) limits.page_size = static_cast<std::uint64_t>(page);
  struct shm_info info {};
  if (ask_usage && shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&info)) >= 0) {
    limits.used_segments = static_cast<std::uint64_t>(info.used_ids);
    limits.used_pages = static_cast<std::uint64_t>(info.shm_tot);
  }
  return limits;
}

bool kernel_removes_unattached() {
  return read_number("/proc/sys/kernel/shm_rmid_forced").value_or(0) == 1;
}

HugePageInfo read_huge_page_info() {
  HugePageInfo info;
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream words(line);
    std::string name;
    std::uint64_t value = 0;
    if (!(words >> name >> value)) continue;
    if (name == "HugePages_Total:") info.total = value;
    if (name == "HugePages_Free:") info.free = value;
    if (name == "Hugepagesize:") info.page_bytes = value * 1024;  // printed in kB
  }
  if (auto group = read_number("/proc/sys/vm/hugetlb_shm_group")) {
    info.shm_group = static_cast<gid_t>(*group);
  }
  return info;
}

}  // namespace shmtool
