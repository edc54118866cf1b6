// Holds N System V segments, each attached by a process of its own, until told to stop: creates
// N private 4 KiB segments (mode 0600), forks N children that each attach one (shmat) and
// pause(), waits until every child is attached, prints one id a line and then "ready", and
// closes its standard output. On SIGTERM, SIGINT or SIGHUP, or when its parent dies, it kills
// the children, waits for them and removes the segments. The children die with it even if it is
// killed itself (PR_SET_PDEATHSIG); its segments then die with their IPC namespace.
// Usage: bench_hold_segments N
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

static const char* const program = "bench_hold_segments";

static int* ids;
static pid_t* children;
static unsigned long long made;  // segments created
static unsigned long long born;  // children forked

// Kills the children, reaps them and removes the segments.
static void release(void) {
  for (unsigned long long i = 0; i < born; ++i)
    kill(children[i], SIGKILL);
  for (unsigned long long i = 0; i < born; ++i) {
    while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR) {
    }
  }
  for (unsigned long long i = 0; i < made; ++i) {
    if (shmctl(ids[i], IPC_RMID, NULL) != 0) {
      fprintf(stderr, "%s: IPC_RMID id %d: %s\n", program, ids[i], strerror(errno));
    }
  }
  born = made = 0;
}

static void fail(const char* what, unsigned long long i) {
  fprintf(stderr, "%s: %s (segment %llu): %s\n", program, what, i + 1, strerror(errno));
  release();
  exit(1);
}

// A child: attach segment `id`, say so on `ready`, then wait to be killed.
static void hold(int id, pid_t parent, int ready) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(1);
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  if (shmat(id, NULL, SHM_RDONLY) == (void*)-1) {
    fprintf(stderr, "%s: shmat id %d: %s\n", program, id, strerror(errno));
    _exit(1);
  }
  const char byte = 1;
  if (write(ready, &byte, 1) != 1) _exit(1);
  close(ready);
  for (;;)
    pause();
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s N\n", program);
    return 2;
  }
  const unsigned long long count = bench_parse_number(program, argv[1], 100000);
  ids = calloc(count + 1, sizeof *ids);
  children = calloc(count + 1, sizeof *children);
  if (ids == NULL || children == NULL) {
    fprintf(stderr, "%s: out of memory\n", program);
    return 1;
  }

  // Signals that stop the holding are blocked until sigsuspend below, so none is lost; the
  // parent of this program (the benchmark's shell) dying is one of them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  sigset_t old;
  sigprocmask(SIG_BLOCK, &stop, &old);
  const pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) return 1;

  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) {
    fprintf(stderr, "%s: pipe: %s\n", program, strerror(errno));
    return 1;
  }
  const pid_t self = getpid();
  for (unsigned long long i = 0; i < count; ++i) {
    ids[i] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (ids[i] < 0) fail("shmget", i);
    ++made;
    const pid_t child = fork();
    if (child < 0) fail("fork", i);
    if (child == 0) {
      sigprocmask(SIG_SETMASK, &old, NULL);
      close(ready[0]);
      hold(ids[i], self, ready[1]);
    }
    children[born++] = child;
  }
  close(ready[1]);
  // One byte from each child once it is attached; end of file first means one failed.
  for (unsigned long long got = 0; got < count;) {
    char bytes[256];
    const ssize_t n = read(ready[0], bytes, sizeof bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fprintf(stderr, "%s: only %llu of %llu children attached\n", program, got, count);
      release();
      return 1;
    }
    got += (unsigned long long)n;
  }
  close(ready[0]);

  for (unsigned long long i = 0; i < count; ++i)
    printf("%d\n", ids[i]);
  printf("ready\n");
  if (fclose(stdout) != 0) {
    fprintf(stderr, "%s: stdout: %s\n", program, strerror(errno));
    release();
    return 1;
  }
  int received = 0;
  sigwait(&stop, &received);
  release();
  return 0;
}
