// Small helpers shared by the floor programs: argument parsing and attaching by shmid.
#ifndef SHMTOOL_BENCH_UTIL_H
#define SHMTOOL_BENCH_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

// Parses a non-negative decimal (or 0x hex) number no larger than max; exits 2 if it is not one.
static inline unsigned long long bench_parse_number(const char* program, const char* text,
                                                    unsigned long long max) {
  char* end = NULL;
  errno = 0;
  const unsigned long long value = strtoull(text, &end, 0);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value > max) {
    fprintf(stderr, "%s: '%s' is not a number from 0 to %llu\n", program, text, max);
    exit(2);
  }
  return value;
}

// Attaches segment `id` (read-only or read-write) and stores its size; exits 1 on failure.
static inline unsigned char* bench_attach(const char* program, int id, int flags, size_t* size) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) {
    fprintf(stderr, "%s: IPC_STAT id %d: %s\n", program, id, strerror(errno));
    exit(1);
  }
  void* address = shmat(id, NULL, flags);
  if (address == (void*)-1) {
    fprintf(stderr, "%s: shmat id %d: %s\n", program, id, strerror(errno));
    exit(1);
  }
  *size = ds.shm_segsz;
  return (unsigned char*)address;
}

#endif
