#pragma once
// --ns PID: act in another process's IPC namespace (a container's), with paths (/dev/shm,
// ftok:PATH) resolved under its root.

#include <string>

namespace shmtool::cli {

/// Enters the IPC namespace of process `pid_text` (setns) and resolves every later path under
/// its /proc/PID/root. Throws CommandFailure: usage when `pid_text` is not a process id; exit 1
/// when there is no such process or the caller may not enter (CAP_SYS_ADMIN).
void enter_namespace_of(const std::string& pid_text);

}  // namespace shmtool::cli
