#include "namespace_entry.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/types.h>
#include <unistd.h>

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

}  // namespace shmtool::cli
