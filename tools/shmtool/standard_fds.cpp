#include "standard_fds.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace shmtool::cli {
namespace {

struct Placeholder {
  bool made = false;
  dev_t device = 0;
  ino_t inode = 0;
};

Placeholder g_placeholders[3];

// An empty memfd of its own (so /dev/stdin and /proc/self/fd/0 can be recognised), opened
// write-only for standard input and read-only for the outputs. /dev/null where there is no
// memfd or no /proc.
bool fill(int fd) {
  const int access = fd == STDIN_FILENO ? O_WRONLY : O_RDONLY;
  const int memfd = memfd_create("shmtool-closed-standard-descriptor", MFD_CLOEXEC);
  if (memfd == fd) {
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    const int reopened = open(self.c_str(), access | O_CLOEXEC);
    if (reopened >= 0 && dup3(reopened, fd, O_CLOEXEC) == fd) {
      close(reopened);
      struct stat info {};
      if (fstat(fd, &info) == 0) {
        g_placeholders[fd] = {true, info.st_dev, info.st_ino};
      }
      return true;
    }
    if (reopened >= 0) close(reopened);
    close(memfd);
  } else if (memfd >= 0) {
    close(memfd);
  }
  return open("/dev/null", access | O_CLOEXEC) == fd;
}

}  // namespace

void guard_standard_descriptors() {
  // In order, so that the lowest free number, which open() and memfd_create() return, is the
  // descriptor being filled.
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    if (!fill(fd)) return;
  }
}

bool is_closed_standard_descriptor(int fd) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return false;
  for (const Placeholder& placeholder : g_placeholders) {
    if (placeholder.made && placeholder.device == info.st_dev && placeholder.inode == info.st_ino)
      return true;
  }
  return false;
}

}  // namespace shmtool::cli
