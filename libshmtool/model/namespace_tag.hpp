#pragma once
// Which IPC namespace an object was found in, for `--all-namespaces`: the namespace's inode
// (as /proc/PID/ns/ipc names it), and the lowest pid in it with its command, which is
// usually a container's first process and so says which container the object belongs to.

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace shmtool {

struct NamespaceTag {
  std::uint64_t inode = 0;  // of the IPC namespace (nsfs)
  pid_t pid = 0;            // the lowest pid in it, as this process's /proc numbers it
  std::string comm;         // that process's command name ("" if it could not be read)
};

}  // namespace shmtool
