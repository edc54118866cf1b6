#include "segment_guard.hpp"

#include <sys/shm.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace shmtool::test {

std::uint32_t unique_key() {
  static std::atomic<std::uint32_t> counter{0};
  // 0x5E7 prefix (12 bits), pid (14 bits), counter (6 bits); skip keys that are taken.
  for (;;) {
    const std::uint32_t n = counter++;
    const std::uint32_t key =
        (0x5E7U << 20) | ((static_cast<std::uint32_t>(getpid()) & 0x3FFFU) << 6) | (n & 0x3FU);
    if (n >= 64) throw std::runtime_error("unique_key: more than 64 keys in one test process");
    if (shmget(static_cast<key_t>(key), 0, 0) < 0 && errno == ENOENT) return key;
  }
}

std::string key_arg(std::uint32_t key) {
  return "key:" + std::to_string(key);
}

SegmentGuard::SegmentGuard(key_t key, std::size_t size, int mode) {
  id_ = shmget(key, size, IPC_CREAT | IPC_EXCL | mode);
  if (id_ < 0) throw std::runtime_error(std::string("shmget: ") + std::strerror(errno));
}

SegmentGuard SegmentGuard::adopt(int id) {
  return SegmentGuard(id);
}

SegmentGuard::SegmentGuard(SegmentGuard&& other) noexcept : id_(other.id_) {
  other.id_ = -1;
}

SegmentGuard::~SegmentGuard() {
  if (id_ >= 0) shmctl(id_, IPC_RMID, nullptr);
}

Attached::Attached(int id) : address_(shmat(id, nullptr, 0)) {
  if (address_ == reinterpret_cast<void*>(-1)) {
    throw std::runtime_error(std::string("shmat: ") + std::strerror(errno));
  }
}

Attached::~Attached() {
  shmdt(address_);
}

TempFile::TempFile(const std::string& contents) {
  char name[] = "/tmp/shmtool-test-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  close(fd);
  path_ = name;
}

TempFile::~TempFile() {
  unlink(path_.c_str());
}

}  // namespace shmtool::test
