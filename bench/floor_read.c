// The floor for `shmtool read --binary SEGMENT`: attach the segment read-only and write() it
// straight to stdout, one copy.
// Usage: bench_floor_read SHMID
#define _GNU_SOURCE
#include <limits.h>
#include <unistd.h>

#include "bench_util.h"

int main(int argc, char** argv) {
  const char* program = "bench_floor_read";
  if (argc != 2) {
    fprintf(stderr, "usage: %s SHMID\n", program);
    return 2;
  }
  const int id = (int)bench_parse_number(program, argv[1], INT_MAX);
  size_t size = 0;
  const unsigned char* segment = bench_attach(program, id, SHM_RDONLY, &size);
  size_t done = 0;
  while (done < size) {
    const ssize_t put = write(STDOUT_FILENO, segment + done, size - done);
    if (put < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "%s: write: %s\n", program, strerror(errno));
      return 1;
    }
    done += (size_t)put;
  }
  shmdt(segment);
  return 0;
}
