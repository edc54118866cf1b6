// Creates N keyed 4 KiB segments (keys BASE .. BASE+N-1, mode 0600) in the current IPC
// namespace, quickly. Keys that already name a segment are left as they are, so growing a
// population from 1,000 to 4,000 segments only creates the 3,000 new ones.
// Usage: bench_make_segments N [BASE_KEY]   (BASE_KEY defaults to 0x5e000000)
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>

#include "bench_util.h"

int main(int argc, char** argv) {
  const char* program = "bench_make_segments";
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: %s N [BASE_KEY]\n", program);
    return 2;
  }
  const unsigned long long count = bench_parse_number(program, argv[1], INT_MAX);
  const unsigned long long base =
      argc == 3 ? bench_parse_number(program, argv[2], UINT32_MAX) : 0x5e000000ULL;
  if (base == 0 || base + count - (count > 0) > UINT32_MAX) {
    fprintf(stderr, "%s: keys %llu..%llu are not all valid non-private keys\n", program, base,
            base + count);
    return 2;
  }
  for (unsigned long long i = 0; i < count; ++i) {
    const key_t key = (key_t)(uint32_t)(base + i);
    if (shmget(key, 4096, IPC_CREAT | 0600) < 0) {
      fprintf(stderr, "%s: shmget key 0x%08llx (segment %llu of %llu): %s%s\n", program, base + i,
              i + 1, count, strerror(errno),
              errno == ENOSPC ? " (raise kernel.shmmni in this IPC namespace)" : "");
      return 1;
    }
  }
  return 0;
}
