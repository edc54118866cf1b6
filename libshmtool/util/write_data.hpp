#pragma once
// The data of `write`: where it comes from, what it becomes in text or binary mode, and the
// copy into an attached segment. Sizes are known before anything is copied, so data that does
// not fit leaves the segment unchanged.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "util/result.hpp"

namespace shmtool {

enum class Encoding {
  text,    // drop one trailing newline of file/stdin data, refuse NUL bytes, add a NUL
  binary,  // the bytes exactly
};

/// Told the bytes copied so far, after each chunk of a copy.
using CopyProgress = std::function<void(std::uint64_t done)>;

/// The chunk of a copy that reports progress: 16 MiB.
inline constexpr std::size_t kCopyChunk = std::size_t{16} << 20;

/// Copies of at least this much fault in their page tables with one call first
/// (Attachment::populate): measured, about a sixth less system time for 256 MiB than a fault
/// per page during the copy.
inline constexpr std::uint64_t kPopulateFrom = std::uint64_t{1} << 20;

/// Data ready to copy: its stored length is known.
class PreparedData {
 public:
  PreparedData();
  PreparedData(PreparedData&&) noexcept;
  PreparedData& operator=(PreparedData&&) noexcept;
  ~PreparedData();

  /// Bytes the data occupies in the segment, the text mode's NUL included.
  std::uint64_t stored_size() const;
  /// Copies the data to the start of `target` (at least stored_size() bytes), calling
  /// `progress` with the bytes copied so far after each chunk when given. Fails
  /// (Op::read_input) when a file cannot be read; the bytes copied so far stay.
  Status copy_to(std::span<std::byte> target, const CopyProgress& progress = {});

  struct State;

 private:
  friend Result<PreparedData> prepare_literal(std::string, Encoding);
  friend Result<PreparedData> prepare_fd(int, std::string, Encoding, std::uint64_t);
  friend Result<PreparedData> prepare_stream(int, const std::string&, Encoding, std::uint64_t);
  friend Result<PreparedData> prepare_fd_exact(int, const std::string&, std::uint64_t);
  std::unique_ptr<State> state_;
};

/// What a stream held when it did not fit in the room given to prepare_fd.
struct Overflow {
  std::uint64_t at_least = 0;  // bytes seen before reading stopped
};

/// Prepares DATA given on the command line. Text mode: refuses a NUL (usage), adds one.
Result<PreparedData> prepare_literal(std::string data, Encoding encoding);

/// Prepares the data of open descriptor `fd` (named `subject` in errors). Regular files are
/// measured with fstat and copied straight into the segment later; other inputs are read into
/// memory, stopping once more than `room` bytes would be stored, which fails with too_large and
/// an Error whose detail starts with "more than". A closed descriptor (or one not open for
/// reading) fails with EBADF: it is not empty input.
Result<PreparedData> prepare_fd(int fd, std::string subject, Encoding encoding, std::uint64_t room);

/// Prepares the data of `fd` by reading it like a pipe, as prepare_fd does for inputs of
/// unknown length.
Result<PreparedData> prepare_stream(int fd, const std::string& subject, Encoding encoding,
                                    std::uint64_t room);

/// Prepares the first `length` bytes of DATA, exactly (nothing dropped or added). Fails
/// (Op::read_input) when DATA is shorter.
Result<PreparedData> prepare_literal_exact(std::string data, std::uint64_t length);

/// Prepares exactly `length` bytes of `fd`: a regular file's next bytes are copied straight
/// into the segment later; a pipe or device is read now, no further than `length`. Fails
/// (Op::read_input) when the input ends sooner or cannot be read; nothing is written then.
Result<PreparedData> prepare_fd_exact(int fd, const std::string& subject, std::uint64_t length);

/// Opens `path` for reading. Fails (Op::open_input) with the errno.
Result<int> open_input_file(const std::string& path);

}  // namespace shmtool
