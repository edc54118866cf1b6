// The floor for listing the segments of every IPC namespace: the least any
// `list --all-namespaces` must do. A readdir of /proc and one readlinkat of PID/ns/ipc per
// process ("ipc:[INODE]") find the distinct IPC namespaces; for each, an open of the first
// process's PID/ns/ipc, setns(CLONE_NEWIPC), IPC_INFO for the highest used index, SHM_STAT_ANY
// for every index up to it, and a setns back to the namespace it started in (opened first).
// One buffered line per segment (namespace inode, id, key, size, uid, cpid, lpid, nattch). No
// names, no command of the namespace's process, no formatting beyond printf: what shmtool pays
// above this is the price of its answer.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15  // Linux 4.17; older C libraries lack the name
#endif

static const char* const program = "bench_floor_namespaces";

struct namespace_entry {
  unsigned long long inode;
  char pid[16];  // the first process seen in it: its PID/ns/ipc is the way in
};

static int is_pid(const char* name) {
  if (*name == '\0') return 0;
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') return 0;
  }
  return 1;
}

// Parses "ipc:[INODE]"; returns 0 if the text is not that.
static int parse_ipc_link(const char* text, unsigned long long* inode) {
  static const char prefix[] = "ipc:[";
  if (strncmp(text, prefix, sizeof prefix - 1) != 0) return 0;
  char* end = NULL;
  errno = 0;
  *inode = strtoull(text + sizeof prefix - 1, &end, 10);
  return errno == 0 && end != text + sizeof prefix - 1 && end[0] == ']' && end[1] == '\0';
}

// Lists the segments of the namespace the process is in, one line each; 0 on success.
static int list_segments(unsigned long long inode) {
  struct shminfo info;
  // IPC_INFO fills a struct shminfo through the shmid_ds pointer, as shmctl(2) documents, and
  // returns the highest used index.
  const int max_index = shmctl(0, IPC_INFO, (struct shmid_ds*)(void*)&info);
  if (max_index < 0) {
    fprintf(stderr, "%s: IPC_INFO in ipc:[%llu]: %s\n", program, inode, strerror(errno));
    return 1;
  }
  for (int index = 0; index <= max_index; ++index) {
    struct shmid_ds ds;
    const int id = shmctl(index, SHM_STAT_ANY, &ds);
    if (id < 0) {
      if (errno == EINVAL || errno == EIDRM) continue;  // an empty or just removed slot
      fprintf(stderr, "%s: SHM_STAT_ANY %d in ipc:[%llu]: %s\n", program, index, inode,
              strerror(errno));
      return 1;
    }
    printf("%llu %d 0x%08x %zu %u %d %d %lu\n", inode, id, (unsigned)ds.shm_perm.__key,
           ds.shm_segsz, (unsigned)ds.shm_perm.uid, (int)ds.shm_cpid, (int)ds.shm_lpid,
           (unsigned long)ds.shm_nattch);
  }
  return 0;
}

int main(void) {
  const int own_ns = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
  if (own_ns < 0) {
    fprintf(stderr, "%s: /proc/self/ns/ipc: %s\n", program, strerror(errno));
    return 1;
  }
  DIR* proc = opendir("/proc");
  if (proc == NULL) {
    fprintf(stderr, "%s: /proc: %s\n", program, strerror(errno));
    return 1;
  }
  const int proc_fd = dirfd(proc);

  // The distinct namespaces, in the order their first process appears in /proc.
  struct namespace_entry* namespaces = NULL;
  size_t count = 0, capacity = 0;
  const struct dirent* entry;
  while ((errno = 0, entry = readdir(proc)) != NULL) {
    if (!is_pid(entry->d_name) || strlen(entry->d_name) >= sizeof namespaces->pid) continue;
    char path[64];
    char link[64];
    if (snprintf(path, sizeof path, "%s/ns/ipc", entry->d_name) >= (int)sizeof path) continue;
    const ssize_t length = readlinkat(proc_fd, path, link, sizeof link - 1);
    if (length < 0) continue;  // the process has exited since readdir
    link[length] = '\0';
    unsigned long long inode;
    if (!parse_ipc_link(link, &inode)) {
      fprintf(stderr, "%s: /proc/%s: '%s' is not ipc:[INODE]\n", program, path, link);
      return 1;
    }
    size_t i = 0;
    while (i < count && namespaces[i].inode != inode)
      ++i;
    if (i < count) continue;
    if (count == capacity) {
      capacity = capacity == 0 ? 16 : 2 * capacity;
      struct namespace_entry* grown = realloc(namespaces, capacity * sizeof *namespaces);
      if (grown == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        return 1;
      }
      namespaces = grown;
    }
    namespaces[count].inode = inode;
    memcpy(namespaces[count].pid, entry->d_name, strlen(entry->d_name) + 1);
    ++count;
  }
  if (errno != 0) {
    fprintf(stderr, "%s: readdir /proc: %s\n", program, strerror(errno));
    return 1;
  }

  static char buffer[1 << 16];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  for (size_t i = 0; i < count; ++i) {
    char path[64];
    if (snprintf(path, sizeof path, "%s/ns/ipc", namespaces[i].pid) >= (int)sizeof path) {
      return 1;  // cannot happen: the pid is shorter than 16 characters
    }
    const int ns = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
      if (errno == ENOENT || errno == ESRCH) continue;  // its process exited since the walk
      fprintf(stderr, "%s: /proc/%s: %s\n", program, path, strerror(errno));
      return 1;
    }
    if (setns(ns, CLONE_NEWIPC) != 0) {
      fprintf(stderr, "%s: setns /proc/%s: %s\n", program, path, strerror(errno));
      return 1;
    }
    if (close(ns) != 0) {
      fprintf(stderr, "%s: close /proc/%s: %s\n", program, path, strerror(errno));
      return 1;
    }
    if (list_segments(namespaces[i].inode) != 0) return 1;
    if (setns(own_ns, CLONE_NEWIPC) != 0) {
      fprintf(stderr, "%s: setns back to its own IPC namespace: %s\n", program, strerror(errno));
      return 1;
    }
  }
  free(namespaces);
  if (closedir(proc) != 0 || close(own_ns) != 0) {
    fprintf(stderr, "%s: close: %s\n", program, strerror(errno));
    return 1;
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: stdout: %s\n", program, strerror(errno));
    return 1;
  }
  return 0;
}
