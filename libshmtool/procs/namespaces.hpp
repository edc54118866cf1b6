#pragma once
// The IPC namespaces of the host and the /dev/shm its processes see, for --all-namespaces: one
// walk of /proc reads each process's ns/ipc link ("ipc:[INODE]"), and, when POSIX objects are
// wanted, its mount namespace and root. Each namespace is then entered in turn (setns, and
// back), and each distinct /dev/shm (by device and directory) opened under the root of a process
// that sees it, never following a symbolic link (a container's files are the container's to shape).

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/namespace_tag.hpp"
#include "posix/shm_dir.hpp"
#include "util/result.hpp"

namespace shmtool {

/// An IPC namespace of the host.
struct IpcNamespace {
  std::shared_ptr<const NamespaceTag> tag;  // its inode, lowest pid and that pid's command
  std::vector<pid_t> pids;                  // its processes, ascending: any one opens it
};

/// A /dev/shm among the host's processes: one per directory (a device, or a directory of one
/// bind-mounted there).
struct ShmMount {
  // The IPC namespace of the lowest pid that sees it (a container's /dev/shm is tagged as its
  // segments are; the host's as the host's).
  std::shared_ptr<const NamespaceTag> tag;
  dev_t dev = 0;
  ino_t ino = 0;            // of the directory
  std::vector<pid_t> pids;  // one process per mount namespace and root that sees it, ascending
};

/// What to look for.
struct NamespaceScan {
  bool shm_mounts = false;     // also each distinct /dev/shm
  std::string proc = "/proc";  // tests point it elsewhere
};

/// What one walk of /proc found.
struct HostNamespaces {
  std::vector<IpcNamespace> ipc;  // by lowest pid
  std::vector<ShmMount> shm;      // by lowest pid
  // A /dev/shm that is not read: a symbolic link (or leads through one) under its root.
  std::vector<Error> refused;
  std::uint64_t unreadable = 0;  // processes whose namespaces could not be read
};

/// Walks /proc once. Fails only when /proc itself cannot be read.
Result<HostNamespaces> find_namespaces(const NamespaceScan& scan);

/// Returns whether this process may enter other namespaces (CAP_SYS_ADMIN, effective).
bool may_enter_namespaces();

/// Enters IPC namespace `ns` through the first of its processes that is still in it, calls
/// `visit`, and returns to this process's namespace (also when `visit` throws). Returns false,
/// without calling `visit`, when none of its processes is left in it (the namespace is gone).
/// Fails (Op::enter_namespace, subject "/proc/PID/ns/ipc") when it cannot be entered (EPERM:
/// no CAP_SYS_ADMIN over it) or left.
Result<bool> visit_ipc_namespace(const IpcNamespace& ns, const std::function<void()>& visit,
                                 const std::string& proc = "/proc");

/// Opens `mount`'s /dev/shm through the first of its processes that still sees it, under that
/// process's root. nullopt when none does any more (gone); fails as ShmDir::open_under_root.
Result<std::optional<ShmDir>> open_shm_mount(const ShmMount& mount,
                                             const std::string& proc = "/proc");

}  // namespace shmtool
