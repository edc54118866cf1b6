#pragma once
// RAII for shared memory mapped into this process: shmat/shmdt for a System V segment,
// mmap/munmap for a POSIX object's file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "util/result.hpp"

namespace shmtool {

enum class Access { read_only, read_write };

/// A segment attached to this process; detached when destroyed.
class Attachment {
 public:
  /// Attaches segment `id`, whose size is `size`. Fails (Op::attach) with the errno: EACCES
  /// when the caller may not read (or write), EINVAL/EIDRM when the id is gone.
  static Result<Attachment> attach(int id, std::uint64_t size, Access access);

  /// Maps `size` bytes of the file open at `fd` (MAP_SHARED). Read-only, only its data is
  /// mapped: holes read as zeros without allocating pages. Fails (Op::attach) with the
  /// errno; `subject` names the object in the error. A size of 0 maps nothing.
  static Result<Attachment> map_file(int fd, std::uint64_t size, Access access,
                                     const std::string& subject);

  Attachment(Attachment&& other) noexcept;
  Attachment& operator=(Attachment&& other) noexcept;
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  ~Attachment();

  /// Returns the attached memory.
  std::span<std::byte> bytes() const { return {address_, size_}; }

  /// Faults in the page tables of bytes [offset, offset + length) in one call
  /// (MADV_POPULATE_WRITE, or _READ for reading), instead of one fault per page during a copy;
  /// for writing, it also allocates pages never touched. Returns whether the kernel did it
  /// (Linux 5.14 and later); a copy works either way.
  bool populate(std::size_t offset, std::size_t length, Access access) const;

 private:
  enum class Release { shmdt, munmap };
  Attachment(std::byte* address, std::size_t size, Release release)
      : address_(address), size_(size), release_(release) {}
  void release() noexcept;
  std::byte* address_ = nullptr;
  std::size_t size_ = 0;
  Release release_ = Release::shmdt;
};

}  // namespace shmtool
