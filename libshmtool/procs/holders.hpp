#pragma once
// Which processes hold shared memory: one walk of /proc, asked for only when something needs
// it (stat, a POSIX object's NATTCH). A System V segment appears in /proc/PID/maps as
// "/SYSV%08x (deleted)" with the shmid as its inode, and is counted only for processes in the
// caller's IPC namespace (ids repeat across namespaces); a POSIX object appears as a mapping
// or an open descriptor of a file on /dev/shm's device, matched by device and inode, never by
// the path's text. A process that vanishes while read is skipped; one that cannot be read
// (another user's, when not root) is counted as unreadable, not guessed.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace shmtool {

/// A process that holds shared memory.
struct ProcessInfo {
  pid_t pid = 0;
  uid_t uid = 0;  // effective
  std::string comm;
  std::string cmdline;  // arguments joined by spaces; empty for a kernel thread
};

/// One process's hold of one object: a System V segment (shmid, in an IPC namespace) or a
/// POSIX object (device and inode).
struct Holding {
  pid_t pid = 0;
  bool sysv = true;
  int shmid = -1;                 // sysv
  std::uint64_t ipc_ns = 0;       // sysv: its namespace's inode (0: the caller's namespace)
  dev_t dev = 0;                  // POSIX
  ino_t ino = 0;                  // POSIX
  std::uint64_t mapped = 0;       // bytes mapped (0: only an open descriptor)
  std::uint64_t attachments = 0;  // its mappings of the object (shmat twice: 2)
};

/// What one walk of /proc found.
struct HolderMap {
  std::vector<ProcessInfo> processes;  // the holders, by pid
  std::vector<Holding> holdings;       // by pid, then object
  std::uint64_t unreadable = 0;        // processes whose maps could not be read
  bool by_root = false;                // walked by root, who may read every process

  /// Returns the holder `pid`, or nullptr.
  const ProcessInfo* process(pid_t pid) const;
  /// Returns the pids holding segment `shmid` of namespace `ipc_ns` (0: the caller's, when the
  /// walk was not of every namespace), ascending.
  std::vector<pid_t> segment_holders(int shmid, std::uint64_t ipc_ns = 0) const;
  /// Returns the pids holding the POSIX object of device `dev` and inode `ino`, ascending.
  std::vector<pid_t> object_holders(dev_t dev, ino_t ino) const;
  /// Returns how many processes hold that POSIX object, when the walk can tell: nullopt when
  /// it found none but could not read some processes and was not made by root (another
  /// user's process may hold it: no one may call it orphaned then).
  std::optional<std::uint64_t> object_nattch(dev_t dev, ino_t ino) const;
  /// Returns how many attachments of segment `shmid` the walk saw (a process may have two).
  std::uint64_t segment_attachments(int shmid) const;
};

/// What to look for.
struct HolderScan {
  bool sysv = true;  // segments of the caller's IPC namespace
  // Segments of every IPC namespace instead (--all-namespaces): each hold names its
  // namespace (Holding::ipc_ns), since ids repeat across namespaces.
  bool every_ipc_namespace = false;
  // Only these segments, if set: the holders of others are neither looked at nor named (stat
  // of one segment reads one holder's names, not every holder's).
  std::optional<std::vector<int>> shmids;
  std::vector<dev_t> posix_devs;  // objects on these devices (/dev/shm's, or each one's)
  std::string proc = "/proc";     // tests point it elsewhere
};

/// Walks /proc once. Fails only when /proc itself cannot be read.
Result<HolderMap> scan_holders(const HolderScan& scan);

/// What /proc says of a running process that may have created a segment.
struct RunningProcess {
  std::string comm;
  std::int64_t start = 0;  // epoch seconds
};

/// Returns process `pid` if it runs and started no later than `created` (epoch seconds): a
/// pid reused by a process started after that cannot be the creator. nullopt otherwise, or
/// when /proc cannot tell. `proc` is where /proc is (tests point it at a fake one, with its
/// own `stat` and its boot time).
std::optional<RunningProcess> creator_process(pid_t pid, std::int64_t created,
                                              const std::string& proc = "/proc");

/// Whether a segment's creator still runs.
enum class CreatorState {
  running,  // process `pid` runs and started no later than the segment's last change
  gone,     // no process has the pid, it has exited (a zombie), or the one that has it
            // started later (a reused pid)
  unknown,  // /proc cannot tell: pid 0 (a process of another pid namespace), an unreadable
            // process, no boot time
};

/// Returns the state of creator `pid` of a segment last changed at `created` (epoch
/// seconds; nullopt when the kernel did not say: then any process with the pid counts as
/// running). Reads PROC/PID/stat only; `proc` as for creator_process.
CreatorState creator_state(pid_t pid, std::optional<std::int64_t> created,
                           const std::string& proc = "/proc");

/// Parses the start time (field 22, clock ticks after boot) out of /proc/PID/stat's text.
std::optional<std::uint64_t> start_ticks(std::string_view stat);

/// Parses one line of /proc/PID/maps: the bytes it maps, its device and inode, and its path
/// (empty for an anonymous mapping). Returns false for a line of another shape.
struct MapsLine {
  std::uint64_t bytes = 0;
  unsigned major = 0;
  unsigned minor = 0;
  std::uint64_t inode = 0;
  std::string_view path;
};
bool parse_maps_line(std::string_view line, MapsLine& out);

}  // namespace shmtool
