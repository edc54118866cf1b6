#include "util/path_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace shmtool {
namespace {

int root_fd = -1;

}  // namespace

void set_path_root(int fd) {
  if (root_fd >= 0) close(root_fd);
  root_fd = fd;
}

bool has_path_root() {
  return root_fd >= 0;
}

int open_in_root(const char* path, int flags, Links links) {
  if (root_fd < 0) {
    return ::open(path, links == Links::refuse ? flags | O_NOFOLLOW : flags);
  }
  return open_under(root_fd, path, flags, links);
}

int open_under(int root, const char* path, int flags, Links links) {
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags) | O_CLOEXEC;
  // RESOLVE_IN_ROOT: "/" and ".." stop at the root, absolute links resolve inside it.
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  if (links == Links::refuse) how.resolve |= RESOLVE_NO_SYMLINKS;
  for (;;) {
    const long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
    // EAGAIN: a rename raced the lookup (RESOLVE_IN_ROOT checks for it); try again.
    if (fd < 0 && errno == EAGAIN) continue;
    return static_cast<int>(fd);
  }
}

}  // namespace shmtool
