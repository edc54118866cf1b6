// The floor for listing POSIX shared memory objects: the least any lister of /dev/shm must do.
// readdir walks the directory, one fstatat (AT_SYMLINK_NOFOLLOW, relative to the directory's
// descriptor) reads each entry, and one line per regular file goes to a fully buffered stdout.
// No sorting, no owner names, no formatting beyond printf: what shmtool list --type posix pays
// above this is the price of its features.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(void) {
  DIR* dir = opendir("/dev/shm");
  if (dir == NULL) {
    fprintf(stderr, "bench_floor_posix_list: /dev/shm: %s\n", strerror(errno));
    return 1;
  }
  static char buffer[1 << 16];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  const int fd = dirfd(dir);
  for (;;) {
    errno = 0;
    const struct dirent* entry = readdir(dir);
    if (entry == NULL) {
      if (errno != 0) {
        fprintf(stderr, "bench_floor_posix_list: readdir /dev/shm: %s\n", strerror(errno));
        return 1;
      }
      break;
    }
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    struct stat st;
    if (fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed since readdir
      fprintf(stderr, "bench_floor_posix_list: %s: %s\n", entry->d_name, strerror(errno));
      return 1;
    }
    if (!S_ISREG(st.st_mode)) continue;  // not an object
    printf("/%s %lld %o %u %u %lld %lld\n", entry->d_name, (long long)st.st_size,
           (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid,
           (long long)st.st_blocks * 512, (long long)st.st_mtim.tv_sec);
  }
  closedir(dir);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "bench_floor_posix_list: stdout: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}
