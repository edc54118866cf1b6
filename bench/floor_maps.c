// The floor for finding who holds System V segments: the least any "who" must do. readdir walks
// /proc, and for every process one openat of PID/maps (relative to /proc's descriptor) and
// read(2)s into one reused buffer take the whole file; the lines holding "/SYSV" (a segment's
// mapping, "/SYSV%08x (deleted)") are counted and the count printed. No namespace check, no
// parsing of the lines, no names, no descriptors: what shmtool who pays above this is the price
// of its features.
//
// bench_floor_maps --who: the least the contract of `who` requires on top (SPEC: "a POSIX
// object's [holders] are its mappings and open descriptors", and the rows name each holder):
// for every process, fstatat of every entry of PID/fd (counting those on /dev/shm's device),
// and for every process with a /SYSV line, a readlink of PID/ns/ipc (ids repeat across
// namespaces) and a read of PID/comm and PID/cmdline. It prints the /SYSV lines, then the
// descriptors on /dev/shm.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

// Reads the whole of the file at `dir`/`name` into a small buffer (comm, cmdline), as a "who"
// that names its holders must.
static void read_small(int dir, const char* name) {
  char buffer[4096];
  const int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  while (read(fd, buffer, sizeof buffer) > 0) {
  }
  close(fd);
}

// fstatat of every descriptor of process directory `dir`; returns those on device `shm_dev`.
static unsigned long count_shm_descriptors(int dir, dev_t shm_dev) {
  const int fds = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fds < 0) return 0;
  DIR* list = fdopendir(fds);
  if (list == NULL) {
    close(fds);
    return 0;
  }
  unsigned long count = 0;
  const struct dirent* entry;
  while ((entry = readdir(list)) != NULL) {
    if (entry->d_name[0] == '.') continue;
    struct stat st;
    if (fstatat(dirfd(list), entry->d_name, &st, 0) == 0 && st.st_dev == shm_dev) ++count;
  }
  closedir(list);
  return count;
}

int main(int argc, char** argv) {
  const int who = argc > 1 && strcmp(argv[1], "--who") == 0;
  struct stat shm;
  if (who && stat("/dev/shm", &shm) != 0) {
    fprintf(stderr, "bench_floor_maps: /dev/shm: %s\n", strerror(errno));
    return 1;
  }
  unsigned long descriptors = 0;
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
    const unsigned long found = count_sysv_lines(buffer, size);
    lines += found;
    if (who) {
      const int dir = openat(proc_fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0) continue;
      descriptors += count_shm_descriptors(dir, shm.st_dev);
      if (found > 0) {
        char link[64];
        if (readlinkat(dir, "ns/ipc", link, sizeof link) < 0) link[0] = '\0';
        read_small(dir, "comm");
        read_small(dir, "cmdline");
      }
      close(dir);
    }
  }
  closedir(proc);
  free(buffer);
  printf("%lu\n", lines);
  if (who) printf("%lu\n", descriptors);
  return 0;
}
