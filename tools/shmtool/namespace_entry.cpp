#include "namespace_entry.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "failure.hpp"
#include "util/path_root.hpp"
#include "util/unique_fd.hpp"
#include "util/whole_number.hpp"

namespace shmtool::cli {
namespace {

[[noreturn]] void fail_entry(const std::string& pid_text, int err) {
  std::string words;
  if (err == ENOENT || err == ESRCH) {
    words = "no such process";
  } else if (err == EPERM || err == EACCES) {
    words =
        "permission denied: entering another process's IPC namespace needs CAP_SYS_ADMIN (run "
        "as root)";
  } else {
    words = "cannot enter its IPC namespace: " + errno_text(err);
  }
  throw CommandFailure(
      Error{ErrorKind::system, Op::enter_namespace, err, "--ns " + pid_text, std::move(words)});
}

}  // namespace

void enter_namespace_of(const std::string& pid_text) {
  pid_t pid = 0;
  if (!parse_whole(std::string_view(pid_text), pid) || pid <= 0) {
    fail_usage("--ns " + pid_text, "not a process id (a whole number above 0)");
  }
  const std::string dir = "/proc/" + std::to_string(pid);
  UniqueFd process(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (process.get() < 0) fail_entry(pid_text, errno);
  UniqueFd ns(openat(process.get(), "ns/ipc", O_RDONLY | O_CLOEXEC));
  if (ns.get() < 0) fail_entry(pid_text, errno);
  UniqueFd root(openat(process.get(), "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) fail_entry(pid_text, errno);
  if (setns(ns.get(), CLONE_NEWIPC) != 0) fail_entry(pid_text, errno);
  set_path_root(root.release());
}

void add_all_namespaces_option(CLI::App& app, bool& flag, const char* which) {
  app.add_flag("-A,--all-namespaces", flag,
               std::string("Every IPC namespace on the host (every container's), and every "
                           "/dev/shm its processes see: ") +
                   which + " (needs CAP_SYS_ADMIN)");
}

namespace {

void warn_refused(Context& context, const Error& error) {
  context.warn(error.subject,
               "is a symbolic link, or the path to it passes through one, in that process's "
               "root: not read, so that nothing outside that root is; its POSIX objects are "
               "left out");
}

}  // namespace

HostNamespaces find_all_namespaces(Context& context, bool posix) {
  if (context.global.ns_given()) {
    fail_usage("--all-namespaces", "reads every namespace; give it or --ns PID, not both");
  }
  if (!may_enter_namespaces()) {
    throw CommandFailure(Error{ErrorKind::permission, Op::enter_namespace, EPERM,
                               "--all-namespaces",
                               "permission denied: reading other IPC namespaces needs "
                               "CAP_SYS_ADMIN (run as root)"});
  }
  NamespaceScan scan;
  scan.shm_mounts = posix;
  HostNamespaces host = unwrap(find_namespaces(scan));
  if (host.unreadable > 0) {
    // Processes of another user namespace, say, whose links even root may not read.
    context.note(std::to_string(host.unreadable) +
                 (host.unreadable == 1 ? " process" : " processes") +
                 " could not be read: a namespace that only they are in is not shown");
  }
  for (const Error& refused : host.refused)
    warn_refused(context, refused);
  return host;
}

void for_each_namespace_segments(Context& context, const HostNamespaces& host, Usage usage,
                                 const std::function<void(std::vector<SegmentRecord>&)>& take) {
  for (const IpcNamespace& ns : host.ipc) {
    unwrap(visit_ipc_namespace(ns, [&] {
      SegmentTable table = unwrap(list_segments(context.kernel, usage));
      for (SegmentRecord& s : table.segments)
        s.ns = ns.tag;
      take(table.segments);
    }));
  }
}

std::vector<SegmentRecord> segments_of_every_namespace(Context& context, const HostNamespaces& host,
                                                       Usage usage) {
  std::vector<SegmentRecord> out;
  for_each_namespace_segments(context, host, usage, [&out](std::vector<SegmentRecord>& segments) {
    out.insert(out.end(), std::make_move_iterator(segments.begin()),
               std::make_move_iterator(segments.end()));
  });
  return out;
}

std::vector<PosixRecord> objects_of_every_namespace(Context& context, const HostNamespaces& host) {
  std::vector<PosixRecord> out;
  for (const ShmMount& mount : host.shm) {
    Result<std::optional<ShmDir>> dir = open_shm_mount(mount);
    if (!dir.ok()) {
      warn_refused(context, dir.error());
      continue;
    }
    if (!*dir) continue;  // every process that saw it is gone
    for (PosixRecord& p : unwrap(list_posix_objects(**dir))) {
      p.ns = mount.tag;
      out.push_back(std::move(p));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const PosixRecord& a, const PosixRecord& b) {
    return a.ns->pid < b.ns->pid;
  });
  return out;
}

std::vector<dev_t> shm_devices(const HostNamespaces& host) {
  std::vector<dev_t> out;
  for (const ShmMount& mount : host.shm) {
    if (std::find(out.begin(), out.end(), mount.dev) == out.end()) out.push_back(mount.dev);
  }
  return out;
}

}  // namespace shmtool::cli
