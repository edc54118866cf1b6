#include "util/write_data.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <variant>

namespace shmtool {

namespace {

// A read-only mapping of a regular file, for text mode's checks before copying.
struct MappedFile {
  void* address = MAP_FAILED;
  std::size_t length = 0;
  std::size_t skip = 0;  // bytes before the descriptor's offset
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept
      : address(std::exchange(o.address, MAP_FAILED)), length(o.length), skip(o.skip) {}
  MappedFile& operator=(MappedFile&& o) noexcept {
    std::swap(address, o.address);
    std::swap(length, o.length);
    std::swap(skip, o.skip);
    return *this;
  }
  ~MappedFile() {
    if (address != MAP_FAILED) munmap(address, length);
  }
  std::span<const char> data() const {
    return {static_cast<const char*>(address) + skip, length - skip};
  }
};

// A regular file copied with read() straight into the segment (binary mode).
struct DirectFile {
  int fd = -1;
  std::uint64_t length = 0;
  std::string subject;
};

struct InMemory {
  std::string bytes;
};

struct Mapped {
  MappedFile file;
  std::size_t length = 0;  // after dropping a trailing newline
};

Error nul_inside(std::string_view subject, std::size_t at) {
  return Error{ErrorKind::usage, Op::read_input, 0, std::string(subject),
               "the data has a NUL byte at offset " + std::to_string(at) +
                   "; text mode writes C strings (use --binary to write the bytes exactly)"};
}

// A closed standard input (or one open only for writing) is not empty input: writing nothing
// over the segment is not what anybody asked for.
Error unreadable_descriptor(std::string_view subject) {
  return Error{ErrorKind::system, Op::read_input, EBADF, std::string(subject),
               "bad file descriptor (closed, or not open for reading)"};
}

bool open_for_reading(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && (flags & O_ACCMODE) != O_WRONLY;
}

Error ends_early(std::string_view subject, std::uint64_t have, std::uint64_t want) {
  return Error{ErrorKind::system, Op::read_input, 0, std::string(subject),
               "ends after " + std::to_string(have) + (have == 1 ? " byte" : " bytes") +
                   ", short of the " + std::to_string(want) + " asked for; nothing was written"};
}

Error too_large_stream(std::string_view subject, std::uint64_t seen) {
  return Error{ErrorKind::too_large, Op::read_input, 0, std::string(subject),
               "more than " + std::to_string(seen) + " bytes"};
}

// Files of /proc, /sys and the like report a size that is not their length (or none), and
// cannot be mapped: they are read like a pipe.
bool on_pseudo_filesystem(int fd) {
  struct statfs fs {};
  if (fstatfs(fd, &fs) != 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x9fa0UL:      // proc
    case 0x62656572UL:  // sysfs
    case 0x64626720UL:  // debugfs
    case 0x74726163UL:  // tracefs
    case 0x63677270UL:  // cgroup2
    case 0x27e0ebUL:    // cgroup
    case 0x73636673UL:  // securityfs
      return true;
    default:
      return false;
  }
}

bool drop_newline(std::span<const char> data) {
  return !data.empty() && data.back() == '\n';
}

}  // namespace

struct PreparedData::State {
  std::variant<InMemory, Mapped, DirectFile> source;
  bool add_nul = false;
};

PreparedData::PreparedData() : state_(std::make_unique<State>()) {}
PreparedData::PreparedData(PreparedData&&) noexcept = default;
PreparedData& PreparedData::operator=(PreparedData&&) noexcept = default;
PreparedData::~PreparedData() = default;

std::uint64_t PreparedData::stored_size() const {
  const std::uint64_t nul = state_->add_nul ? 1 : 0;
  return nul + std::visit(
                   [](const auto& s) -> std::uint64_t {
                     using T = std::decay_t<decltype(s)>;
                     if constexpr (std::is_same_v<T, InMemory>) return s.bytes.size();
                     if constexpr (std::is_same_v<T, Mapped>) return s.length;
                     if constexpr (std::is_same_v<T, DirectFile>) return s.length;
                   },
                   state_->source);
}

Status PreparedData::copy_to(std::span<std::byte> target, const CopyProgress& progress) {
  // Large copies go in chunks so a progress bar can move; a chunk is big enough that the
  // calls between them cost nothing measurable.
  const std::size_t chunk = progress ? kCopyChunk : SIZE_MAX;
  std::size_t written = 0;
  auto copy_memory = [&](const char* source, std::size_t length) {
    while (written < length) {
      const std::size_t take = std::min(chunk, length - written);
      std::memcpy(target.data() + written, source + written, take);
      written += take;
      if (progress) progress(written);
    }
  };
  if (auto* memory = std::get_if<InMemory>(&state_->source)) {
    copy_memory(memory->bytes.data(), memory->bytes.size());
  } else if (auto* mapped = std::get_if<Mapped>(&state_->source)) {
    copy_memory(mapped->file.data().data(), mapped->length);
  } else if (auto* direct = std::get_if<DirectFile>(&state_->source)) {
    while (written < direct->length) {
      const std::size_t want =
          std::min<std::size_t>(chunk, static_cast<std::size_t>(direct->length) - written);
      const ssize_t n = read(direct->fd, target.data() + written, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno_error(Op::read_input, errno, direct->subject);
      if (n == 0) break;  // the file shrank meanwhile
      written += static_cast<std::size_t>(n);
      if (progress) progress(written);
    }
  }
  if (state_->add_nul) target[written] = std::byte{0};
  return Done{};
}

Result<PreparedData> prepare_literal(std::string data, Encoding encoding) {
  PreparedData prepared;
  if (encoding == Encoding::text) {
    if (auto at = data.find('\0'); at != std::string::npos) return nul_inside("DATA", at);
    prepared.state_->add_nul = true;
  }
  prepared.state_->source = InMemory{std::move(data)};
  return prepared;
}

// Reads `fd` until its end or until `limit` bytes are in, whichever comes first; the rest of
// the input stays unread.
Result<std::string> read_up_to(int fd, const std::string& subject, std::uint64_t limit) {
  std::string bytes;
  char buffer[65536];
  while (bytes.size() < limit) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buffer, limit - bytes.size()));
    const ssize_t n = read(fd, buffer, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EBADF) return unreadable_descriptor(subject);
    if (n < 0) return errno_error(Op::read_input, errno, subject);
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

// Where a regular file's descriptor stands, for inputs whose size the kernel reports truly;
// -1 for pipes, terminals, sockets and files of /proc and the like, which are read as streams.
off_t regular_file_position(int fd, const struct stat& info, bool have_stat) {
  return have_stat && S_ISREG(info.st_mode) && !on_pseudo_filesystem(fd) ? lseek(fd, 0, SEEK_CUR)
                                                                         : -1;
}

// A pipe, terminal, socket, or a file whose size the kernel does not report truly: read into
// memory, but never much more than can fit. room + 1 bytes read prove that more than room would
// be stored in either mode (text drops at most one newline and adds a NUL), and "more than
// room" is all that is known then: the stream may end right there.
Result<std::string> read_stream(int fd, const std::string& subject, Encoding encoding,
                                std::uint64_t room) {
  const std::uint64_t cap = room > UINT64_MAX - 1 ? UINT64_MAX : room + 1;
  auto stream = read_up_to(fd, subject, cap);
  if (!stream.ok()) return stream.error();
  std::string bytes = std::move(*stream);
  if (bytes.size() == cap) return too_large_stream(subject, bytes.size() - 1);
  if (encoding == Encoding::text) {
    if (auto at = bytes.find('\0'); at != std::string::npos) return nul_inside(subject, at);
    if (drop_newline(bytes)) bytes.pop_back();
  }
  return bytes;
}

Result<PreparedData> prepare_stream(int fd, const std::string& subject, Encoding encoding,
                                    std::uint64_t room) {
  auto bytes = read_stream(fd, subject, encoding, room);
  if (!bytes.ok()) return bytes.error();
  PreparedData prepared;
  prepared.state_->add_nul = encoding == Encoding::text;
  prepared.state_->source = InMemory{std::move(*bytes)};
  return prepared;
}

Result<PreparedData> prepare_fd(int fd, std::string subject, Encoding encoding,
                                std::uint64_t room) {
  PreparedData prepared;
  prepared.state_->add_nul = encoding == Encoding::text;
  if (!open_for_reading(fd)) return unreadable_descriptor(subject);
  struct stat info {};
  const bool have_stat = fstat(fd, &info) == 0;
  const off_t position = regular_file_position(fd, info, have_stat);
  if (position >= 0 && info.st_size > position) {
    const auto length = static_cast<std::uint64_t>(info.st_size - position);
    if (encoding == Encoding::binary) {
      prepared.state_->source = DirectFile{fd, length, subject};
      return prepared;
    }
    Mapped mapped;
    mapped.file.length = static_cast<std::size_t>(info.st_size);
    mapped.file.skip = static_cast<std::size_t>(position);
    mapped.file.address = mmap(nullptr, mapped.file.length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped.file.address == MAP_FAILED) return prepare_stream(fd, subject, encoding, room);
    const std::span<const char> data = mapped.file.data();
    if (const void* nul = std::memchr(data.data(), 0, data.size())) {
      return nul_inside(subject,
                        static_cast<std::size_t>(static_cast<const char*>(nul) - data.data()));
    }
    mapped.length = data.size() - (drop_newline(data) ? 1 : 0);
    prepared.state_->source = std::move(mapped);
    return prepared;
  }
  return prepare_stream(fd, subject, encoding, room);
}

Result<PreparedData> prepare_literal_exact(std::string data, std::uint64_t length) {
  if (data.size() < length) return ends_early("DATA", data.size(), length);
  data.resize(static_cast<std::size_t>(length));
  return prepare_literal(std::move(data), Encoding::binary);
}

Result<PreparedData> prepare_fd_exact(int fd, const std::string& subject, std::uint64_t length) {
  PreparedData prepared;
  if (!open_for_reading(fd)) return unreadable_descriptor(subject);
  struct stat info {};
  const bool have_stat = fstat(fd, &info) == 0;
  const off_t position = regular_file_position(fd, info, have_stat);
  if (position >= 0) {
    const auto have = static_cast<std::uint64_t>(std::max<off_t>(info.st_size - position, 0));
    if (have < length) return ends_early(subject, have, length);
    prepared.state_->source = DirectFile{fd, length, subject};
    return prepared;
  }
  // Exactly `length` bytes, no more: the rest of a pipe or device is left unread.
  auto bytes = read_up_to(fd, subject, length);
  if (!bytes.ok()) return bytes.error();
  if (bytes->size() < length) return ends_early(subject, bytes->size(), length);
  prepared.state_->source = InMemory{std::move(*bytes)};
  return prepared;
}

Result<int> open_input_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(Op::open_input, errno, path);
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    close(fd);
    return errno_error(Op::open_input, EISDIR, path);
  }
  return fd;
}

}  // namespace shmtool
