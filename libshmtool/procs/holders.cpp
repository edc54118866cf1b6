#include "procs/holders.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "util/proc_files.hpp"
#include "util/unique_fd.hpp"
#include "util/whole_number.hpp"

namespace shmtool {
namespace {

// The next field of a maps line, split by spaces.
std::string_view next_field(std::string_view& rest) {
  const auto start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  const auto end = rest.find(' ');
  const std::string_view field = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  return field;
}

// "/SYSV0000162e (deleted)": a System V segment's mapping.
bool is_sysv_path(std::string_view path) {
  return path.starts_with("/SYSV");
}

uid_t effective_uid(std::string_view status) {
  const auto at = status.find("\nUid:");
  if (at == std::string_view::npos) return static_cast<uid_t>(-1);
  // "Uid:\treal\teffective\tsaved\tfs"
  std::string line(status.substr(at + 5, status.find('\n', at + 1) - (at + 5)));
  std::replace(line.begin(), line.end(), '\t', ' ');
  std::string_view rest = line;
  (void)next_field(rest);  // real
  uid_t uid = static_cast<uid_t>(-1);
  (void)parse_whole(next_field(rest), uid);
  return uid;
}

std::string cmdline_text(std::string text) {
  while (!text.empty() && text.back() == '\0')
    text.pop_back();
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

// The boot time, epoch seconds ("btime" of PROC/stat), read once per PROC directory: tests
// point `proc` at a fake one, and each directory has its own.
std::optional<std::int64_t> boot_time(const std::string& proc) {
  static std::mutex mutex;
  static std::map<std::string, std::optional<std::int64_t>, std::less<>> cache;
  const std::lock_guard lock(mutex);
  if (const auto it = cache.find(proc); it != cache.end()) return it->second;
  std::optional<std::int64_t> boot;
  if (const std::optional<std::string> stat = read_file_at(AT_FDCWD, (proc + "/stat").c_str())) {
    const auto at = stat->find("\nbtime ");
    if (at != std::string::npos) {
      std::string_view rest = std::string_view(*stat).substr(at + 7);
      rest = rest.substr(0, rest.find('\n'));
      std::int64_t value = 0;
      if (parse_whole(rest, value)) boot = value;
    }
  }
  cache.emplace(proc, boot);
  return boot;
}

// What PROC/PID says of a segment's creator: its state and, when running and `want_comm`,
// its command and start time.
struct CreatorLookup {
  CreatorState state = CreatorState::unknown;
  RunningProcess process;
};

// Whether an errno of reading PROC/PID says the process is not there (or has just gone).
bool process_is_gone(int err) {
  return err == ENOENT || err == ESRCH;
}

CreatorLookup look_up_creator(pid_t pid, std::optional<std::int64_t> created,
                              const std::string& proc, bool want_comm) {
  CreatorLookup out;
  if (pid <= 0) return out;  // another pid namespace's process, or none: cannot tell
  const std::string path = proc + "/" + std::to_string(pid);
  const UniqueFd dir(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) {
    if (process_is_gone(errno)) out.state = CreatorState::gone;
    return out;
  }
  const std::optional<std::string> stat = read_file_at(dir.get(), "stat");
  if (!stat) {
    if (process_is_gone(errno)) out.state = CreatorState::gone;
    return out;
  }
  // A zombie (Z) or dead (X) process has exited; only its parent has not reaped it yet.
  const std::string_view run_state = proc_stat_field(*stat, 3);
  if (run_state == "Z" || run_state == "X") {
    out.state = CreatorState::gone;
    return out;
  }
  std::optional<std::string> comm;
  if (want_comm) {
    comm = read_file_at(dir.get(), "comm");
    if (!comm) {
      if (process_is_gone(errno)) out.state = CreatorState::gone;
      return out;
    }
  }
  const auto boot = boot_time(proc);
  const long hz = sysconf(_SC_CLK_TCK);
  const auto ticks = start_ticks(*stat);
  if (!boot || hz <= 0 || !ticks) return out;
  out.process.start = *boot + static_cast<std::int64_t>(*ticks / static_cast<std::uint64_t>(hz));
  // A process started after the segment's last change cannot have made it: the pid was reused.
  if (created && out.process.start > *created) {
    out.state = CreatorState::gone;
    return out;
  }
  out.state = CreatorState::running;
  if (comm) {
    if (!comm->empty() && comm->back() == '\n') comm->pop_back();
    out.process.comm = std::move(*comm);
  }
  return out;
}

}  // namespace

std::optional<std::uint64_t> start_ticks(std::string_view stat) {
  std::uint64_t ticks = 0;
  if (!parse_whole(proc_stat_field(stat, 22), ticks)) return std::nullopt;
  return ticks;
}

std::optional<RunningProcess> creator_process(pid_t pid, std::int64_t created,
                                              const std::string& proc) {
  CreatorLookup found = look_up_creator(pid, created, proc, true);
  if (found.state != CreatorState::running) return std::nullopt;
  return std::move(found.process);
}

CreatorState creator_state(pid_t pid, std::optional<std::int64_t> created,
                           const std::string& proc) {
  return look_up_creator(pid, created, proc, false).state;
}

bool parse_maps_line(std::string_view line, MapsLine& out) {
  std::string_view rest = line;
  const std::string_view range = next_field(rest);
  (void)next_field(rest);  // perms
  (void)next_field(rest);  // offset
  const std::string_view device = next_field(rest);
  const std::string_view inode = next_field(rest);
  const auto dash = range.find('-');
  const auto colon = device.find(':');
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  if (dash == std::string_view::npos || colon == std::string_view::npos ||
      !parse_whole(range.substr(0, dash), start, 16) ||
      !parse_whole(range.substr(dash + 1), end, 16) || end < start ||
      !parse_whole(device.substr(0, colon), out.major, 16) ||
      !parse_whole(device.substr(colon + 1), out.minor, 16) || !parse_whole(inode, out.inode)) {
    return false;
  }
  out.bytes = end - start;
  const auto path = rest.find_first_not_of(' ');
  out.path = path == std::string_view::npos ? std::string_view() : rest.substr(path);
  return true;
}

const ProcessInfo* HolderMap::process(pid_t pid) const {
  const auto it =
      std::lower_bound(processes.begin(), processes.end(), pid,
                       [](const ProcessInfo& p, pid_t wanted) { return p.pid < wanted; });
  return it != processes.end() && it->pid == pid ? &*it : nullptr;
}

std::vector<pid_t> HolderMap::segment_holders(int shmid) const {
  std::vector<pid_t> out;
  for (const Holding& h : holdings) {
    if (h.sysv && h.shmid == shmid) out.push_back(h.pid);
  }
  return out;
}

std::optional<std::uint64_t> HolderMap::object_nattch(ino_t ino) const {
  const std::size_t found = object_holders(ino).size();
  if (found == 0 && unreadable > 0 && !by_root) return std::nullopt;
  return found;
}

std::uint64_t HolderMap::segment_attachments(int shmid) const {
  std::uint64_t total = 0;
  for (const Holding& h : holdings) {
    if (h.sysv && h.shmid == shmid) total += h.attachments;
  }
  return total;
}

std::vector<pid_t> HolderMap::object_holders(ino_t ino) const {
  std::vector<pid_t> out;
  for (const Holding& h : holdings) {
    if (!h.sysv && h.ino == ino) out.push_back(h.pid);
  }
  return out;
}

Result<HolderMap> scan_holders(const HolderScan& scan) {
  HolderMap result;
  result.by_root = geteuid() == 0;
  const int proc = open(scan.proc.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0) return errno_error(Op::enumerate, errno, scan.proc);
  struct stat own_ns {};
  const bool know_ns = fstatat(proc, "self/ns/ipc", &own_ns, 0) == 0;
  DIR* entries = fdopendir(proc);
  if (entries == nullptr) {
    const int err = errno;
    close(proc);
    return errno_error(Op::enumerate, err, scan.proc);
  }
  while (const dirent* entry = readdir(entries)) {
    pid_t pid = 0;
    if (!parse_whole(std::string_view(entry->d_name), pid) || pid <= 0) continue;
    const int dir = openat(proc, entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) continue;  // gone
    // pid, object -> bytes mapped; kept ordered so the result is by pid, then object.
    std::map<std::pair<bool, std::uint64_t>, std::pair<std::uint64_t, std::uint64_t>> held;
    const std::optional<std::string> maps = read_file_at(dir, "maps");
    if (!maps) {
      if (errno != ENOENT && errno != ESRCH) ++result.unreadable;
      close(dir);
      continue;
    }
    bool same_ns = true;
    if (scan.sysv && know_ns) {
      struct stat ns {};
      same_ns = fstatat(dir, "ns/ipc", &ns, 0) == 0 && ns.st_ino == own_ns.st_ino &&
                ns.st_dev == own_ns.st_dev;
    }
    std::string_view rest = *maps;
    while (!rest.empty()) {
      const auto newline = rest.find('\n');
      const std::string_view line = rest.substr(0, newline);
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
      MapsLine m;
      if (!parse_maps_line(line, m)) continue;
      if (scan.sysv && same_ns && is_sysv_path(m.path)) {
        auto& [bytes, count] = held[{true, m.inode}];
        bytes += m.bytes;
        ++count;
      } else if (scan.posix_dev && makedev(m.major, m.minor) == *scan.posix_dev) {
        auto& [bytes, count] = held[{false, m.inode}];
        bytes += m.bytes;
        ++count;
      }
    }
    if (scan.posix_dev) {
      // Open descriptors of objects, mapped or not: stat follows each fd's link to its file.
      const int fds = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fds >= 0) {
        if (DIR* list = fdopendir(fds)) {
          while (const dirent* fd_entry = readdir(list)) {
            if (fd_entry->d_name[0] == '.') continue;
            struct stat st {};
            if (fstatat(dirfd(list), fd_entry->d_name, &st, 0) != 0) continue;
            if (S_ISREG(st.st_mode) && st.st_dev == *scan.posix_dev) {
              held.try_emplace({false, st.st_ino}, std::pair<std::uint64_t, std::uint64_t>{0, 0});
            }
          }
          closedir(list);
        } else {
          close(fds);
        }
      }
    }
    if (!held.empty()) {
      ProcessInfo info;
      info.pid = pid;
      info.uid = effective_uid(read_file_at(dir, "status").value_or(""));
      std::string comm = read_file_at(dir, "comm").value_or("");
      if (!comm.empty() && comm.back() == '\n') comm.pop_back();
      info.comm = std::move(comm);
      info.cmdline = cmdline_text(read_file_at(dir, "cmdline").value_or(""));
      result.processes.push_back(std::move(info));
      for (const auto& [object, use] : held) {
        Holding h;
        h.pid = pid;
        h.sysv = object.first;
        if (h.sysv) {
          h.shmid = static_cast<int>(object.second);
        } else {
          h.ino = static_cast<ino_t>(object.second);
        }
        h.mapped = use.first;
        h.attachments = use.second;
        result.holdings.push_back(h);
      }
    }
    close(dir);
  }
  closedir(entries);
  std::sort(result.processes.begin(), result.processes.end(),
            [](const ProcessInfo& a, const ProcessInfo& b) { return a.pid < b.pid; });
  std::stable_sort(result.holdings.begin(), result.holdings.end(),
                   [](const Holding& a, const Holding& b) { return a.pid < b.pid; });
  return result;
}

}  // namespace shmtool
