#pragma once
// semctl's fourth argument, which the caller must declare (semctl(2)); for the lock and the
// stale-lock search.

#include <sys/sem.h>

namespace shmtool {

union SemArgument {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
  struct seminfo* info;
};

}  // namespace shmtool
