/* posix_peer: the other side of a POSIX shared memory object, written as a C program would be
 * (shm_open, ftruncate, mmap, flock), sharing no code with shmtool.
 *
 *   posix_peer create NAME SIZE TEXT  make NAME (O_EXCL, mode 0600) of SIZE bytes, put TEXT\0
 *   posix_peer put NAME TEXT          put TEXT\0 at the start of the existing NAME
 *   posix_peer get NAME               print NAME's text up to its first NUL, then a newline
 *   posix_peer trylock NAME           flock(LOCK_EX|LOCK_NB): exit 0 taken, 10 EWOULDBLOCK
 *   posix_peer hold NAME MS           take flock(LOCK_EX), print "held", sleep MS, exit
 *   posix_peer map NAME MS            map NAME (and close it), print "mapped", sleep MS, exit
 *
 * NAME is what shm_open takes ("/x"). Exit 1 (and a message on stderr) on any failure. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fail(const char* what, const char* name) {
  fprintf(stderr, "posix_peer: %s %s: %s\n", what, name, strerror(errno));
  return 1;
}

static void sleep_ms(long ms) {
  struct timespec t;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (ms % 1000) * 1000000L;
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

/* Maps all of an open object; NULL (errno set) on failure. */
static char* map_all(int fd, int prot, size_t* size) {
  struct stat st;
  void* address;
  if (fstat(fd, &st) != 0) return NULL;
  *size = (size_t)st.st_size;
  if (*size == 0) {
    errno = EINVAL;
    return NULL;
  }
  address = mmap(NULL, *size, prot, MAP_SHARED, fd, 0);
  return address == MAP_FAILED ? NULL : (char*)address;
}

static int put_text(int fd, const char* name, const char* text) {
  size_t size = 0;
  const size_t length = strlen(text);
  char* data = map_all(fd, PROT_READ | PROT_WRITE, &size);
  if (data == NULL) return fail("mmap", name);
  if (length + 1 > size) {
    fprintf(stderr, "posix_peer: %s: %zu bytes do not fit in %zu\n", name, length + 1, size);
    return 1;
  }
  memcpy(data, text, length + 1);
  munmap(data, size);
  return 0;
}

int main(int argc, char** argv) {
  const char* command = argc > 2 ? argv[1] : "";
  const char* name = argc > 2 ? argv[2] : "";
  if (strcmp(command, "create") == 0 && argc == 5) {
    const long size = strtol(argv[3], NULL, 10);
    int status;
    const int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return fail("shm_open", name);
    if (ftruncate(fd, (off_t)size) != 0) return fail("ftruncate", name);
    status = put_text(fd, name, argv[4]);
    close(fd);
    return status;
  }
  if (strcmp(command, "put") == 0 && argc == 4) {
    int status;
    const int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) return fail("shm_open", name);
    status = put_text(fd, name, argv[3]);
    close(fd);
    return status;
  }
  if (strcmp(command, "get") == 0 && argc == 3) {
    size_t size = 0;
    char* data;
    const int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0) return fail("shm_open", name);
    data = map_all(fd, PROT_READ, &size);
    if (data == NULL) return fail("mmap", name);
    printf("%.*s\n", (int)strnlen(data, size), data);
    munmap(data, size);
    close(fd);
    return 0;
  }
  if (strcmp(command, "trylock") == 0 && argc == 3) {
    const int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0) return fail("shm_open", name);
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      printf("taken\n");
      return 0;
    }
    if (errno == EWOULDBLOCK) {
      printf("EWOULDBLOCK\n");
      return 10;
    }
    return fail("flock", name);
  }
  if (strcmp(command, "hold") == 0 && argc == 4) {
    const int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0) return fail("shm_open", name);
    if (flock(fd, LOCK_EX) != 0) return fail("flock", name);
    printf("held\n");
    fflush(stdout);
    sleep_ms(strtol(argv[3], NULL, 10));
    return 0;
  }
  if (strcmp(command, "map") == 0 && argc == 4) {
    size_t size = 0;
    const int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0) return fail("shm_open", name);
    if (map_all(fd, PROT_READ, &size) == NULL) return fail("mmap", name);
    close(fd);
    printf("mapped\n");
    fflush(stdout);
    sleep_ms(strtol(argv[3], NULL, 10));
    return 0;
  }
  fprintf(stderr, "usage: posix_peer create|put|get|trylock|hold|map NAME [ARGS]\n");
  return 2;
}
