// The floor for listing: the least any lister of System V segments must do. SHM_INFO gives the
// highest used index, SHM_STAT_ANY reads each slot (also those the caller may not read), and one
// line per segment goes to a fully buffered stdout. No names, no /proc, no formatting beyond
// printf: what shmtool list pays above this is the price of its features.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15  // Linux 4.17; older C libraries lack the name
#endif

int main(void) {
  struct shm_info info;
  // SHM_INFO fills a struct shm_info through the shmid_ds pointer, as shmctl(2) documents.
  const int max_index = shmctl(0, SHM_INFO, (struct shmid_ds*)(void*)&info);
  if (max_index < 0) {
    fprintf(stderr, "bench_floor_list: SHM_INFO: %s\n", strerror(errno));
    return 1;
  }
  static char buffer[1 << 16];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  for (int index = 0; index <= max_index; ++index) {
    struct shmid_ds ds;
    const int id = shmctl(index, SHM_STAT_ANY, &ds);
    if (id < 0) {
      if (errno == EINVAL || errno == EIDRM) continue;  // an empty or just removed slot
      fprintf(stderr, "bench_floor_list: SHM_STAT_ANY %d: %s\n", index, strerror(errno));
      return 1;
    }
    printf("%d 0x%08x %zu %u %d %d %lu\n", id, (unsigned)ds.shm_perm.__key, ds.shm_segsz,
           (unsigned)ds.shm_perm.uid, (int)ds.shm_cpid, (int)ds.shm_lpid,
           (unsigned long)ds.shm_nattch);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "bench_floor_list: stdout: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}
