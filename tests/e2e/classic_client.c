/* The classic System V shared memory server/client example, written without shmtool, for the
 * end-to-end cross-checks: both sides find the segment with ftok(PATH, 'A').
 *
 *   classic_client server PATH MESSAGE  creates a 1024-byte segment (0600), copies MESSAGE into
 *                                       it as a C string, detaches, and prints the id
 *   classic_client client PATH          attaches the segment and prints the string in it
 */
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

enum { kSegmentSize = 1024 };

static key_t key_of(const char* path) {
  const key_t key = ftok(path, 'A');
  if (key == -1) perror("ftok");
  return key;
}

static int run_server(const char* path, const char* message) {
  const key_t key = key_of(path);
  if (key == -1) return 1;
  const size_t length = strlen(message);
  if (length >= kSegmentSize) {
    fprintf(stderr, "message too long\n");
    return 1;
  }
  const int id = shmget(key, kSegmentSize, IPC_CREAT | IPC_EXCL | 0600);
  if (id < 0) {
    perror("shmget");
    return 1;
  }
  char* data = shmat(id, NULL, 0);
  if (data == (char*)-1) {
    perror("shmat");
    shmctl(id, IPC_RMID, NULL);
    return 1;
  }
  memcpy(data, message, length + 1);
  shmdt(data);
  printf("%d\n", id);
  return 0;
}

static int run_client(const char* path) {
  const key_t key = key_of(path);
  if (key == -1) return 1;
  const int id = shmget(key, 0, 0);
  if (id < 0) {
    perror("shmget");
    return 1;
  }
  const char* data = shmat(id, NULL, SHM_RDONLY);
  if (data == (const char*)-1) {
    perror("shmat");
    return 1;
  }
  printf("%s\n", data);
  shmdt(data);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], "server") == 0) return run_server(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "client") == 0) return run_client(argv[2]);
  fprintf(stderr, "usage: classic_client server PATH MESSAGE | client PATH\n");
  return 2;
}
