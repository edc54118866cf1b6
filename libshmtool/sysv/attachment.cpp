#include "sysv/attachment.hpp"

#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>

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
  return Attachment(static_cast<std::byte*>(address), static_cast<std::size_t>(size));
}

Attachment::Attachment(Attachment&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Attachment& Attachment::operator=(Attachment&& other) noexcept {
  if (this != &other) {
    if (address_ != nullptr) shmdt(address_);
    address_ = std::exchange(other.address_, nullptr);
    size_ = std::exchange(other.size_, 0);
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
  if (address_ != nullptr) shmdt(address_);
}

}  // namespace shmtool
