#include "procs/holders.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

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
    out.process.comm = std::string(comm_text(*comm));
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

std::vector<pid_t> HolderMap::segment_holders(int shmid, std::uint64_t ipc_ns) const {
  std::vector<pid_t> out;
  for (const Holding& h : holdings) {
    if (h.sysv && h.shmid == shmid && h.ipc_ns == ipc_ns) out.push_back(h.pid);
  }
  return out;
}

std::optional<std::uint64_t> HolderMap::object_nattch(dev_t dev, ino_t ino) const {
  const std::size_t found = object_holders(dev, ino).size();
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

std::vector<pid_t> HolderMap::object_holders(dev_t dev, ino_t ino) const {
  std::vector<pid_t> out;
  for (const Holding& h : holdings) {
    if (!h.sysv && h.dev == dev && h.ino == ino) out.push_back(h.pid);
  }
  return out;
}

namespace {

// Whether process directory `dir` is in the IPC namespace of inode `own`.
bool in_ipc_namespace(int dir, const struct stat& own) {
  const auto inode = namespace_inode(dir, "ns/ipc");
  return inode && *inode == own.st_ino;
}

// One hold found in a process: an object (System V or not, shmid or inode), the bytes mapped
// and the mappings (0 for an open descriptor).
struct Held {
  bool sysv = false;
  dev_t dev = 0;  // POSIX
  std::uint64_t object = 0;
  std::uint64_t bytes = 0;
  std::uint64_t mappings = 0;
};

// Sorts `held` by object (POSIX first, then System V; each by number) and merges the entries
// of one object, adding their bytes and mappings.
void merge_held(std::vector<Held>& held) {
  std::sort(held.begin(), held.end(), [](const Held& a, const Held& b) {
    return std::tuple(a.sysv, a.dev, a.object) < std::tuple(b.sysv, b.dev, b.object);
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (out > 0 && held[out - 1].sysv == held[i].sysv && held[out - 1].dev == held[i].dev &&
        held[out - 1].object == held[i].object) {
      held[out - 1].bytes += held[i].bytes;
      held[out - 1].mappings += held[i].mappings;
    } else {
      held[out++] = held[i];
    }
  }
  held.resize(out);
}

// Whether `dev` is one of `devs` (a few: /dev/shm's, or one per container).
bool is_shm_device(const std::vector<dev_t>& devs, dev_t dev) {
  return std::find(devs.begin(), devs.end(), dev) != devs.end();
}

// Adds to `held` the POSIX objects (regular files on one of `devs`) that process directory `dir`
// holds open: a stat of each descriptor follows its link to the file. The descriptors are read
// with getdents64 into `entries` (no DIR to allocate).
void add_open_objects(int dir, const std::vector<dev_t>& devs, std::vector<std::uint64_t>& entries,
                      std::vector<Held>& held) {
  const int fds = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fds < 0) return;
  char* const buffer = reinterpret_cast<char*>(entries.data());
  const std::size_t size = entries.size() * sizeof entries[0];
  for (;;) {
    const ssize_t n = getdents64(fds, buffer, size);
    if (n <= 0) break;
    for (std::size_t at = 0; at < static_cast<std::size_t>(n);) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
      at += entry->d_reclen;
      if (entry->d_name[0] == '.') continue;
      struct stat st {};
      if (fstatat(fds, entry->d_name, &st, 0) != 0) continue;
      if (S_ISREG(st.st_mode) && is_shm_device(devs, st.st_dev)) {
        held.push_back({false, st.st_dev, st.st_ino, 0, 0});
      }
    }
  }
  close(fds);
}

}  // namespace

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
  std::vector<int> wanted;  // scan.shmids, sorted
  if (scan.shmids) {
    wanted = *scan.shmids;
    std::sort(wanted.begin(), wanted.end());
  }
  const auto is_wanted = [&](std::uint64_t shmid) {
    return !scan.shmids ||
           (shmid <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()) &&
            std::binary_search(wanted.begin(), wanted.end(), static_cast<int>(shmid)));
  };
  // Reused from one process to the next: no allocation per process once they are big enough.
  FileReader reader;
  std::vector<Held> held;
  std::vector<std::uint64_t> fd_entries(4096);  // 32 KiB for getdents64
  while (const dirent* entry = readdir(entries)) {
    pid_t pid = 0;
    if (!parse_whole(std::string_view(entry->d_name), pid) || pid <= 0) continue;
    const int dir = openat(proc, entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) continue;  // gone
    if (!reader.read(dir, "maps")) {
      if (!process_is_gone(errno)) ++result.unreadable;
      close(dir);
      continue;
    }
    held.clear();
    // The namespace is asked only of a process that maps a segment, once.
    std::optional<bool> same_ns;
    if (!know_ns || scan.every_ipc_namespace) same_ns = true;
    const auto in_own_namespace = [&] {
      if (!same_ns) same_ns = in_ipc_namespace(dir, own_ns);
      return *same_ns;
    };
    const bool posix = !scan.posix_devs.empty();
    std::string_view rest = reader.text();
    while (!rest.empty()) {
      if (!posix) {
        // Segments only: the lines that do not name "/SYSV" need no parsing.
        const auto sysv = rest.find("/SYSV");
        if (sysv == std::string_view::npos) break;
        const auto line_start = rest.rfind('\n', sysv);
        rest.remove_prefix(line_start == std::string_view::npos ? 0 : line_start + 1);
      }
      const auto newline = rest.find('\n');
      const std::string_view line = rest.substr(0, newline);
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
      MapsLine m;
      if (!parse_maps_line(line, m)) continue;
      const bool segment = scan.sysv && is_sysv_path(m.path);
      // A segment not asked for needs no namespace check unless it could be taken for an object.
      if (segment && !posix && !is_wanted(m.inode)) continue;
      if (segment && in_own_namespace()) {
        if (is_wanted(m.inode)) held.push_back({true, 0, m.inode, m.bytes, 1});
      } else if (posix && is_shm_device(scan.posix_devs, makedev(m.major, m.minor))) {
        held.push_back({false, makedev(m.major, m.minor), m.inode, m.bytes, 1});
      }
    }
    // Open descriptors of objects, mapped or not.
    if (posix) add_open_objects(dir, scan.posix_devs, fd_entries, held);
    if (!held.empty()) {
      merge_held(held);
      ProcessInfo info;
      info.pid = pid;
      // /proc/PID itself is owned by the process's effective user, whatever its dumpable flag
      // (task_dump_owner in the kernel's fs/proc/base.c: procps has always read it so): one
      // fstat instead of reading and parsing status.
      struct stat owner {};
      info.uid = fstat(dir, &owner) == 0 ? owner.st_uid : static_cast<uid_t>(-1);
      info.comm = std::string(comm_text(reader.read(dir, "comm") ? reader.text() : ""));
      info.cmdline =
          cmdline_text(reader.read(dir, "cmdline") ? std::string(reader.text()) : std::string());
      result.processes.push_back(std::move(info));
      // With every namespace, each segment is named by its namespace too.
      std::uint64_t ipc_ns = 0;
      if (scan.every_ipc_namespace) ipc_ns = namespace_inode(dir, "ns/ipc").value_or(0);
      for (const Held& object : held) {
        Holding h;
        h.pid = pid;
        h.sysv = object.sysv;
        if (h.sysv) {
          h.shmid = static_cast<int>(object.object);
          h.ipc_ns = ipc_ns;
        } else {
          h.dev = object.dev;
          h.ino = static_cast<ino_t>(object.object);
        }
        h.mapped = object.bytes;
        h.attachments = object.mappings;
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
