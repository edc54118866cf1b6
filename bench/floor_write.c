// The floor for `shmtool write --binary --file FILE SEGMENT`: attach the segment read-write and
// read() the file straight into it, one copy, no checks beyond what the kernel does.
// --populate first fills the page tables in one call (MADV_POPULATE_WRITE, Linux 5.14) instead
// of one fault per 4 KiB page as read() copies in: it shows what the faults of a fresh mapping
// cost, the part of a write that no copy loop can remove.
// Usage: bench_floor_write [--populate] SHMID FILE
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#include "bench_util.h"

int main(int argc, char** argv) {
  const char* program = "bench_floor_write";
  const int populate = argc == 4 && strcmp(argv[1], "--populate") == 0;
  if (argc != 3 + populate) {
    fprintf(stderr, "usage: %s [--populate] SHMID FILE\n", program);
    return 2;
  }
  const char* path = argv[2 + populate];
  const int id = (int)bench_parse_number(program, argv[1 + populate], INT_MAX);
  size_t size = 0;
  unsigned char* segment = bench_attach(program, id, 0, &size);
  if (populate && madvise(segment, size, MADV_POPULATE_WRITE) != 0) {
    fprintf(stderr, "%s: MADV_POPULATE_WRITE: %s\n", program, strerror(errno));
    return 1;
  }
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
    return 1;
  }
  size_t done = 0;
  while (done < size) {
    const ssize_t got = read(fd, segment + done, size - done);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "%s: read %s: %s\n", program, path, strerror(errno));
      return 1;
    }
    done += (size_t)got;
  }
  close(fd);
  shmdt(segment);
  return 0;
}
