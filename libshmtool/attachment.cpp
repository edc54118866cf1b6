#include "attachment.hpp"

#include <sys/shm.h>

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

Attachment::~Attachment() {
  if (address_ != nullptr) shmdt(address_);
}

}  // namespace shmtool
