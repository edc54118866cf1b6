#include "procs/namespaces.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "util/proc_files.hpp"
#include "util/unique_fd.hpp"
#include "util/whole_number.hpp"

namespace shmtool {

namespace {

std::string pid_path(pid_t pid, std::string_view rest) {
  std::string path = std::to_string(pid);
  path += rest;
  return path;
}

std::string read_comm(int proc, pid_t pid) {
  const std::optional<std::string> comm = read_file_at(proc, pid_path(pid, "/comm").c_str());
  return comm ? std::string(comm_text(*comm)) : std::string();
}

// A process's mount namespace and root directory: processes that share both see one /dev/shm.
using RootKey = std::tuple<std::uint64_t, dev_t, ino_t>;

struct RootSeen {
  pid_t pid = 0;          // the lowest pid with this mount namespace and root
  std::uint64_t ipc = 0;  // its IPC namespace
};

// Returns this process's mount namespace and root, to open its own /dev/shm as every command
// does (a host whose /dev/shm is a link to /run/shm is the host's own choice).
std::optional<RootKey> own_root(int proc) {
  const auto mnt = namespace_inode(proc, "self/ns/mnt");
  struct stat st {};
  if (!mnt || stat("/", &st) != 0) return std::nullopt;
  return RootKey{*mnt, st.st_dev, st.st_ino};
}

// The device and inode of an open /dev/shm.
std::pair<dev_t, ino_t> directory_of(const ShmDir& dir) {
  struct stat st {};
  if (fstat(dir.fd(), &st) != 0) return {0, 0};
  return {st.st_dev, st.st_ino};
}

// Opens the /dev/shm of the process `pid` under its root.
Result<ShmDir> open_shm_of(int proc, pid_t pid, bool own) {
  if (own) return ShmDir::open_default();
  const UniqueFd root(
      openat(proc, pid_path(pid, "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) {
    Error error{ErrorKind::system, Op::shm_dir, errno, "/proc/" + pid_path(pid, "/root"), {}};
    error.posix = true;
    return error;
  }
  Result<ShmDir> dir = ShmDir::open_under_root(root.get());
  if (!dir.ok()) {
    Error error = dir.error();
    error.subject = "/proc/" + pid_path(pid, "/root/dev/shm");
    return error;
  }
  return dir;
}

}  // namespace

Result<HostNamespaces> find_namespaces(const NamespaceScan& scan) {
  HostNamespaces out;
  const UniqueFd proc(open(scan.proc.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc.valid()) return errno_error(Op::enumerate, errno, scan.proc);
  DIR* entries = fdopendir(dup(proc.get()));
  if (entries == nullptr) return errno_error(Op::enumerate, errno, scan.proc);

  std::unordered_map<std::uint64_t, std::size_t> by_inode;  // IPC inode -> index in found
  struct Found {
    std::uint64_t inode = 0;
    std::vector<pid_t> pids;
  };
  std::vector<Found> found;
  std::map<RootKey, RootSeen> roots;
  while (const dirent* entry = readdir(entries)) {
    pid_t pid = 0;
    if (!parse_whole(std::string_view(entry->d_name), pid) || pid <= 0) continue;
    const auto ipc = namespace_inode(proc.get(), pid_path(pid, "/ns/ipc").c_str());
    if (!ipc) {
      if (!process_is_gone(errno)) ++out.unreadable;
      continue;
    }
    const auto [at, added] = by_inode.try_emplace(*ipc, found.size());
    if (added) found.push_back(Found{*ipc, {}});
    found[at->second].pids.push_back(pid);
    if (!scan.shm_mounts) continue;
    const auto mnt = namespace_inode(proc.get(), pid_path(pid, "/ns/mnt").c_str());
    struct stat root {};
    if (!mnt || fstatat(proc.get(), pid_path(pid, "/root").c_str(), &root, 0) != 0) {
      if (!process_is_gone(errno)) ++out.unreadable;
      continue;
    }
    const auto [seen, first] =
        roots.try_emplace(RootKey{*mnt, root.st_dev, root.st_ino}, RootSeen{pid, *ipc});
    if (!first && pid < seen->second.pid) seen->second = RootSeen{pid, *ipc};
  }
  closedir(entries);

  for (Found& ns : found) {
    std::sort(ns.pids.begin(), ns.pids.end());
    auto tag = std::make_shared<NamespaceTag>();
    tag->inode = ns.inode;
    tag->pid = ns.pids.front();
    tag->comm = read_comm(proc.get(), tag->pid);
    out.ipc.push_back(IpcNamespace{std::move(tag), std::move(ns.pids)});
  }
  std::sort(out.ipc.begin(), out.ipc.end(),
            [](const IpcNamespace& a, const IpcNamespace& b) { return a.tag->pid < b.tag->pid; });

  // Each distinct /dev/shm, by device and directory (directories of one tmpfs may each be a
  // container's /dev/shm, bind-mounted): opened under the root of one process per mount
  // namespace and root, in pid order, so the lowest pid that sees it names it.
  std::vector<RootSeen> seen;
  const std::optional<RootKey> own = own_root(proc.get());
  std::vector<bool> is_own;
  for (const auto& [key, root] : roots)
    seen.push_back(root);
  std::sort(seen.begin(), seen.end(),
            [](const RootSeen& a, const RootSeen& b) { return a.pid < b.pid; });
  std::map<std::pair<dev_t, ino_t>, std::size_t> by_directory;  // -> index in out.shm
  for (const RootSeen& root : seen) {
    bool own_one = false;
    if (own) {
      const auto it = roots.find(*own);
      own_one = it != roots.end() && it->second.pid == root.pid;
    }
    Result<ShmDir> dir = open_shm_of(proc.get(), root.pid, own_one);
    if (!dir.ok()) {
      // No /dev/shm there, or not a tmpfs: that process has no POSIX objects to list. A link is
      // refused, and said.
      if (dir.error().err == ELOOP) out.refused.push_back(dir.error());
      continue;
    }
    const auto [dev, ino] = directory_of(*dir);
    const auto [at, added] = by_directory.try_emplace({dev, ino}, out.shm.size());
    if (added) {
      ShmMount mount;
      mount.dev = dev;
      mount.ino = ino;
      // The tag of the IPC namespace whose lowest pid this is, or one of its own.
      for (const IpcNamespace& ns : out.ipc) {
        if (ns.tag->pid == root.pid) mount.tag = ns.tag;
      }
      if (!mount.tag) {
        auto tag = std::make_shared<NamespaceTag>();
        tag->inode = root.ipc;
        tag->pid = root.pid;
        tag->comm = read_comm(proc.get(), root.pid);
        mount.tag = std::move(tag);
      }
      out.shm.push_back(std::move(mount));
    }
    out.shm[at->second].pids.push_back(root.pid);
  }
  return out;
}

bool may_enter_namespaces() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return geteuid() == 0;
  return (data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32))) != 0;
}

namespace {

// Returns to the namespace of `own` when it goes out of scope (also when a visit throws).
class NamespaceReturn {
 public:
  explicit NamespaceReturn(int own) : own_(own) {}
  NamespaceReturn(const NamespaceReturn&) = delete;
  NamespaceReturn& operator=(const NamespaceReturn&) = delete;
  ~NamespaceReturn() {
    if (armed_) (void)setns(own_, CLONE_NEWIPC);
  }
  // Returns, reporting whether it could.
  bool leave() {
    armed_ = false;
    return setns(own_, CLONE_NEWIPC) == 0;
  }

