#include "sysv/read_data.hpp"

#include <cstring>
#include <string>

namespace shmtool {

Result<std::span<const std::byte>> select_read_bytes(std::span<const std::byte> all,
                                                     std::uint64_t size, const std::string& subject,
                                                     const ReadRequest& request) {
  if (request.offset > size) {
    Error error = usage_error(subject, {});
    error.fact = Fact::offset_past_end;
    error.offset = request.offset;
    error.have = size;
    return error;
  }
  const std::uint64_t available = size - request.offset;
  std::uint64_t length = request.length.value_or(available);
  if (length > available) {
    if (request.extent == ReadExtent::exact) {
      Error error = usage_error(subject, {});
      error.fact = Fact::length_past_end;
      error.offset = request.offset;
      error.size = length;
      error.have = size;
      return error;
    }
    length = available;
  }
  if (all.size() < size) return std::span<const std::byte>();  // checked only
  std::span<const std::byte> bytes =
      all.subspan(static_cast<std::size_t>(request.offset), static_cast<std::size_t>(length));
  if (request.extent == ReadExtent::c_string && !bytes.empty()) {
    if (const void* nul = std::memchr(bytes.data(), 0, bytes.size())) {
      bytes =
          bytes.first(static_cast<std::size_t>(static_cast<const std::byte*>(nul) - bytes.data()));
    }
  }
  return bytes;
}

Result<ReadWindow> open_read_window(const SegmentRecord& segment, const ReadRequest& request) {
  const std::string subject = "id " + std::to_string(segment.id);
  auto checked = select_read_bytes({}, segment.size, subject, request);
  if (!checked.ok()) return std::move(checked).error();
  auto attachment = Attachment::attach(segment.id, segment.size, Access::read_only);
  if (!attachment.ok()) return attachment.error();
  auto bytes = select_read_bytes(attachment->bytes(), segment.size, subject, request);
  if (!bytes.ok()) return std::move(bytes).error();
  return ReadWindow{std::move(*attachment), *bytes};
}

}  // namespace shmtool
