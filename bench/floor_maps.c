// The floor for finding who holds System V segments: the least any "who" must do. readdir walks
// /proc, and for every process one openat of PID/maps (relative to /proc's descriptor) and
// read(2)s into one reused buffer take the whole file; the lines holding "/SYSV" (a segment's
// mapping, "/SYSV%08x (deleted)") are counted and the count printed. No namespace check, no
// parsing of the lines, no names, no descriptors: what shmtool who pays above this is the price
// of its features.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Counts the lines of text[0..size) that hold "/SYSV".
static unsigned long count_sysv_lines(const char* text, size_t size) {
  unsigned long count = 0;
  const char* at = text;
  const char* end = text + size;
  while (at < end) {
    const char* found = memmem(at, (size_t)(end - at), "/SYSV", 5);
    if (found == NULL) break;
    ++count;
    const char* newline = memchr(found, '\n', (size_t)(end - found));
    if (newline == NULL) break;
    at = newline + 1;
  }
  return count;
}

int main(void) {
  DIR* proc = opendir("/proc");
  if (proc == NULL) {
    fprintf(stderr, "bench_floor_maps: /proc: %s\n", strerror(errno));
    return 1;
  }
  const int proc_fd = dirfd(proc);
  size_t capacity = 1 << 16;
  char* buffer = malloc(capacity);
  if (buffer == NULL) {
    fprintf(stderr, "bench_floor_maps: out of memory\n");
    return 1;
  }
  unsigned long lines = 0;
  for (;;) {
    errno = 0;
    const struct dirent* entry = readdir(proc);
    if (entry == NULL) {
      if (errno != 0) {
        fprintf(stderr, "bench_floor_maps: readdir /proc: %s\n", strerror(errno));
        return 1;
      }
      break;
    }
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;  // not a process
    char path[sizeof entry->d_name + sizeof "/maps"];
    snprintf(path, sizeof path, "%s/maps", entry->d_name);
    const int fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // gone, or not ours to read
    size_t size = 0;
    for (;;) {
      if (size == capacity) {
        capacity *= 2;
        buffer = realloc(buffer, capacity);
        if (buffer == NULL) {
          fprintf(stderr, "bench_floor_maps: out of memory\n");
          return 1;
        }
      }
      const ssize_t n = read(fd, buffer + size, capacity - size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the end, or the process is gone
      size += (size_t)n;
    }
    close(fd);
    lines += count_sysv_lines(buffer, size);
  }
  closedir(proc);
  free(buffer);
  printf("%lu\n", lines);
  return 0;
}
