#pragma once
// --ns PID: act in another process's IPC namespace (a container's), with paths (/dev/shm,
// ftok:PATH) resolved under its root. --all-namespaces (list, who, metrics): read every IPC
// namespace of the host, and every /dev/shm its processes see.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "command.hpp"
#include "procs/namespaces.hpp"
#include "sysv/segment_table.hpp"

namespace shmtool::cli {

/// Enters the IPC namespace of process `pid_text` (setns) and resolves every later path under
/// its /proc/PID/root. Throws CommandFailure: usage when `pid_text` is not a process id; exit 1
/// when there is no such process or the caller may not enter (CAP_SYS_ADMIN).
void enter_namespace_of(const std::string& pid_text);

/// Declares --all-namespaces on `app`, setting `flag`; `which` says how a row names its
/// namespace.
void add_all_namespaces_option(CLI::App& app, bool& flag, const char* which);

/// Finds every IPC namespace of the host (and every /dev/shm, when `posix`), after checking
/// that --ns was not given (usage) and that the caller may enter them (CAP_SYS_ADMIN, exit 1).
/// Each /dev/shm refused (a symbolic link under its root) gets a warning line on stderr.
HostNamespaces find_all_namespaces(Context& context, bool posix);

/// Hands the segments of each namespace to `take` in turn, each with its namespace
/// (SegmentRecord::ns), by namespace (lowest pid first), then index; `take` may move them away.
/// A namespace gone since it was found is skipped.
void for_each_namespace_segments(Context& context, const HostNamespaces& host, Usage usage,
                                 const std::function<void(std::vector<SegmentRecord>&)>& take);

/// Returns the segments of every namespace, each with its namespace (SegmentRecord::ns), by
/// namespace (lowest pid first), then index. A namespace gone since it was found is skipped.
std::vector<SegmentRecord> segments_of_every_namespace(Context& context, const HostNamespaces& host,
                                                       Usage usage);

/// Returns the POSIX objects of every /dev/shm, each with the namespace that names it, by
/// namespace, then name.
std::vector<PosixRecord> objects_of_every_namespace(Context& context, const HostNamespaces& host);

/// Returns the device of each /dev/shm found, for the walk of /proc for holders.
std::vector<dev_t> shm_devices(const HostNamespaces& host);

}  // namespace shmtool::cli
