#pragma once
// Segments a test makes, removed when the test ends, whatever happens.

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace shmtool::test {

/// Returns a key no other test run uses: a fixed prefix, this process's pid and a counter.
/// Keys from this range are the only keyed segments tests make (see leak_check).
std::uint32_t unique_key();

/// Returns the key as shmtool's SEGMENT form "key:N".
std::string key_arg(std::uint32_t key);

/// A segment this test created (or adopted by id); IPC_RMID on destruction if still there.
class SegmentGuard {
 public:
  /// Creates a segment with shmget(key, size, IPC_CREAT|IPC_EXCL|mode); throws on failure.
  SegmentGuard(key_t key, std::size_t size, int mode = 0600);
  /// Adopts an id made by the binary under test, to remove it at the end.
  static SegmentGuard adopt(int id);
  SegmentGuard(SegmentGuard&& other) noexcept;
  SegmentGuard& operator=(SegmentGuard&&) = delete;
  SegmentGuard(const SegmentGuard&) = delete;
  ~SegmentGuard();

  int id() const { return id_; }
  std::string id_arg() const { return std::to_string(id_); }

 private:
  explicit SegmentGuard(int id) : id_(id) {}
  int id_ = -1;
};

/// An attach that lasts as long as the object (to test nattch and marked removal).
class Attached {
 public:
  explicit Attached(int id);
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;
  ~Attached();
  char* data() const { return static_cast<char*>(address_); }

 private:
  void* address_;
};

/// A temporary file, removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& contents = "");
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace shmtool::test
