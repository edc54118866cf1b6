#include "standard_fds.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace shmtool::cli {

void guard_standard_descriptors() {
  // In order, so open() (the lowest free number) returns the descriptor being filled.
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    const int flags = (fd == STDIN_FILENO ? O_WRONLY : O_RDONLY) | O_CLOEXEC;
    if (open("/dev/null", flags) != fd) return;
  }
}

}  // namespace shmtool::cli
