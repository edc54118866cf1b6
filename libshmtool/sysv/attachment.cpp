#include "sysv/attachment.hpp"

#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include <cerrno>
#include <utility>

namespace shmtool {

Result<Attachment> Attachment::attach(int id, std::uint64_t size, Access access) {
  void* address = shmat(id, nullptr, access == Access::read_only ? SHM_RDONLY : 0);
  if (address == reinterpret_cast<void*>(-1)) {
    const int err = errno;
    Error error = errno_error(Op::attach, err, "id " + std::to_string(id));
    if (err == EINVAL || err == EIDRM) error.kind = ErrorKind::not_found;
    return error;
  }
  return Attachment(static_cast<std::byte*>(address), static_cast<std::size_t>(size),
                    Release::shmdt);
}

Result<Attachment> Attachment::map_file(int fd, std::uint64_t size, Access access,
                                        const std::string& subject) {
  if (size == 0) return Attachment(nullptr, 0, Release::munmap);
  if (size > SIZE_MAX) return errno_error(Op::attach, ENOMEM, subject);
  const auto length = static_cast<std::size_t>(size);
  if (access == Access::read_write) {
    void* address = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (address == MAP_FAILED) return errno_error(Op::attach, errno, subject);
    return Attachment(static_cast<std::byte*>(address), length, Release::munmap);
  }
  // Reading a hole of a tmpfs file through a shared mapping allocates a page for it: a read
  // of a sparse object would fill /dev/shm. So only the file's data extents (SEEK_DATA,
  // SEEK_HOLE) map the file; the holes stay anonymous read-only pages, which read as zeros
  // from the one zero page.
  void* reserved = mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserved == MAP_FAILED) return errno_error(Op::attach, errno, subject);
  Attachment mapped(static_cast<std::byte*>(reserved), length, Release::munmap);
  const auto page = static_cast<off_t>(sysconf(_SC_PAGESIZE));
  const auto end = static_cast<off_t>(size);
  off_t at = 0;
  while (at < end) {
    const off_t data = lseek(fd, at, SEEK_DATA);
    if (data < 0 || data >= end) break;  // ENXIO: no data past `at`
    off_t hole = lseek(fd, data, SEEK_HOLE);
    if (hole < 0 || hole > end) hole = end;
    const off_t from = data / page * page;
    const off_t to = std::min(end, (hole + page - 1) / page * page);
    void* part = mmap(mapped.address_ + from, static_cast<std::size_t>(to - from), PROT_READ,
                      MAP_SHARED | MAP_FIXED, fd, from);
    if (part == MAP_FAILED) return errno_error(Op::attach, errno, subject);
    at = to;
  }
  return mapped;
}

void Attachment::release() noexcept {
  if (address_ == nullptr) return;
  if (release_ == Release::shmdt) {
    shmdt(address_);
  } else {
    munmap(address_, size_);
  }
  address_ = nullptr;
}

Attachment::Attachment(Attachment&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      release_(other.release_) {}

Attachment& Attachment::operator=(Attachment&& other) noexcept {
  if (this != &other) {
    release();
    address_ = std::exchange(other.address_, nullptr);
    size_ = std::exchange(other.size_, 0);
    release_ = other.release_;
  }
  return *this;
}

bool Attachment::populate(std::size_t offset, std::size_t length, Access access) const {
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
  if (length == 0 || offset >= size_) return false;
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t start = offset / page * page;  // madvise wants a page-aligned start
  const std::size_t end = std::min(size_, offset + length);
  const int advice = access == Access::read_only ? MADV_POPULATE_READ : MADV_POPULATE_WRITE;
  return madvise(address_ + start, end - start, advice) == 0;
#else
  (void)offset;
  (void)length;
  (void)access;
  return false;
#endif
}

Attachment::~Attachment() {
  release();
}

}  // namespace shmtool