 private:
  int own_;
  bool armed_ = true;
};

Error entry_error(int err, pid_t pid) {
  return Error{
      kind_of_errno(err), Op::enter_namespace, err, "/proc/" + pid_path(pid, "/ns/ipc"), {}};
}

}  // namespace

Result<bool> visit_ipc_namespace(const IpcNamespace& ns, const std::function<void()>& visit,
                                 const std::string& proc) {
  const UniqueFd procs(open(proc.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!procs.valid()) return errno_error(Op::enumerate, errno, proc);
  const UniqueFd own(open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC));
  if (!own.valid()) return errno_error(Op::enter_namespace, errno, "/proc/thread-self/ns/ipc");
  struct stat own_stat {};
  if (fstat(own.get(), &own_stat) != 0) {
    return errno_error(Op::enter_namespace, errno, "/proc/thread-self/ns/ipc");
  }
  for (pid_t pid : ns.pids) {
    const UniqueFd fd(openat(procs.get(), pid_path(pid, "/ns/ipc").c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    // Gone, or the pid now belongs to a process of another namespace: try the next.
    if (!fd.valid() || fstat(fd.get(), &st) != 0 || st.st_ino != ns.tag->inode) continue;
    if (st.st_ino == own_stat.st_ino && st.st_dev == own_stat.st_dev) {
      visit();  // this process's own namespace: nothing to enter
      return true;
    }
    if (setns(fd.get(), CLONE_NEWIPC) != 0) return entry_error(errno, pid);
    NamespaceReturn back(own.get());
    visit();
    if (!back.leave()) return entry_error(errno, getpid());
    return true;
  }
  return false;
}

Result<std::optional<ShmDir>> open_shm_mount(const ShmMount& mount, const std::string& proc) {
  const UniqueFd procs(open(proc.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!procs.valid()) return errno_error(Op::enumerate, errno, proc);
  const std::optional<RootKey> own = own_root(procs.get());
  for (pid_t pid : mount.pids) {
    bool own_one = false;
    if (own) {
      const auto mnt = namespace_inode(procs.get(), pid_path(pid, "/ns/mnt").c_str());
      struct stat root {};
      own_one = mnt && fstatat(procs.get(), pid_path(pid, "/root").c_str(), &root, 0) == 0 &&
                RootKey{*mnt, root.st_dev, root.st_ino} == *own;
    }
    Result<ShmDir> dir = open_shm_of(procs.get(), pid, own_one);
    if (!dir.ok()) {
      if (dir.error().err == ELOOP) return dir.error();
      continue;  // gone
    }
    if (directory_of(*dir) == std::pair(mount.dev, mount.ino)) {
      return std::optional<ShmDir>(std::move(*dir));
    }
  }
  return std::optional<ShmDir>();
}

}  // namespace shmtool
