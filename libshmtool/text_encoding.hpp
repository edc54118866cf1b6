#pragma once
// How bytes travel in JSON: as UTF-8 text when they are, else base64.

#include <cstddef>
#include <span>
#include <string>

namespace shmtool {

/// Returns whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past
/// U+10FFFF).
bool is_valid_utf8(std::span<const std::byte> bytes);

/// Returns `bytes` in standard base64 with padding.
std::string base64_encode(std::span<const std::byte> bytes);

}  // namespace shmtool
