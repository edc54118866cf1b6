#pragma once
// The bytes `read` shows: a window into the segment, attached read-only.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sysv/attachment.hpp"
#include "sysv/segment.hpp"
#include "util/result.hpp"

namespace shmtool {

enum class ReadExtent {
  c_string,  // from the offset up to the first NUL, the end, or --length
  exact,     // --length bytes from the offset (default: to the end)
};

struct ReadRequest {
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
  ReadExtent extent = ReadExtent::c_string;
};

/// The attached segment and the bytes to show; the bytes live as long as the window.
struct ReadWindow {
  Attachment attachment;
  std::span<const std::byte> bytes;
};

/// Picks the bytes `request` asks for from memory of `size` bytes mapped at `all` (its whole
/// extent): a usage Error (naming `subject`) when the offset is past the end or an exact
/// length runs past it (Fact::offset_past_end, Fact::length_past_end); checked before
/// mapping by passing an empty `all`.
Result<std::span<const std::byte>> select_read_bytes(std::span<const std::byte> all,
                                                     std::uint64_t size, const std::string& subject,
                                                     const ReadRequest& request);

/// Attaches `segment` read-only and picks the bytes `request` asks for. Fails with a usage
/// Error when the offset is past the end or an exact length runs past it, or with the
/// attach Error (permission, not_found).
Result<ReadWindow> open_read_window(const SegmentRecord& segment, const ReadRequest& request);

}  // namespace shmtool
